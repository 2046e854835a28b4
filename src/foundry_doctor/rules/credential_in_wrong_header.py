"""FD101 credential-in-wrong-header: a credential went in a header its route does not read it
from (a key as a bearer token, a token as a key, a key in 'api-key' where the route reads
'x-api-key' or 'Authorization')."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.knowledge.routes import Surface, surface
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_line, header_label, scope_of
from foundry_doctor.rules.meaning import Meaning


def _route(ctx: RuleContext) -> Surface | None:
    """The route the call went to; Claude's when no URL is known and the model is Claude."""
    found = ctx.surface
    if found is None and ctx.model_family is not None and ctx.model_family.publisher == "anthropic":
        return surface("anthropic")
    return found


def _key_headers_read(ctx: RuleContext, route: Surface | None) -> tuple[str, ...]:
    """The headers the route reads a key from; the host family's when the route is not one the
    host serves (or no route is known)."""
    if route is not None:
        if route.name == "anthropic" and ctx.family == "azure-openai":
            return ("authorization",)  # a Bearer key worked there, x-api-key did not (3rd-party)
        if ctx.site is None or ctx.family in route.families:
            return route.key_headers
    if ctx.site is not None:
        return ctx.site.host_family.key_headers
    return ()


def _token_as_key(ctx: RuleContext) -> Finding | None:
    if not (ctx.auth_known and ctx.api_key_sent):
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
    if ctx.bearer == "jwt":
        return _token_in_both_headers(ctx)
    return RULE.finding(
        "The client was set up with an Entra ID token, but the token went out in the "
        "'api-key' header, which the service checks as a key. Tokens belong in "
        "'Authorization: Bearer <token>'.",
        tier=Tier.STRONG,
        evidence=(
            Evidence("credential configured", "token"),
            Evidence("api-key header", _api_key_held(ctx), expected="absent for Entra ID"),
            Evidence("Authorization header", "absent", expected="Bearer <token> alone"),
            ctx.message_evidence(),
        ),
        fix=(
            client_line(ctx, auth="token"),
            "do not pass a token as api_key= (or in an 'api-key' header)",
        ),
        actions=(actions.CREDENTIAL_HEADER,),
    )


def _token_in_both_headers(ctx: RuleContext) -> Finding:
    """An Entra token in 'api-key' and in 'Authorization: Bearer' at once (LlamaIndex's
    use_azure_ad=True does it: the 'api-key' copy is the token it got when it made the client).
    Which of the two the service reads when both come is not published (wire.md's open
    question), so this tells what each carried and what the answer was about, no more."""
    same = ctx.auth.same_token
    return RULE.finding(
        "The request carried an Entra ID token in two headers at once: 'api-key' and "
        "'Authorization: Bearer'. The service answered with its refusal of a key, so it judged "
        "what came in 'api-key', where a token is checked as a key and fails. Which header the "
        "service reads when both are sent is not documented; send the token in "
        "'Authorization: Bearer' only.",
        tier=Tier.STRONG,
        evidence=(
            Evidence("credential configured", ctx.credential or "token"),
            Evidence("api-key header", _api_key_held(ctx), expected="absent for Entra ID"),
            Evidence(
                "Authorization header",
                "Bearer <the same token>" if same else "Bearer <an Entra ID token, another one>",
            ),
            ctx.message_evidence(),
        ),
        fix=(
            client_line(ctx, auth="token"),
            "do not pass the token as api_key= too (LlamaIndex's AzureOpenAI with "
            "use_azure_ad=True sends it as 'api-key' as well, fetched once when it makes its "
            "client; reuse_client=False fetches both for every call)",
        ),
        actions=(actions.CREDENTIAL_HEADER,),
    )


def _api_key_held(ctx: RuleContext) -> str:
    if ctx.auth.api_key_kind == "jwt":
        return "an Entra ID token (a JWT)"
    return "sent"


def _key_where_only_tokens_count(ctx: RuleContext) -> Finding | None:
    if not ctx.on_project or ctx.bearer == "jwt":
        return None
    seen = ctx.api_key_sent or ctx.auth.x_api_key or ctx.bearer == "opaque"
    # headers unseen, but the client was given a key: whichever header carried it, no token
    configured = not ctx.auth_known and ctx.credential == "api-key"
    if not (seen or configured):
        return None
    if not (ctx.says(Meaning.TOKEN_REJECTED) or ctx.body_is_silent):
        return None
    return RULE.finding(
        "Foundry project endpoints take Entra ID tokens only: an API key is not read there, "
        "whichever header carries it, and the request carried no token.",
        tier=Tier.STRONG if seen else Tier.LIKELY,
        evidence=(
            Evidence("credential configured", "api-key") if configured else None,
            Evidence("api-key header", "sent") if ctx.api_key_sent else None,
            Evidence("Authorization header", "a non-JWT value (a key)")
            if ctx.bearer == "opaque"
            else None,
            ctx.message_evidence(),
        ),
        fix=(client_line(ctx, auth="token", scope=scope_of("https://ai.azure.com")),),
        actions=(actions.CREDENTIAL_HEADER, actions.USE_ENTRA),
    )


