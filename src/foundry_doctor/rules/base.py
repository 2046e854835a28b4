"""The shape every rule has: a :class:`Rule` record (its stable code and slug, what the cause
means, how it is detected, how it is fixed, an example) plus its ``detect`` function.

Rules are data first: the catalogue, ``foundry-doctor rules`` and the rules reference read the
record; the engine calls ``detect``. A rule module declares exactly one ``RULE``. A rule whose
cause shows in a client's configuration alone also has a ``static`` detector, which
``foundry-doctor check`` runs on facts with no response (nothing was sent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.observation import Facts
from foundry_doctor.rules.context import RuleContext

__all__ = [
    "AGGRAVATING",
    "CERTAIN",
    "LIKELY",
    "POSSIBLE",
    "PRIMARY_MIN",
    "SECONDARY_MIN",
    "STRONG",
    "Rule",
]

#: The service's answer names the cause outright.
CERTAIN = 95
#: The facts prove the cause (a decoded claim, a header that was or was not sent).
STRONG = 88
#: The facts fit this cause and no other rule explains them better.
LIKELY = 75
#: A best guess that the ``missing_facts`` would confirm or refute.
POSSIBLE = 55
#: Worth knowing next to the real cause, never the cause itself.
AGGRAVATING = 40

#: A finding below this score is never the primary diagnosis.
PRIMARY_MIN = 50
#: A finding below this score is not reported at all.
SECONDARY_MIN = 35

Detector = Callable[[RuleContext], "Finding | None"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One root cause the engine can name.

    ``code`` (``FD102``) and ``slug`` (``token-wrong-audience``) never change meaning once
    published. ``title`` is the one-line name, ``meaning`` what the cause is, ``detection`` which
    facts reveal it, ``remedy`` how it is fixed in general (a finding carries the exact lines for
    one call), ``example`` a failure it explains. ``detect`` returns a :class:`Finding` or
    ``None``; it must not raise on odd facts, and the engine guards it anyway. ``static``, when
    set, judges a configuration before any call (the facts have no status, no body, and a
    request URL predicted from the configuration).
    """

    code: str
    slug: str
    title: str
    meaning: str
    detection: str
    remedy: str
    example: str
    detect: Detector = field(repr=False, compare=False)
    docs_url: str | None = None
    static: Detector | None = field(default=None, repr=False, compare=False)

    def finding(
        self,
        explanation: str,
        *,
        score: int,
        evidence: Iterable[Evidence | None] = (),
        fix: Iterable[str] = (),
        missing_facts: Iterable[str] = (),
        title: str | None = None,
    ) -> Finding:
        """A finding of this rule; ``None`` items of ``evidence`` are dropped."""
        return Finding(
            rule=self.slug,
            code=self.code,
            title=title or self.title,
            explanation=explanation,
            score=score,
            evidence=tuple(item for item in evidence if item is not None),
            fix=tuple(fix),
            docs_url=self.docs_url,
            missing_facts=tuple(missing_facts),
        )

    def check(self, facts: Facts, *, include_personal: bool = False) -> Finding | None:
        """Run this rule alone on ``facts`` (for tests and tools; the engine shares one context
        between all rules)."""
        return self.detect(RuleContext(facts, include_personal=include_personal))

    def to_dict(self) -> dict[str, Any]:
        """The catalogue entry as JSON-ready data."""
        return {
            "code": self.code,
            "slug": self.slug,
            "title": self.title,
            "meaning": self.meaning,
            "detection": self.detection,
            "remedy": self.remedy,
            "example": self.example,
            "docs_url": self.docs_url,
            "static": self.static is not None,
        }

    def render(self) -> str:
        """The catalogue entry as plain text (``foundry-doctor rules <slug>``)."""
        lines = [
            f"{self.code} {self.slug}: {self.title}",
            "",
            "What it means:",
            _indent(self.meaning),
            "",
            "How it is detected:",
            _indent(self.detection),
            "",
            "How to fix it:",
            _indent(self.remedy),
            "",
            "Example:",
            _indent(self.example),
        ]
        if self.docs_url:
            lines += ["", f"Docs: {self.docs_url}"]
        return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())
