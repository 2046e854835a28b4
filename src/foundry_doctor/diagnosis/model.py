"""What we tell the user: a :class:`Diagnosis` (the primary root cause) with its evidence,
its fix, and secondary findings.

These values are where text enters what foundry-doctor shows, so they make it safe on
construction, whoever builds them: an :class:`Evidence` value is what was observed - often the
service's own words, a header, a name it echoed - and passes through
:func:`~foundry_doctor.facts.redaction.quote` (credentials replaced, one line, no control
characters); the sentences a rule composes (title, explanation, fix steps) pass through
:func:`~foundry_doctor.facts.redaction.guard_text`, and identifiers of the call (request id,
case id) through ``quote`` again. ``render()`` puts each value on its own line and trusts none
of them to be free of line breaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from foundry_doctor.facts.redaction import guard_text, printable, quote

__all__ = ["Diagnosis", "Evidence", "Finding"]

#: at most this many characters of an observed value are shown
EVIDENCE_LIMIT = 600
#: ... of a request id, and of a case record's id
_ID_LIMIT = 128
_CASE_ID_LIMIT = 256


#: how a frozen value replaces its own fields while it is being made
_set = object.__setattr__


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


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observed value set against what was expected, e.g. a token audience against the
    audiences the endpoint accepts. ``expected`` is ``None`` for a plain observation."""

    label: str
    actual: str
    expected: str | None = None

    def __post_init__(self) -> None:
        _set(self, "label", _line(self.label))
        _set(self, "actual", quote(self.actual, limit=EVIDENCE_LIMIT))
        if self.expected is not None:
            _set(self, "expected", quote(self.expected, limit=EVIDENCE_LIMIT))

    def render(self) -> str:
        label, actual = _line(self.label), _line(self.actual)
        if self.expected is None:
            return f"{label}: {actual}"
        return f"{label}: {actual} (expected {_line(self.expected)})"

    def to_dict(self) -> dict[str, str | None]:
        return {"label": self.label, "actual": self.actual, "expected": self.expected}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's conclusion about the facts: which rule, how sure, and what it found.

    ``score`` orders findings: the highest becomes the primary diagnosis; the others (those
    that are root causes in their own right or aggravating factors) become secondary.
    ``missing_facts`` name what else would have to be known to be sure.
    """

    rule: str
    code: str
    title: str
    explanation: str
    score: int = 50
    evidence: tuple[Evidence, ...] = ()
    fix: tuple[str, ...] = ()
    docs_url: str | None = None
    missing_facts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _guard_text_fields(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "code": self.code,
            "title": self.title,
            "explanation": self.explanation,
            "score": self.score,
            "evidence": [item.to_dict() for item in self.evidence],
            "fix": list(self.fix),
            "docs_url": self.docs_url,
            "missing_facts": list(self.missing_facts),
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
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
    missing_facts: tuple[str, ...] = field(default=())
    confidence: str | None = None

    def __post_init__(self) -> None:
        _guard_text_fields(self)
        if self.request_id is not None:
            _set(self, "request_id", quote(self.request_id, limit=_ID_LIMIT))
        if self.case_id is not None:
            _set(self, "case_id", quote(self.case_id, limit=_CASE_ID_LIMIT))
        if self.confidence is not None:
            _set(self, "confidence", _line(self.confidence))

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
        lines = [f"foundry-doctor {_line(self.summary)}", _line(self.explanation)]
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


def _guard_text_fields(value: Finding | Diagnosis) -> None:
    """The text fields a :class:`Finding` and a :class:`Diagnosis` share, made safe to show."""
    _set(value, "rule", _line(value.rule))
    _set(value, "code", _line(value.code))
    _set(value, "title", guard_text(value.title))
    _set(value, "explanation", guard_text(value.explanation))
    _set(value, "fix", _guarded_steps(value.fix))
    _set(value, "missing_facts", _guarded_steps(value.missing_facts))
    if value.docs_url is not None:
        _set(value, "docs_url", guard_text(value.docs_url))
