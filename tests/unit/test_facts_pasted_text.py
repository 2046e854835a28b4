from __future__ import annotations

import base64
import json

from foundry_doctor.facts.pasted_text import facts_from_text


def _jwt(claims: dict[str, object]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"


def test_openai_error_line_with_python_repr_body() -> None:
    facts = facts_from_text(
        "openai.AuthenticationError: Error code: 401 - {'statusCode': 401, "
        "'message': 'Unauthorized. Access token is missing, invalid, audience is incorrect "
        "(https://cognitiveservices.azure.com), or have expired.'}"
    )
    assert facts.status == 401
    assert facts.body is not None
    assert json.loads(facts.body)["statusCode"] == 401
    assert facts.auth.observed is False
    assert facts.endpoint is None
    assert facts.url is None


def test_azure_core_block() -> None:
    facts = facts_from_text(
        "azure.core.exceptions.HttpResponseError: (AuthenticationTypeDisabled) Key based "
        "authentication is disabled for this resource.\nCode: AuthenticationTypeDisabled\n"
        "Message: Key based authentication is disabled for this resource."
    )
    body = json.loads(facts.body or "{}")
    assert body["error"]["code"] == "AuthenticationTypeDisabled"


def test_dotnet_status_line_and_request_id() -> None:
    facts = facts_from_text(
        "Azure.RequestFailedException: Service request failed.\nStatus: 404 (Not Found)\n"
        "ErrorCode: DeploymentNotFound\nHeaders:\n"
        "apim-request-id: 0f0e0d0c-1111-2222-3333-444455556666"
    )
    assert facts.status == 404
    assert facts.headers["apim-request-id"] == "0f0e0d0c-1111-2222-3333-444455556666"
    assert json.loads(facts.body or "{}")["error"]["code"] == "DeploymentNotFound"


def test_invalid_status_phrase() -> None:
    assert facts_from_text("Operation returned an invalid status 'Not Found'").status == 404
    assert facts_from_text("Operation returned an invalid status 'Unauthorized'").status == 401


def test_urls_split_into_request_and_endpoint() -> None:
    facts = facts_from_text(
        "HTTP Request: POST https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
        '?api-version=2024-10-21 "HTTP/1.1 404 Not Found" endpoint=https://myres.openai.azure.com. '
        "See https://aka.ms/x"
    )
    assert facts.status == 404
    assert facts.url is not None
    assert facts.url.endswith("api-version=2024-10-21")
    assert facts.endpoint == "https://myres.openai.azure.com"
    assert facts.client is None or facts.client.startswith("openai")


def test_a_pasted_token_becomes_claims_only() -> None:
    token = _jwt({"aud": "https://ml.azure.com", "exp": 5})
    facts = facts_from_text(f"401 Unauthorized\nAuthorization: Bearer {token}")
    assert facts.auth.authorization == "jwt"
    assert facts.auth.claims is not None
    assert facts.auth.claims.aud == "https://ml.azure.com"
    assert token not in repr(facts)


def test_anything_goes() -> None:
    for text in ("", "{", "{'a': ", "}" * 1000, "{" * 5000, "\x00\xff", "Error code: 999", 42):
        facts_from_text(text)  # type: ignore[arg-type]
