"""What a service's error message means, independent of its exact wording.

The same cause reaches users in several phrasings (service versions, gateways, other SDKs
re-wrapping the text), so each meaning is recognised from its parsed code when there is one and
otherwise from the ideas the message expresses ("the key is invalid", "the deployment does not
exist"), not from one sentence. Each pattern is guarded by a few words it cannot match
without and is compiled the first time those words appear, so a diagnosis pays only for the
patterns its message can match. :func:`read_meanings` runs them over one lower-cased text.

Meanings are *specific* when they name a cause on their own (:data:`SPECIFIC`); the engine
lets only a rule that accounts for a specific meaning speak next to it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

from foundry_doctor.facts.error_body import ErrorBody

__all__ = [
    "SPECIFIC",
    "Meaning",
    "data_action_in",
    "expected_audiences_in",
    "minimum_version_in",
    "model_in",
    "operation_in",
    "principal_in",
    "read_meanings",
    "tenant_in",
]


class Meaning(enum.Enum):
    """One idea an error message can express."""

    # Members are singletons compared by identity: hash them the same way, in C (the engine
    # tests membership in sets of meanings on every diagnosis; ``Enum.__hash__`` is Python).
    __hash__ = object.__hash__

    TOKEN_REJECTED = enum.auto()  # a bearer token was missing, invalid, expired, mis-addressed
    TOKEN_EXPIRED = enum.auto()  # says plainly (and only) that the token expired
    AUDIENCE_REJECTED = enum.auto()  # says plainly (and only) that the audience is wrong
    KEY_REJECTED = enum.auto()  # a key was presented and refused
    CREDENTIAL_MISSING = enum.auto()  # no key / credentials arrived
    GATEWAY_KEY_MISSING = enum.auto()  # an API Management gateway's subscription key is missing
    AUTHORIZATION_HEADER_REQUIRED = enum.auto()  # the key must come as a bearer value
    PERMISSION_DENIED = enum.auto()  # authenticated, but not allowed
    KEY_AUTH_DISABLED = enum.auto()
    NETWORK_DENIED = enum.auto()
    RESOURCE_BLOCKED = enum.auto()  # the resource is suspended (abuse policy)
    TENANT_MISMATCH = enum.auto()
    CUSTOM_SUBDOMAIN_REQUIRED = enum.auto()
    DEPLOYMENT_MISSING = enum.auto()
    MODEL_UNNAMED = enum.auto()  # the request named no deployment at all
    PROJECT_MISSING = enum.auto()
    RESOURCE_NOT_FOUND = enum.auto()  # a generic "not found"
    API_VERSION_REJECTED = enum.auto()
    V1_VERSION_FORBIDDEN = enum.auto()  # an api-version sent on the /openai/v1 path
    PREVIEW_REQUIRED = enum.auto()  # the v1 path in its preview era wanted api-version=preview
    MODEL_RETIRED = enum.auto()  # the deployment's model is deprecated / retired
    OPERATION_NOT_FOR_MODEL = enum.auto()  # "the <op> operation does not work with the model"
    API_NOT_FOR_MODEL = enum.auto()  # the model is not served by this API / route
    RETIRED = enum.auto()  # an API or surface is retired
    THROTTLED = enum.auto()  # rate or quota limit
    CONTENT_FILTERED = enum.auto()  # the content filter refused the prompt or the completion
    BACKEND_AUTH_FAILED = enum.auto()  # the service could not authenticate to its own backend


#: Meanings that name a cause on their own.
SPECIFIC: frozenset[Meaning] = frozenset(Meaning) - {
    Meaning.TOKEN_REJECTED,
    Meaning.RESOURCE_NOT_FOUND,
}

_CODES: Mapping[str, Meaning] = {
    "permissiondenied": Meaning.PERMISSION_DENIED,
    "authorizationfailed": Meaning.PERMISSION_DENIED,
    "authenticationtypedisabled": Meaning.KEY_AUTH_DISABLED,
    "deploymentnotfound": Meaning.DEPLOYMENT_MISSING,
    "deployment_not_found": Meaning.DEPLOYMENT_MISSING,
    "unknown_model": Meaning.DEPLOYMENT_MISSING,
    "model_not_found": Meaning.DEPLOYMENT_MISSING,
    "modelnotfound": Meaning.DEPLOYMENT_MISSING,
    "no_model_name": Meaning.MODEL_UNNAMED,
    "invalid_api_key": Meaning.KEY_REJECTED,
    "invalidapikey": Meaning.KEY_REJECTED,
    "invalidsubscriptionkey": Meaning.KEY_REJECTED,
    "apiversionnotsupported": Meaning.API_VERSION_REJECTED,
    "unsupportedapiversion": Meaning.API_VERSION_REJECTED,
    "invalidapiversion": Meaning.API_VERSION_REJECTED,
    "missingapiversionparameter": Meaning.API_VERSION_REJECTED,
    "notfound": Meaning.RESOURCE_NOT_FOUND,
    "resourcenotfound": Meaning.RESOURCE_NOT_FOUND,
    "not_found": Meaning.RESOURCE_NOT_FOUND,
    "404": Meaning.RESOURCE_NOT_FOUND,
    "expiredauthenticationtoken": Meaning.TOKEN_EXPIRED,
    "invalidauthenticationtokenaudience": Meaning.AUDIENCE_REJECTED,
    "modeldeprecated": Meaning.MODEL_RETIRED,
    "servicemodeldeprecated": Meaning.MODEL_RETIRED,
    "operationnotsupported": Meaning.OPERATION_NOT_FOR_MODEL,
    "api_not_supported": Meaning.API_NOT_FOR_MODEL,
    "429": Meaning.THROTTLED,
    "ratelimitreached": Meaning.THROTTLED,
    "too_many_requests": Meaning.THROTTLED,
    "rate_limit_exceeded": Meaning.THROTTLED,
    "insufficient_quota": Meaning.THROTTLED,
    "content_filter": Meaning.CONTENT_FILTERED,
    "responsibleaipolicyviolation": Meaning.CONTENT_FILTERED,
    "contentfilter": Meaning.CONTENT_FILTERED,
    "invalid_model_endpoint_authentication": Meaning.BACKEND_AUTH_FAILED,
}

_NETWORK_WORDS = (
    r"virtual network|firewall|public (?:network )?access (?:is )?disabled"
    r"|private endpoint|private link|traffic ?denied|\bvnet\b|network (?:rules|acls?)"
    r"|ip address[^.]{0,40}\b(?:not allowed|denied|blocked|forbidden)"
    r"|not allowed from (?:this|your) (?:ip|network)"
)

#: (meaning, words without which the pattern cannot match, pattern)
_SOURCES: tuple[tuple[Meaning, tuple[str, ...], str], ...] = (
    (
        Meaning.TOKEN_REJECTED,
        ("token", "audience", "idx10", "validation"),
        r"access token is missing|token is missing|missing (?:access |bearer )?token"
        r"|token[^.]{0,60}\b(?:invalid|incorrect|expired|malformed|not valid|rejected"
        r"|could not be validated)"
        r"|audience[^.]{0,40}\b(?:incorrect|invalid|mismatch|wrong|not (?:valid|allowed))"
        r"|(?:invalid|incorrect|wrong|unexpected) (?:token )?audience"
        r"|(?:lifetime|signature|audience) validation failed|idx10\d{3}",
    ),
    (
        Meaning.KEY_REJECTED,
        ("key", "endpoint"),
        r"invalid (?:subscription|api|access)[ -]?key"
        r"|(?:subscription|api)[ -]?key[^.]{0,40}\b(?:invalid|incorrect|not valid|is wrong"
        r"|revoked)"
        r"|incorrect (?:api[ -]?)?key|wrong api endpoint|invalid_api_key|\binvalid key\b",
    ),
    (
        Meaning.CREDENTIAL_MISSING,
        (
            "missing a",
            "missing c",
            "provide",
            "no api",
            "no cred",
            "no auth",
            "header (is",
            "header is",
            "header not",
        ),
        r"missing (?:an? )?(?:api[ -]?key|credentials?|authorization)"
        r"|(?:didn'?t|did not|must|need to) provide (?:an? |your )?(?:api[ -]?)?key"
        r"|no (?:api[ -]?key|credentials?|authorization header)(?: was)? "
        r"(?:provided|supplied|found)"
        r"|authorization header (?:is )?(?:missing|not (?:present|provided))",
    ),
    (
        Meaning.GATEWAY_KEY_MISSING,
        ("subscription key", "ocp-apim"),
        r"missing (?:a |the )?(?:application credentials or )?subscription key"
        r"|subscription key (?:is )?(?:missing|required)|ocp-apim-subscription-key",
    ),
    (
        Meaning.AUTHORIZATION_HEADER_REQUIRED,
        ("authorization",),
        r"header called authorization"
        r"|(?:passed|sent|provided|supplied) (?:in|as|via) (?:an? |the )?authorization header"
        r"|authorization header (?:is )?required|requires? (?:an? )?authorization header",
    ),
    (
        Meaning.PERMISSION_DENIED,
        ("not have", "n't have", "lacks", "not authorized", "insufficient", "permission", "ensure"),
        r"does not have (?:access|permission|authorization|the required)"
        r"|doesn'?t have (?:access|permission|authorization)"
        r"|lacks the required (?:data )?action|not authorized to perform"
        r"|insufficient (?:permissions|privileges)|permission denied"
        r"|please ensure that [^.]{0,160}\bhas microsoft\.cognitiveservices/[\w./*-]+ action",
    ),
    (
        Meaning.KEY_AUTH_DISABLED,
        ("disable", "not allowed"),
        r"key[- ]based auth\w* (?:is )?disabled|local auth\w* (?:is )?disabled"
        r"|(?:api[- ]?)?key auth\w* (?:is )?(?:disabled|not allowed)|disablelocalauth"
        r"|authentication type[^.]{0,30}disabled",
    ),
    (
        Meaning.NETWORK_DENIED,
        (
            "network",
            "firewall",
            "public access",
            "private",
            "traffic",
            "vnet",
            "ip address",
            "allowed from",
        ),
        _NETWORK_WORDS,
    ),
    (Meaning.RESOURCE_BLOCKED, ("blocked",), r"resource has been (?:temporarily )?blocked"),
    (
        Meaning.TENANT_MISMATCH,
        ("tenant", "issuer"),
        r"tenant[^.]{0,80}\b(?:does not match|doesn'?t match|mismatch|not match)"
        r"|must match the tenant|(?:wrong|invalid|unexpected) issuer",
    ),
    (
        Meaning.CUSTOM_SUBDOMAIN_REQUIRED,
        ("subdomain", "sub-domain"),
        r"custom sub-?domain|subdomain[^.]{0,40}token",
    ),
    (
        Meaning.DEPLOYMENT_MISSING,
        ("deployment", "model"),
        r"deployment[^.]{0,80}\b(?:does not exist|doesn'?t exist|not found|could not be found"
        r"|is not ready)"
        r"|unknown model|model[^.]{0,60}\b(?:does not exist|not found|is not deployed)"
        r"|no deployment",
    ),
    (
        Meaning.MODEL_UNNAMED,
        ("model",),
        r"no model (?:name )?(?:was )?(?:specified|given|provided)|model name is required"
        r"|(?:missing|requires?) (?:a |the )?model (?:name|parameter)",
    ),
    (
        Meaning.PROJECT_MISSING,
        ("project",),
        r"project[^.]{0,60}\b(?:does not exist|doesn'?t exist|not found|could not be found)",
    ),
    (
        Meaning.RESOURCE_NOT_FOUND,
        ("not found", "does not exist", "no such"),
        r"\bnot found\b"
        r"|does not exist|no such",
    ),
    (
        Meaning.API_VERSION_REJECTED,
        ("version",),
        r"api[- ]?version[^.]{0,80}\b(?:not supported|unsupported|not allowed|is invalid"
        r"|not valid|is required|is missing|must be|not specified)"
        r"|(?:unsupported|invalid|missing|unknown) api[- ]?version"
        r"|enabled only for api[- ]?versions?|api[- ]version query parameter"
        r"|please use api-version",
    ),
    (
        Meaning.V1_VERSION_FORBIDDEN,
        ("/v1",),
        r"api[- ]?version[^.]{0,60}\bnot allowed[^.]{0,40}/v1",
    ),
    (Meaning.PREVIEW_REQUIRED, ("preview mode",), r"preview mode[^.]{0,40}api-version=preview"),
    (
        Meaning.MODEL_RETIRED,
        ("deprecated", "retired", "no longer"),
        r"\bmodel(?! inference)[^.]{0,80}\b(?:is|has been) (?:deprecated|retired)"
        r"|(?:deprecated|retired) (?:and )?no longer available"
        r"|retired model version",
    ),
    (
        Meaning.OPERATION_NOT_FOR_MODEL,
        ("does not work with",),
        r"operation does not work with the specified model",
    ),
    (
        Meaning.API_NOT_FOR_MODEL,
        ("not supported", "supported by"),
        r"model is not supported by the [\w ]{1,40}api|requested api is (?:currently )?not "
        r"supported|model[^.]{0,60}\bnot supported (?:by|on|for) (?:this|the) (?:api|route"
        r"|endpoint|operation)",
    ),
    (
        Meaning.RETIRED,
        ("retired", "deprecated", "no longer", "decommission", "end of life"),
        r"\bretired\b|has been deprecated|no longer (?:supported|available)|decommissioned"
        r"|end of life",
    ),
    (
        Meaning.THROTTLED,
        ("rate", "limit", "quota", "too many"),
        r"rate limit|exceeded (?:the )?(?:token )?rate|too many requests|exceeded [^.]{0,40}"
        r"quota|quota[^.]{0,40}exceeded|call rate limit",
    ),
    (
        Meaning.CONTENT_FILTERED,
        ("content", "filter", "responsible"),
        r"content management policy|content filter|filtered due to|responsible ai policy",
    ),
    (
        Meaning.BACKEND_AUTH_FAILED,
        ("backend",),
        r"failed to authenticate to backend",
    ),
)
_compiled: dict[Meaning, re.Pattern[str]] = {}


def _pattern(meaning: Meaning, source: str) -> re.Pattern[str]:
    pattern = _compiled.get(meaning)
    if pattern is None:
        pattern = _compiled[meaning] = re.compile(source)
    return pattern


_EXPIRED_SOURCE = (
    r"token[^.]{0,40}\bexpired|expired[^.]{0,20}\btoken|lifetime validation failed|idx10223"
    r"|token expir\w*[^.]{0,80}\bearlier than"
)
_AUDIENCE_SOURCE = (
    r"(?:invalid|incorrect|wrong|unexpected) audience|audience.{0,60}?\b(?:invalid|mismatch"
    r"|wrong|not (?:valid|allowed))|audience validation failed|idx10214"
)
_lazy: dict[str, re.Pattern[str]] = {}


def _regex(name: str, source: str, flags: int = 0) -> re.Pattern[str]:
    pattern = _lazy.get(name)
    if pattern is None:
        pattern = _lazy[name] = re.compile(source, flags)
    return pattern


#: a URL, or an absolute path of two segments or more: where the call went, not what the
#: service said (".../deployments/gpt-4o/chat/completions: 404 not found" is no missing
#: deployment)
_LOCATION_SOURCE = r"(?:\b[a-z][a-z0-9+.-]*://|(?<![\w.~])/)[^\s\"'<>()]*/[^\s\"'<>()]*"


def _without_locations(text: str) -> str:
    return _regex("location", _LOCATION_SOURCE).sub(_location_mark, text)


def _location_mark(match: re.Match[str]) -> str:
    # a message may name the v1 path itself ("... not allowed when using /openai/v1 path")
    return " /v1 " if "/v1" in match.group(0) else " <url> "


def _is_catch_all(text: str) -> bool:
    """The gateway's one sentence for four causes: missing, invalid, wrong audience, expired."""
    return "audience" in text and "expired" in text and ("missing" in text or "invalid" in text)


