"""Credentials never reach what a diagnosis shows; personal claims only on opt-in."""

from __future__ import annotations

import base64
import json

import pytest

from foundry_doctor.diagnosis import Diagnosis, diagnose, diagnose_text
from foundry_doctor.facts import Facts

SIGNATURE = "c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1sZWFr"
KEY = "8f3a9c1e5b7d2f4a6c8e0b1d3f5a7c9e"
CLAIMS = {
    "aud": "https://ml.azure.com",
    "exp": 100,
    "tid": "t-1",
    "oid": "o-1",
    "upn": "alex@contoso.com",
    "name": "Alex Doe",
    "email": "alex@contoso.com",
}


def _token(claims: dict[str, object]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.{SIGNATURE}"


TOKEN = _token(CLAIMS)
BODY_ECHOING_SECRETS = json.dumps(
    {
        "error": {
            "code": "401",
            "message": (
                f"Access denied due to invalid subscription key {KEY}. "
                f"Authorization: Bearer {TOKEN}"
            ),
        }
    }
)


def _shown(diagnosis: Diagnosis) -> str:
    return diagnosis.render() + json.dumps(diagnosis.to_dict()) + repr(diagnosis)


def _live(**extra: object) -> Facts:
    return Facts.observe(
        status=401,
        request_headers={"Authorization": f"Bearer {TOKEN}", "api-key": KEY},
        response_headers={"apim-request-id": "r1", "Set-Cookie": f"s={KEY}"},
        body=BODY_ECHOING_SECRETS,
        client="openai.AzureOpenAI",
        endpoint="https://myres.openai.azure.com",
        url=f"https://myres.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key={KEY}",
        now=200,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("include_personal", [False, True])
def test_no_token_signature_or_key_in_the_output(include_personal: bool) -> None:
    shown = _shown(diagnose(_live(), include_personal=include_personal))
    assert SIGNATURE not in shown
    assert TOKEN not in shown
    assert KEY not in shown


def test_pasted_text_with_secrets() -> None:
    text = (
        f"curl -H 'api-key: {KEY}' -H 'Authorization: Bearer {TOKEN}'\n"
        f"Error code: 401 - {BODY_ECHOING_SECRETS}"
    )
    shown = _shown(diagnose_text(text))
    assert SIGNATURE not in shown
    assert KEY not in shown


def test_case_record_with_a_token_in_it() -> None:
    record = {
        "request": {"auth": {"authorization": f"Bearer {TOKEN}"}},
        "response": {"status": 401, "body": BODY_ECHOING_SECRETS},
    }
    shown = _shown(diagnose(record))
    assert SIGNATURE not in shown
    assert KEY not in shown


def test_personal_claims_only_on_opt_in() -> None:
    tenant_body = json.dumps(
        {
            "error": {
                "code": "Tenant provided in token does not match resource token",
                "message": "Token tenant t-1 does not match resource tenant.",
            }
        }
    )
    record = {
        "request": {"auth": {"authorization": "jwt", "claims": CLAIMS}},
        "response": {"status": 400, "body": tenant_body},
    }
    plain = _shown(diagnose(record))
    assert "alex@contoso.com" not in plain
    assert "Alex Doe" not in plain
    personal = _shown(diagnose(record, include_personal=True))
    assert "alex@contoso.com" in personal


def test_upn_in_a_service_message_is_hidden_without_opt_in() -> None:
    body = json.dumps(
        {
            "error": {
                "code": "PermissionDenied",
                "message": "The principal `alex@contoso.com` lacks the required data action "
                "`a/b` to perform `GET /x` operation.",
            }
        }
    )
    record = {
        "request": {"auth": {"authorization": "jwt"}},
        "response": {"status": 401, "body": body},
    }
    assert "alex@contoso.com" not in _shown(diagnose(record))
    assert "alex@contoso.com" in _shown(diagnose(record, include_personal=True))
