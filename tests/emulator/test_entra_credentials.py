"""The real azure-identity confidential-client credentials against the emulated Entra ID:
ClientSecretCredential, CertificateCredential and WorkloadIdentityCredential, sync and aio.
Their tokens work on the emulated data plane for the app's service principal, and each failure
makes the credential raise what it raises against the real service (class and text, as
``../shared/knowledge/entra.md`` §3 records them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import (
    CertificateCredential,
    ClientSecretCredential,
    WorkloadIdentityCredential,
    get_bearer_token_provider,
)
from azure.identity import aio as identity_aio

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.services.entra.world import ClientCertificate
from foundry_doctor.emulator.world import AKS_ISSUER, AKS_SUBJECT, DEFAULT_TENANT, GOVERNMENT_TENANT
from support.identity import SCOPE, TAIL, with_tail

pytestmark = pytest.mark.usefixtures("identity_env")

MODELS = "https://myres.services.ai.azure.com/models"
AOAI = "https://myres.openai.azure.com"

SECRET_INVALID = (
    "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request "
    "is the client secret value, not the client secret ID, for a secret added to app "
    "'{client}'."
)
SECRET_EXPIRED = (
    "AADSTS7000222: The provided client secret keys for app '{client}' are expired. Visit the "
    "Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider "
    "using certificate credentials for added security: https://aka.ms/certCreds."
)


def _sync_message(text: str) -> str:
    """What sync (MSAL-based) credentials raise: ``Authentication failed: <description>``."""
    return "Authentication failed: " + with_tail(text)


def _async_message(error: str, text: str) -> str:
    """What AadClient-based credentials raise (async, and the assertion credentials)."""
    return re.escape(f"Microsoft Entra ID error '({error}) {text}") + TAIL + re.escape("'")


def _fails_sync(make: Callable[[], Any], pattern: str) -> ClientAuthenticationError:
    with pytest.raises(ClientAuthenticationError) as caught:
        make().get_token(SCOPE)
    assert re.fullmatch(pattern, caught.value.message), caught.value.message
    return caught.value


async def _fails_async(make: Callable[[], Any], pattern: str) -> ClientAuthenticationError:
    credential = make()
    async with credential:
        with pytest.raises(ClientAuthenticationError) as caught:
            await credential.get_token(SCOPE)
    assert re.fullmatch(pattern, caught.value.message), caught.value.message
    return caught.value


def _chat(credential: Any) -> str:
    client = ChatCompletionsClient(
        endpoint=MODELS, credential=credential, credential_scopes=[SCOPE], retry_total=0
    )
    with client:
        result = client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    return str(result.choices[0].message.content)


async def _achat(credential: Any) -> str:
    from azure.ai.inference.aio import ChatCompletionsClient as AsyncChatCompletionsClient

    client = AsyncChatCompletionsClient(
        endpoint=MODELS, credential=credential, credential_scopes=[SCOPE], retry_total=0
    )
    async with client:
        result = await client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    return str(result.choices[0].message.content)


def _claims(token: AccessToken) -> dict[str, Any]:
    import base64
    import json

    payload = token.token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


# --- ClientSecretCredential -----------------------------------------------------------------------


def test_client_secret_token_works_on_the_data_plane(emu: Emulator) -> None:
    app = emu.world.app("chat-backend")
    credential = ClientSecretCredential(
        DEFAULT_TENANT, app.client_id, emu.client_secret("chat-backend")
    )
    claims = _claims(credential.get_token(SCOPE))
    assert (claims["oid"], claims["appid"], claims["aud"]) == (
        emu.world.principal("app").oid,
        app.client_id,
        "https://cognitiveservices.azure.com",
    )
    assert _chat(credential).startswith("Hello from gpt-4o")
    routes = [(record.service, record.route) for record in emu.requests]
    assert routes[:2] == [("entra", "discovery"), ("entra", "token")]
    assert routes[-1] == ("foundry", "models")


def test_client_secret_with_openai(emu: Emulator) -> None:
    import openai

    app = emu.world.app("chat-backend")
    credential = ClientSecretCredential(
        DEFAULT_TENANT, app.client_id, emu.client_secret("chat-backend")
    )
    client = openai.AzureOpenAI(
        azure_endpoint=AOAI,
        api_version="2024-10-21",
        azure_ad_token_provider=get_bearer_token_provider(credential, SCOPE),
        max_retries=0,
    )
    reply = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.choices[0].message.content is not None


async def test_client_secret_aio_token_works_on_the_data_plane(emu: Emulator) -> None:
    app = emu.world.app("chat-backend")
    credential = identity_aio.ClientSecretCredential(
        DEFAULT_TENANT, app.client_id, emu.client_secret("chat-backend")
    )
    async with credential:
        assert (await _achat(credential)).startswith("Hello from gpt-4o")
    # the async credentials skip discovery and post straight to the token endpoint
    assert next(record.route for record in emu.requests) == "token"


@pytest.mark.parametrize(
    ("secret", "template", "outcome"),
    [
        ("not-the-secret", SECRET_INVALID, "client-secret-invalid"),
        ("@id", SECRET_INVALID, "client-secret-id-given"),
        ("@expired", SECRET_EXPIRED, "client-secret-expired"),
    ],
    ids=["wrong-secret", "secret-id", "expired-secret"],
)
async def test_client_secret_failures(
    emu: Emulator, secret: str, template: str, outcome: str
) -> None:
    app = emu.world.app("chat-backend")
    value = {
        "@id": app.secrets[0].secret_id,
        "@expired": emu.client_secret("chat-backend", 2),
    }.get(secret, secret)
    text = template.format(client=app.client_id)

    def make() -> ClientSecretCredential:
        return ClientSecretCredential(DEFAULT_TENANT, app.client_id, value)

    error = _fails_sync(make, _sync_message(text))
    assert error.response is None  # msal keeps no response: no status either
    error = await _fails_async(
        lambda: identity_aio.ClientSecretCredential(DEFAULT_TENANT, app.client_id, value),
        _async_message("invalid_client", text),
    )
    assert error.status_code == 401
    assert f'"error_codes":[{text[6:13].rstrip(":")}]' in str(error)  # str() adds the raw body
    assert [record.outcome for record in emu.requests if record.route == "token"] == [outcome] * 2


def test_unknown_client_id(emu: Emulator) -> None:
    client = "99999999-0000-0000-0000-000000000000"
    text = (
        f"AADSTS700016: Application with identifier '{client}' was not found in the directory "
        f"'{DEFAULT_TENANT}'. This can happen if the application has not been installed by the "
        "administrator of the tenant or consented to by any user in the tenant. You may have sent "
        "your authentication request to the wrong tenant."
    )
    _fails_sync(lambda: ClientSecretCredential(DEFAULT_TENANT, client, "x"), _sync_message(text))


async def test_unknown_tenant(emu: Emulator) -> None:
    tenant = "aaaaaaaa-0000-0000-0000-00000000000f"
    app = emu.world.app("chat-backend")
    sync_text = (
        f"Authentication failed: Unable to get authority configuration for "
        f"https://login.microsoftonline.com/{tenant}. Authority would typically be in a format of "
        "https://login.microsoftonline.com/your_tenant or https://tenant_name.ciamlogin.com or "
        "https://tenant_name.b2clogin.com/tenant.onmicrosoft.com/policy.  Also please double "
        "check your tenant name or GUID is correct."
    )
    error = _fails_sync(
        lambda: ClientSecretCredential(tenant, app.client_id, "x"), re.escape(sync_text)
    )
    assert isinstance(error.__cause__, ValueError)
    assert [record.outcome for record in emu.requests] == ["tenant-not-found"]
    await _fails_async(
        lambda: identity_aio.ClientSecretCredential(tenant, app.client_id, "x"),
        _async_message(
            "invalid_request",
            f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct "
            "tenant ID and are signing into the correct cloud. Check with your subscription "
            "administrator, this may happen if there are no active subscriptions for the tenant.",
        ),
    )


@pytest.mark.parametrize(
    ("scopes", "text"),
    [
        (
            ("https://cognitiveservices.azure.com",),
            "AADSTS1002012: The provided value for scope https://cognitiveservices.azure.com is "
            "not valid. Client credential flows must have a scope value with /.default suffixed to "
            "the resource identifier (application ID URI).",
        ),
        (
            (SCOPE, "https://ai.azure.com/.default"),
            "AADSTS700022: Provided value for the input parameter scope is not valid because it "
            "contains more than one resource. Scope https://ai.azure.com/.default "
            "https://cognitiveservices.azure.com/.default is not valid.",
        ),
        (
            ("https://cognitiveservice.azure.com/.default",),
            "AADSTS500011: The resource principal named https://cognitiveservice.azure.com was not "
            f"found in the tenant named {DEFAULT_TENANT}. This can happen if the application has "
            "not been installed by the administrator of the tenant or consented to by any user in "
            "the tenant. You might have sent your authentication request to the wrong tenant.",
        ),
    ],
    ids=["no-default-suffix", "two-resources", "scope-typo"],
)
def test_scope_failures(emu: Emulator, scopes: tuple[str, ...], text: str) -> None:
    app = emu.world.app("chat-backend")
    credential = ClientSecretCredential(
        DEFAULT_TENANT, app.client_id, emu.client_secret("chat-backend")
    )
    with pytest.raises(ClientAuthenticationError) as caught:
        credential.get_token(*scopes)
    assert re.fullmatch(_sync_message(text), caught.value.message), caught.value.message


def test_conditional_access_blocks_the_app(emu: Emulator) -> None:
    app = emu.world.app("chat-backend")
    text = (
        "AADSTS53003: Access has been blocked by Conditional Access policies. The access policy "
        "does not allow token issuance."
    )
    with emu.modified_world({"apps.chat-backend.conditional_access_blocked": True}):
        _fails_sync(
            lambda: ClientSecretCredential(
                DEFAULT_TENANT, app.client_id, emu.client_secret("chat-backend")
            ),
            _sync_message(text),
        )


def test_sovereign_cloud_authority(emu: Emulator) -> None:
    """A US Government tenant through ``login.microsoftonline.us``, for the ``.us`` audience;
    the public authority does not know that tenant."""
    from azure.identity import AzureAuthorityHosts

    with emu.modified_world() as world:
        world.principals["gov-app"] = type(world.principal("app"))(
            "gov-app",
            oid="bbbbbbbb-0000-0000-0000-0000000000f1",
            tid=GOVERNMENT_TENANT,
            appid="dddddddd-0000-0000-0000-0000000000f1",
            idtyp="app",
        )
        app = world.app("chat-backend")
        app.service_principals[GOVERNMENT_TENANT] = "gov-app"
        credential = ClientSecretCredential(
            GOVERNMENT_TENANT,
            app.client_id,
            emu.client_secret("chat-backend"),
            authority=AzureAuthorityHosts.AZURE_GOVERNMENT,
        )
        claims = _claims(credential.get_token("https://cognitiveservices.azure.us/.default"))
        assert (claims["aud"], claims["tid"]) == (
            "https://cognitiveservices.azure.us",
            GOVERNMENT_TENANT,
        )
        with pytest.raises(
            ClientAuthenticationError, match="Unable to get authority configuration"
        ):
            ClientSecretCredential(GOVERNMENT_TENANT, app.client_id, "x").get_token(SCOPE)


# --- CertificateCredential ------------------------------------------------------------------------


def test_certificate_token_works_on_the_data_plane(emu: Emulator) -> None:
    with emu.modified_world():
        app = emu.world.app("chat-backend")
        pem = emu.client_certificate("chat-backend")
        credential = CertificateCredential(DEFAULT_TENANT, app.client_id, certificate_data=pem)
        assert _chat(credential).startswith("Hello from gpt-4o")


async def test_certificate_aio_token_works_on_the_data_plane(emu: Emulator) -> None:
    with emu.modified_world():
        app = emu.world.app("chat-backend")
        pem = emu.client_certificate("chat-backend")
        credential = identity_aio.CertificateCredential(
            DEFAULT_TENANT, app.client_id, certificate_data=pem
        )
        async with credential:
            assert (await _achat(credential)).startswith("Hello from gpt-4o")


def _unregistered_text(client: str, thumbprint: str) -> str:
    return (
        "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not "
        f"found., Thumbprint of key used by client: '{thumbprint}', Please visit the Azure Portal, "
        "Graph Explorer or directly use MS Graph to see configured keys for app Id "
        f"'{client}'. Review the documentation at "
        "https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding "
        "service endpoint and "
        "https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http "
        "to build a query request URL, such as "
        f"'https://graph.microsoft.com/beta/applications/{client}']. Alternatively, SNI may be "
        "configured on the app. Please ensure that client assertion is being sent with the x5c "
        "claim in the JWT header using MSAL's WithSendX5C() method so that Azure Active Directory "
        "can validate the certificate being used."
    )


async def test_certificate_not_registered(emu: Emulator) -> None:
    with emu.modified_world():
        app = emu.world.app("chat-backend")
        pem = emu.client_certificate("chat-backend")
        registered = app.certificates.pop()
        # sync (MSAL, RS256) names the SHA-1 thumbprint; aio (PS256) the SHA-256 one
        _fails_sync(
            lambda: CertificateCredential(DEFAULT_TENANT, app.client_id, certificate_data=pem),
            _sync_message(_unregistered_text(app.client_id, registered.thumbprint_sha1)),
        )
        error = await _fails_async(
            lambda: identity_aio.CertificateCredential(
                DEFAULT_TENANT, app.client_id, certificate_data=pem
            ),
            _async_message(
                "invalid_client", _unregistered_text(app.client_id, registered.thumbprint_sha256)
            ),
        )
        assert error.status_code == 401


def test_certificate_signature_is_checked(emu: Emulator) -> None:
    """The assertion is signed by another key than the registered certificate's (same
    thumbprints registered): the signature does not verify."""
    with emu.modified_world():
        app = emu.world.app("chat-backend")
        pem = emu.client_certificate("chat-backend")
        mine = app.certificates.pop()
        emu.client_certificate("chat-backend")
        other = app.certificates.pop()
        app.certificates.append(
            ClientCertificate(other.certificate_pem, mine.thumbprint_sha1, mine.thumbprint_sha256)
        )
        with pytest.raises(ClientAuthenticationError) as caught:
            CertificateCredential(DEFAULT_TENANT, app.client_id, certificate_data=pem).get_token(
                SCOPE
            )
    assert caught.value.message.startswith(
        "Authentication failed: AADSTS700027: Client assertion contains an invalid signature. "
        "[Reason - Key was found, but use of the key to verify the signature failed., Thumbprint "
        f"of key used by client: '{mine.thumbprint_sha1}'"
    )
    assert emu.requests[-2].outcome == "assertion-signature-invalid"


# --- WorkloadIdentityCredential -------------------------------------------------------------------


def test_workload_identity_token_works_on_the_data_plane(emu: Emulator) -> None:
    with emu.workload_identity_environment("aks-workload") as env:
        assert env["AZURE_CLIENT_ID"] == emu.world.app("aks-workload").client_id
        credential = WorkloadIdentityCredential()
        claims = _claims(credential.get_token(SCOPE))
        assert claims["oid"] == emu.world.principal("workload").oid
        assert _chat(credential).startswith("Hello from gpt-4o")


async def test_workload_identity_aio(emu: Emulator) -> None:
    with emu.workload_identity_environment("aks-workload"):
        credential = identity_aio.WorkloadIdentityCredential()
        async with credential:
            assert (await _achat(credential)).startswith("Hello from gpt-4o")


_FIC_SUBJECT = (
    "AADSTS700213: No matching federated identity record found for presented assertion subject "
    "'{sub}'. Check your federated identity credential Subject, Audience and Issuer against the "
    "presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"
)
_FIC_ISSUER = (
    "AADSTS700211: No matching federated identity record found for presented assertion issuer "
    "'{iss}'. Please check your federated identity credential Subject, Audience and Issuer "
    "against the presented assertion. "
    "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation"
)
_FIC_CASE = (
    "AADSTS7002138: No matching federated identity record found for presented assertion subject "
    "'{sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive "
    "comparison. Check your federated identity credential Subject, Audience and Issuer against "
    "the presented assertion. See documentation at: "
    "https://learn.microsoft.com/entra/workload-id/workload-identity-federation. See breaking "
    "change notification and remediation at: "
    "https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024."
)
_FIC_AUDIENCE = (
    "AADSTS70021: No matching federated identity record found for presented assertion. "
    "Assertion Issuer: '{iss}'. Assertion Subject: '{sub}'. Assertion Audience: 'api://other'. "
    "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation"
)

_OTHER_SUBJECT = "system:serviceaccount:default:other"
_GITHUB = "https://token.actions.githubusercontent.com"


@pytest.mark.parametrize(
    ("token_args", "error", "text", "status"),
    [
        (
            {"subject": _OTHER_SUBJECT},
            "invalid_client",
            _FIC_SUBJECT.format(sub=_OTHER_SUBJECT),
            401,
        ),
        ({"issuer": _GITHUB}, "invalid_client", _FIC_ISSUER.format(iss=_GITHUB), 401),
        (
            {"subject": AKS_SUBJECT.upper()},
            "invalid_client",
            _FIC_CASE.format(sub=AKS_SUBJECT.upper()),
            401,
        ),
        (
            {"audience": "api://other"},
            "invalid_request",
            _FIC_AUDIENCE.format(iss=AKS_ISSUER, sub=AKS_SUBJECT),
            400,
        ),
    ],
    ids=["subject", "issuer", "subject-case", "audience"],
)
async def test_federated_credential_mismatch(
    emu: Emulator, token_args: dict[str, str], error: str, text: str, status: int
) -> None:
    token = emu.federated_token("aks-workload", **token_args)
    with emu.workload_identity_environment("aks-workload", token=token):
        failure = _fails_sync(WorkloadIdentityCredential, _async_message(error, text))
        assert failure.status_code == status
        await _fails_async(identity_aio.WorkloadIdentityCredential, _async_message(error, text))


def test_expired_federated_token(emu: Emulator) -> None:
    token = emu.federated_token("aks-workload", lifetime=-3600)
    with (
        emu.workload_identity_environment("aks-workload", token=token),
        pytest.raises(ClientAuthenticationError) as caught,
    ):
        WorkloadIdentityCredential().get_token(SCOPE)
    head = (
        "Microsoft Entra ID error '(invalid_client) AADSTS700024: Client assertion is not "
        "within its valid time range. Current time: "
    )
    docs = (
        "Review the documentation at "
        "https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."
    )
    times = r"\S+Z, assertion valid from \S+Z, expiry time of assertion \S+Z\. "
    pattern = re.escape(head) + times + re.escape(docs) + TAIL + "'"
    assert re.fullmatch(pattern, caught.value.message), caught.value.message


def test_no_secret_reaches_the_request_log(emu: Emulator) -> None:
    with emu.modified_world():
        app = emu.world.app("chat-backend")
        secret = emu.client_secret("chat-backend")
        pem = emu.client_certificate("chat-backend")
        ClientSecretCredential(DEFAULT_TENANT, app.client_id, secret).get_token(SCOPE)
        CertificateCredential(DEFAULT_TENANT, app.client_id, certificate_data=pem).get_token(SCOPE)
        with emu.workload_identity_environment("aks-workload") as env:
            WorkloadIdentityCredential().get_token(SCOPE)
            with open(env["AZURE_FEDERATED_TOKEN_FILE"], encoding="ascii") as handle:
                federated = handle.read()
    logged = repr(emu.requests)
    assert secret not in logged
    assert federated.split(".")[2] not in logged
    assert "client_assertion" not in logged
