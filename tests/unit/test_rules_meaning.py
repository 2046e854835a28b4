from __future__ import annotations

import json

import pytest

from foundry_doctor.facts.error_body import parse_error_body
from foundry_doctor.rules.meaning import (
    Meaning,
    data_action_in,
    expected_audiences_in,
    principal_in,
    read_meanings,
    tenant_in,
)


def meanings(body: str, reason: str | None = None) -> frozenset[Meaning]:
    return read_meanings(parse_error_body(body), reason=reason)


@pytest.mark.parametrize(
    ("message", "meaning"),
    [
        (
            "Access token is missing, invalid, audience is incorrect (x), or have expired.",
            Meaning.TOKEN_REJECTED,
        ),
        ("IDX10223: Lifetime validation failed. The token is expired.", Meaning.TOKEN_EXPIRED),
        ("The audience 'https://ml.azure.com' is invalid", Meaning.AUDIENCE_REJECTED),
        (
            "Access denied due to invalid subscription key or wrong API endpoint.",
            Meaning.KEY_REJECTED,
        ),
        ("Incorrect API key provided: sk-***", Meaning.KEY_REJECTED),
        ("The api key supplied is not valid for this resource", Meaning.KEY_REJECTED),
        ("You didn't provide an API key.", Meaning.CREDENTIAL_MISSING),
        ("Access denied due to missing subscription key.", Meaning.GATEWAY_KEY_MISSING),
        (
            "Auth token must be passed as a header called Authorization",
            Meaning.AUTHORIZATION_HEADER_REQUIRED,
        ),
        ("Principal does not have access to API/Operation.", Meaning.PERMISSION_DENIED),
        ("The principal `x` lacks the required data action `a/b`", Meaning.PERMISSION_DENIED),
        ("Key based authentication is disabled for this resource.", Meaning.KEY_AUTH_DISABLED),
        ("Local authentication is disabled.", Meaning.KEY_AUTH_DISABLED),
        ("Access denied due to Virtual Network/Firewall rules.", Meaning.NETWORK_DENIED),
        ("Public access is disabled. Please configure private endpoint.", Meaning.NETWORK_DENIED),
        ("Token tenant x does not match resource tenant.", Meaning.TENANT_MISMATCH),
        (
            "Please provide a custom subdomain for token authentication",
            Meaning.CUSTOM_SUBDOMAIN_REQUIRED,
        ),
        ("The API deployment for this resource does not exist.", Meaning.DEPLOYMENT_MISSING),
        ("Unknown model: foo", Meaning.DEPLOYMENT_MISSING),
        ("The project does not exist.", Meaning.PROJECT_MISSING),
        ("Resource not found", Meaning.RESOURCE_NOT_FOUND),
        ("API version not supported", Meaning.API_VERSION_REJECTED),
        (
            "api-version query parameter is not allowed when using /v1 path",
            Meaning.API_VERSION_REJECTED,
        ),
        ("This API has been retired.", Meaning.RETIRED),
    ],
)
def test_message_meanings(message: str, meaning: Meaning) -> None:
    assert meaning in meanings(json.dumps({"error": {"code": "x", "message": message}}))


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        ("PermissionDenied", Meaning.PERMISSION_DENIED),
        ("AuthenticationTypeDisabled", Meaning.KEY_AUTH_DISABLED),
        ("DeploymentNotFound", Meaning.DEPLOYMENT_MISSING),
        ("invalid_api_key", Meaning.KEY_REJECTED),
        ("InvalidAuthenticationTokenTenant", Meaning.TENANT_MISMATCH),
    ],
)
def test_codes(code: str, meaning: Meaning) -> None:
    assert meaning in meanings('{"error":{"code":"' + code + '","message":"."}}')


def test_the_catch_all_token_message_is_not_read_as_expired() -> None:
    found = meanings(
        '{"statusCode":401,"message":"Access token is missing, invalid, '
        'audience is incorrect (a), or have expired."}'
    )
    assert Meaning.TOKEN_EXPIRED not in found
    assert Meaning.AUDIENCE_REJECTED not in found


def test_missing_subscription_key_is_not_an_invalid_key() -> None:
    assert Meaning.KEY_REJECTED not in meanings(
        '{"message":"Access denied due to missing subscription key."}'
    )


def test_reason_only_when_body_is_silent() -> None:
    assert Meaning.PERMISSION_DENIED in meanings("", reason="PermissionDenied")
    assert Meaning.PERMISSION_DENIED not in meanings(
        '{"error":{"message":"invalid subscription key"}}', "PermissionDenied"
    )


def test_extractors() -> None:
    assert expected_audiences_in(
        "audience is incorrect (https://cognitiveservices.azure.com/ or https://ai.azure.com/)"
    ) == ("https://cognitiveservices.azure.com/", "https://ai.azure.com/")
    assert principal_in("The principal `abc-1` lacks") == "abc-1"
    assert principal_in("Principal does not have access") is None
    assert (
        data_action_in("lacks the required data action `Microsoft.X/a/read` to")
        == "Microsoft.X/a/read"
    )
    assert tenant_in("Token tenant 1234 does not match") == "1234"


def test_headers_speak_when_the_body_does_not() -> None:
    empty = parse_error_body(None)
    challenge = 'Bearer error="invalid_token", error_description="The token expired"'
    assert Meaning.TOKEN_EXPIRED in read_meanings(empty, challenge=challenge)
    assert Meaning.DEPLOYMENT_MISSING in read_meanings(empty, header_code="DeploymentNotFound")


def test_control_plane_style_authorization_failure() -> None:
    message = (
        "The client 'x' with object id '11111111-2222-3333-4444-555555555555' does not have "
        "authorization to perform action 'Microsoft.CognitiveServices/accounts/OpenAI/"
        "deployments/chat/completions/action' over scope '/subscriptions/s'."
    )
    assert Meaning.PERMISSION_DENIED in meanings(
        json.dumps({"error": {"code": "x", "message": message}})
    )
    assert principal_in(message) == "11111111-2222-3333-4444-555555555555"