def read_meanings(
    body: ErrorBody,
    *,
    reason: str | None = None,
    header_code: str | None = None,
    challenge: str | None = None,
) -> frozenset[Meaning]:
    """Everything the body says, as meanings.

    ``header_code`` (an ``x-ms-error-code`` header) stands in for a code the body lacks;
    ``challenge`` (a ``WWW-Authenticate`` header) adds its words to the body's. ``reason``
    (the HTTP reason phrase, which some SDKs set to the error code) is only used when nothing
    else says anything."""
    found: set[Meaning] = set()
    code = (body.code or header_code or "").strip().lower().replace(" ", "")
    by_code = _CODES.get(code)
    if by_code is not None:
        found.add(by_code)
    elif "tenant" in code:
        found.add(Meaning.TENANT_MISMATCH)
    text = body.text
    if challenge:
        text = f"{text} {challenge[:1024].lower()}".strip()
    if not text and reason:
        text = reason.lower()
        by_reason = _CODES.get(text.replace(" ", ""))
        if by_reason is not None and by_reason is not Meaning.RESOURCE_NOT_FOUND:
            found.add(by_reason)
    if "/" in text:
        text = _without_locations(text)
    if text:
        for meaning, keywords, source in _SOURCES:
            for word in keywords:
                if word in text:
                    if _pattern(meaning, source).search(text):
                        found.add(meaning)
                    break
        if not _is_catch_all(text):
            if ("expir" in text or "lifetime" in text or "idx10223" in text) and _regex(
                "expired", _EXPIRED_SOURCE
            ).search(text):
                found.update((Meaning.TOKEN_EXPIRED, Meaning.TOKEN_REJECTED))
            if ("audience" in text or "idx10214" in text) and _regex(
                "audience", _AUDIENCE_SOURCE
            ).search(text):
                found.update((Meaning.AUDIENCE_REJECTED, Meaning.TOKEN_REJECTED))
    if found & {Meaning.TOKEN_EXPIRED, Meaning.AUDIENCE_REJECTED}:
        found.add(Meaning.TOKEN_REJECTED)
    if found & {Meaning.DEPLOYMENT_MISSING, Meaning.PROJECT_MISSING}:
        found.add(Meaning.RESOURCE_NOT_FOUND)
    if found & {Meaning.V1_VERSION_FORBIDDEN, Meaning.PREVIEW_REQUIRED}:
        found.add(Meaning.API_VERSION_REJECTED)
    if Meaning.MODEL_RETIRED in found:
        found.discard(Meaning.RETIRED)
    if Meaning.GATEWAY_KEY_MISSING in found:
        found.discard(Meaning.CREDENTIAL_MISSING)
    return frozenset(found)


