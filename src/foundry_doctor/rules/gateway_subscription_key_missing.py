"""FD108 gateway-subscription-key-missing: an API Management gateway in front of the service
wants its own subscription key, and none it reads arrived."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import header_label
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    apim = ctx.family == "apim"
    if ctx.says(Meaning.GATEWAY_KEY_MISSING):
        return _finding(ctx, Tier.CERTAIN if apim else Tier.STRONG)
    if not apim or ctx.status not in (None, 401) or not ctx.body_is_silent or not ctx.auth_known:
        return None
    if ctx.api_key_sent or ctx.auth.subscription_key or ctx.bearer == "jwt":
        return None  # a key header it may read, or a token it may validate, did arrive
    return _finding(ctx, Tier.LIKELY)


def _finding(ctx: RuleContext, tier: Tier) -> Finding:
    sent = ctx.auth.key_headers if ctx.auth_known else ()
    explanation = (
        "The call went through an Azure API Management gateway, which checks a subscription "
        "key of its own before anything reaches the service. By default it reads the key from "
        "an 'Ocp-Apim-Subscription-Key' header (or a 'subscription-key' query parameter); each "
        "API can rename both, and some gateways validate an Entra ID token instead."
    )
    if sent:
        explanation += (
            " The key went out as "
            + " and ".join(header_label(name) for name in sent)
            + ", which this gateway does not read as its subscription key."
        )
    explanation += (
        " The gateway's subscription key is not the Azure OpenAI / Foundry resource's key."
    )
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=(
            Evidence("gateway host", ctx.site.host) if ctx.site is not None else None,
            Evidence("key headers sent", ", ".join(sent) or "none", expected="the subscription key")
            if ctx.auth_known
            else None,
            ctx.message_evidence(),
        ),
        fix=(
            "ask the gateway's owners which header or query parameter it reads "
            "(subscriptionKeyParameterNames of the API) and for a subscription key",
            "send it with each call, e.g. AzureOpenAI(..., default_headers="
            '{"Ocp-Apim-Subscription-Key": "<subscription key>"}) or OpenAI(..., '
            'default_headers={"Ocp-Apim-Subscription-Key": "<subscription key>"})',
        ),
        actions=(actions.GATEWAY_KEY,),
    )


RULE = Rule(
    code="FD108",
    slug="gateway-subscription-key-missing",
    title="The API Management gateway wants its subscription key",
    meaning=(
        "Azure API Management in front of Azure OpenAI checks its own subscription key, by "
        "default in the 'Ocp-Apim-Subscription-Key' header or the 'subscription-key' query "
        "parameter (both renamable per API), before the call reaches the service. Without it "
        "the gateway answers 401 'Access denied due to missing subscription key' however good "
        "the service's own credential is."
    ),
    detection=(
        "A 401 whose message says the subscription key (or application credentials) is "
        "missing; or a silent 401 from an *.azure-api.net gateway to a request that carried no "
        "key header and no token."
    ),
    remedy=(
        "Send the gateway's subscription key in the header it reads (ask its owners), e.g. "
        "default_headers={'Ocp-Apim-Subscription-Key': ...}."
    ),
    example=(
        "AzureOpenAI(azure_endpoint='https://contoso.azure-api.net', api_key=<resource key>) -> "
        "401 'Access denied due to missing subscription key.'"
    ),
    detect=detect,
    claims=claims(401, 403, meanings=(Meaning.GATEWAY_KEY_MISSING,)),
    supersedes=frozenset({"credential-in-wrong-header", "token-missing", "invalid-api-key"}),
    docs_url="https://learn.microsoft.com/azure/api-management/api-management-subscriptions",
)
