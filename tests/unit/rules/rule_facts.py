"""Building facts for rule tests from the few fields each test cares about.

Facts are made through the case-record reader, so every rule test also exercises it.
"""

from __future__ import annotations

import json
from typing import Any

from foundry_doctor.facts import Facts

TOKEN_401 = json.dumps(
    {
        "statusCode": 401,
        "message": "Unauthorized. Access token is missing, invalid, audience is incorrect "
        "(https://cognitiveservices.azure.com), or have expired.",
    }
)
KEY_401 = json.dumps(
    {
        "error": {
            "code": "401",
            "message": "Access denied due to invalid subscription key or wrong API endpoint. "
            "Make sure to provide a valid key for an active subscription and use a correct "
            "regional API endpoint for your resource.",
        }
    }
)
ROLE_401 = json.dumps(
    {
        "error": {
            "code": "PermissionDenied",
            "message": "Principal does not have access to API/Operation.",
        }
    }
)
NOT_FOUND_404 = '{"error":{"code":"404","message": "Resource not found"}}'
DEPLOYMENT_404 = json.dumps(
    {
        "error": {
            "code": "DeploymentNotFound",
            "message": "The API deployment for this resource does not exist. If you created the "
            "deployment within the last 5 minutes, please wait a moment and try again.",
        }
    }
)

OID = "11111111-2222-3333-4444-555555555555"
TID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def record(
    *,
    client: str | None = "http",
    endpoint: str | None = None,
    credential: str | None = None,
    scopes: list[str] | None = None,
    method: str | None = "POST",
    url: str | None = None,
    model: str | None = None,
    bearer: str | None = None,
    api_key: bool = False,
    claims: dict[str, Any] | None = None,
    auth_known: bool = True,
    status: int | None = 401,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    now: float | None = None,
    sdk: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A case record with the given fields (``bearer`` is ``"jwt"``/``"opaque"``/None)."""
    return {
        "id": "test",
        "client": client,
        "endpoint": endpoint,
        "credential": credential,
        "scopes": scopes,
        "request": {
            "method": method,
            "url": url,
            "model": model,
            "auth": (
                {"authorization": bearer, "api_key": api_key, "claims": claims}
                if auth_known
                else None
            ),
        },
        "response": {"status": status, "reason": None, "headers": headers or {}, "body": body},
        "now": now,
        "sdk_versions": sdk or {},
    }


def facts(**fields: Any) -> Facts:
    """Facts for :func:`record`'s keyword arguments."""
    return Facts.from_case(record(**fields))


def texts(finding: Any) -> str:
    """Everything a finding shows, as one string (for "the fix names X" assertions)."""
    parts = [finding.explanation, *finding.fix, *(e.render() for e in finding.evidence)]
    return "\n".join(parts)
