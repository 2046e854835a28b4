"""FD101 credential-in-wrong-header: a key went where a token belongs, or the reverse."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import cognitive_audience
from foundry_doctor.rules.base import LIKELY, STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import scope_of, token_client_line
from foundry_doctor.rules.meaning import Meaning

# hosts that read keys from "Authorization: Bearer <key>" and not from "api-key"
_BEARER_KEY_FAMILIES = frozenset({"serverless", "managed-compute", "github-models"})


def _key_fix(ctx: RuleContext) -> str:
    if ctx.client == "azure-ai-inference":
        return (
            "pass the key as AzureKeyCredential('<key>'); azure-ai-inference 1.0.0b5 and later "
            "also send it in the 'api-key' header (older releases did not: upgrade)"
        )
    if ctx.client == "openai.AzureOpenAI":
        return "pass the key as AzureOpenAI(api_key='<key>', ...): it goes out as 'api-key'"
    return "send the key in an 'api-key: <key>' header, not in 'Authorization: Bearer'"


def _on_project_route(ctx: RuleContext) -> bool:
    return any(
        info is not None and info.route == "project" for info in (ctx.request, ctx.configured)
    )


def _key_where_only_tokens_count(ctx: RuleContext) -> Finding | None:
    if ctx.status != 401 or not _on_project_route(ctx) or ctx.names_other_cause():
        return None
    if ctx.bearer == "jwt" or not (ctx.api_key_sent or ctx.bearer == "opaque"):
        return None
    if not (ctx.says(Meaning.TOKEN_REJECTED) or ctx.body_is_silent):
        return None
    return RULE.finding(
        "Foundry project endpoints take Entra ID tokens only: an API key is not read there, "
        "whichever header carries it, and the request carried no token.",
        score=STRONG - 3,
        evidence=(
            Evidence("api-key header", "sent") if ctx.api_key_sent else None,
            Evidence("Authorization header", "a non-JWT value (a key)")
            if ctx.bearer == "opaque"
            else None,
            ctx.message_evidence(),
        ),
        fix=(token_client_line(ctx, "https://ai.azure.com/.default"),),
    )


def _key_as_bearer(ctx: RuleContext) -> Finding | None:
    if ctx.status != 401 or ctx.names_other_cause() or ctx.credential == "none":
        return None
    if not (ctx.bearer == "opaque" and not ctx.api_key_sent):
        return None
    if ctx.route == "openai-v1" or ctx.family in (*_BEARER_KEY_FAMILIES, "openai-platform"):
        return None  # these routes do accept a key as a bearer token
    if not (ctx.says(Meaning.TOKEN_REJECTED) or ctx.body_is_silent):
        return None
    if ctx.credential == "token":
        explanation = (
            "What went out in 'Authorization: Bearer' is not an Entra ID token (not a JWT), "
            "although the client was set up for tokens: most likely a key was handed over as "
            "the token. The service read it as a token and rejected it."
        )
    else:
        explanation = (
            "The API key went out as 'Authorization: Bearer <key>' and no 'api-key' header was "
            "sent. This route reads keys only from 'api-key'; whatever arrives as a bearer "
            "token is validated as an Entra ID token, so the key fails as an invalid token."
        )
    return RULE.finding(
        explanation,
        score=STRONG - 3,
        evidence=(
            Evidence("Authorization header", "a non-JWT value (a key)", expected="an Entra token"),
            Evidence("api-key header", "absent", expected="the key"),
            Evidence("credential configured", ctx.credential) if ctx.credential else None,
            ctx.message_evidence(),
        ),
        fix=(
            _key_fix(ctx),
            "or keep the Authorization header and call the v1 route "
            f'(OpenAI(base_url="https://{ctx.resource or "<resource>"}.openai.azure.com/'
            'openai/v1/", api_key=...)), which accepts a key as a bearer token',
        ),
    )


def _token_as_key(ctx: RuleContext) -> Finding | None:
    if ctx.status != 401 or not (ctx.auth_known and ctx.api_key_sent):
        return None
    if ctx.bearer is None:
        if ctx.credential != "token":
            return None
    elif not (ctx.bearer == "jwt" and ctx.credential in ("token", "api-key")):
        return None
    elif not ctx.says(Meaning.KEY_REJECTED):
        # a JWT given as the key also goes out as a bearer token (azure-ai-inference's key
        # credential, openai before 2.0), but the service checks 'api-key' first and refuses it
        return None
    if ctx.names_other_cause(Meaning.KEY_REJECTED):
        return None
    audiences = ctx.accepted_audiences()
    scope = scope_of(audiences[0] if audiences else cognitive_audience("public"))
    return RULE.finding(
        "The client was set up with an Entra ID token, but the token went out in the "
        "'api-key' header, which the service checks as a key. Tokens belong in "
        "'Authorization: Bearer <token>'.",
        score=STRONG,
        evidence=(
            Evidence("credential configured", "token"),
            Evidence("api-key header", "sent", expected="absent for Entra ID"),
            Evidence(
                "Authorization header",
                "absent" if ctx.bearer is None else "the same token, but the key header won",
                expected="Bearer <token> alone",
            ),
            ctx.message_evidence(),
        ),
        fix=(
            token_client_line(ctx, scope),
            "do not pass a token as api_key= (or in an 'api-key' header)",
        ),
    )


def _key_where_bearer_wanted(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (400, 401, 403):
        return None
    stated = ctx.says(Meaning.AUTHORIZATION_HEADER_REQUIRED)
    shape = (
        ctx.auth_known
        and ctx.api_key_sent
        and ctx.bearer is None
        and ctx.family in _BEARER_KEY_FAMILIES
    )
    if not (stated or shape):
        return None
    return RULE.finding(
        "This endpoint reads its key from 'Authorization: Bearer <key>', but the key was sent "
        "in an 'api-key' header.",
        score=LIKELY - 5,
        evidence=(
            Evidence("endpoint family", ctx.family or "unknown"),
            Evidence("api-key header", "sent" if ctx.api_key_sent else "unknown"),
            ctx.message_evidence(),
        ),
        fix=("send 'Authorization: Bearer <key>' to this endpoint",),
    )


def detect(ctx: RuleContext) -> Finding | None:
    return (
        _token_as_key(ctx)
        or _key_where_only_tokens_count(ctx)
        or _key_as_bearer(ctx)
        or _key_where_bearer_wanted(ctx)
    )


RULE = Rule(
    code="FD101",
    slug="credential-in-wrong-header",
    title="The credential went out in the wrong header",
    meaning=(
        "Azure OpenAI and Foundry read an API key from the 'api-key' header and an Entra ID "
        "token from 'Authorization: Bearer'. A key sent as a bearer token is validated as a "
        "token and fails with the token message; a token sent as 'api-key' fails as a bad key. "
        "Serverless and managed-compute endpoints are the other way round: they want the key "
        "as a bearer token."
    ),
    detection=(
        "The request's headers against the configured credential: an opaque (non-JWT) bearer "
        "value with no 'api-key' header on a route that is not /openai/v1; a configured token "
        "found in 'api-key'; or an 'api-key' header sent to a host, or a message, that "
        "requires 'Authorization'."
    ),
    remedy=(
        "Give the key to the client as a key (AzureOpenAI(api_key=...), AzureKeyCredential "
        "with azure-ai-inference 1.0.0b5+) and a token as a token provider "
        "(azure_ad_token_provider=..., a TokenCredential)."
    ),
    example=(
        "azure-ai-inference 1.0.0b4 with AzureKeyCredential against "
        "https://myres.openai.azure.com/openai/deployments/gpt-4o -> 401 'Access token is "
        "missing, invalid, audience is incorrect ...'."
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/reference#authentication",
)
