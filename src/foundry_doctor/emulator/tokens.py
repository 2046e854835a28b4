"""Access tokens: minted like Entra ID v1 access tokens, signed and checked by the emulator.

Tokens are JWS compact tokens signed with HS256 and a secret that only this emulator holds, so
the service can tell its own tokens from anything else. The claims follow Entra ID: ``aud`` is
the requested scope without its ``/.default`` (or other permission) suffix, ``iss`` is
``https://sts.windows.net/<tid>/``, users carry ``upn``/``name``/``scp`` and apps carry
``roles``; ``idtyp`` says which.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from foundry_doctor.emulator.services.entra.world import Principal
from foundry_doctor.emulator.wire.messages import BearerKind

__all__ = [
    "MAX_TOKEN_LENGTH",
    "InvalidToken",
    "TokenIssuer",
    "audience_for_scope",
    "bearer_of",
    "looks_like_jwt",
]

#: Longer bearer values are rejected without decoding.
MAX_TOKEN_LENGTH = 16 * 1024

_HEADER = {"alg": "HS256", "typ": "JWT"}


class InvalidToken(Exception):
    """A bearer token the service does not accept; ``reason`` is a short slug
    (``malformed``, ``signature``, ``expired``, ``not-yet-valid``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def audience_for_scope(scope: str) -> str:
    """The ``aud`` Entra ID puts in a token requested for ``scope``.

    ``https://cognitiveservices.azure.com/.default`` -> ``https://cognitiveservices.azure.com``;
    a permission scope such as ``https://ml.azure.com/user_impersonation`` loses its last path
    segment the same way; anything else is its own audience.
    """
    scope = scope.strip()
    if not scope:
        raise ValueError("a token needs a non-empty scope")
    if scope.endswith("/.default"):
        return scope[: -len("/.default")]
    head, _, _permission = scope.rpartition("/")
    return head if "://" in head else scope


def looks_like_jwt(value: str) -> bool:
    """Three dot-separated segments, the first one a base64url JSON object (``eyJ...``)."""
    parts = value.split(".")
    return len(parts) == 3 and value.startswith("eyJ") and all(parts[:2])


def bearer_of(authorization: str | None) -> tuple[BearerKind | None, str]:
    """(kind, credential) of an ``Authorization`` header; kind ``None`` when not Bearer."""
    if authorization is None:
        return None, ""
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        return None, ""
    return ("jwt" if looks_like_jwt(credential) else "opaque"), credential


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """The checked claims of a token the service accepted as genuine and current."""

    claims: Mapping[str, Any]

    @property
    def aud(self) -> str:
        value = self.claims.get("aud")
        return value if isinstance(value, str) else ""

    @property
    def tid(self) -> str:
        value = self.claims.get("tid")
        return value if isinstance(value, str) else ""

    @property
    def oid(self) -> str:
        value = self.claims.get("oid")
        return value if isinstance(value, str) else ""


class TokenIssuer:
    """Mints and verifies the emulator's tokens. The signing secret never leaves the object."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._secret = secrets.token_bytes(32)
        self._clock = clock

    def __repr__(self) -> str:
        return "TokenIssuer(alg='HS256')"

    def now(self) -> int:
        return int(self._clock())

    def mint(
        self,
        principal: Principal,
        scope: str,
        *,
        lifetime: int = 3600,
        tenant_id: str | None = None,
    ) -> tuple[str, int]:
        """A signed token for ``principal`` and ``scope``; returns ``(token, expires_on)``.

        ``lifetime`` is in seconds and may be negative (an already expired token);
        ``tenant_id`` overrides the tenant the token is issued by.
        """
        now = self.now()
        tid = tenant_id or principal.tid
        expires_on = now + int(lifetime)
        claims: dict[str, Any] = {
            "aud": audience_for_scope(scope),
            "iss": f"https://sts.windows.net/{tid}/",
            "iat": min(now, expires_on) - 60,
            "nbf": min(now, expires_on) - 60,
            "exp": expires_on,
            "tid": tid,
            "oid": principal.oid,
            "sub": principal.oid,
            "appid": principal.appid,
            "appidacr": "0" if principal.idtyp == "user" else "1",
            "idtyp": principal.idtyp,
            "ver": "1.0",
            "uti": uuid.uuid4().hex[:22],
        }
        if principal.idtyp == "user":
            claims["scp"] = "user_impersonation"
            if principal.upn:
                claims["upn"] = principal.upn
                claims["unique_name"] = principal.upn
            if principal.display_name:
                claims["name"] = principal.display_name
        else:
            claims["roles"] = []
        return self._sign(claims), expires_on

    def _sign(self, claims: Mapping[str, Any]) -> str:
        header = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode())
        payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}".encode("ascii")
        signature = hmac.new(self._secret, signing_input, hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64encode(signature)}"

    def verify(self, token: str) -> VerifiedToken:
        """Check signature and lifetime; raise :class:`InvalidToken` when either fails.

        The audience and tenant are the service's business (they depend on the endpoint).
        """
        if len(token) > MAX_TOKEN_LENGTH or not looks_like_jwt(token):
            raise InvalidToken("malformed")
        header_part, payload_part, signature_part = token.split(".")
        try:
            header = json.loads(_b64decode(header_part))
            claims = json.loads(_b64decode(payload_part))
            signature = _b64decode(signature_part)
        except (ValueError, UnicodeError, binascii.Error, RecursionError):
            raise InvalidToken("malformed") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise InvalidToken("malformed")
        if header.get("alg") != "HS256":
            raise InvalidToken("signature")
        expected = hmac.new(
            self._secret, f"{header_part}.{payload_part}".encode("ascii"), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(expected, signature):
            raise InvalidToken("signature")
        now = self.now()
        exp, nbf = claims.get("exp"), claims.get("nbf")
        if not isinstance(exp, int) or exp <= now:
            raise InvalidToken("expired")
        if isinstance(nbf, int) and nbf > now:
            raise InvalidToken("not-yet-valid")
        return VerifiedToken(claims)
