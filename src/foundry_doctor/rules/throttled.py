"""FD302 throttled: the call was rate-limited; this is a limit, not an access problem."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status != 429 and not ctx.says(Meaning.THROTTLED):
        return None
    headers = ctx.facts.headers if ctx.facts.headers else {}
    wait = headers.get("retry-after-ms") or headers.get("retry-after")
    unit = "ms" if headers.get("retry-after-ms") else "s"
    explanation = (
        "The service throttled the call: it exceeded a rate or quota limit (requests or tokens "
        "per minute of the deployment or the subscription). This is not an access problem - the "
        "credential and the endpoint were accepted - so changing keys, tokens or roles will not "
        "help."
    )
    if wait:
        explanation += f" The service asked to wait {wait} {unit} before retrying."
    fix = [
        "retry after the time the 'retry-after-ms' / 'retry-after' header gives (the SDKs' "
        "built-in retries do; keep max_retries above 0)",
        "spread the calls out or lower the tokens per call (max_tokens)",
    ]
    if ctx.host_kind != "other":
        fix.append(
            "raise the deployment's quota (tokens per minute) in the Foundry portal, or spread "
            "the load over more deployments or regions"
        )
    return RULE.finding(
        explanation,
        tier=Tier.CERTAIN,
        evidence=(
            Evidence("status", str(ctx.status)) if ctx.status else None,
            Evidence("retry after", f"{wait} {unit}") if wait else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.RETRY_LATER,),
    )


RULE = Rule(
    code="FD302",
    slug="throttled",
    title="The call was throttled (a rate limit, not access)",
    meaning=(
        "A 429 means the call went over a rate or quota limit of the deployment or the "
        "subscription. Authentication and authorisation worked; the limit resets after a while "
        "and the service says how long to wait in 'retry-after-ms'."
    ),
    detection="A 429 response, or a message about a rate limit or an exceeded quota.",
    remedy=(
        "Retry after the advertised delay (the SDKs do), send fewer or smaller requests, or "
        "raise the deployment's quota."
    ),
    example="A burst of chat calls on a 10k-TPM deployment -> 429 with retry-after-ms.",
    detect=detect,
    claims=claims(400, 403, 429, meanings=(Meaning.THROTTLED,)),
    azure_only=False,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/how-to/quota",
)
