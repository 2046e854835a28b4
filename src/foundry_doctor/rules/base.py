"""The shape every rule has: a :class:`Rule` record (its stable code and slug, what the cause
means, how it is detected, how it is fixed, an example, and what it claims) plus its ``detect``
function.

Rules are data first: the catalogue, ``foundry-doctor rules`` and the rules reference read the
record; the engine reads the claims and calls ``detect``. A rule module declares exactly one
``RULE``. What a rule declares, the engine enforces in one place (``diagnosis/engine.py``):

- ``claims.statuses``: the HTTP statuses the cause comes with; the rule runs only for those
  (or when the status is not known);
- ``claims.meanings``: the service's error meanings the rule can account for; when the body
  states a specific meaning the rule does not claim, its finding is dropped;
- ``claims.before_request``: the rule judges a failure where no request reached the service
  (a credential that could not get a token); ``claims.after_request`` (on by default): it
  judges the service's answers too - off for the rules of token failures alone;
- ``supersedes``: rules whose findings this rule's finding makes redundant;
- ``azure_only``: the cause exists only on Azure hosts; off Azure the finding is dropped, and
  with no host known at all it is hedged.

A rule whose cause shows in a client's configuration alone also has a ``static`` detector,
which ``foundry-doctor check`` runs on facts with no response (nothing was sent).
"""

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.facts.observation import Facts
from foundry_doctor.facts.redaction import ours
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning

__all__ = ["Claims", "Rule", "Tier"]

Detector = Callable[[RuleContext], "Finding | None"]


class Claims(NamedTuple):
    """What a rule answers for: HTTP ``statuses`` (empty: any) and error ``meanings``; failures
    before any request (``before_request``) and answers of the service (``after_request``)."""

    statuses: frozenset[int] = frozenset()
    meanings: frozenset[Meaning] = frozenset()
    before_request: bool = False
    after_request: bool = True

    def status_fits(self, status: int | None) -> bool:
        return status is None or not self.statuses or status in self.statuses

    def admit(self, *, failed: bool, reached: bool, status: int | None) -> bool:
        """Whether a rule with these claims is asked about a failure at all (``failed``: a
        credential could not get a token; ``reached``: the service answered, with
        ``status``): its statuses fit the response, and a failure before any request is
        judged only by rules that claim such failures."""
        if failed:
            return self.before_request
        if not reached or not self.after_request:
            return False  # no answer to judge, or a rule of token failures alone
        return self.status_fits(status)


def claims(
    *statuses: int,
    meanings: Iterable[Meaning] = (),
    before_request: bool = False,
    after_request: bool = True,
) -> Claims:
    """A :class:`Claims` from loose parts."""
    return Claims(frozenset(statuses), frozenset(meanings), before_request, after_request)


class Rule(NamedTuple):
    """One root cause the engine can name.

    ``code`` (``FD102``) and ``slug`` (``token-wrong-audience``) never change meaning once
    published. ``title`` is the one-line name (``guess_title`` the same phrased as a guess, for
    low-confidence findings), ``meaning`` what the cause is, ``detection`` which facts reveal
    it, ``remedy`` how it is fixed in general (a finding carries the exact lines for one call),
    ``example`` a failure it explains. ``detect`` returns a :class:`Finding` or ``None``; it
    must not raise on odd facts, and the engine guards it anyway. ``static``, when set, judges
    a configuration before any call (the facts have no status, no body, and a request URL
    predicted from the configuration). See the module docs for ``claims``, ``supersedes`` and
    ``azure_only``.
    """

    code: str
    slug: str
    title: str
    meaning: str
    detection: str
    remedy: str
    example: str
    detect: Detector
    claims: Claims = Claims()
    docs_url: str | None = None
    static: Detector | None = None
    supersedes: frozenset[str] = frozenset()
    azure_only: bool = True
    guess_title: str | None = None

    def finding(
        self,
        explanation: str,
        *,
        tier: Tier,
        evidence: Iterable[Evidence | None] = (),
        fix: Iterable[str] = (),
        missing_facts: Iterable[str] = (),
        title: str | None = None,
        actions: Iterable[str] = (),
    ) -> Finding:
        """A finding of this rule; ``None`` items of ``evidence`` are dropped, and a guess
        (``POSSIBLE`` and below) gets :attr:`guess_title` unless ``title`` is given."""
        if title is None:  # the rule's own: guarded once (see ours())
            title = ours(
                self.guess_title if tier <= Tier.POSSIBLE and self.guess_title else self.title
            )
        return Finding(
            rule=self.slug,
            code=self.code,
            title=title,
            explanation=explanation,
            tier=tier,
            evidence=tuple(item for item in evidence if item is not None),
            fix=tuple(fix),
            docs_url=None if self.docs_url is None else ours(self.docs_url),
            missing_facts=tuple(missing_facts),
            actions=frozenset(actions),
        )

    def applies(self, ctx: RuleContext) -> bool:
        """Whether this rule is asked about these facts at all (see :meth:`Claims.admit`)."""
        return self.claims.admit(
            failed=ctx.credential_failure is not None,
            reached=ctx.reached_service,
            status=ctx.status,
        )

    def check(self, facts: Facts, *, include_personal: bool = False) -> Finding | None:
        """Run this rule alone on ``facts``, as the engine asks it (for tests and tools; the
        engine shares one context between all rules and arbitrates between their findings)."""
        ctx = RuleContext(facts, include_personal=include_personal)
        return self.detect(ctx) if self.applies(ctx) else None

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
            "statuses": sorted(self.claims.statuses),
            "supersedes": sorted(self.supersedes),
            "azure_only": self.azure_only,
        }

    def __repr__(self) -> str:
        return f"Rule({self.code} {self.slug})"

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
