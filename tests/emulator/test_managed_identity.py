"""The real ManagedIdentityCredential (sync and aio) against the emulated managed-identity
endpoints: App Service, IMDS and Cloud Shell, reached only through the variables azure-identity
honours. Tokens work on the data plane with the identity's own roles; each refusal reads as
azure-identity words it against the real endpoint (``../shared/knowledge/entra.md`` §3)."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CredentialUnavailableError, ManagedIdentityCredential
from azure.identity.aio import ManagedIdentityCredential as AsyncManagedIdentityCredential

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.services.managed_identity.spec import (
    CLOUD_SHELL_AUDIENCES,
    MANAGED_IDENTITY_VARIABLES,
)
from support.identity import SCOPE, sync_imds_routable
from support.wire import plain_request

pytestmark = pytest.mark.usefixtures("identity_env")

MODELS = "https://myres.services.ai.azure.com/models"

needs_routable_imds = pytest.mark.skipif(
    not sync_imds_routable(),
    reason="this msal sends the sync IMDS request to 169.254.169.254 whatever "
    "AZURE_POD_IDENTITY_AUTHORITY_HOST says; it cannot be routed to the emulator",
)

IDENTITY_NOT_FOUND = "Identity not found"
MULTIPLE = (
    "Multiple user assigned identities exist, please specify the clientId / resourceId of the "
    "identity in the token request"
)
NO_APP_SERVICE_IDENTITY = (
    "No User Assigned or Delegated Managed Identity found for specified "
    "ClientId/ResourceId/PrincipalId."
)


def _client_id(emu: Emulator, principal: str) -> str:
    return emu.world.principal(principal).appid


def _chat(credential: Any) -> str:
    client = ChatCompletionsClient(
        endpoint=MODELS, credential=credential, credential_scopes=[SCOPE], retry_total=0
    )
    with client:
        return str(
            client.complete(model="gpt-4o", messages=[UserMessage("hi")]).choices[0].message.content
        )


def _oid_of(token: str) -> str:
    import base64
    import json

    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["oid"])


# --- the environment -----------------------------------------------------------------------------


def test_each_kind_sets_exactly_its_variables_and_restores_them(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSI_ENDPOINT", "http://outside.example/token")
    before = {name: os.environ.get(name) for name in MANAGED_IDENTITY_VARIABLES}
    expected = {
        "app_service": {"IDENTITY_ENDPOINT", "IDENTITY_HEADER"},
        "vm": {"AZURE_POD_IDENTITY_AUTHORITY_HOST"},
        "cloud_shell": {"MSI_ENDPOINT"},
    }
    for kind, names in expected.items():
        with emu.managed_identity_environment(kind=kind) as values:  # type: ignore[arg-type]
            assert set(values) == names
            present = {name for name in MANAGED_IDENTITY_VARIABLES if name in os.environ}
            assert present == names
            assert all(
                os.environ[name].startswith(emu.proxy_url) for name in names - {"IDENTITY_HEADER"}
            )
        assert {name: os.environ.get(name) for name in MANAGED_IDENTITY_VARIABLES} == before


def test_an_app_service_app_without_identity_has_no_endpoint(emu: Emulator) -> None:
    with emu.modified_world() as world:
        world.platform("app-service").system_identity = None
        world.platform("app-service").user_identities = ()
        with pytest.raises(ValueError, match="has no identity"):
            emu.managed_identity_environment("app-service")


# --- App Service ---------------------------------------------------------------------------------


def test_app_service_system_identity_on_the_data_plane(emu: Emulator) -> None:
    with emu.managed_identity_environment("app-service"):
        credential = ManagedIdentityCredential()
        assert _oid_of(credential.get_token(SCOPE).token) == emu.world.principal("webapp-mi").oid
        assert _chat(credential).startswith("Hello from gpt-4o")
    record = next(item for item in emu.requests if item.service == "managed-identity")
    assert (record.route, record.query["api-version"], record.headers["x-identity-header"]) == (
        "app_service",
        "2019-08-01",
        "***",
    )


async def test_app_service_user_assigned_identity_aio(emu: Emulator) -> None:
    with emu.managed_identity_environment("app-service"):
        credential = AsyncManagedIdentityCredential(client_id=_client_id(emu, "uami-chat"))
        async with credential:
            token = await credential.get_token(SCOPE)
    assert _oid_of(token.token) == emu.world.principal("uami-chat").oid


async def test_app_service_client_id_not_attached(emu: Emulator) -> None:
    with emu.managed_identity_environment("app-service"):
        with pytest.raises(CredentialUnavailableError) as sync_error:
            ManagedIdentityCredential(client_id=_client_id(emu, "uami-batch")).get_token(SCOPE)
        credential = AsyncManagedIdentityCredential(client_id=_client_id(emu, "uami-batch"))
        async with credential:
            with pytest.raises(ClientAuthenticationError) as async_error:
                await credential.get_token(SCOPE)
    assert sync_error.value.message == (
        "App Service managed identity configuration not found in environment. Token request "
        f"error: (invalid_scope) 400, {NO_APP_SERVICE_IDENTITY}"
    )
    assert not isinstance(async_error.value, CredentialUnavailableError)  # it stops a chain
    assert async_error.value.status_code == 400
    assert async_error.value.message == (
        f"(None) {NO_APP_SERVICE_IDENTITY}\nCode: None\nMessage: {NO_APP_SERVICE_IDENTITY}"
    )


def test_app_service_checks_its_identity_header(emu: Emulator) -> None:
    path = "/platforms/app-service/msi/token?api-version=2019-08-01&resource=https://cognitiveservices.azure.com"
    response = plain_request(emu, "GET", path, headers={"X-IDENTITY-HEADER": "wrong"})
    assert response.status == 401
    assert emu.requests[-1].outcome == "identity-header-mismatch"


def test_app_service_passes_on_an_unknown_resource(emu: Emulator) -> None:
    header = emu.world.platform("app-service").identity_header
    response = plain_request(
        emu,
        "GET",
        "/platforms/app-service/msi/token?api-version=2019-08-01&resource=https://cognitiveservice.azure.com",
        headers={"X-IDENTITY-HEADER": header},
    )
    body = response.json()
    assert response.status == 400
    assert (body["errorCode"], body["serviceErrorCodes"], body["statusCode"], body["message"]) == (
        "invalid_resource",
        ["500011"],
        400,
        None,
    )
    assert body["exceptionMessage"].startswith(
        "AADSTS500011: The resource principal named https://cognitiveservice.azure.com was not "
        "found"
    )


# --- IMDS ----------------------------------------------------------------------------------------


@needs_routable_imds
def test_vm_system_identity_on_the_data_plane(emu: Emulator) -> None:
    with emu.managed_identity_environment("vm"):
        credential = ManagedIdentityCredential()
        assert _chat(credential).startswith("Hello from gpt-4o")
    record = next(item for item in emu.requests if item.service == "managed-identity")
    assert (record.route, record.query["api-version"], record.headers["metadata"]) == (
        "vm",
        "2018-02-01",
        "true",
    )


async def test_vm_system_identity_aio(emu: Emulator) -> None:
    with emu.managed_identity_environment("vm"):
        credential = AsyncManagedIdentityCredential()
        async with credential:
            token = await credential.get_token(SCOPE)
    assert _oid_of(token.token) == emu.world.principal("vm-mi").oid


@needs_routable_imds
def test_an_identity_without_roles_gets_the_data_planes_answer(emu: Emulator) -> None:
    from azure.core.exceptions import ClientAuthenticationError as ServiceRefusal

    with emu.managed_identity_environment("vm-user-assigned"):
        credential = ManagedIdentityCredential(client_id=_client_id(emu, "uami-batch"))
        with pytest.raises(ServiceRefusal) as caught:
            _chat(credential)
    assert caught.value.status_code == 401
    assert "Principal does not have access to API/Operation." in str(caught.value)


def _sync_imds(description: str) -> str:
    return (
        "ManagedIdentityCredential authentication unavailable, no response from the IMDS "
        f"endpoint. Token request error: (invalid_request) {description}"
    )


def _async_imds(description: str) -> str:
    return (
        "ManagedIdentityCredential authentication unavailable. The requested identity has not "
        "been assigned to this resource. Error: Unexpected response "
        f"\"{{'error': 'invalid_request', 'error_description': '{description}'}}\""
    )


@pytest.mark.parametrize(
    ("platform", "client", "description"),
    [
        ("vm-no-identity", None, IDENTITY_NOT_FOUND),
        ("vm", "uami-batch", IDENTITY_NOT_FOUND),
        ("vm-user-assigned", None, MULTIPLE),
    ],
    ids=["no-identity", "client-id-not-attached", "several-none-chosen"],
)
async def test_imds_refusals(
    emu: Emulator, platform: str, client: str | None, description: str
) -> None:
    kwargs = {"client_id": _client_id(emu, client)} if client else {}
    with emu.managed_identity_environment(platform):
        if sync_imds_routable():
            with pytest.raises(CredentialUnavailableError) as sync_error:
                ManagedIdentityCredential(**kwargs).get_token(SCOPE)
            assert sync_error.value.message == _sync_imds(description)
        credential = AsyncManagedIdentityCredential(**kwargs)
        async with credential:
            with pytest.raises(CredentialUnavailableError) as async_error:
                await credential.get_token(SCOPE)
    assert async_error.value.message == _async_imds(description)


def test_imds_wire_bodies(emu: Emulator) -> None:
    base = (
        "/platforms/vm-no-identity/metadata/identity/oauth2/token?api-version=2018-02-01&resource=x"
    )
    refused = plain_request(emu, "GET", base, headers={"Metadata": "true"})
    assert refused.status == 400
    assert refused.body == b'{"error":"invalid_request","error_description":"Identity not found"}'
    assert len(refused.body) == 68  # the Content-Length quoted in Azure/azure-sdk-for-net#37278
    several = plain_request(
        emu, "GET", base.replace("vm-no-identity", "vm-user-assigned"), headers={"Metadata": "true"}
    )
    assert len(several.body) == 168  # the length quoted in Hexadite/acs-keyvault-agent#43
    unheaded = plain_request(emu, "GET", base)
    assert unheaded.json() == {
        "error": "invalid_request",
        "error_description": "Required metadata header not specified",
    }


def test_imds_success_body(emu: Emulator) -> None:
    path = (
        "/platforms/vm/metadata/identity/oauth2/token?api-version=2018-02-01"
        "&resource=https://cognitiveservices.azure.com"
    )
    body = plain_request(emu, "GET", path, headers={"Metadata": "true"}).json()
    assert set(body) == {
        "access_token",
        "client_id",
        "expires_in",
        "expires_on",
        "ext_expires_in",
        "not_before",
        "resource",
        "token_type",
    }
    assert all(isinstance(value, str) for value in body.values())  # IMDS sends numbers as strings
    assert body["client_id"] == emu.world.principal("vm-mi").appid


def test_unknown_platform_path(emu: Emulator) -> None:
    response = plain_request(emu, "GET", "/platforms/nowhere/metadata/identity/oauth2/token")
    assert response.status == 404
    assert plain_request(emu, "GET", "/elsewhere").status == 404


# --- Cloud Shell ---------------------------------------------------------------------------------


def _audience_text(resource: str) -> str:
    listed = ",".join(CLOUD_SHELL_AUDIENCES)
    message = (
        f"Audience {resource} is not a supported MSI token audience. Supported audiences: {listed}"
    )
    return f"(AudienceNotSupported) {message}\nCode: AudienceNotSupported\nMessage: {message}"


@pytest.mark.parametrize("scope", [SCOPE, "https://ai.azure.com/.default"])
async def test_cloud_shell_refuses_the_ai_audiences(emu: Emulator, scope: str) -> None:
    resource = scope.removesuffix("/.default")
    with emu.managed_identity_environment("cloud-shell"):
        with pytest.raises(ClientAuthenticationError) as sync_error:
            ManagedIdentityCredential().get_token(scope)
        credential = AsyncManagedIdentityCredential()
        async with credential:
            with pytest.raises(ClientAuthenticationError) as async_error:
                await credential.get_token(scope)
    for error in (sync_error.value, async_error.value):
        assert not isinstance(error, CredentialUnavailableError)
        assert error.status_code == 400
        assert error.message == _audience_text(resource)


def test_cloud_shell_issues_the_users_token_for_listed_audiences(emu: Emulator) -> None:
    with emu.managed_identity_environment("cloud-shell"):
        token = ManagedIdentityCredential().get_token("https://management.azure.com/.default")
    assert _oid_of(token.token) == emu.world.principal("alice").oid


def test_the_cloud_shell_audience_list_is_a_world_setting(emu: Emulator) -> None:
    audiences = (*CLOUD_SHELL_AUDIENCES, "https://cognitiveservices.azure.com")
    with (
        emu.modified_world({"platforms.cloud-shell.supported_audiences": audiences}),
        emu.managed_identity_environment("cloud-shell"),
    ):
        assert _chat(ManagedIdentityCredential()).startswith("Hello from gpt-4o")


def test_cloud_shell_request_shape(emu: Emulator) -> None:
    with emu.managed_identity_environment("cloud-shell"), pytest.raises(ClientAuthenticationError):
        ManagedIdentityCredential().get_token(SCOPE)
    record = emu.requests[-1]
    assert (record.method, record.route, record.headers["metadata"]) == (
        "POST",
        "cloud_shell",
        "true",
    )
    assert re.fullmatch(r"127\.0\.0\.1:\d+", record.host)


def test_the_identity_header_never_reaches_the_request_log(emu: Emulator) -> None:
    header = emu.world.platform("app-service").identity_header
    with emu.managed_identity_environment("app-service"):
        ManagedIdentityCredential().get_token(SCOPE)
    assert header not in repr(emu.requests)
