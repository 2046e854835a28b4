"""What we tell the user: a :class:`Diagnosis` (the primary root cause) with its evidence,
its fix, and secondary findings.

The types are immutable named tuples: cheap to define, which matters because a process pays
for them on its first failure (the first diagnosis has a budget of its own).

These values are also where text enters what foundry-doctor shows, so they make it safe on
construction, whoever builds them: an :class:`Evidence` value is what was observed - often the
service's own words, a header, a name it echoed - and passes through
:func:`~foundry_doctor.facts.redaction.quote` (credentials replaced, one line, no control
characters); the sentences a rule composes (title, explanation, fix steps) pass through
:func:`~foundry_doctor.facts.redaction.guard_text`, and identifiers of the call (request id,
case id) through ``quote`` again. ``render()`` puts each value on its own line and trusts none
of them to be free of line breaks.
"""

import enum
from collections.abc import Iterable
from typing import Any, NamedTuple

from foundry_doctor.facts.redaction import guard_text, printable, quote

__all__ = ["EVIDENCE_LIMIT", "Diagnosis", "Evidence", "Finding", "Tier"]

#: at most this many characters of an observed value are shown
EVIDENCE_LIMIT = 600
#: ... of a request id, and of a case record's id
_ID_LIMIT = 128
_CASE_ID_LIMIT = 256


class Tier(enum.IntEnum):
    """How sure a finding is; the engine ranks findings by it.

    ``NOTE`` is worth knowing next to the real cause, never the cause itself. ``POSSIBLE`` is a
    best guess that the missing facts would settle, ``LIKELY`` fits the facts with nothing
    explaining them better, ``STRONG`` is proven by the facts (a decoded claim, a header that
    was or was not sent), ``CERTAIN`` is named outright by the service's answer.
    """

    NOTE = 1
    POSSIBLE = 2
    LIKELY = 3
    STRONG = 4
    CERTAIN = 5

    @property
    def confidence(self) -> str:
        """``"high"``, ``"medium"`` or ``"low"`` (a note is ``"low"``)."""
        if self >= Tier.STRONG:
            return "high"
        if self == Tier.LIKELY:
            return "medium"
        return "low"

    @property
    def score(self) -> int:
        """A number on the 0-100 scale older consumers of :attr:`Finding.score` read."""
        return _SCORES[self]


_SCORES = {Tier.NOTE: 40, Tier.POSSIBLE: 55, Tier.LIKELY: 75, Tier.STRONG: 88, Tier.CERTAIN: 95}


def _guarded_steps(steps: object) -> tuple[str, ...]:
    """Fix steps or missing facts as a tuple of guarded sentences (one string is one step)."""
    if not steps:
        return ()
    if isinstance(steps, Iterable) and not isinstance(steps, str):
        return tuple([guard_text(step) for step in steps])
    return (guard_text(steps),)


