"""Facts: what was observed about a failed call (no judgement and no remedies here).

The observation types load with the package; the readers (case records, pasted text, URLs,
error bodies, installed versions) on first use, so that diagnosing one kind of input does not
pay for the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from foundry_doctor.facts.credential_failure import CredentialFailure
from foundry_doctor.facts.observation import (
    BODY_READ_LIMIT,
    SECRET_HEADERS,
    AuthFacts,
    BearerKind,
    CredentialKind,
    Facts,
)
from foundry_doctor.facts.tokens import TokenClaims, decode_claims, looks_like_jwt

if TYPE_CHECKING:
    from foundry_doctor.facts.case_record import facts_from_case
    from foundry_doctor.facts.client_kinds import ClientKind, client_kind
    from foundry_doctor.facts.endpoints import (
        EndpointInfo,
        accepted_audiences,
        classify_endpoint,
    )
    from foundry_doctor.facts.error_body import ErrorBody, parse_error_body
    from foundry_doctor.facts.pasted_text import facts_from_text
    from foundry_doctor.facts.versions import installed_versions

__all__ = [
    "BODY_READ_LIMIT",
    "SECRET_HEADERS",
    "AuthFacts",
    "BearerKind",
    "ClientKind",
    "CredentialFailure",
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

_LAZY = {
    "facts_from_case": "foundry_doctor.facts.case_record",
    "ClientKind": "foundry_doctor.facts.client_kinds",
    "client_kind": "foundry_doctor.facts.client_kinds",
    "EndpointInfo": "foundry_doctor.facts.endpoints",
    "accepted_audiences": "foundry_doctor.facts.endpoints",
    "classify_endpoint": "foundry_doctor.facts.endpoints",
    "ErrorBody": "foundry_doctor.facts.error_body",
    "parse_error_body": "foundry_doctor.facts.error_body",
    "facts_from_text": "foundry_doctor.facts.pasted_text",
    "installed_versions": "foundry_doctor.facts.versions",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'foundry_doctor.facts' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
