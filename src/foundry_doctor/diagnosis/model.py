"""What we tell the user: a :class:`Diagnosis` (the primary root cause) with its evidence,
its fix, and secondary findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Diagnosis", "Evidence", "Finding", "Tier"]


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


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observed value set against what was expected, e.g. a token audience against the
    audiences the endpoint accepts. ``expected`` is ``None`` for a plain observation."""

    label: str
    actual: str
    expected: str | None = None

    def render(self) -> str:
        if self.expected is None:
            return f"{self.label}: {self.actual}"
        return f"{self.label}: {self.actual} (expected {self.expected})"

    def to_dict(self) -> dict[str, str | None]:
        return {"label": self.label, "actual": self.actual, "expected": self.expected}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's conclusion about the facts: which rule, how sure, and what it found.

    ``tier`` says how sure it is; the engine makes the surest finding the primary diagnosis
    and keeps others as secondary when they add something to do. ``actions`` name what the
    fix does (``"token-scope"``, ``"role-assignment"``, ``"migrate:models-api"``, ...): a
    secondary finding is kept only when it adds an action the primary lacks.
    ``missing_facts`` name what else would have to be known to be sure.
    """

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

    @property
    def summary(self) -> str:
        """One line: ``[FD102 token-wrong-audience] <title>``."""
        return f"[{self.code} {self.rule}] {self.title}"

    @property
    def secondary_rules(self) -> tuple[str, ...]:
        return tuple(finding.rule for finding in self.secondary)

    def render(self) -> str:
        """The diagnosis as plain text, for exception messages and logs."""
        head = f"foundry-doctor {self.summary}"
        if self.confidence:
            head += f" ({self.confidence} confidence)"
        lines = [head, self.explanation]
        if self.evidence:
            lines.append("Evidence:")
            lines.extend(f"  - {item.render()}" for item in self.evidence)
        if self.fix:
            lines.append("Fix:")
            lines.extend(f"  {index}. {step}" for index, step in enumerate(self.fix, 1))
        if self.secondary:
            lines.append("Also:")
            lines.extend(f"  - [{f.code} {f.rule}] {f.title}" for f in self.secondary)
        if self.missing_facts:
            lines.append("Would settle it: " + "; ".join(self.missing_facts))
        if self.docs_url:
            lines.append(f"Docs: {self.docs_url}")
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