def _line(text: object) -> str:
    """One value as one line of output, whatever it holds."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return text if text.isprintable() else printable(text)


def _optional(text: object, guard: Any) -> Any:
    return None if text is None else guard(text)


class _EvidenceFields(NamedTuple):
    label: str
    actual: str
    expected: str | None = None


class Evidence(_EvidenceFields):
    """One observed value set against what was expected, e.g. a token audience against the
    audiences the endpoint accepts. ``expected`` is ``None`` for a plain observation. Both are
    quoted (:func:`~foundry_doctor.facts.redaction.quote`) when the value is made."""

    __slots__ = ()

    def __new__(cls, label: str, actual: str, expected: str | None = None) -> "Evidence":
        return super().__new__(
            cls,
            _line(label),
            quote(actual, limit=EVIDENCE_LIMIT),
            None if expected is None else quote(expected, limit=EVIDENCE_LIMIT),
        )

    def render(self) -> str:
        label, actual = _line(self.label), _line(self.actual)
        if self.expected is None:
            return f"{label}: {actual}"
        return f"{label}: {actual} (expected {_line(self.expected)})"

    def to_dict(self) -> dict[str, str | None]:
        return {"label": self.label, "actual": self.actual, "expected": self.expected}


class _FindingFields(NamedTuple):
    rule: str
    code: str
    title: str
    explanation: str
    tier: Tier = Tier.LIKELY
    evidence: tuple[Evidence, ...] = ()
    fix: tuple[str, ...] = ()
    docs_url: str | None = None
    missing_facts: tuple[str, ...] = ()
    actions: frozenset[str] = frozenset()


class Finding(_FindingFields):
    """One rule's conclusion about the facts: which rule, how sure, and what it found.

    ``tier`` says how sure it is; the engine makes the surest finding the primary diagnosis
    and keeps others as secondary when they add something to do. ``actions`` name what the
    fix does (``"token-scope"``, ``"role-assignment"``, ``"migrate:models-api"``, ...): a
    secondary finding is kept only when it adds an action the primary lacks.
    ``missing_facts`` name what else would have to be known to be sure. The sentences are
    guarded (:func:`~foundry_doctor.facts.redaction.guard_text`) when the value is made.
    """

    __slots__ = ()

    def __new__(
        cls,
        rule: str,
        code: str,
        title: str,
        explanation: str,
        tier: Tier = Tier.LIKELY,
        evidence: tuple[Evidence, ...] = (),
        fix: tuple[str, ...] = (),
        docs_url: str | None = None,
        missing_facts: tuple[str, ...] = (),
        actions: frozenset[str] = frozenset(),
    ) -> "Finding":
        return super().__new__(
            cls,
            _line(rule),
            _line(code),
            guard_text(title),
            guard_text(explanation),
            tier,
            tuple(evidence),
            _guarded_steps(fix),
            _optional(docs_url, guard_text),
            _guarded_steps(missing_facts),
            actions,
        )

    @property
    def confidence(self) -> str:
        return self.tier.confidence

    @property
    def score(self) -> int:
        """The tier on a 0-100 scale (kept for older consumers; the engine ranks by tier)."""
        return self.tier.score

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "code": self.code,
            "title": self.title,
            "explanation": self.explanation,
            "confidence": self.confidence,
            "score": self.score,
            "evidence": [item.to_dict() for item in self.evidence],
            "fix": list(self.fix),
            "docs_url": self.docs_url,
            "missing_facts": list(self.missing_facts),
        }


class _DiagnosisFields(NamedTuple):
    rule: str
    code: str
    title: str
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    fix: tuple[str, ...] = ()
    secondary: tuple[Finding, ...] = ()
    docs_url: str | None = None
    status: int | None = None
    request_id: str | None = None
    case_id: str | None = None
    missing_facts: tuple[str, ...] = ()
    confidence: str | None = None


class Diagnosis(_DiagnosisFields):
    """The root cause of a failed call, as told to the user.

    ``rule`` is the stable slug (``"token-wrong-audience"``), ``code`` the stable rule code
    (``"FD102"``), ``title`` a one-line name of the cause, ``explanation`` a few sentences,
    ``evidence`` the concrete values, ``fix`` the steps with exact values, ``secondary`` the
    other findings that also apply, ``docs_url`` where to read more. ``status`` and
    ``request_id`` identify the failed call (``request_id`` from ``apim-request-id`` /
    ``x-request-id``), ``case_id`` the case record it came from, if any. ``missing_facts`` name
    what else would settle an uncertain diagnosis; ``confidence`` is ``"high"``, ``"medium"``
    or ``"low"``.
    """

    __slots__ = ()

    def __new__(
        cls,
        rule: str,
        code: str,
        title: str,
        explanation: str,
        evidence: tuple[Evidence, ...] = (),
        fix: tuple[str, ...] = (),
        secondary: tuple[Finding, ...] = (),
        docs_url: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        case_id: str | None = None,
        missing_facts: tuple[str, ...] = (),
        confidence: str | None = None,
    ) -> "Diagnosis":
        return super().__new__(
            cls,
            _line(rule),
            _line(code),
            guard_text(title),
            guard_text(explanation),
            tuple(evidence),
            _guarded_steps(fix),
            tuple(secondary),
            _optional(docs_url, guard_text),
            status,
            None if request_id is None else quote(request_id, limit=_ID_LIMIT),
            None if case_id is None else quote(case_id, limit=_CASE_ID_LIMIT),
            _guarded_steps(missing_facts),
            _optional(confidence, _line),
        )

    @classmethod
    def of(
        cls,
        primary: Finding,
        *,
        secondary: tuple[Finding, ...] = (),
        status: int | None = None,
        request_id: str | None = None,
        case_id: str | None = None,
    ) -> "Diagnosis":
        """The diagnosis whose cause is ``primary``. Its texts were made safe when the finding
        was made, and the guards are idempotent, so they are taken as they are; the
        identifiers of the call are quoted as in :meth:`__new__`."""
        # the generated constructor of the fields, by name: the guarding one is not asked again
        return _DiagnosisFields.__new__(
            cls,
            rule=primary.rule,
            code=primary.code,
            title=primary.title,
            explanation=primary.explanation,
            evidence=primary.evidence,
            fix=primary.fix,
            secondary=tuple(secondary),
            docs_url=primary.docs_url,
            status=status,
            request_id=None if request_id is None else quote(request_id, limit=_ID_LIMIT),
            case_id=None if case_id is None else quote(case_id, limit=_CASE_ID_LIMIT),
            missing_facts=primary.missing_facts,
            confidence=primary.confidence,
        )

    @property
    def summary(self) -> str:
        """One line: ``[FD102 token-wrong-audience] <title>``."""
        return f"[{self.code} {self.rule}] {self.title}"

    @property
    def secondary_rules(self) -> tuple[str, ...]:
        return tuple(finding.rule for finding in self.secondary)

    def render(self) -> str:
        """The diagnosis as plain text, for exception messages and logs: every value on a line
        of its own (a value can never start a line of its own making)."""
        head = f"foundry-doctor {_line(self.summary)}"
        if self.confidence:
            head += f" ({_line(self.confidence)} confidence)"
        lines = [head, _line(self.explanation)]
        if self.evidence:
            lines.append("Evidence:")
            lines.extend(f"  - {item.render()}" for item in self.evidence)
        if self.fix:
            lines.append("Fix:")
            lines.extend(f"  {index}. {_line(step)}" for index, step in enumerate(self.fix, 1))
        if self.secondary:
            lines.append("Also:")
            lines.extend(f"  - {_line(f'[{f.code} {f.rule}] {f.title}')}" for f in self.secondary)
        if self.missing_facts:
            lines.append("Would settle it: " + _line("; ".join(self.missing_facts)))
        if self.docs_url:
            lines.append(f"Docs: {_line(self.docs_url)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data."""
        return {
            "id": self.case_id,
            "rule": self.rule,
            "code": self.code,
            "title": self.title,
            "explanation": self.explanation,
            "evidence": [item.to_dict() for item in self.evidence],
            "fix": list(self.fix),
            "secondary": [finding.rule for finding in self.secondary],
            "secondary_findings": [finding.to_dict() for finding in self.secondary],
            "docs_url": self.docs_url,
            "status": self.status,
            "request_id": self.request_id,
            "missing_facts": list(self.missing_facts),
            "confidence": self.confidence,
        }
