"""What a service's error message means, independent of its exact wording.

The same cause reaches users in several phrasings (service versions, gateways, other SDKs
re-wrapping the text), so each meaning is recognised from its parsed code when there is one and
otherwise from the ideas the message expresses ("the key is invalid", "the deployment does not
exist"), not from one sentence. The patterns are compiled once; :func:`read_meanings` runs them
over one lower-cased text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

from foundry_doctor.facts.error_body import ErrorBody

__all__ = [
    "Meaning",
    "data_action_in",
    "expected_audiences_in",
    "model_in",
    "operation_in",
    "principal_in",
    "read_meanings",
    "tenant_in",
]


class Meaning(enum.Enum):
    """One idea an error message can express."""

    TOKEN_REJECTED = enum.auto()  # a bearer token was missing, invalid, expired, mis-addressed
    TOKEN_EXPIRED = enum.auto()  # says plainly (and only) that the token expired
    AUDIENCE_REJECTED = enum.auto()  # says plainly (and only) that the audience is wrong
    KEY_REJECTED = enum.auto()  # a key was presented and refused
    CREDENTIAL_MISSING = enum.auto()  # no key / credentials arrived
    GATEWAY_KEY_MISSING = enum.auto()  # a gateway's own subscription key is missing
    AUTHORIZATION_HEADER_REQUIRED = enum.auto()  # the key must come as a bearer value
    PERMISSION_DENIED = enum.auto()  # authenticated, but not allowed
    KEY_AUTH_DISABLED = enum.auto()
    NETWORK_DENIED = enum.auto()
    TENANT_MISMATCH = enum.auto()
    CUSTOM_SUBDOMAIN_REQUIRED = enum.auto()
    DEPLOYMENT_MISSING = enum.auto()
    MODEL_UNNAMED = enum.auto()  # the request named no deployment at all
    PROJECT_MISSING = enum.auto()
    RESOURCE_NOT_FOUND = enum.auto()  # a generic "not found"
    API_VERSION_REJECTED = enum.auto()
    RETIRED = enum.auto()


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
}

_NETWORK_WORDS = (
    r"virtual network|firewall|public (?:network )?access (?:is )?disabled"
    r"|private endpoint|private link|traffic ?denied|\bvnet\b|network (?:rules|acls?)"
    r"|ip address[^.]{0,40}\b(?:not allowed|denied|blocked|forbidden)"
    r"|not allowed from (?:this|your) (?:ip|network)"
)

# Words without which a meaning's pattern cannot match: a cheap test that skips the regex.
_KEYWORDS: Mapping[Meaning, tuple[str, ...]] = {
    Meaning.TOKEN_REJECTED: ("token", "audience", "idx10", "validation"),
    Meaning.KEY_REJECTED: ("key", "endpoint"),
    Meaning.CREDENTIAL_MISSING: ("missing", "provide", "no ", "authorization"),
    Meaning.GATEWAY_KEY_MISSING: ("subscription key", "ocp-apim"),
    Meaning.AUTHORIZATION_HEADER_REQUIRED: ("authorization",),
    Meaning.PERMISSION_DENIED: ("have", "lacks", "authorized", "insufficient", "permission"),
    Meaning.KEY_AUTH_DISABLED: ("disable", "not allowed"),
    Meaning.NETWORK_DENIED: (
        "network",
        "firewall",
        "access",
        "private",
        "traffic",
        "vnet",
        "ip address",
        "not allowed",
    ),
    Meaning.TENANT_MISMATCH: ("tenant", "issuer"),
    Meaning.CUSTOM_SUBDOMAIN_REQUIRED: ("subdomain", "sub-domain"),
    Meaning.DEPLOYMENT_MISSING: ("deployment", "model"),
    Meaning.MODEL_UNNAMED: ("model",),
    Meaning.PROJECT_MISSING: ("project",),
    Meaning.RESOURCE_NOT_FOUND: ("not found", "does not exist", "no such"),
    Meaning.API_VERSION_REJECTED: ("version",),
    Meaning.RETIRED: ("retired", "deprecated", "no longer", "decommission", "end of life"),
}

_PATTERNS: tuple[tuple[Meaning, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (meaning, _KEYWORDS[meaning], re.compile(pattern))
    for meaning, pattern in (
        (
            Meaning.TOKEN_REJECTED,
            r"access token is missing|token is missing|missing (?:access |bearer )?token"
            r"|token[^.]{0,60}\b(?:invalid|incorrect|expired|malformed|not valid|rejected"
            r"|could not be validated)"
            r"|audience[^.]{0,40}\b(?:incorrect|invalid|mismatch|wrong|not (?:valid|allowed))"
            r"|(?:invalid|incorrect|wrong|unexpected) (?:token )?audience"
            r"|(?:lifetime|signature|audience) validation failed|idx10\d{3}",
        ),
        (
            Meaning.KEY_REJECTED,
            r"invalid (?:subscription|api|access)[ -]?key"
            r"|(?:subscription|api)[ -]?key[^.]{0,40}\b(?:invalid|incorrect|not valid|is wrong"
            r"|revoked)"
            r"|incorrect (?:api[ -]?)?key|wrong api endpoint|invalid_api_key|\binvalid key\b",
        ),
        (
            Meaning.CREDENTIAL_MISSING,
            r"missing (?:an? )?(?:api[ -]?key|subscription key|credentials?|authorization"
            r"|application credentials)"
            r"|(?:didn'?t|did not|must|need to) provide (?:an? |your )?(?:api[ -]?)?key"
            r"|no (?:api[ -]?key|credentials?|authorization header)(?: was)? "
            r"(?:provided|supplied|found)"
            r"|authorization header (?:is )?(?:missing|not (?:present|provided))"
            r"|access denied due to missing",
        ),
        (
            Meaning.GATEWAY_KEY_MISSING,
            r"missing subscription key|subscription key (?:is )?(?:missing|required)"
            r"|ocp-apim-subscription-key",
        ),
        (
            Meaning.AUTHORIZATION_HEADER_REQUIRED,
            r"header called authorization"
            r"|(?:passed|sent|provided|supplied) (?:in|as|via) (?:an? |the )?authorization header"
            r"|authorization header (?:is )?required|requires? (?:an? )?authorization header",
        ),
        (
            Meaning.PERMISSION_DENIED,
            r"does not have (?:access|permission|authorization|the required)"
            r"|doesn'?t have (?:access|permission|authorization)"
            r"|lacks the required (?:data )?action|not authorized to perform"
            r"|insufficient (?:permissions|privileges)|permission denied",
        ),
        (
            Meaning.KEY_AUTH_DISABLED,
            r"key[- ]based auth\w* (?:is )?disabled|local auth\w* (?:is )?disabled"
            r"|(?:api[- ]?)?key auth\w* (?:is )?(?:disabled|not allowed)|disablelocalauth"
            r"|authentication type[^.]{0,30}disabled",
        ),
        (Meaning.NETWORK_DENIED, _NETWORK_WORDS),
        (
            Meaning.TENANT_MISMATCH,
            r"tenant[^.]{0,80}\b(?:does not match|doesn'?t match|mismatch|not match)"
            r"|(?:wrong|invalid|mismatched|unexpected) tenant|must match the tenant"
            r"|(?:wrong|invalid|unexpected) issuer",
        ),
        (Meaning.CUSTOM_SUBDOMAIN_REQUIRED, r"custom sub-?domain|subdomain[^.]{0,40}token"),
        (
            Meaning.DEPLOYMENT_MISSING,
            r"deployment[^.]{0,80}\b(?:does not exist|doesn'?t exist|not found|could not be found"
            r"|is not ready)"
            r"|unknown model|model[^.]{0,60}\b(?:does not exist|not found|is not deployed)"
            r"|no deployment",
        ),
        (
            Meaning.MODEL_UNNAMED,
            r"no model (?:name )?(?:was )?(?:specified|given|provided)|model name is required"
            r"|(?:missing|requires?) (?:a |the )?model (?:name|parameter)",
        ),
        (
            Meaning.PROJECT_MISSING,
            r"project[^.]{0,60}\b(?:does not exist|doesn'?t exist|not found|could not be found)",
        ),
        (Meaning.RESOURCE_NOT_FOUND, r"\bnot found\b|does not exist|no such"),
        (
            Meaning.API_VERSION_REJECTED,
            r"api[- ]?version[^.]{0,80}\b(?:not supported|unsupported|not allowed|is invalid"
            r"|not valid|is required|is missing|must be)"
            r"|(?:unsupported|invalid|missing|unknown) api[- ]?version"
            r"|enabled only for api[- ]?versions|api[- ]version query parameter",
        ),
        (
            Meaning.RETIRED,
            r"\bretired\b|has been deprecated|no longer (?:supported|available)|decommissioned"
            r"|end of life",
        ),
    )
)
_EXPIRED = re.compile(
    r"token[^.]{0,40}\bexpired|expired[^.]{0,20}\btoken|lifetime validation failed|idx10223"
    r"|token expir\w*[^.]{0,80}\bearlier than"
)
_AUDIENCE = re.compile(
    r"(?:invalid|incorrect|wrong|unexpected) audience|audience.{0,60}?\b(?:invalid|mismatch"
    r"|wrong|not (?:valid|allowed))|audience validation failed|idx10214"
)
_AUDIENCE_LIST = re.compile(r"audience[^()]{0,60}\(([^()]{1,300})\)", re.IGNORECASE)
_AUDIENCE_SPLIT = re.compile(r"\s+or\s+|\s*,\s*|\s+and\s+|\s+")
_PRINCIPAL = re.compile(
    r"(?:principal|object id)\s+(?:[`'\"]([^`'\"\s]{1,128})[`'\"]"
    r"|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))",
    re.IGNORECASE,
)
_DATA_ACTION = re.compile(r"data action\s+[`'\"]?([A-Za-z0-9./*_-]{3,200})", re.IGNORECASE)
_OPERATION = re.compile(r"to perform\s+[`'\"]?([A-Z]{3,7}\s+[^`'\"\s]{1,200})")
_TENANT = re.compile(r"token tenant\s+[`'\"]?([^`'\"\s]{1,64})", re.IGNORECASE)
_MODEL = re.compile(r"unknown model:?\s*[`'\"]?([\w.:/-]{1,128})", re.IGNORECASE)


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
    if text:
        found.update(
            meaning
            for meaning, keywords, pattern in _PATTERNS
            if any(word in text for word in keywords) and pattern.search(text)
        )
        if not _is_catch_all(text):
            if ("expir" in text or "lifetime" in text or "idx10223" in text) and _EXPIRED.search(
                text
            ):
                found.update((Meaning.TOKEN_EXPIRED, Meaning.TOKEN_REJECTED))
            if ("audience" in text or "idx10214" in text) and _AUDIENCE.search(text):
                found.update((Meaning.AUDIENCE_REJECTED, Meaning.TOKEN_REJECTED))
    if found & {Meaning.TOKEN_EXPIRED, Meaning.AUDIENCE_REJECTED}:
        found.add(Meaning.TOKEN_REJECTED)
    if found & {Meaning.DEPLOYMENT_MISSING, Meaning.PROJECT_MISSING}:
        found.add(Meaning.RESOURCE_NOT_FOUND)
    if Meaning.GATEWAY_KEY_MISSING in found:
        found.add(Meaning.CREDENTIAL_MISSING)
    return frozenset(found)


def expected_audiences_in(message: str | None) -> tuple[str, ...]:
    """The audiences a "token rejected" message lists in parentheses, as written."""
    if not message:
        return ()
    match = _AUDIENCE_LIST.search(message)
    if match is None:
        return ()
    items = (item.strip(" `'\"") for item in _AUDIENCE_SPLIT.split(match.group(1)))
    return tuple(
        item for item in items if item.startswith(("http://", "https://", "urn:", "api://"))
    )


def principal_in(message: str | None) -> str | None:
    """The principal a permission message names (an object id, or a masked placeholder)."""
    match = _PRINCIPAL.search(message or "")
    return (match.group(1) or match.group(2)) if match else None


def data_action_in(message: str | None) -> str | None:
    """The data action a permission message says is missing."""
    match = _DATA_ACTION.search(message or "")
    return match.group(1).rstrip(".") if match else None


def operation_in(message: str | None) -> str | None:
    """The ``METHOD /path`` operation a permission message names."""
    match = _OPERATION.search(message or "")
    return match.group(1) if match else None


def tenant_in(message: str | None) -> str | None:
    """The token's tenant as a tenant-mismatch message states it."""
    match = _TENANT.search(message or "")
    return match.group(1).rstrip(".") if match else None


def model_in(message: str | None) -> str | None:
    """The model name an "unknown model" message names."""
    match = _MODEL.search(message or "")
    return match.group(1).rstrip(".") if match else None