def expected_audiences_in(message: str | None) -> tuple[str, ...]:
    """The audiences a "token rejected" message lists in parentheses, as written."""
    if not message or "audience" not in message.lower():
        return ()
    found = _regex("audience-list", r"audience[^()]{0,60}\(([^()]{1,300})\)", re.I).search(message)
    if found is None:
        return ()
    parts = found.group(1).replace(",", " ").split()
    items = (item.strip(" `'\"") for item in parts if item not in ("or", "and"))
    return tuple(
        item for item in items if item.startswith(("http://", "https://", "urn:", "api://"))
    )


def principal_in(message: str | None) -> str | None:
    """The principal a permission message names (an object id, or a masked placeholder)."""
    if not message:
        return None
    found = _regex(
        "principal",
        r"(?:principal|object id)\s+(?:[`'\"]([^`'\"\s]{1,128})[`'\"]"
        r"|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|<[\w-]{1,40}>))",
        re.I,
    ).search(message)
    return (found.group(1) or found.group(2)) if found else None


def data_action_in(message: str | None) -> str | None:
    """The data action a permission message says is missing."""
    if not message:
        return None
    found = _regex(
        "data-action", r"(?:data action|has)\s+[`'\"]?(Microsoft\.[A-Za-z0-9./*_-]{3,200})", re.I
    ).search(message)
    return found.group(1).rstrip(".") if found else None


