"""From facts to a diagnosis: run every rule, rank the findings, keep the best as the cause.

:func:`diagnose` never raises. A rule that fails on odd facts is skipped (and logged at DEBUG);
when nothing could be the cause, the ``unknown`` rule's checklist for the status is the answer,
so a failure is never left unexplained.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis.model import Diagnosis, Finding
from foundry_doctor.facts.case_record import facts_from_case
from foundry_doctor.facts.observation import AuthFacts, Facts
from foundry_doctor.rules.base import PRIMARY_MIN, SECONDARY_MIN
from foundry_doctor.rules.catalogue import CATALOGUE, FALLBACK
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.unknown import explain as explain_unknown

__all__ = ["diagnose"]

logger = logger_for(__name__)

_REQUEST_ID_HEADERS = ("apim-request-id", "x-request-id", "x-ms-request-id", "request-id")
_RULES = tuple(rule for rule in CATALOGUE if rule is not FALLBACK)


def diagnose(
    facts_or_case: Facts | Mapping[str, Any], *, include_personal: bool = False
) -> Diagnosis:
    """Name the root cause of one failed call.

    ``facts_or_case`` is a :class:`Facts` value or a case record (a mapping in the layout of
    ``../shared/cases``). The highest-scoring finding becomes the diagnosis; the other findings
    that are causes in their own right or make things worse become ``secondary``.
    ``include_personal=True`` lets the diagnosis name the signed-in person (upn, name) from the
    token; otherwise only object and tenant ids appear. Never raises.
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
        return facts_from_case(value)
    return Facts(auth=AuthFacts(observed=False))


def _diagnose(context: RuleContext) -> Diagnosis:
    findings: list[Finding] = []
    for rule in _RULES:
        try:
            finding = rule.detect(context)
        except Exception:
            logger.debug("rule %s failed on these facts; skipped", rule.slug, exc_info=True)
            continue
        if finding is not None and finding.score >= SECONDARY_MIN:
            findings.append(finding)
    findings.sort(key=lambda finding: finding.score, reverse=True)  # stable: code order on ties
    if findings and findings[0].score >= PRIMARY_MIN:
        primary, others = findings[0], findings[1:]
    else:
        primary, others = explain_unknown(context), findings
    secondary = tuple(finding for finding in others if finding.rule != primary.rule)
    missing = primary.missing_facts
    return Diagnosis(
        rule=primary.rule,
        code=primary.code,
        title=primary.title,
        explanation=primary.explanation,
        evidence=primary.evidence,
        fix=primary.fix,
        secondary=secondary,
        docs_url=primary.docs_url,
        status=context.status,
        request_id=_request_id(context.facts),
        case_id=context.facts.case_id if isinstance(context.facts.case_id, str) else None,
        missing_facts=missing,
        confidence=_confidence(primary),
    )


def _confidence(finding: Finding) -> str:
    if finding.score >= 85:
        return "high"
    if finding.score >= 65:
        return "medium"
    return "low"


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
    return Diagnosis(
        rule=FALLBACK.slug,
        code=FALLBACK.code,
        title=FALLBACK.title,
        explanation=(
            f"The {status if status is not None else 'failed'} response could not be analysed; "
            "check the credential, the endpoint and the deployment name of the call."
        ),
        docs_url=FALLBACK.docs_url,
        status=status,
        case_id=facts.case_id if isinstance(facts.case_id, str) else None,
        confidence="low",
    )
