"""Facts: what was observed about a failed call (no judgement here)."""

from foundry_doctor.facts.observation import (
    BODY_READ_LIMIT,
    SECRET_HEADERS,
    AuthFacts,
    BearerKind,
    CredentialKind,
    Facts,
)
from foundry_doctor.facts.tokens import TokenClaims, decode_claims, looks_like_jwt

__all__ = [
    "BODY_READ_LIMIT",
    "SECRET_HEADERS",
    "AuthFacts",
    "BearerKind",
    "CredentialKind",
    "Facts",
    "TokenClaims",
    "decode_claims",
    "looks_like_jwt",
]
