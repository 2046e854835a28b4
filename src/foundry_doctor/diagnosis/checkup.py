"""From a configuration to findings, before any call: what ``foundry-doctor check`` and
``foundry_doctor.check(client)`` report.

Every rule with a ``static`` detector judges the configuration (see
:class:`~foundry_doctor.facts.configuration.Configuration`); each finding it returns is a
problem the client will meet on its first call. Findings scored as a cause
(:data:`~foundry_doctor.rules.base.LIKELY` and up) are *errors*, the rest *warnings*.
:func:`check_configuration` never raises: a rule that fails is skipped and logged at DEBUG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis.model import Finding
from foundry_doctor.facts.configuration import Configuration
from foundry_doctor.facts.redaction import quote
from foundry_doctor.rules.base import LIKELY, SECONDARY_MIN
from foundry_doctor.rules.catalogue import CATALOGUE
from foundry_doctor.rules.context import RuleContext

__all__ = ["Checkup", "Severity", "check_configuration", "severity_of"]

logger = logger_for(__name__)

Severity = Literal["error", "warning"]

#: When the endpoint does not suit the client, the URL the client would build from it is not
#: worth judging: findings about that URL's path or api-version only repeat the mismatch.
_SUPERSEDES = {
    "client-endpoint-mismatch": frozenset(
        {"endpoint-path-wrong", "api-version-unsupported", "non-openai-model-on-azure-openai"}
    ),
}


def severity_of(finding: Finding) -> Severity:
    """``"error"`` for a finding that will make calls fail, ``"warning"`` otherwise."""
    return "error" if finding.score >= LIKELY else "warning"


@dataclass(frozen=True, slots=True)
class Checkup:
    """The result of checking one configuration: the configuration as judged (no secrets) and
    the findings, most serious first. ``ok`` is true when no finding is an error."""

    configuration: Configuration
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if severity_of(f) == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if severity_of(f) == "warning")

    def render(self) -> str:
        """Plain text for a terminal: the configuration, then each finding with its fix."""
        config = self.configuration.to_dict()  # as it may be shown: no secret in the URLs
        lines = [f"client:   {config['client']}", f"endpoint: {config['endpoint'] or '(not set)'}"]
        if config["request_url"]:
            lines.append(f"calls:    {config['request_url']}")
        lines.append(f"auth:     {config['credential'] or 'unknown'}")
        if self.configuration.scopes:
            lines.append(f"scopes:   {', '.join(quote(s) for s in self.configuration.scopes)}")
        lines.append("")
        if not self.findings:
            lines.append("No problem found in this configuration.")
            return "\n".join(lines)
        for finding in self.findings:
            lines.append(f"{severity_of(finding).upper()} [{finding.code} {finding.rule}] ")
            lines[-1] += finding.title
            lines.append(f"  {finding.explanation}")
            lines.extend(f"  - {item.render()}" for item in finding.evidence)
            lines.extend(f"  fix: {step}" for step in finding.fix)
            lines.append("")
        errors, warnings = len(self.errors), len(self.warnings)
        lines.append(f"{errors} error(s), {warnings} warning(s).")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "configuration": self.configuration.to_dict(),
            "findings": [
                {**finding.to_dict(), "severity": severity_of(finding)} for finding in self.findings
            ],
        }


def check_configuration(configuration: Configuration, *, now: float | None = None) -> Checkup:
    """Judge ``configuration`` with every rule that can tell its cause before a call.

    ``now`` (epoch seconds) is the moment to judge for (retirements); the current time by
    default. Never raises.
    """
    try:
        context = RuleContext(configuration.to_facts(now=now))
    except Exception:
        logger.debug("could not read the configuration", exc_info=True)
        return Checkup(configuration)
    findings: list[Finding] = []
    for rule in CATALOGUE:
        if rule.static is None:
            continue
        try:
            finding = rule.static(context)
        except Exception:
            logger.debug("rule %s failed on this configuration", rule.slug, exc_info=True)
            continue
        if finding is not None and finding.score >= SECONDARY_MIN:
            findings.append(finding)
    found = {finding.rule for finding in findings}
    superseded = {slug for rule in found for slug in _SUPERSEDES.get(rule, ())}
    kept = sorted((f for f in findings if f.rule not in superseded), key=lambda f: -f.score)
    return Checkup(configuration, tuple(kept))