def _key_as_bearer(ctx: RuleContext) -> Finding | None:
    if ctx.credential == "none" or ctx.bearer != "opaque":
        return None
    if ctx.api_key_sent or ctx.auth.x_api_key or ctx.auth.subscription_key:
        return None
    if ctx.client == "openai.OpenAI":
        return (
            None  # it always sends keys this way; a route that refuses them is the endpoint's fault
        )
    route = _route(ctx)
    if "authorization" in _key_headers_read(ctx, route) or ctx.family in ("apim", "unknown"):
        return None  # these read a key as a bearer token (or are a gateway's business)
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
            "The API key went out as 'Authorization: Bearer <key>' and no key header was "
            "sent. This route reads keys only from "
            + " or ".join(header_label(h) for h in _key_headers_read(ctx, route) or ("api-key",))
            + "; whatever arrives as a bearer token is validated as an Entra ID token, so the "
            "key fails as an invalid token."
        )
    fix = [_key_fix(ctx, route)]
    if route is None or route.name in ("dated-deployment", "dated-resource", "models-api"):
        fix.append(
            "or keep the Authorization header and call the v1 route "
            f'(OpenAI(base_url="https://{ctx.resource or "<resource>"}.openai.azure.com/'
            'openai/v1/", api_key=...)), which accepts a key as a bearer token'
        )
    return RULE.finding(
        explanation,
        tier=Tier.STRONG,
        evidence=(
            Evidence("Authorization header", "a non-JWT value (a key)", expected="an Entra token"),
            Evidence("key header", "absent", expected="the key"),
            Evidence("credential configured", ctx.credential) if ctx.credential else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.CREDENTIAL_HEADER,),
    )


def _key_answered_as_token(ctx: RuleContext) -> Finding | None:
    """A key configured, the request's headers unseen, and the answer the one a bearer token
    gets: with a key in 'api-key' the service answers about the key, so it went out as a
    bearer token (wire.md A.1, A.2)."""
    if ctx.auth_known or ctx.credential != "api-key" or ctx.client == "openai.OpenAI":
        return None
    if ctx.spec.kind != "http" and "authorization" not in ctx.spec.key_headers:
        return None  # this client puts a key in its key header only (AzureOpenAI: 'api-key')
    if ctx.on_project or not ctx.says(Meaning.TOKEN_REJECTED):
        return None
    route = _route(ctx)
    read = _key_headers_read(ctx, route)
    if "authorization" in read or ctx.family in ("apim", "unknown"):
        return None  # these read a key as a bearer token (or are a gateway's business)
    return RULE.finding(
        "The client was configured with an API key, yet the service answered as it does to a "
        "bearer token it cannot accept. A key in "
        + " or ".join(header_label(h) for h in read or ("api-key",))
        + " gets an answer about the key; this answer means the key went out as "
        "'Authorization: Bearer <key>' and was validated as an Entra ID token (or, if the "
        "variable meant to hold the key was empty, that nothing went out at all).",
        tier=Tier.LIKELY,
        evidence=(
            Evidence("credential configured", "api-key"),
            Evidence("request headers", "not seen", expected="the key in a key header"),
            ctx.message_evidence(),
        ),
        fix=[_key_fix(ctx, route)],
        missing_facts=("which headers the request carried (Authorization, api-key)",),
        actions=(actions.CREDENTIAL_HEADER,),
    )


def _key_fix(ctx: RuleContext, route: Surface | None) -> str:
    if route is not None and route.name == "anthropic":
        return (
            "send the key as 'x-api-key: <key>' (AnthropicFoundry(api_key=...) does; elsewhere "
            "default_headers={'x-api-key': '<key>'})"
        )
    if ctx.client == "azure-ai-inference":
        return (
            "pass the key as AzureKeyCredential('<key>'); azure-ai-inference 1.0.0b5 and later "
            "also send it in the 'api-key' header (older releases did not: upgrade)"
        )
    if ctx.client == ctx.spec.kind and ctx.spec.key_argument and ctx.spec.kind != "http":
        header = ctx.spec.key_headers[0] if ctx.spec.key_headers else "api-key"
        return (
            f"pass the key as a key: {client_line(ctx, auth='key')} (it goes out as "
            f"{header_label(header)})"
        )
    return "send the key in an 'api-key: <key>' header, not in 'Authorization: Bearer'"


