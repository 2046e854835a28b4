"""From facts to a diagnosis: run the rules that apply, arbitrate between their findings in one
place, keep the surest as the cause.

Arbitration (:func:`arbitrate`) reads only what the rules declare (see
:mod:`foundry_doctor.rules.base`): a finding whose rule does not account for a cause the
service's message states is dropped; Azure-specific findings are dropped for a host that is not
an Azure AI host and hedged when no host is known; a finding superseded by an at least equally
sure finding is dropped; the rest are ranked by tier, then by whether they account for what the
message says, then by code. A secondary finding is kept only when it adds an action the primary
does not ask for. :func:`diagnose` never raises: a rule that fails on odd facts is skipped (and
logged at DEBUG); when nothing could be the cause, the ``unknown`` rule's checklist is the
answer, so a failure is never left unexplained.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis.model import Diagnosis, Finding, Tier
from foundry_doctor.facts.observation import AuthFacts, Facts
from foundry_doctor.facts.redaction import guard_text
from foundry_doctor.rules.base import Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.selection import fallback, rule_named, rules_for

__all__ = ["HEDGE", "arbitrate", "diagnose", "run_rules"]

logger = logger_for(__name__)

_REQUEST_ID_HEADERS = ("apim-request-id", "x-request-id", "x-ms-request-id", "request-id")
#: the hedge put before an Azure-specific finding when no host is known at all
HEDGE = "If this is an Azure endpoint: "


def diagnose(
    facts_or_case: Facts | Mapping[str, Any], *, include_personal: bool = False
) -> Diagnosis:
    """Name the root cause of one failed call.

    ``facts_or_case`` is a :class:`Facts` value or a case record (a mapping in the layout of
    ``../shared/cases``). The surest finding becomes the diagnosis; the other findings that add
    something to do become ``secondary``. ``include_personal=True`` lets the diagnosis name the
    signed-in person (upn, name) from the token; otherwise only object and tenant ids appear.
    Never raises.
    """
    try:
        facts = _facts(facts_or_case)
        context = RuleContext(facts, include_personal=include_personal)
    except Exception:
        logger.debug("could not read the facts; diagnosing an empty observation", exc_info=True)
        facts = Facts(auth=AuthFacts(observed=False))
        context = RuleContext(facts, include_personal=include_personal)
    try:
        return _diagnose(context)
    except Exception:
        logger.debug("diagnosis failed; falling back to the checklist", exc_info=True)
        return _last_resort(facts)


def _facts(value: object) -> Facts:
    if isinstance(value, Facts):
        return value
    if isinstance(value, Mapping):
        from foundry_doctor.facts.case_record import facts_from_case  # case records: on first use

        return facts_from_case(value)
    return Facts(auth=AuthFacts(observed=False))


def run_rules(
    context: RuleContext, rules: Iterable[Rule] | None = None, *, static: bool = False
) -> list[Finding]:
    """Every finding the rules (by default all but the fallback that may apply, imported on
    first use: see :mod:`foundry_doctor.rules.selection`) make of ``context`` (their
    ``static`` detectors when ``static``); a rule that raises is skipped and logged."""
    # the rules chosen for the context are chosen by their claims: no need to ask them again
    ask = not static and rules is not None
    if rules is None:
        rules = _static_rules() if static else rules_for(context)
    findings: list[Finding] = []
    for rule in rules:
        detector = rule.static if static else rule.detect
        if detector is None or (ask and not rule.applies(context)):
            continue
        try:
            finding = detector(context)
        except Exception:
            logger.debug("rule %s failed on these facts; skipped", rule.slug, exc_info=True)
            continue
        if finding is not None:
            findings.append(finding)
    return findings


def _static_rules() -> tuple[Rule, ...]:
    """Every rule with a static detector (a configuration is judged by all of them)."""
    from foundry_doctor.rules.catalogue import CATALOGUE

    return tuple(rule for rule in CATALOGUE if rule.static is not None)


def arbitrate(findings: Iterable[Finding], context: RuleContext) -> list[Finding]:
    """The findings worth telling, surest first: the first is the cause (when it is more than
    a note), the others each add an action it lacks."""
    stated = context.stated_causes
    kept: list[tuple[Finding, Rule]] = []
    for finding in findings:
        rule = rule_named(finding.rule)
        if rule is None:
            continue
        if rule.azure_only and context.host_kind == "other":
            continue  # not an Azure AI host: nothing Azure-specific can be backed
        if stated and finding.tier > Tier.NOTE and not (rule.claims.meanings & stated):
            continue  # the service names a cause this rule does not account for
        if rule.azure_only and context.host_kind is None and context.body_is_silent:
            finding = _hedged(finding)
        kept.append((finding, rule))
    kept = [
        (finding, rule)
        for finding, rule in kept
        if not any(
            finding.rule in other_rule.supersedes and other.tier >= finding.tier
            for other, other_rule in kept
            if other is not finding
        )
    ]
    kept.sort(
        key=lambda pair: (
            -pair[0].tier,
            -int(bool(pair[1].claims.meanings & stated)),
            pair[1].code,
        )
    )
    ranked = [finding for finding, _ in kept]
    if not ranked:
        return []
    primary, others = ranked[0], ranked[1:]
    result = [primary]
    seen = {primary.rule}
    actions = set(primary.actions)
    for finding in others:
        if finding.rule in seen or not (finding.actions - actions):
            continue
        result.append(finding)
        seen.add(finding.rule)
        actions |= finding.actions
    return result


def _hedged(finding: Finding) -> Finding:
    """An Azure-specific finding when no host is known: one tier less sure, and said so."""
    tier = Tier(max(Tier.POSSIBLE, finding.tier - 1)) if finding.tier > Tier.NOTE else finding.tier
    return finding._replace(tier=tier, explanation=guard_text(HEDGE + finding.explanation))


def _diagnose(context: RuleContext) -> Diagnosis:
    ranked = arbitrate(run_rules(context), context)
    if ranked and ranked[0].tier >= Tier.POSSIBLE:
        primary, secondary = ranked[0], tuple(ranked[1:])
    else:
        from foundry_doctor.rules.unknown import explain as explain_unknown  # the checklist

        primary = explain_unknown(context)
        secondary = tuple(finding for finding in ranked if finding.actions - primary.actions)
    return Diagnosis.of(
        primary,
        secondary=secondary,
        status=context.status,
        request_id=_request_id(context.facts),
        case_id=context.facts.case_id if isinstance(context.facts.case_id, str) else None,
    )


def _request_id(facts: Facts) -> str | None:
    headers: object = facts.headers
    if not isinstance(headers, Mapping):
        return None
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:128]
    return None


def _last_resort(facts: Facts) -> Diagnosis:
    status = facts.status if isinstance(facts.status, int) else None
    rule = fallback()
    return Diagnosis(
        rule=rule.slug,
        code=rule.code,
        title=rule.title,
        explanation=(
            f"The {status if status is not None else 'failed'} response could not be analysed; "
            "check the credential, the endpoint and the deployment name of the call."
        ),
        docs_url=rule.docs_url,
        status=status,
        case_id=facts.case_id if isinstance(facts.case_id, str) else None,
        confidence="low",
    )
