"""FD107 entra-needs-custom-subdomain: an Entra ID token sent to a regional endpoint."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.knowledge.hosts import cloud_spec
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    stated = ctx.says(Meaning.CUSTOM_SUBDOMAIN_REQUIRED)
    regional = ctx.site is not None and ctx.site.family == "regional"
    sent_token = ctx.bearer == "jwt" or (not ctx.auth_known and ctx.credential == "token")
    if not stated and not (regional and sent_token):
        return None
    return _finding(ctx, Tier.CERTAIN if stated else Tier.STRONG)


def static(ctx: RuleContext) -> Finding | None:
    """A token credential configured with a shared regional endpoint."""
    regional = ctx.configured is not None and ctx.configured.family == "regional"
    return _finding(ctx, Tier.STRONG) if regional and ctx.credential == "token" else None


def _finding(ctx: RuleContext, tier: Tier) -> Finding:
    host = ctx.site.host if ctx.site is not None else None
    tld = cloud_spec(ctx.cloud).tld
    return RULE.finding(
        "Entra ID tokens are accepted only on a resource's own host name (its custom "
        f"subdomain, https://<resource>.cognitiveservices.azure.{tld}/ or "
        f"https://<resource>.openai.azure.{tld}/). A shared regional endpoint such as "
        f"{host or '<region>.api.cognitive.microsoft.com'} cannot tell which resource the "
        "token is for, so there it takes keys only.",
        tier=tier,
        evidence=(
            Evidence("endpoint host", host, expected="<resource>.cognitiveservices.azure.com")
            if host
            else None,
            Evidence("region", ctx.site.region)
            if ctx.site is not None and ctx.site.region
            else None,
            ctx.message_evidence(),
        ),
        fix=(
            f"use the resource's own endpoint: https://<resource>.cognitiveservices.azure.{tld}/ "
            "(shown on the resource's 'Keys and Endpoint' page)",
            "a resource created without a custom subdomain gets one with az cognitiveservices "
            "account update --name <resource> --resource-group <resource-group> --custom-domain "
            "<resource> (it cannot be changed afterwards)",
            "or keep the regional endpoint and authenticate with the resource's key",
        ),
        actions=(actions.ENDPOINT,),
    )


RULE = Rule(
    code="FD107",
    slug="entra-needs-custom-subdomain",
    title="Entra ID needs the resource's own endpoint, not a regional one",
    meaning=(
        "Regional endpoints (<region>.api.cognitive.microsoft.com) are shared by every resource "
        "in the region and identify the resource by its key. Entra ID tokens do not name a "
        "resource, so they only work on the resource's custom subdomain."
    ),
    detection=(
        "A 400/401 whose message asks for a custom subdomain, or an Entra token sent to a "
        "regional host."
    ),
    remedy=(
        "Call https://<resource>.cognitiveservices.azure.com/ (give the resource a custom "
        "subdomain first if it has none), or use the key on the regional endpoint."
    ),
    example=(
        "DefaultAzureCredential against https://westus2.api.cognitive.microsoft.com/ -> 400 "
        "'Please provide a custom subdomain for token authentication'."
    ),
    detect=detect,
    claims=claims(
        400,
        401,
        403,
        meanings=(
            Meaning.CUSTOM_SUBDOMAIN_REQUIRED,
            Meaning.KEY_REJECTED,
            Meaning.CREDENTIAL_MISSING,
        ),
    ),
    docs_url="https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains",
    static=static,
)
