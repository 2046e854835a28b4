"""The emulated Entra ID on the wire, below any credential: the discovery documents, the token
endpoint's body shape, statuses and headers, and each decision of its order."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.services.entra.spec import CLIENT_ASSERTION_TYPE
from foundry_doctor.emulator.world import DEFAULT_TENANT, FOREIGN_TENANT, GOVERNMENT_TENANT
from support.identity import TAIL
from support.wire import RawResponse, raw_request

LOGIN = "login.microsoftonline.com"
TOKEN = f"/{DEFAULT_TENANT}/oauth2/v2.0/token"
COGSVC = "https://cognitiveservices.azure.com/.default"


def _token(
    emu: Emulator, form: dict[str, str], *, host: str = LOGIN, path: str = TOKEN
) -> RawResponse:
    return raw_request(
        emu,
        host,
        "POST",
        path,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "client-request-id": "11111111-2222-3333-4444-555555555555",
        },
        body=urlencode(form).encode(),
    )


def _secret_form(emu: Emulator, **overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": emu.world.app("chat-backend").client_id,
        "client_secret": emu.client_secret("chat-backend"),
        "scope": COGSVC,
    }
    form.update(overrides)
    return form


def _error(response: RawResponse) -> dict[str, object]:
    assert response.header("content-type") == "application/json; charset=utf-8"
    assert response.header("cache-control") == "no-store, no-cache"
    assert response.header("pragma") == "no-cache"
    body = response.json()
    assert isinstance(body, dict)
    return body


def test_the_discovery_document(emu: Emulator) -> None:
    response = raw_request(
        emu, LOGIN, "GET", f"/{DEFAULT_TENANT}/v2.0/.well-known/openid-configuration"
    )
    assert response.status == 200
    document = response.json()
    assert document["token_endpoint"] == f"https://{LOGIN}{TOKEN}"
    assert document["issuer"] == f"https://{LOGIN}/{DEFAULT_TENANT}/v2.0"
    assert document["authorization_endpoint"].endswith("/oauth2/v2.0/authorize")
    assert emu.requests[-1].service == "entra"
    assert emu.requests[-1].route == "discovery"


def test_discovery_by_domain_names_the_tenant_id(emu: Emulator) -> None:
    response = raw_request(
        emu, LOGIN, "GET", "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    )
    assert response.json()["token_endpoint"] == f"https://{LOGIN}{TOKEN}"


def test_discovery_of_an_unknown_tenant(emu: Emulator) -> None:
    response = raw_request(
        emu, LOGIN, "GET", "/nope.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    )
    assert response.status == 400
    body = _error(response)
    assert body["error"] == "invalid_tenant"
    assert body["error_codes"] == [90002]
    assert re.fullmatch(
        re.escape(
            "AADSTS90002: Tenant 'nope.onmicrosoft.com' not found. Check to make sure you have "
            "the correct tenant ID and are signing into the correct cloud. Check with your "
            "subscription administrator, this may happen if there are no active subscriptions "
            "for the tenant."
        )
        + TAIL,
        str(body["error_description"]),
    )


def test_a_tenant_of_another_cloud_is_unknown_here(emu: Emulator) -> None:
    public = raw_request(
        emu, LOGIN, "GET", f"/{GOVERNMENT_TENANT}/v2.0/.well-known/openid-configuration"
    )
    gov = raw_request(
        emu,
        "login.microsoftonline.us",
        "GET",
        f"/{GOVERNMENT_TENANT}/v2.0/.well-known/openid-configuration",
    )
    assert (public.status, gov.status) == (400, 200)
    assert gov.json()["token_endpoint"].startswith("https://login.microsoftonline.us/")


def test_the_china_cloud_has_its_own_authority(emu: Emulator) -> None:
    path = "/contoso.partner.onmschina.cn/v2.0/.well-known/openid-configuration"
    response = raw_request(emu, "login.chinacloudapi.cn", "GET", path)
    assert response.status == 200
    assert response.json()["token_endpoint"] == (
        "https://login.chinacloudapi.cn/aaaaaaaa-0000-0000-0000-000000000004/oauth2/v2.0/token"
    )


def test_instance_discovery_lists_the_aliases(emu: Emulator) -> None:
    query = urlencode(
        {"api-version": "1.1", "authorization_endpoint": f"https://{LOGIN}/common/oauth2/authorize"}
    )
    response = raw_request(emu, LOGIN, "GET", f"/common/discovery/instance?{query}")
    assert response.status == 200
    aliases = {alias for group in response.json()["metadata"] for alias in group["aliases"]}
    assert {LOGIN, "login.windows.net", "login.microsoftonline.us"} <= aliases


def test_instance_discovery_refuses_an_unknown_host(emu: Emulator) -> None:
    query = urlencode(
        {
            "api-version": "1.0",
            "authorization_endpoint": "https://login.contoso.example/t/oauth2/v2.0/authorize",
        }
    )
    response = raw_request(emu, LOGIN, "GET", f"/common/discovery/instance?{query}")
    assert response.status == 400
    assert _error(response)["error"] == "invalid_instance"


def test_a_token_for_a_client_secret(emu: Emulator) -> None:
    response = _token(emu, _secret_form(emu))
    assert response.status == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["ext_expires_in"]) == (
        "Bearer",
        3599,
        3599,
    )
    claims = json.loads(_claims(body["access_token"]))
    principal = emu.world.principal("app")
    assert claims["aud"] == "https://cognitiveservices.azure.com"
    assert (claims["oid"], claims["appid"], claims["tid"], claims["idtyp"]) == (
        principal.oid,
        principal.appid,
        DEFAULT_TENANT,
        "app",
    )
    assert emu.requests[-1].outcome == "ok"


def _claims(token: str) -> str:
    import base64

    payload = token.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


def test_error_body_shape_and_status(emu: Emulator) -> None:
    response = _token(emu, _secret_form(emu, client_secret="not-the-secret"))
    assert (response.status, response.reason) == (401, "Unauthorized")
    body = _error(response)
    assert list(body) == [
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    ]
    assert body["error"] == "invalid_client"
    assert body["error_codes"] == [7000215]
    assert body["correlation_id"] == "11111111-2222-3333-4444-555555555555"
    assert body["error_uri"] == "https://login.microsoftonline.com/error?code=7000215"
    description = str(body["error_description"])
    assert description.endswith(
        f"Trace ID: {body['trace_id']} Correlation ID: {body['correlation_id']} "
        f"Timestamp: {body['timestamp']}"
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z", str(body["timestamp"]))
    assert emu.requests[-1].error_code == "AADSTS7000215"


def test_a_secret_id_and_a_wrong_value_read_alike_but_are_logged_apart(emu: Emulator) -> None:
    secret_id = emu.world.app("chat-backend").secrets[0].secret_id
    by_id = _error(_token(emu, _secret_form(emu, client_secret=secret_id)))
    wrong = _error(_token(emu, _secret_form(emu, client_secret="wrong")))
    strip = re.compile(TAIL + "$")
    assert strip.sub("", str(by_id["error_description"])) == strip.sub(
        "", str(wrong["error_description"])
    )
    outcomes = [record.outcome for record in emu.requests[-2:]]
    assert outcomes == ["client-secret-id-given", "client-secret-invalid"]


@pytest.mark.parametrize(
    ("form", "status", "error", "code", "text"),
    [
        (
            {"client_secret": "@expired"},
            401,
            "invalid_client",
            7000222,
            "AADSTS7000222: The provided client secret keys for app '{client}' are expired. Visit "
            "the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or "
            "consider using certificate credentials for added security: https://aka.ms/certCreds.",
        ),
        (
            {"client_id": "99999999-0000-0000-0000-000000000000"},
            400,
            "unauthorized_client",
            700016,
            "AADSTS700016: Application with identifier '99999999-0000-0000-0000-000000000000' was "
            f"not found in the directory '{DEFAULT_TENANT}'. This can happen if the application "
            "has not been installed by the administrator of the tenant or consented to by any user "
            "in the tenant. You may have sent your authentication request to the wrong tenant.",
        ),
        (
            {"scope": "https://cognitiveservices.azure.com"},
            400,
            "invalid_scope",
            1002012,
            "AADSTS1002012: The provided value for scope https://cognitiveservices.azure.com is "
            "not valid. Client credential flows must have a scope value with /.default suffixed "
            "to the resource identifier (application ID URI).",
        ),
        (
            {"scope": f"{COGSVC} https://ai.azure.com/.default"},
            400,
            "invalid_scope",
            700022,
            "AADSTS700022: Provided value for the input parameter scope is not valid because it "
            f"contains more than one resource. Scope {COGSVC} https://ai.azure.com/.default is not "
            "valid.",
        ),
        (
            {"scope": f"{COGSVC} https://cognitiveservices.azure.com/user_impersonation"},
            400,
            "invalid_scope",
            70011,
            "AADSTS70011: The provided value for the input parameter 'scope' is not valid. The "
            f"scope {COGSVC} https://cognitiveservices.azure.com/user_impersonation is not valid.",
        ),
        (
            {"scope": "https://cognitiveservice.azure.com/.default"},
            400,
            "invalid_resource",
            500011,
            "AADSTS500011: The resource principal named https://cognitiveservice.azure.com was "
            f"not found in the tenant named {DEFAULT_TENANT}. This can happen if the application "
            "has not been installed by the administrator of the tenant or consented to by any user "
            "in the tenant. You might have sent your authentication request to the wrong tenant.",
        ),
        (
            {"scope": "https://cognitiveservices.azure.us/.default"},
            400,
            "invalid_resource",
            500011,
            "AADSTS500011: The resource principal named https://cognitiveservices.azure.us was "
            f"not found in the tenant named {DEFAULT_TENANT}. This can happen if the application "
            "has not been installed by the administrator of the tenant or consented to by any user "
            "in the tenant. You might have sent your authentication request to the wrong tenant.",
        ),
        (
            {"client_secret": "@absent"},
            401,
            "invalid_client",
            7000218,
            "AADSTS7000218: The request body must contain the following parameter: "
            "'client_assertion' or 'client_secret'.",
        ),
        (
            {"scope": ""},
            400,
            "invalid_request",
            900144,
            "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        ),
    ],
    ids=[
        "expired-secret",
        "unknown-client",
        "no-default-suffix",
        "two-resources",
        "two-scopes-one-resource",
        "scope-typo",
        "sovereign-scope",
        "no-client-credential",
        "no-scope",
    ],
)
def test_token_endpoint_refusals(
    emu: Emulator, form: dict[str, str], status: int, error: str, code: int, text: str
) -> None:
    app = emu.world.app("chat-backend")
    fields = _secret_form(emu, **form)
    if fields["client_secret"] == "@expired":
        fields["client_secret"] = emu.client_secret("chat-backend", 2)
    if fields["client_secret"] == "@absent":
        del fields["client_secret"]
    response = _token(emu, fields)
    assert response.status == status
    body = _error(response)
    assert (body["error"], body["error_codes"]) == (error, [code])
    expected = text.format(client=app.client_id)
    assert re.fullmatch(re.escape(expected) + TAIL, str(body["error_description"]))


def test_the_code_for_two_resources_is_a_world_setting(emu: Emulator) -> None:
    with emu.modified_world({"entra.multiple_resources_code": 28000}):
        body = _error(
            _token(emu, _secret_form(emu, scope=f"{COGSVC} https://ai.azure.com/.default"))
        )
    assert body["error_codes"] == [28000]
    assert str(body["error_description"]).startswith("AADSTS28000: Provided value")


def test_an_app_without_a_service_principal_in_the_tenant(emu: Emulator) -> None:
    body = _error(_token(emu, _secret_form(emu), path=f"/{FOREIGN_TENANT}/oauth2/v2.0/token"))
    assert body["error_codes"] == [700016]
    assert f"in the directory '{FOREIGN_TENANT}'" in str(body["error_description"])


def test_conditional_access(emu: Emulator) -> None:
    with emu.modified_world({"apps.chat-backend.conditional_access_blocked": True}):
        response = _token(emu, _secret_form(emu))
    assert response.status == 400
    body = _error(response)
    assert (body["error"], body["error_codes"]) == ("interaction_required", [53003])
    assert re.fullmatch(
        re.escape(
            "AADSTS53003: Access has been blocked by Conditional Access policies. The access "
            "policy does not allow token issuance."
        )
        + TAIL,
        str(body["error_description"]),
    )


def test_the_token_endpoint_of_an_unknown_tenant(emu: Emulator) -> None:
    body = _error(_token(emu, _secret_form(emu), path="/nope/oauth2/v2.0/token"))
    assert (body["error"], body["error_codes"]) == ("invalid_request", [90002])


def test_a_malformed_assertion(emu: Emulator) -> None:
    form = _secret_form(
        emu, client_assertion="not-a-jwt", client_assertion_type=CLIENT_ASSERTION_TYPE
    )
    del form["client_secret"]
    body = _error(_token(emu, form))
    assert (body["error"], body["error_codes"]) == ("invalid_request", [50027])


def test_only_the_client_credentials_grant(emu: Emulator) -> None:
    response = _token(emu, _secret_form(emu, grant_type="password"))
    assert response.status == 400
    assert _error(response)["error"] == "unsupported_grant_type"


def test_an_unknown_path(emu: Emulator) -> None:
    response = raw_request(emu, LOGIN, "GET", f"/{DEFAULT_TENANT}/oauth2/v2.0/authorize")
    assert (response.status, response.body) == (404, b"")


def test_the_proxy_serves_only_the_clouds_with_tenants(emu: Emulator) -> None:
    import socket

    with emu.modified_world() as world:
        world.tenants = {
            key: value for key, value in world.tenants.items() if value.cloud == "public"
        }
        with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
            sock.sendall(b"CONNECT login.microsoftonline.us:443 HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(64).startswith(b"HTTP/1.1 502 ")
