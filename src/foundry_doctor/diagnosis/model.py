"""What we tell the user: a :class:`Diagnosis` (the primary root cause) with its evidence,
its fix, and secondary findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Diagnosis", "Evidence", "Finding"]


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

    @property
    def summary(self) -> str:
        """One line: ``[FD102 token-wrong-audience] <title>``."""
        return f"[{self.code} {self.rule}] {self.title}"

    @property
    def secondary_rules(self) -> tuple[str, ...]:
        return tuple(finding.rule for finding in self.secondary)

    def render(self) -> str:
        """The diagnosis as plain text, for exception messages and logs."""
        lines = [f"foundry-doctor {self.summary}", self.explanation]
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
