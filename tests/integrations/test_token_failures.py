"""A credential that cannot get a token, through every client kind, bare and instrumented side
by side: the real azure-identity credentials (ClientSecretCredential, CertificateCredential,
WorkloadIdentityCredential, ManagedIdentityCredential, DefaultAzureCredential, sync and aio)
against the emulated Entra ID and managed-identity endpoints, for every cause the emulator can
produce (``../shared/knowledge/entra.md``; the others - user sign-ins, Conditional Access for a
person, Cloud Shell's CLI - are pasted-text cases in ``tests/unit/cases_extra.jsonl`` and the
rules' fixtures).

For each cause and client kind (azure-ai-inference's ChatCompletionsClient, AIProjectClient,
AzureOpenAI with ``get_bearer_token_provider``, OpenAI with a token provider as ``api_key``;
sync and async), the call is made bare and instrumented, each with a fresh credential, and:

- the exception is the credential's own class (instrumented: the same-name subclass carrying
  ``.diagnosis``), with the same message, status, reason, response and error, and ``str()`` is
  the bare one followed by the explanation;
- the diagnosis names the cause (``explain`` of the bare exception too), and no HTTP status;
- the token requests (Entra ID and the managed-identity endpoints, in the emulator's request
  log) are the same, and no request reached the service;
- instrumented, exactly one WARNING record on ``foundry_doctor``; bare, none.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import ClientAuthenticationError

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.world import DEFAULT_TENANT
from foundry_doctor.integrations.enriched import DiagnosedError
from support.identity import SCOPE, isolate_identity, sync_imds_routable
from support.records import ours

MODELS = "https://myres.services.ai.azure.com/models"
PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
AOAI = "https://myres.openai.azure.com"
V1 = f"{AOAI}/openai/v1/"
UNKNOWN_CLIENT = "99999999-0000-0000-0000-000000000000"
UNKNOWN_TENANT = "aaaaaaaa-0000-0000-0000-00000000000f"
#: the shared token cache reads the home directory: kept out of every chain here
DAC_OPTIONS: dict[str, Any] = {"exclude_shared_token_cache_credential": True}
#: what changes from one token request to the next: ids, Entra's timestamps, a federated
#: token's times
_VOLATILE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\d{4}-\d{2}-\d{2}[ T][\d:.]+Z|[0-9A-Fa-f]{40,64}"
)

Make = Callable[[Emulator, bool], Any]
Environment = Callable[[Emulator], contextlib.AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_identity(monkeypatch, tmp_path)


def _identity_module(aio: bool) -> Any:
    if aio:
        from azure.identity import aio as identity_aio

        return identity_aio
    import azure.identity

    return azure.identity


def _secret(value: str | Callable[[Emulator], str]) -> Make:
    def make(emu: Emulator, aio: bool) -> Any:
        secret = value(emu) if callable(value) else value
        app = emu.world.app("chat-backend")
        return _identity_module(aio).ClientSecretCredential(DEFAULT_TENANT, app.client_id, secret)

    return make


def _valid_secret(emu: Emulator) -> str:
    return emu.client_secret("chat-backend")


def _unknown_client(emu: Emulator, aio: bool) -> Any:
    return _identity_module(aio).ClientSecretCredential(DEFAULT_TENANT, UNKNOWN_CLIENT, "x")


def _unregistered_certificate(emu: Emulator, aio: bool) -> Any:
    app = emu.world.app("chat-backend")
    pem = emu.client_certificate("chat-backend")
    app.certificates.pop()  # made for the app, then taken off it again
    return _identity_module(aio).CertificateCredential(
        DEFAULT_TENANT, app.client_id, certificate_data=pem
    )


def _workload(emu: Emulator, aio: bool) -> Any:
    return _identity_module(aio).WorkloadIdentityCredential()


def _managed_identity(client_id: str | None = None) -> Make:
    def make(emu: Emulator, aio: bool) -> Any:
        kwargs = {"client_id": client_id} if client_id else {}
        return _identity_module(aio).ManagedIdentityCredential(**kwargs)

    return make


def _default(emu: Emulator, aio: bool) -> Any:
    return _identity_module(aio).DefaultAzureCredential(**DAC_OPTIONS)


def _platform(name: str) -> Environment:
    return lambda emu: emu.managed_identity_environment(name)


def _workload_environment(**token: Any) -> Environment:
    def enter(emu: Emulator) -> contextlib.AbstractContextManager[Any]:
        return emu.workload_identity_environment(
            "aks-workload", token=emu.federated_token("aks-workload", **token)
        )

    return enter


@contextlib.contextmanager
def _variables(emu: Emulator, values: dict[str, str], platform: str | None) -> Iterator[None]:
    import os

    with contextlib.ExitStack() as stack:
        if platform is not None:
            stack.enter_context(emu.managed_identity_environment(platform))
        saved = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _stale_client_id(emu: Emulator) -> contextlib.AbstractContextManager[Any]:
    return _variables(emu, {"AZURE_CLIENT_ID": UNKNOWN_CLIENT}, "app-service")


def _secret_variables(emu: Emulator) -> contextlib.AbstractContextManager[Any]:
    client = emu.world.app("chat-backend").client_id
    values = {
        "AZURE_TENANT_ID": DEFAULT_TENANT,
        "AZURE_CLIENT_ID": client,
        "AZURE_CLIENT_SECRET": "not-the-secret",
    }
    return _variables(emu, values, "vm-no-identity")


def _block_the_app(world: Any) -> None:
    world.app("chat-backend").conditional_access_blocked = True


def _tenant_lacks_cognitive_services(world: Any) -> None:
    world.entra.resources["public"] = {
        resource
        for resource in world.entra.resources["public"]
        if resource != "https://cognitiveservices.azure.com"
    }


@dataclass(frozen=True)
class TokenCase:
    """One way a credential fails: the credential to make (fresh for every call), the scopes
    the client asks for, the environment and world around the call, the cause to name."""

    name: str
    rule: str
    credential: Make
    scopes: tuple[str, ...] = (SCOPE,)
    environment: Environment | None = None
    world: Callable[[Any], None] | None = None
    sync: bool = True
    aio: bool = True
    sync_imds: bool = False


CASES = (
    TokenCase("wrong-secret", "client-secret-invalid", _secret("not-the-secret")),
    TokenCase(
        "secret-id-for-value",
        "client-secret-invalid",
        _secret(lambda emu: emu.world.app("chat-backend").secrets[0].secret_id),
    ),
    TokenCase(
        "expired-secret",
        "client-secret-invalid",
        _secret(lambda emu: emu.client_secret("chat-backend", 2)),
    ),
    TokenCase("certificate-not-registered", "client-secret-invalid", _unregistered_certificate),
    TokenCase("unknown-client-id", "app-not-in-tenant", _unknown_client),
    TokenCase(
        "unknown-tenant",
        "app-not-in-tenant",
        lambda emu, aio: _identity_module(aio).ClientSecretCredential(
            UNKNOWN_TENANT, emu.world.app("chat-backend").client_id, "x"
        ),
    ),
    TokenCase(
        "scope-typo",
        "scope-invalid",
        _secret(_valid_secret),
        scopes=("https://cognitiveservice.azure.com/.default",),
    ),
    TokenCase(
        "scope-without-slash",
        "scope-invalid",
        _secret(_valid_secret),
        scopes=("https://cognitiveservices.azure.com.default",),
    ),
    TokenCase(
        "two-resources",
        "scope-invalid",
        _secret(_valid_secret),
        scopes=(SCOPE, "https://ai.azure.com/.default"),
    ),
    TokenCase(
        "tenant-lacks-the-resource",
        "resource-principal-not-found",
        _secret(_valid_secret),
        world=_tenant_lacks_cognitive_services,
    ),
    TokenCase(
        "conditional-access",
        "conditional-access-blocked",
        _secret(_valid_secret),
        world=_block_the_app,
    ),
    TokenCase(
        "federated-subject",
        "federated-credential-mismatch",
        _workload,
        environment=_workload_environment(subject="system:serviceaccount:default:other"),
    ),
    TokenCase(
        "federated-issuer",
        "federated-credential-mismatch",
        _workload,
        environment=_workload_environment(issuer="https://token.actions.githubusercontent.com"),
    ),
    TokenCase(
        "federated-token-expired",
        "federated-credential-mismatch",
        _workload,
        environment=_workload_environment(lifetime=-3600),
    ),
    TokenCase(
        "vm-without-identity",
        "identity-unavailable",
        _managed_identity(),
        environment=_platform("vm-no-identity"),
        sync_imds=True,
    ),
    TokenCase(
        "several-user-assigned",
        "identity-unavailable",
        _managed_identity(),
        environment=_platform("vm-user-assigned"),
        sync_imds=True,
    ),
    TokenCase(
        "app-service-unknown-client-id",
        "identity-unavailable",
        _managed_identity(UNKNOWN_CLIENT),
        environment=_platform("app-service"),
    ),
    TokenCase(
        "cloud-shell-audience",
        "credential-audience-unsupported",
        _managed_identity(),
        environment=_platform("cloud-shell"),
    ),
    TokenCase(
        "default-nothing-configured",
        "identity-unavailable",
        _default,
        environment=_platform("vm-no-identity"),
        sync_imds=True,
    ),
    TokenCase(
        "default-stale-client-id-on-app-service",
        "identity-unavailable",
        _default,
        environment=_stale_client_id,
    ),
    TokenCase(
        "default-in-cloud-shell",
        "credential-audience-unsupported",
        _default,
        environment=_platform("cloud-shell"),
    ),
    TokenCase(
        "default-environment-bad-secret",
        "client-secret-invalid",
        _default,
        environment=_secret_variables,
    ),
    TokenCase(
        "default-workload-mismatch",
        "federated-credential-mismatch",
        _default,
        environment=_workload_environment(subject="system:serviceaccount:default:other"),
    ),
)
_BY_NAME = {case.name: case for case in CASES}

#: one case per cause: these go through every client kind; the others through one each
EVERY_KIND = (
    "wrong-secret",
    "unknown-client-id",
    "scope-typo",
    "tenant-lacks-the-resource",
    "conditional-access",
    "federated-subject",
    "vm-without-identity",
    "cloud-shell-audience",
    "default-stale-client-id-on-app-service",
)
KINDS = ("inference", "projects", "azure-openai", "openai")


# --- the clients -----------------------------------------------------------------------------


def _projects() -> Any:
    return pytest.importorskip("azure.ai.projects", reason="needs azure-ai-projects (openai 3)")


def _provider(credential: Any, scopes: tuple[str, ...], aio: bool) -> Any:
    if aio:
        from azure.identity.aio import get_bearer_token_provider as aio_provider

        return aio_provider(credential, *scopes)
    from azure.identity import get_bearer_token_provider

    return get_bearer_token_provider(credential, *scopes)


def _client(kind: str, credential: Any, scopes: tuple[str, ...], aio: bool) -> Any:
    if kind == "inference":
        if aio:
            from azure.ai.inference.aio import ChatCompletionsClient as AsyncChat

            return AsyncChat(endpoint=MODELS, credential=credential, credential_scopes=list(scopes))
        from azure.ai.inference import ChatCompletionsClient

        return ChatCompletionsClient(
            endpoint=MODELS, credential=credential, credential_scopes=list(scopes)
        )
    if kind == "projects":
        package = _projects()
        if aio:
            from azure.ai.projects.aio import AIProjectClient as AsyncProject

            return AsyncProject(
                endpoint=PROJECT, credential=credential, credential_scopes=list(scopes)
            )
        return package.AIProjectClient(
            endpoint=PROJECT, credential=credential, credential_scopes=list(scopes)
        )
    import openai

    provider = _provider(credential, scopes, aio)
    if kind == "azure-openai":
        cls: Any = openai.AsyncAzureOpenAI if aio else openai.AzureOpenAI
        return cls(azure_endpoint=AOAI, api_version="2024-10-21", azure_ad_token_provider=provider)
    cls = openai.AsyncOpenAI if aio else openai.OpenAI
    return cls(base_url=V1, api_key=provider)


def _sync_call(kind: str, client: Any) -> None:
    if kind == "inference":
        from azure.ai.inference.models import UserMessage

        client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    elif kind == "projects":
        list(client.deployments.list())
    else:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])


async def _async_call(kind: str, client: Any) -> None:
    if kind == "inference":
        from azure.ai.inference.models import UserMessage

        await client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    elif kind == "projects":
        [item async for item in client.deployments.list()]
    else:
        await client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
        )


@dataclass
class Outcome:
    error: BaseException
    token_requests: list[tuple[str, str, str]]
    service_requests: int
    warnings: int


def _token_requests(emu: Emulator) -> list[tuple[str, str, str]]:
    return [
        (record.service, record.route or "", record.outcome or "")
        for record in emu.requests
        if record.service in ("entra", "managed-identity")
    ]


def _outcome(emu: Emulator, caplog: pytest.LogCaptureFixture, error: BaseException) -> Outcome:
    served = [r for r in emu.requests if r.service not in ("entra", "managed-identity")]
    return Outcome(error, _token_requests(emu), len(served), len(ours(caplog)))


def _run_sync(
    emu: Emulator, caplog: pytest.LogCaptureFixture, case: TokenCase, kind: str, instrumented: bool
) -> Outcome:
    emu.clear_requests()
    caplog.clear()
    credential = case.credential(emu, False)
    client = _client(kind, credential, case.scopes, aio=False)
    if instrumented:
        client = foundry_doctor.instrument(client)
    with pytest.raises(ClientAuthenticationError) as caught:
        _sync_call(kind, client)
    client.close()
    return _outcome(emu, caplog, caught.value)


async def _run_async(
    emu: Emulator, caplog: pytest.LogCaptureFixture, case: TokenCase, kind: str, instrumented: bool
) -> Outcome:
    emu.clear_requests()
    caplog.clear()
    credential = case.credential(emu, True)
    async with credential:
        client = _client(kind, credential, case.scopes, aio=True)
        if instrumented:
            client = foundry_doctor.instrument(client)
        with pytest.raises(ClientAuthenticationError) as caught:
            await _async_call(kind, client)
        await client.close()
    return _outcome(emu, caplog, caught.value)


@contextlib.contextmanager
def _situation(emu: Emulator, case: TokenCase) -> Iterator[None]:
    with emu.modified_world() as world:
        if case.world is not None:
            case.world(world)
        with case.environment(emu) if case.environment is not None else contextlib.nullcontext():
            yield


# --- what must hold ----------------------------------------------------------------------------


def _volatile(text: str) -> str:
    return _VOLATILE.sub("<v>", text)


def _base_class(error: BaseException) -> type[BaseException]:
    return error._fd_base if isinstance(error, DiagnosedError) else type(error)


def _check(case: TokenCase, bare: Outcome, got: Outcome) -> None:
    error, plain = got.error, bare.error
    # the credential's own exception, enriched in place
    assert not isinstance(plain, DiagnosedError)
    assert isinstance(error, DiagnosedError), repr(error)
    assert _base_class(error) is type(plain)
    assert type(error).__name__ == type(plain).__name__
    assert type(error).__module__ == type(plain).__module__
    assert isinstance(plain, ClientAuthenticationError)
    for name in ("status_code", "reason"):
        assert getattr(error, name) == getattr(plain, name), name
    assert (error.response is None) == (plain.response is None)  # type: ignore[attr-defined]
    odata, plain_odata = error.error, plain.error  # type: ignore[attr-defined]
    assert type(odata) is type(plain_odata)
    assert str(odata) == str(plain_odata)
    assert _volatile(error.message) == _volatile(plain.message)  # type: ignore[attr-defined]
    text = str(error)
    assert _volatile(text).startswith(_volatile(str(plain)))
    assert "\n\nfoundry-doctor [FD5" in text, text
    # the cause, named from both
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is error.diagnosis
    assert diagnosis.rule == case.rule, diagnosis.render()
    assert diagnosis.status is None
    explained = foundry_doctor.explain(plain)
    assert explained is not None
    assert explained.rule == case.rule
    # the same token requests, nothing reached the service, one WARNING record
    assert got.token_requests == bare.token_requests
    assert got.token_requests, "the credential asked no token endpoint"
    assert got.service_requests == bare.service_requests == 0
    assert (bare.warnings, got.warnings) == (0, 1)


def _params() -> list[Any]:
    found = []
    for case in CASES:
        kinds = KINDS if case.name in EVERY_KIND else (KINDS[CASES.index(case) % len(KINDS)],)
        for kind in kinds:
            for aio in (False, True):
                if (aio and not case.aio) or (not aio and not case.sync):
                    continue
                marks = [
                    pytest.mark.azure if kind in ("inference", "projects") else pytest.mark.openai
                ]
                if case.sync_imds and not aio and not sync_imds_routable():
                    marks.append(
                        pytest.mark.skip(reason="this msal's sync IMDS path cannot be routed")
                    )
                found.append(
                    pytest.param(
                        case,
                        kind,
                        aio,
                        id=f"{case.name}-{kind}-{'aio' if aio else 'sync'}",
                        marks=marks,
                    )
                )
    return found


@pytest.mark.parametrize(("case", "kind", "aio"), _params())
async def test_token_failure(
    emu: Emulator, caplog: pytest.LogCaptureFixture, case: TokenCase, kind: str, aio: bool
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    if kind == "projects":
        _projects()
    with _situation(emu, case):
        if aio:
            bare = await _run_async(emu, caplog, case, kind, instrumented=False)
            got = await _run_async(emu, caplog, case, kind, instrumented=True)
        else:
            bare = _run_sync(emu, caplog, case, kind, instrumented=False)
            got = _run_sync(emu, caplog, case, kind, instrumented=True)
    _check(case, bare, got)


def test_every_cause_the_emulator_produces_goes_through_every_kind() -> None:
    assert {_BY_NAME[name].rule for name in EVERY_KIND} == {case.rule for case in CASES}
