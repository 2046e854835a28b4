"""From a configuration to findings, before any call: what ``foundry-doctor check`` and
``foundry_doctor.check(client)`` report.

Every rule with a ``static`` detector judges the configuration (see
:class:`~foundry_doctor.facts.configuration.Configuration`); each finding it returns is a
problem the client will meet on its first call. The engine's arbitration decides which findings
to tell (a finding another one supersedes, or one that adds nothing to do, is left out).
Findings at least ``LIKELY`` are *errors*, the rest *warnings*. :func:`check_configuration`
never raises: a rule that fails is skipped and logged at DEBUG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis.engine import arbitrate, run_rules
from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.facts.configuration import Configuration
from foundry_doctor.rules.catalogue import CATALOGUE
from foundry_doctor.rules.context import RuleContext

__all__ = ["Checkup", "Severity", "check_configuration", "severity_of"]

logger = logger_for(__name__)

Severity = Literal["error", "warning"]

def severity_of(finding: Finding) -> Severity:
    """``"error"`` for a finding that will make calls fail, ``"warning"`` otherwise."""
    return "error" if finding.tier >= Tier.LIKELY else "warning"


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
        config = self.configuration
        lines = [f"client:   {config.client}", f"endpoint: {config.endpoint or '(not set)'}"]
        url = config.request_url()
        if url:
            lines.append(f"calls:    {url}")
        lines.append(f"auth:     {config.credential or 'unknown'}")
        if config.scopes:
            lines.append(f"scopes:   {', '.join(config.scopes)}")
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
    try:
        kept = arbitrate(run_rules(context, CATALOGUE, static=True), context)
    except Exception:
        logger.debug("could not judge this configuration", exc_info=True)
        return Checkup(configuration)
    return Checkup(configuration, tuple(kept))
