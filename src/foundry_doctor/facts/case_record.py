"""Facts from a case record: the JSON object that describes one failed call after the fact
(``../shared/cases/*.jsonl``, ``foundry-doctor explain --case``).

Records come from people and tools, so the reader is forgiving: missing and unknown keys, nulls
anywhere and values of the wrong type are all accepted, and whatever cannot be read stays
unknown. A record never carries a secret the facts would keep: a bearer token found in it is
reduced to its claims, like a live request's.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from typing import Any

from foundry_doctor._logging import logger_for
from foundry_doctor.facts.credential_failure import (
    CredentialFailure,
    looks_like_credential_failure,
)
from foundry_doctor.facts.observation import (
    AuthFacts,
    BearerKind,
    CredentialKind,
    Facts,
    capped_body,
    safe_headers,
)
from foundry_doctor.facts.tokens import TokenClaims, decode_claims, looks_like_jwt

__all__ = ["facts_from_case"]

logger = logger_for(__name__)

_MAX_TEXT = 8192
_CREDENTIALS: Mapping[str, CredentialKind] = {
    "api-key": "api-key",
    "apikey": "api-key",
    "api_key": "api-key",
    "key": "api-key",
    "azurekeycredential": "api-key",
    "token": "token",
    "entra": "token",
    "entra-id": "token",
    "aad": "token",
    "bearer": "token",
    "tokencredential": "token",
    "none": "none",
    "no": "none",
}


def facts_from_case(record: Mapping[str, Any] | object) -> Facts:
    """Read a case record into :class:`Facts`; an empty ``Facts`` for anything unreadable.

    Besides the documented layout (``request`` / ``response`` objects), a bare record holding
    ``status``, ``body``, ``url``, ``headers`` or ``reason`` at the top level is accepted too.
    """
    if not isinstance(record, Mapping):
        return Facts(auth=AuthFacts(observed=False))
    try:
        return _read(record)
    except Exception:  # a record shaped in some way nobody foresaw
        logger.debug("could not read a case record", exc_info=True)
        return Facts(auth=AuthFacts(observed=False), case_id=_text(_get(record, "id"), 256))


def _get(mapping: Mapping[str, Any], key: str) -> Any:
    try:
        return mapping.get(key)
    except Exception:
        return None


def _section(record: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = _get(record, key)
    return value if isinstance(value, Mapping) else {}


def _text(value: object, limit: int = _MAX_TEXT) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text[:limit] if text else None


def _status(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 100 <= value <= 599 else None
    if isinstance(value, float) and value.is_integer():
        return _status(int(value))
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 3:
        return _status(int(value.strip()))
    return None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and 0 <= number < 1e11 else None


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "sent")
    return False


def _credential(value: object) -> CredentialKind | None:
    text = _text(value, 64)
    return _CREDENTIALS.get(text.lower()) if text else None


def _scopes(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(part for part in value.split() if part)[:16] or None
    if isinstance(value, (list, tuple)):
        return tuple(item.strip()[:512] for item in value if isinstance(item, str))[:16] or None
    return None


def _claims(value: object) -> TokenClaims | None:
    if not isinstance(value, Mapping):
        return None
    try:
        return TokenClaims.from_mapping(value)
    except Exception:
        return None


def _auth(request: Mapping[str, Any]) -> AuthFacts:
    auth = _get(request, "auth")
    if not isinstance(auth, Mapping):
        return AuthFacts(observed=False)
    raw_kind = _get(auth, "authorization")
    claims = _claims(_get(auth, "claims"))
    kind: BearerKind | None = None
    if isinstance(raw_kind, str) and raw_kind.strip():
        word = raw_kind.strip()
        if word.lower().startswith("bearer "):
            word = word[7:].strip()
        if looks_like_jwt(word):  # a real token slipped into the record: keep only its claims
            kind = "jwt"
            claims = claims or decode_claims(word)
        elif word.lower() == "jwt":
            kind = "jwt"
        else:
            kind = "opaque"
    elif claims is not None:
        kind = "jwt"
    key = _get(auth, "api_key")
    key_kind: BearerKind | None = None
    if isinstance(key, str) and key.strip().lower() in ("jwt", "opaque"):
        key_kind = "jwt" if key.strip().lower() == "jwt" else "opaque"  # what the header held
    return AuthFacts(
        authorization=kind,
        api_key=key_kind is not None or _flag(key),
        claims=claims,
        x_api_key=_flag(_get(auth, "x_api_key")),
        subscription_key=_flag(_get(auth, "subscription_key")),
        api_key_kind=key_kind,
        same_token=_flag(_get(auth, "same_token")),
    )


def _headers(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return safe_headers(
        {
            str(name): text
            for name, raw in itertools.islice(value.items(), 100)
            if (text := _text(raw, 1024)) is not None
        }
    )


def _body(value: object) -> str | None:
    if isinstance(value, str):
        return capped_body(value)
    if isinstance(value, (Mapping, list)):
        try:
            return capped_body(json.dumps(value, default=str))
        except (TypeError, ValueError, RecursionError):
            return None
    return None


def _versions(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {
        name.strip().lower(): text
        for name, raw in itertools.islice(value.items(), 32)
        if isinstance(name, str) and name.strip() and (text := _text(raw, 64)) is not None
    }


def _read(record: Mapping[str, Any]) -> Facts:
    request = _section(record, "request")
    response = _section(record, "response")

    def pick(section: Mapping[str, Any], key: str) -> Any:
        value = _get(section, key)
        return value if value is not None else _get(record, key)

    method = _text(pick(request, "method"), 16)
    status = _status(pick(response, "status"))
    body = _body(pick(response, "body"))
    failure = _credential_failure(record, request, status, body)
    if failure is not None:
        status, body = None, None  # nothing reached the service: no status, no service body
    url = _text(pick(request, "url"))
    if url is None and body is not None:
        # a tool's message that names the URL it called (read only when it is needed)
        from foundry_doctor.facts.pasted_text import quoted_request_url

        url = quoted_request_url(body)
    return Facts(
        client=_text(_get(record, "client"), 128),
        endpoint=_text(_get(record, "endpoint")),
        credential=_credential(_get(record, "credential")),
        scopes=_scopes(_get(record, "scopes")),
        method=method.upper() if method else None,
        url=url,
        model=_text(pick(request, "model"), 256),
        auth=_auth(request),
        status=status,
        reason=_text(pick(response, "reason"), 128) if failure is None else None,
        headers=_headers(pick(response, "headers")),
        body=body,
        now=_number(_get(record, "now")),
        sdk_versions=_versions(_get(record, "sdk_versions")),
        case_id=_text(_get(record, "id"), 256),
        credential_failure=failure,
    )


def _credential_failure(
    record: Mapping[str, Any],
    request: Mapping[str, Any],
    status: int | None,
    body: str | None,
) -> CredentialFailure | None:
    """A record of a token that could not be obtained: it names the credential class or the
    token request, or its text is a credential's and no service status or request URL is
    known."""
    credential_class = _text(_get(record, "credential_class"), 128)
    token_request = _get(record, "token_request")
    token_url = (
        _text(_get(token_request, "url"), 1024) if isinstance(token_request, Mapping) else None
    )
    token_status = (
        _status(_get(token_request, "status")) if isinstance(token_request, Mapping) else None
    )
    declared = credential_class is not None or isinstance(token_request, Mapping)
    unanswered = status is None and _text(_get(request, "url")) is None
    if not declared and not (unanswered and body and looks_like_credential_failure(body)):
        return None
    if declared and status is not None and not (body and looks_like_credential_failure(body)):
        return None  # the service answered: an ordinary failed call
    return CredentialFailure.from_text(
        body,
        credential_class=credential_class,
        scopes=_scopes(_get(record, "scopes")) or (),
        token_endpoint=token_url,
        token_status=token_status,
    )
