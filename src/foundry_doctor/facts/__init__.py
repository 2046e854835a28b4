"""Facts: what was observed about a failed call (no judgement here)."""

from foundry_doctor.facts.case_record import facts_from_case
from foundry_doctor.facts.client_kinds import ClientKind, client_kind
from foundry_doctor.facts.endpoints import EndpointInfo, accepted_audiences, classify_endpoint
from foundry_doctor.facts.error_body import ErrorBody, parse_error_body
from foundry_doctor.facts.observation import (
    BODY_READ_LIMIT,
    SECRET_HEADERS,
    AuthFacts,
    BearerKind,
    CredentialKind,
    Facts,
)
from foundry_doctor.facts.pasted_text import facts_from_text
from foundry_doctor.facts.tokens import TokenClaims, decode_claims, looks_like_jwt
from foundry_doctor.facts.versions import installed_versions

__all__ = [
    "BODY_READ_LIMIT",
    "SECRET_HEADERS",
    "AuthFacts",
    "BearerKind",
    "ClientKind",
    "CredentialKind",
    "EndpointInfo",
    "ErrorBody",
    "Facts",
    "TokenClaims",
    "accepted_audiences",
    "classify_endpoint",
    "client_kind",
    "decode_claims",
    "facts_from_case",
    "facts_from_text",
    "installed_versions",
    "looks_like_jwt",
    "parse_error_body",
]