def _key_in_unread_header(ctx: RuleContext) -> Finding | None:
    sent = ctx.auth.key_headers
    if not ctx.auth_known or not sent or ctx.bearer == "jwt":
        return None
    route = _route(ctx)
    read = _key_headers_read(ctx, route)
    if not read or set(sent) & set(read) or ctx.family in ("apim", "unknown"):
        return None
    stated = ctx.says(Meaning.KEY_REJECTED, Meaning.AUTHORIZATION_HEADER_REQUIRED)
    if not (stated or ctx.body_is_silent):
        return None
    # on a route the host does not serve at all, the route is the cause and the header next
    elsewhere = ctx.match is not None and ctx.match.has("other-host-route")
    where = route.what if route is not None else (ctx.site.host_family.what if ctx.site else "")
    wanted = " or ".join(header_label(header) for header in read)
    got = " and ".join(header_label(header) for header in sent)
    return RULE.finding(
        f"The key went out as {got}, but {where} reads its key from {wanted}; a key in any "
        "other header is not seen, so the service answers as if the key were wrong or missing.",
        tier=Tier.STRONG if stated and not elsewhere else Tier.LIKELY,
        evidence=(
            Evidence("key sent in", ", ".join(sent), expected=", ".join(read)),
            Evidence("model", ctx.model)
            if route is not None and route.name == "anthropic" and ctx.model
            else None,
            ctx.message_evidence(),
        ),
        fix=(_unread_fix(read),),
        actions=(actions.CREDENTIAL_HEADER,),
    )


def _unread_fix(read: tuple[str, ...]) -> str:
    header = read[0]
    if header == "x-api-key":
        return (
            "send the key as 'x-api-key: <key>' (AnthropicFoundry(api_key=...) does; in other "
            "clients add the header, e.g. default_headers={'x-api-key': '<key>'})"
        )
    if header == "authorization":
        return (
            "send the key as 'Authorization: Bearer <key>' (OpenAI(base_url=<endpoint>, "
            "api_key='<key>') does)"
        )
    return f"send the key in the {header_label(header)} header"


def detect(ctx: RuleContext) -> Finding | None:
    return (
        _token_as_key(ctx)
        or _key_where_only_tokens_count(ctx)
        or _key_as_bearer(ctx)
        or _key_in_unread_header(ctx)
        or _key_answered_as_token(ctx)
    )


RULE = Rule(
    code="FD101",
    slug="credential-in-wrong-header",
    title="The credential went out in the wrong header",
    meaning=(
        "Each route reads a credential from particular headers: the dated Azure OpenAI routes "
        "read a key from 'api-key' and an Entra ID token from 'Authorization: Bearer'; the v1 "
        "API also takes a key as a bearer value; Claude's /anthropic route on a Foundry host "
        "reads 'x-api-key'; serverless and managed-compute endpoints want the key as a bearer "
        "token; project endpoints take tokens only. A key sent as a bearer token is validated "
        "as a token and fails with the token message; a token sent as a key fails as a bad key; "
        "a key in a header the route does not read fails as a missing or wrong key."
    ),
    detection=(
        "The request's headers against the configured credential and the key headers the "
        "route reads (from the service tables): a non-JWT bearer value with no key header on "
        "a route that does not read bearer keys; a configured token found in 'api-key'; a key "
        "sent to a project route; a key only in headers the route does not read."
    ),
    remedy=(
        "Give the key to the client as a key (AzureOpenAI(api_key=...), AzureKeyCredential "
        "with azure-ai-inference 1.0.0b5+, 'x-api-key' for Claude) and a token as a token "
        "provider (azure_ad_token_provider=..., a TokenCredential)."
    ),
    example=(
        "azure-ai-inference 1.0.0b4 with AzureKeyCredential against "
        "https://myres.openai.azure.com/openai/deployments/gpt-4o -> 401 'Access token is "
        "missing, invalid, audience is incorrect ...'."
    ),
    detect=detect,
    claims=claims(
        400,
        401,
        403,
        meanings=(
            Meaning.KEY_REJECTED,
            Meaning.TOKEN_REJECTED,
            Meaning.AUTHORIZATION_HEADER_REQUIRED,
        ),
    ),
    supersedes=frozenset({"invalid-api-key"}),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/reference#authentication",
)
