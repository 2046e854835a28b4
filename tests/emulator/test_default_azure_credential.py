"""The real DefaultAzureCredential (sync and aio) against the emulated Entra ID and
managed-identity endpoints: which link of the chain answers, what the chain raises when none
can, and where it stops (``../shared/knowledge/entra.md`` §2). The environment is the test's
alone: no identity variables from the machine, an empty ``PATH`` (no ``az``, ``azd``, ``pwsh``),
the shared token cache excluded (it reads the home directory)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CredentialUnavailableError, DefaultAzureCredential
from azure.identity.aio import DefaultAzureCredential as AsyncDefaultAzureCredential

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.world import DEFAULT_TENANT
from support.identity import SCOPE, TAIL, sync_imds_routable

pytestmark = pytest.mark.usefixtures("identity_env")

MODELS = "https://myres.services.ai.azure.com/models"
#: the shared token cache reads the user's home directory: kept out of every chain here
OPTIONS: dict[str, Any] = {"exclude_shared_token_cache_credential": True}

HEAD = (
    "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
    "Attempted credentials:\n"
)
FOOT = (
    "\nTo mitigate this issue, please refer to the troubleshooting guidelines here at "
    "https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot."
)
ENVIRONMENT = (
    "EnvironmentCredential: EnvironmentCredential authentication unavailable. Environment "
    "variables are not fully configured.\nVisit "
    "https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to troubleshoot "
    "this issue."
)
WORKLOAD = (
    "WorkloadIdentityCredential: WorkloadIdentityCredential authentication unavailable. The "
    "workload options are not fully configured. See the troubleshooting guide for more "
    "information: https://aka.ms/azsdk/python/identity/workloadidentitycredential/troubleshoot. "
    "Missing required arguments: 'tenant_id', 'client_id', 'token_file_path'."
)
DEVELOPER_TOOLS = (
    "VisualStudioCodeCredential: VisualStudioCodeCredential requires the 'azure-identity-broker' "
    "package to be installed. You must also ensure you have the Azure Resources extension "
    "installed and have signed in to Azure via Visual Studio Code.",
    "AzureCliCredential: Azure CLI not found on path",
    "AzurePowerShellCredential: PowerShell is not installed",
    "AzureDeveloperCliCredential: Azure Developer CLI could not be found. Please visit "
    "https://aka.ms/azure-dev for installation instructions and then,once installed, "
    "authenticate to your Azure account using 'azd auth login'.",
)
BROKER = (
    "BrokerCredential: InteractiveBrowserBrokerCredential unavailable. The "
    "'azure-identity-broker' package is required to use brokered authentication."
)


def _chain(*entries: str) -> str:
    return HEAD + "".join(f"\t{entry}\n" for entry in entries).rstrip("\n") + FOOT


def _chat(credential: Any) -> str:
    client = ChatCompletionsClient(
        endpoint=MODELS, credential=credential, credential_scopes=[SCOPE], retry_total=0
    )
    with client:
        return str(
            client.complete(model="gpt-4o", messages=[UserMessage("hi")]).choices[0].message.content
        )


def _secret_environment(emu: Emulator, monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setenv("AZURE_TENANT_ID", DEFAULT_TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", emu.world.app("chat-backend").client_id)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", secret)


# --- a link that answers -------------------------------------------------------------------------


def test_environment_secret(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    _secret_environment(emu, monkeypatch, emu.client_secret("chat-backend"))
    assert _chat(DefaultAzureCredential(**OPTIONS)).startswith("Hello from gpt-4o")
    assert not [record for record in emu.requests if record.service == "managed-identity"]


async def test_environment_secret_aio(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    _secret_environment(emu, monkeypatch, emu.client_secret("chat-backend"))
    credential = AsyncDefaultAzureCredential(**OPTIONS)
    async with credential:
        token = await credential.get_token(SCOPE)
    assert token.token.startswith("eyJ")


def test_workload_identity(emu: Emulator) -> None:
    with emu.workload_identity_environment("aks-workload"):
        assert _chat(DefaultAzureCredential(**OPTIONS)).startswith("Hello from gpt-4o")


async def test_workload_identity_aio(emu: Emulator) -> None:
    with emu.workload_identity_environment("aks-workload"):
        credential = AsyncDefaultAzureCredential(**OPTIONS)
        async with credential:
            assert (await credential.get_token(SCOPE)).token.startswith("eyJ")


def test_app_service_managed_identity(emu: Emulator) -> None:
    with emu.managed_identity_environment("app-service"):
        assert _chat(DefaultAzureCredential(**OPTIONS)).startswith("Hello from gpt-4o")


async def test_vm_managed_identity_aio(emu: Emulator) -> None:
    with emu.managed_identity_environment("vm"):
        credential = AsyncDefaultAzureCredential(**OPTIONS)
        async with credential:
            assert (await credential.get_token(SCOPE)).token.startswith("eyJ")


# --- no link answers -----------------------------------------------------------------------------


@pytest.mark.skipif(not sync_imds_routable(), reason="this msal's sync IMDS path cannot be routed")
def test_nothing_configured_lists_every_link(emu: Emulator) -> None:
    with (
        emu.managed_identity_environment("vm-no-identity"),
        pytest.raises(ClientAuthenticationError) as caught,
    ):
        DefaultAzureCredential(**OPTIONS).get_token(SCOPE)
    managed = (
        "ManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no "
        "response from the IMDS endpoint. Token request error: (invalid_request) Identity not "
        "found"
    )
    assert not isinstance(caught.value, CredentialUnavailableError)
    assert caught.value.response is None
    assert caught.value.message == _chain(ENVIRONMENT, WORKLOAD, managed, *DEVELOPER_TOOLS, BROKER)


async def test_nothing_configured_lists_every_link_aio(emu: Emulator) -> None:
    with emu.managed_identity_environment("vm-no-identity"):
        credential = AsyncDefaultAzureCredential(**OPTIONS)
        async with credential:
            with pytest.raises(ClientAuthenticationError) as caught:
                await credential.get_token(SCOPE)
    managed = (
        "ManagedIdentityCredential: ManagedIdentityCredential authentication unavailable. The "
        "requested identity has not been assigned to this resource. Error: Unexpected response "
        "\"{'error': 'invalid_request', 'error_description': 'Identity not found'}\""
    )
    assert caught.value.message == _chain(ENVIRONMENT, WORKLOAD, managed, *DEVELOPER_TOOLS)


# --- a link that fails stops the chain -----------------------------------------------------------


def test_a_wrong_environment_secret_stops_the_chain(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    _secret_environment(emu, monkeypatch, "not-the-secret")
    with pytest.raises(ClientAuthenticationError) as caught:
        DefaultAzureCredential(**OPTIONS).get_token(SCOPE)
    client = emu.world.app("chat-backend").client_id
    entry = (
        "EnvironmentCredential: Authentication failed: AADSTS7000215: Invalid client secret "
        "provided. Ensure the secret being sent in the request is the client secret value, not "
        f"the client secret ID, for a secret added to app '{client}'."
    )
    pattern = re.escape(HEAD + "\t" + entry) + TAIL + re.escape(FOOT)
    assert re.fullmatch(pattern, caught.value.message), caught.value.message
    assert not [record for record in emu.requests if record.service == "managed-identity"]


async def test_cloud_shell_audience_stops_the_chain_before_the_cli(emu: Emulator) -> None:
    with emu.managed_identity_environment("cloud-shell"):
        credential = AsyncDefaultAzureCredential(**OPTIONS)
        async with credential:
            with pytest.raises(ClientAuthenticationError) as caught:
                await credential.get_token(SCOPE)
    message = caught.value.message
    assert message.startswith(
        HEAD + f"\t{ENVIRONMENT}\n\t{WORKLOAD}\n\tManagedIdentityCredential: "
    )
    assert (
        "(AudienceNotSupported) Audience https://cognitiveservices.azure.com is not a supported"
        in message
    )
    assert "AzureCliCredential" not in message


def test_a_stale_client_id_on_app_service(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """``AZURE_CLIENT_ID`` is DefaultAzureCredential's default managed identity client id: one
    that is not attached makes App Service answer "No User Assigned ..." (sync: unavailable,
    so the chain goes on to the developer tools)."""
    monkeypatch.setenv("AZURE_CLIENT_ID", emu.world.principal("uami-batch").appid)
    with (
        emu.managed_identity_environment("app-service"),
        pytest.raises(ClientAuthenticationError) as caught,
    ):
        DefaultAzureCredential(**OPTIONS).get_token(SCOPE)
    managed = (
        "ManagedIdentityCredential: App Service managed identity configuration not found in "
        "environment. Token request error: (invalid_scope) 400, No User Assigned or Delegated "
        "Managed Identity found for specified ClientId/ResourceId/PrincipalId."
    )
    workload = WORKLOAD.replace("'tenant_id', 'client_id',", "'tenant_id',")  # it has a client id
    assert caught.value.message == _chain(ENVIRONMENT, workload, managed, *DEVELOPER_TOOLS, BROKER)
