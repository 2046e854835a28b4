"""Reading the claims of a bearer token without verifying it.

Only the payload segment of a JWT is decoded; the signature is never stored or looked at. The
token string itself is not kept anywhere: callers get a :class:`TokenClaims` value made of the
claims that matter for diagnosis, plus (separately) the claims that identify a person, which
renderers show only when the caller opts in.
"""

import base64
import binascii
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

__all__ = ["MAX_TOKEN_LENGTH", "PERSONAL_CLAIMS", "TokenClaims", "decode_claims", "looks_like_jwt"]

#: Tokens longer than this are not decoded (Entra ID access tokens are a few KiB at most).
MAX_TOKEN_LENGTH = 16 * 1024

#: Claims that identify a person; shown only on opt-in.
PERSONAL_CLAIMS = (
    "upn",
    "unique_name",
    "email",
    "name",
    "preferred_username",
    "given_name",
    "family_name",
)


def _as_str(value: object) -> str | None:
    if isinstance(value, str):
        return value[:512]
    return None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 16:
        return int(value.strip())
    return None


def _as_strs(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part for part in value.split() if part)[:64]
    if isinstance(value, (list, tuple)):
        return tuple(item[:256] for item in value if isinstance(item, str))[:64]
    return ()


_NONE: Mapping[str, str] = MappingProxyType({})


class TokenClaims(NamedTuple):
    """The claims of an access token that say who it is for and who it belongs to.

    ``appid`` holds ``appid`` (v1 tokens) or ``azp`` (v2 tokens). ``scp`` and ``roles`` are
    tuples of scope / app-role names. ``personal`` holds the person-identifying claims; it is
    excluded from ``repr`` and from :meth:`to_dict` unless asked for.
    """

    aud: str | None = None
    iss: str | None = None
    exp: int | None = None
    nbf: int | None = None
    iat: int | None = None
    tid: str | None = None
    oid: str | None = None
    appid: str | None = None
    idtyp: str | None = None
    ver: str | None = None
    scp: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    personal: Mapping[str, str] = _NONE

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}" for name, value in self.to_dict().items() if name != "personal"
        )
        return f"TokenClaims({shown})"  # personal claims never appear here

    @classmethod
    def from_mapping(cls, payload: Mapping[str, Any]) -> "TokenClaims":
        """Build claims from a decoded payload (or a case record's ``claims``), ignoring
        values of the wrong type rather than failing on them."""
        aud = payload.get("aud")
        if isinstance(aud, list):  # a token may name several audiences; the first is enough
            aud = next((a for a in aud if isinstance(a, str)), None)
        personal = {
            name: text
            for name in PERSONAL_CLAIMS
            if (text := _as_str(payload.get(name))) is not None
        }
        return cls(
            aud=_as_str(aud),
            iss=_as_str(payload.get("iss")),
            exp=_as_int(payload.get("exp")),
            nbf=_as_int(payload.get("nbf")),
            iat=_as_int(payload.get("iat")),
            tid=_as_str(payload.get("tid")),
            oid=_as_str(payload.get("oid")),
            appid=_as_str(payload.get("appid")) or _as_str(payload.get("azp")),
            idtyp=_as_str(payload.get("idtyp")),
            ver=_as_str(payload.get("ver")),
            scp=_as_strs(payload.get("scp")),
            roles=_as_strs(payload.get("roles")),
            personal=personal,
        )

    def to_dict(self, *, include_personal: bool = False) -> dict[str, Any]:
        """The claims as plain data; person-identifying claims only when asked for."""
        data: dict[str, Any] = {
            "aud": self.aud,
            "iss": self.iss,
            "exp": self.exp,
            "nbf": self.nbf,
            "iat": self.iat,
            "tid": self.tid,
            "oid": self.oid,
            "appid": self.appid,
            "idtyp": self.idtyp,
            "ver": self.ver,
            "scp": list(self.scp),
            "roles": list(self.roles),
        }
        data = {key: value for key, value in data.items() if value not in (None, [])}
        if include_personal:
            data.update(self.personal)
        return data


def looks_like_jwt(token: str) -> bool:
    """Whether a credential has the three dot-separated segments of a JWS compact token."""
    parts = token.split(".")
    return len(parts) == 3 and all(parts[:2]) and token.startswith("eyJ")


def _b64url_json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    raw = base64.urlsafe_b64decode(padded.encode("ascii"))
    return json.loads(raw.decode("utf-8"))


def decode_claims(token: str) -> TokenClaims | None:
    """Decode a JWT's payload without verifying it; ``None`` when it is not a readable JWT.

    Never raises: a truncated, oversized or garbled token simply yields ``None``.
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or not looks_like_jwt(token):
        return None
    try:
        payload = _b64url_json(token.split(".")[1])
    except (ValueError, UnicodeError, binascii.Error, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    return TokenClaims.from_mapping(payload)
