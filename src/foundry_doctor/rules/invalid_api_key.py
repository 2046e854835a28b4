"""FD105 invalid-api-key: the key was refused."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    labelled = ctx.key_refusal_labelled_permission
    if not (ctx.says(Meaning.KEY_REJECTED) or labelled):
        return None
    if ctx.credential == "token" and ctx.bearer != "opaque":
        return None  # a token in the key header: credential-in-wrong-header
    if ctx.sent_nothing or (ctx.auth_known and not ctx.auth.key_headers):
        return None  # no key went out: nothing at all (token-missing) or only a token
    if ctx.site is None and ctx.openai_platform:
        return None  # OpenAI's platform refused it (its message says so): it never reached Azure
    resource = ctx.resource
    host = ctx.site.host if ctx.site is not None else None
    explanation = (
        "The service refused the key it received. Either the key is wrong - mistyped, "
        "rotated (regenerated keys invalidate the old ones at once) or copied from another "
        "resource - or the request went to an endpoint the key does not belong to."
    )
    if ctx.family == "apim":
        explanation += (
            " The request went through an API Management gateway; it checks its own "
            "subscription keys, which differ from the resource's keys."
        )
    fix = [
        "read the current keys: az cognitiveservices account keys list --name "
        f"{resource or '<resource>'} --resource-group <resource-group>",
        f"check that the key belongs to the resource behind {host or 'the endpoint'}, and "
        "update every place that stores it (app settings, key vault, CI secrets) after a "
        "rotation",
    ]
    if ctx.client == "azure-ai-inference":
        fix.append(
            "azure-ai-inference copies the key into its 'api-key' header when the client is "
            "built: after AzureKeyCredential.update(...) build a new client"
        )
    if labelled:
        explanation += (
            " The answer said only 'PermissionDenied', the label .NET gives the invalid-key "
            "401; a key is never judged by roles, so it is the key that was refused."
        )
    return RULE.finding(
        explanation,
        tier=Tier.LIKELY if labelled else Tier.STRONG,
        evidence=(
            Evidence("api-key header", "sent") if ctx.auth_known and ctx.api_key_sent else None,
            Evidence("endpoint host", host) if host else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.KEY,),
    )


RULE = Rule(
    code="FD105",
    slug="invalid-api-key",
    title="The API key was refused",
    meaning=(
        "A key reached the service and did not match the keys of the resource behind the "
        "endpoint: a typo, a key regenerated since it was stored, a key of another resource, "
        "or the right key sent to the wrong endpoint."
    ),
    detection=(
        "A 401 whose message says the key (subscription key, API key) is invalid or the "
        "endpoint wrong, on an Azure host, for a request that did send a key; or a 401 that "
        "says only 'PermissionDenied' (no body) to a request that sent a key and no token."
    ),
    remedy=(
        "Copy the current key of the resource the endpoint points at (az cognitiveservices "
        "account keys list), update every stored copy after a rotation, or switch to Entra ID."
    ),
    example=(
        "An app setting still holds key1 after key1 was regenerated -> 401 'Access denied due "
        "to invalid subscription key or wrong API endpoint'."
    ),
    detect=detect,
    claims=claims(401, 403, meanings=(Meaning.KEY_REJECTED, Meaning.PERMISSION_DENIED)),
    docs_url="https://learn.microsoft.com/azure/ai-services/rotate-keys",
)
