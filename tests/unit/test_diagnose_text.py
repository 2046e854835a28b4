from __future__ import annotations

from foundry_doctor.diagnosis import diagnose_text


def test_openai_catch_all_401_asks_for_the_audience() -> None:
    diagnosis = diagnose_text(
        "openai.AuthenticationError: Error code: 401 - {'statusCode': 401, 'message': "
        "'Unauthorized. Access token is missing, invalid, audience is incorrect "
        "(https://cognitiveservices.azure.com), or have expired.'}"
    )
    assert diagnosis.status == 401
    assert diagnosis.rule == "token-wrong-audience"
    assert diagnosis.confidence == "low"
    joined = " ".join(diagnosis.missing_facts)
    assert "aud" in joined
    assert "az account get-access-token --resource https://cognitiveservices.azure.com" in joined


def test_azure_core_permission_denied() -> None:
    diagnosis = diagnose_text(
        "azure.core.exceptions.ClientAuthenticationError: (PermissionDenied) Principal does not "
        "have access to API/Operation.\nCode: PermissionDenied\nMessage: Principal does not have "
        "access to API/Operation."
    )
    assert diagnosis.rule == "missing-data-plane-role"
    assert diagnosis.status == 401


def test_raw_json_body_without_status() -> None:
    diagnosis = diagnose_text(
        '{"error":{"code":"DeploymentNotFound",'
        '"message":"The API deployment for this resource does not exist."}}'
    )
    assert diagnosis.rule == "deployment-not-found"
    assert diagnosis.status == 404


def test_bare_status_phrase_gives_the_checklist_and_what_is_missing() -> None:
    diagnosis = diagnose_text("Operation returned an invalid status 'Not Found'")
    assert diagnosis.rule == "unknown"
    assert diagnosis.status == 404
    assert "the request URL" in diagnosis.missing_facts


def test_url_in_the_log_line_is_used() -> None:
    diagnosis = diagnose_text(
        "HTTP Request: POST https://myres.openai.azure.com/openai/openai/deployments/gpt-4o/chat/completions"
        '?api-version=2024-10-21 "HTTP/1.1 404 Not Found"\n'
        "openai.NotFoundError: Error code: 404 - "
        "{'error': {'code': '404', 'message': 'Resource not found'}}"
    )
    assert diagnosis.rule == "endpoint-path-wrong"


def test_key_disabled_from_dotnet() -> None:
    diagnosis = diagnose_text(
        "Azure.RequestFailedException: Key based authentication is disabled for this resource.\n"
        "Status: 403 (Forbidden)\nErrorCode: AuthenticationTypeDisabled"
    )
    assert diagnosis.rule == "key-auth-disabled"


def test_garbage() -> None:
    for text in ("", "\x00", "{" * 10_000, "x" * 1_000_000):
        assert diagnose_text(text).rule == "unknown"


def test_a_url_in_the_text_is_not_what_the_service_said() -> None:
    # "deployments/.../completions": 404 Not Found reads like "deployment ... not found"; the URL
    # is where the call went, and its path mixes /v1 with /deployments/<name>
    diagnosis = diagnose_text(
        'POST "https://myres.openai.azure.com/openai/v1/deployments/gpt-4o/chat/completions": '
        "404 Not Found"
    )
    assert diagnosis.rule == "endpoint-path-wrong"


def test_a_model_version_as_api_version_in_a_quoted_url() -> None:
    diagnosis = diagnose_text(
        "HTTP 404 from https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
        "?api-version=2024-08-06: Resource not found"
    )
    assert diagnosis.rule == "api-version-unsupported"


def test_an_html_404_page_is_not_a_network_refusal() -> None:
    diagnosis = diagnose_text(
        "<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head>"
        "<body><h2>404 - File or directory not found.</h2></body></html>"
    )
    assert diagnosis.rule != "network-access-denied"


def test_a_v1_path_named_in_the_message_still_counts() -> None:
    diagnosis = diagnose_text(
        "Error code: 400 - {'error': {'code': 'BadRequest', 'message': 'api-version query "
        "parameter is not allowed when using /openai/v1/ path'}}"
    )
    assert diagnosis.rule == "api-version-unsupported"
