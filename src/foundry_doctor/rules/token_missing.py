"""FD100 token-missing: the request carried no credential at all."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_line
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    if not ctx.sent_nothing:
        return None
    if ctx.says(Meaning.PERMISSION_DENIED, Meaning.GATEWAY_KEY_MISSING):
        return None
    configured = ctx.credential
    if configured in ("api-key", "token"):
        what = "an API key" if configured == "api-key" else "an Entra ID token credential"
        explanation = (
            f"The client was configured with {what}, but the request reached the service with "
            "no credential header at all ('Authorization', 'api-key'): the credential never got "
            "attached. Usually the variable that should hold it was empty, or the library "
            "version drops it (see any sdk-outdated finding)."
        )
    elif not ctx.auth_known:
        explanation = (
            "The client was configured with no credential, so the request reached the service "
            "with nothing to authenticate (no 'Authorization: Bearer', no key header). The "
            "answer may list several possible causes; with no credential sent, it is this one."
        )
    else:
        explanation = (
            "The request reached the service with no credential header at all (neither "
            "'Authorization: Bearer' nor a key header), so there was nothing to authenticate. "
            "The answer may list several possible causes; with no credential sent, it is this "
            "one."
        )
    fix: list[str]
    if ctx.on_project:
        fix = ["project endpoints take Entra ID tokens only: " + client_line(ctx, auth="token")]
    elif ctx.host_kind == "azure":
        fix = [
            "for Entra ID: " + client_line(ctx, auth="token"),
            "for a key: " + client_line(ctx, auth="key") + " (the key is on the resource's "
            "'Keys and Endpoint' page)",
        ]
    elif ctx.family == "openai-platform":
        fix = ["api.openai.com takes its key as 'Authorization: Bearer <key>'"]
    else:
        fix = ["send the credential the server expects, in the header it reads"]
    if configured in ("api-key", "token"):
        fix.insert(0, "check that the variable holding the credential is set where the app runs")
    return RULE.finding(
        explanation,
        tier=Tier.STRONG if ctx.auth_known else Tier.LIKELY,
        evidence=(
            Evidence("Authorization header", "absent") if ctx.auth_known else None,
            Evidence("key headers", "absent") if ctx.auth_known else None,
            Evidence("credential configured", configured) if configured else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.CREDENTIAL_HEADER,),
    )


RULE = Rule(
    code="FD100",
    slug="token-missing",
    title="The request carried no credential",
    meaning=(
        "Neither an Entra ID bearer token nor an API key reached the service. The 401 that "
        "comes back mentions a missing, invalid, expired or wrong-audience token all at once "
        "(or, on some hosts, an invalid key); here the missing credential is the cause."
    ),
    detection=(
        "A 401 whose request had no 'Authorization' header and no key header (the request "
        "headers must have been observed, or the client configured with no credential at "
        "all; a pasted message alone cannot show it)."
    ),
    remedy=(
        "Attach a credential: a token provider for the endpoint's audience, or the resource's "
        "key in the 'api-key' header. When the client was given one, find where it got lost."
    ),
    example=(
        "requests.post('https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/"
        "completions?api-version=2024-10-21', json=...) without headers -> 401."
    ),
    detect=detect,
    claims=claims(
        401,
        meanings=(Meaning.CREDENTIAL_MISSING, Meaning.KEY_REJECTED, Meaning.TOKEN_REJECTED),
    ),
    supersedes=frozenset({"invalid-api-key"}),
    azure_only=False,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/how-to/managed-identity",
)