def operation_in(message: str | None) -> str | None:
    """The ``METHOD /path`` operation a permission message names."""
    if not message:
        return None
    found = _regex("operation", r"to perform\s+[`'\"]?([A-Z]{3,7}\s+[^`'\"\s]{1,200})").search(
        message
    )
    return found.group(1) if found else None


def tenant_in(message: str | None) -> str | None:
    """The token's tenant as a tenant-mismatch message states it."""
    if not message:
        return None
    found = _regex("tenant", r"token tenant\s+[`'\"]?([^`'\"\s]{1,64})", re.I).search(message)
    return found.group(1).rstrip(".") if found else None


def model_in(message: str | None) -> str | None:
    """The model name an "unknown model" (or "does not work with the specified model")
    message names."""
    if not message:
        return None
    found = _regex(
        "model",
        r"(?:unknown model:?|specified model,?|model)\s*[`'\"]?([\w.:/-]{1,128})",
        re.I,
    ).search(message)
    if found is None or found.group(1).lower() in ("is", "the", "name", "associated"):
        return None
    return found.group(1).rstrip(".,")


def minimum_version_in(message: str | None) -> str | None:
    """The api-version a "enabled only for api-version X and later" message names."""
    if not message:
        return None
    found = _regex(
        "minimum", r"only for api[- ]?versions?\s+([\w.-]{6,32})\s+and later", re.I
    ).search(message)
    return found.group(1) if found else None
