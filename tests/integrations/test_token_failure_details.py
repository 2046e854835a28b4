"""What the diagnosis of a failed token request says, and how it behaves at the edges: the
chain's links with why each was skipped or failed and which one to fix, the scope asked for
next to the one the endpoint takes ("did you mean"), ids only, the exact fix; a credential's
``ValueError``; a credential of the application's own; ``raise_errors=False``; a diagnosis
that fails; the Azure CLI's sign-in failures (a stand-in ``az`` on ``PATH`` that answers as
the CLI does, ``../shared/knowledge/entra.md`` section 6); ``explain`` of a bare exception.
Real credentials and clients against the emulator."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError
from azure.identity import (
    AzureCliCredential,
    ClientSecretCredential,
    CredentialUnavailableError,
    DefaultAzureCredential,
    ManagedIdentityCredential,
    get_bearer_token_provider,
)

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.world import DEFAULT_TENANT
from foundry_doctor.integrations.azure_core import DiagnosticsPolicy
from foundry_doctor.integrations.enriched import DiagnosedError
from support.identity import SCOPE, isolate_identity
from support.records import ours

pytestmark = pytest.mark.azure

MODELS = "https://myres.services.ai.azure.com/models"
AOAI = "https://myres.openai.azure.com"
UNKNOWN_CLIENT = "99999999-0000-0000-0000-000000000000"
DAC_OPTIONS: dict[str, Any] = {"exclude_shared_token_cache_credential": True}


@pytest.fixture(autouse=True)
def tools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The identity environment is the test's alone; returns the (empty) ``PATH`` directory."""
    isolate_identity(monkeypatch, tmp_path)
    return tmp_path / "empty-path"


def _chat(credential: Any, *, scopes: tuple[str, ...] = (SCOPE,), **kwargs: Any) -> Any:
    client = ChatCompletionsClient(
        endpoint=MODELS, credential=credential, credential_scopes=list(scopes), **kwargs
    )
    return foundry_doctor.instrument(client)


def _fail(client: Any) -> BaseException:
    with pytest.raises((ClientAuthenticationError, ValueError, ServiceRequestError)) as caught:
        client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    return caught.value


def _evidence(error: BaseException) -> dict[str, tuple[str, str | None]]:
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None
    return {item.label: (item.actual, item.expected) for item in diagnosis.evidence}


# --- the chain ---------------------------------------------------------------------------------


def test_the_chain_names_every_link_and_the_one_to_fix(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On App Service with an AZURE_CLIENT_ID of another environment: the managed identity's
    endpoint refuses the client id, every other link is unavailable."""
    monkeypatch.setenv("AZURE_CLIENT_ID", UNKNOWN_CLIENT)
    with emu.managed_identity_environment("app-service"):
        error = _fail(_chat(DefaultAzureCredential(**DAC_OPTIONS)))
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None
    assert diagnosis.rule == "identity-unavailable"
    evidence = _evidence(error)
    links = [label for label in evidence if label.startswith("chain link")]
    names = [label.split(", ")[1] for label in links]
    # the links azure-identity lists (the order and the set change by release, entra.md 2),
    # each with why it was skipped or how it failed
    assert names[0] == "EnvironmentCredential"
    assert "ManagedIdentityCredential" in names
    assert all(evidence[label][0].startswith(("skipped: ", "failed: ")) for label in links)
    if "AzureCliCredential" in names:
        label = links[names.index("AzureCliCredential")]
        assert evidence[label][0].startswith("skipped: the Azure CLI")
    assert evidence["link to fix"][0].startswith("ManagedIdentityCredential")
    assert "App Service" in diagnosis.explanation
    assert "AZURE_CLIENT_ID is set" in diagnosis.explanation
    assert any(
        step.startswith("give the host the identity: az webapp identity assign")
        or "az webapp identity assign" in step
        for step in diagnosis.fix
    )
    assert any("AZURE_CLIENT_ID" in step for step in diagnosis.fix)
    assert UNKNOWN_CLIENT not in diagnosis.render()  # a value from the environment is never read


def test_nothing_configured_points_at_a_developer_sign_in(emu: Emulator) -> None:
    from azure.identity.aio import DefaultAzureCredential as AsyncDefault  # noqa: F401

    with emu.managed_identity_environment("vm-no-identity"):
        error = _fail(_chat(DefaultAzureCredential(**DAC_OPTIONS), retry_total=0))
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None
    assert diagnosis.rule == "identity-unavailable"
    assert diagnosis.status is None
    evidence = _evidence(error)
    assert evidence["link to fix"][0].startswith("ManagedIdentityCredential") or evidence[
        "link to fix"
    ][0].startswith("AzureCliCredential")


# --- the scope -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("https://cognitiveservices.azure.com.default", SCOPE),
        ("https://cognitiveservice.azure.com/.default", SCOPE),
        ("https://cognitiveservices.azure.com", SCOPE),
    ],
    ids=["no-slash", "typo", "bare-resource"],
)
def test_the_scope_asked_next_to_the_one_meant(emu: Emulator, asked: str, meant: str) -> None:
    app = emu.world.app("chat-backend")
    credential = ClientSecretCredential(
        DEFAULT_TENANT, app.client_id, emu.client_secret("chat-backend")
    )
    error = _fail(_chat(credential, scopes=(asked,)))
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None
    assert diagnosis.rule == "scope-invalid", diagnosis.render()
    assert f"Did you mean {meant}?" in diagnosis.explanation
    assert _evidence(error)["scope requested"][0] == asked
    assert any(f'credential_scopes=["{meant}"]' in step for step in diagnosis.fix)
    assert any("ClientSecretCredential(...)" in step for step in diagnosis.fix)
    ids = _evidence(error)
    assert ids["tenant id"][0] == DEFAULT_TENANT
    assert ids["client id"][0] == app.client_id


@pytest.mark.openai
def test_openai_names_the_scope_of_a_v1_endpoint(emu: Emulator) -> None:
    import openai

    app = emu.world.app("chat-backend")
    credential = ClientSecretCredential(
        DEFAULT_TENANT, app.client_id, emu.client_secret("chat-backend")
    )
    client = foundry_doctor.instrument(
        openai.AzureOpenAI(
            azure_endpoint=AOAI,
            api_version="2024-10-21",
            azure_ad_token_provider=get_bearer_token_provider(credential, "api://foundry/.default"),
        )
    )
    with pytest.raises(ClientAuthenticationError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "scope-invalid"
    assert "api:// URI" in diagnosis.explanation
    assert any(
        step.startswith('AzureOpenAI(azure_endpoint="https://myres.openai.azure.com"')
        for step in diagnosis.fix
    )


# --- exceptions that cannot change class, the application's own credentials --------------------


def test_a_credentials_value_error_keeps_its_class(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """ManagedIdentityCredential takes one scope: two are a ValueError, which cannot become a
    subclass; it gets the explanation as a note (3.11+) and explain() names the cause."""
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    with emu.managed_identity_environment("app-service"):
        error = _fail(
            _chat(ManagedIdentityCredential(), scopes=(SCOPE, "https://ai.azure.com/.default"))
        )
    assert type(error) is ValueError
    assert str(error) == "This credential requires exactly one scope per token request."
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None
    assert diagnosis.rule == "scope-invalid"
    if hasattr(error, "add_note"):
        assert any("[FD500 scope-invalid]" in note for note in error.__notes__)
    assert len(ours(caplog)) == 1
    assert emu.requests == []


class FailingCredential:
    """An application's own ``TokenCredential`` that cannot get a token; it keeps the exception
    it raised."""

    def __init__(self) -> None:
        self.raised: list[BaseException] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        error = ClientAuthenticationError(message="the identity endpoint is not reachable")
        self.raised.append(error)
        raise error


def test_an_own_credential_exception_is_the_same_object_explained(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    errors = []
    for instrumented in (False, True):
        credential = FailingCredential()
        client = ChatCompletionsClient(endpoint=MODELS, credential=credential)
        if instrumented:
            client = foundry_doctor.instrument(client)
        error = _fail(client)
        assert error is credential.raised[-1]  # the very object the credential raised
        errors.append(error)
    bare, got = errors
    assert type(bare) is ClientAuthenticationError
    assert isinstance(got, ClientAuthenticationError)
    assert isinstance(got, DiagnosedError)
    assert str(got).startswith(str(bare) + "\n\nfoundry-doctor [FD000 unknown]")
    assert "FailingCredential could not get a token" in got.diagnosis.explanation
    assert emu.requests == []
    assert len(ours(caplog)) == 1


def test_a_connection_error_passes_unchanged(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    client = foundry_doctor.instrument(
        ChatCompletionsClient(
            endpoint="https://nowhere.services.ai.azure.com/models",
            credential=emu.credential("alice"),
            credential_scopes=[SCOPE],
            retry_total=0,
        )
    )
    error = _fail(client)
    assert isinstance(error, ServiceRequestError)
    assert not isinstance(error, DiagnosedError)
    assert foundry_doctor.explain(error) is None
    assert not ours(caplog)
    assert any("unchanged" in r.getMessage() for r in ours(caplog, logging.DEBUG))


# --- the policy's options and the fail-safe ------------------------------------------------------


def test_raise_errors_false_only_logs(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    app = emu.world.app("chat-backend")
    client = ChatCompletionsClient(
        endpoint=MODELS,
        credential=ClientSecretCredential(DEFAULT_TENANT, app.client_id, "not-the-secret"),
        credential_scopes=[SCOPE],
        per_call_policies=[DiagnosticsPolicy(raise_errors=False)],
    )
    error = _fail(client)
    assert type(error) is ClientAuthenticationError
    assert "foundry-doctor" not in str(error)
    assert [r.diagnosis_rule for r in ours(caplog)] == ["client-secret-invalid"]  # type: ignore[attr-defined]


def test_a_diagnosis_that_fails_leaves_the_exception_as_it_was(
    emu: Emulator, broken_reporting: None
) -> None:
    app = emu.world.app("chat-backend")
    credential = ClientSecretCredential(DEFAULT_TENANT, app.client_id, "not-the-secret")
    error = _fail(_chat(credential))
    assert type(error) is ClientAuthenticationError
    assert "foundry-doctor" not in str(error)
    assert not hasattr(error, "diagnosis")


def test_explain_reads_a_bare_credential_exception(emu: Emulator) -> None:
    with pytest.raises(ClientAuthenticationError) as caught:
        ClientSecretCredential(DEFAULT_TENANT, UNKNOWN_CLIENT, "x").get_token(SCOPE)
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "app-not-in-tenant"
    assert not isinstance(caught.value, DiagnosedError)  # explain() changes nothing
    try:
        raise RuntimeError("the application's own wrapper") from caught.value
    except RuntimeError as wrapper:
        wrapped = foundry_doctor.explain(wrapper)
    assert wrapped is not None
    assert wrapped.rule == "app-not-in-tenant"


# --- the Azure CLI -------------------------------------------------------------------------------


def _fake_az(directory: Path, stderr: str) -> None:
    """An ``az`` that answers every command as the CLI does when it fails: ``stderr`` and exit
    code 1 (shell built-ins only: ``PATH`` holds nothing else)."""
    script = directory / "az"
    lines = "\n".join(stderr.splitlines())
    script.write_text(
        "#!/bin/sh\nwhile IFS= read -r line; do printf '%s\\n' \"$line\" >&2; done <<'EOF'\n"
        f"{lines}\nEOF\nexit 1\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


_EXPIRED = (
    "ERROR: AADSTS700082: The refresh token has expired due to inactivity. The token was issued "
    "on 2023-01-04T09:12:30.0000000Z and was inactive for 90.00:00:00. Trace ID: "
    "0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a090 Correlation ID: 5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d "
    "Timestamp: 2025-10-02 08:15:42Z\nInteractive authentication is needed. Please run:\n"
    "az login --scope https://cognitiveservices.azure.com/.default"
)
_GUEST = (
    "ERROR: AADSTS50020: User account 'pat.person@outlook.example' from identity provider "
    "'live.com' does not exist in tenant 'Contoso' and cannot access the application "
    "'04b07795-8ddb-461a-bbee-02f9e1bf7b46'(Microsoft Azure CLI) in that tenant."
)


@pytest.mark.skipif(os.name != "posix", reason="the stand-in az is a POSIX shell script")
@pytest.mark.parametrize(
    ("stderr", "rule", "in_chain"),
    [
        (_EXPIRED, "interactive-sign-in-required", False),
        (_EXPIRED, "interactive-sign-in-required", True),
        ("ERROR: Please run 'az login' to setup account.", "interactive-sign-in-required", False),
        (_GUEST, "user-not-in-tenant", True),
    ],
    ids=["expired-standalone", "expired-in-chain", "signed-out", "guest-in-chain"],
)
def test_the_azure_clis_sign_in_failures(
    emu: Emulator,
    caplog: pytest.LogCaptureFixture,
    tools: Path,
    stderr: str,
    rule: str,
    in_chain: bool,
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    _fake_az(tools, stderr)
    with emu.managed_identity_environment("vm-no-identity"):
        credential: Any = (
            DefaultAzureCredential(**DAC_OPTIONS) if in_chain else AzureCliCredential()
        )
        error = _fail(_chat(credential))
    assert isinstance(error, ClientAuthenticationError)
    if rule == "interactive-sign-in-required" and not in_chain and "AADSTS" not in stderr:
        assert isinstance(error, CredentialUnavailableError)
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None
    assert diagnosis.rule == rule, diagnosis.render()
    assert "pat.person@outlook.example" not in diagnosis.render()  # personal: opt-in only
    if rule == "interactive-sign-in-required":
        assert "az login --scope https://cognitiveservices.azure.com/.default" in diagnosis.fix
    if in_chain:
        assert _evidence(error)["link to fix"][0].startswith("AzureCliCredential")
    assert len(ours(caplog)) == 1


def test_an_enriched_credential_error_pickles_as_the_plain_one(emu: Emulator) -> None:
    import pickle

    app = emu.world.app("chat-backend")
    error = _fail(_chat(ClientSecretCredential(DEFAULT_TENANT, app.client_id, "not-the-secret")))
    assert isinstance(error, DiagnosedError)
    copied = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copied) is ClientAuthenticationError
    assert not hasattr(copied, "diagnosis")
    assert copied.message == error.message  # type: ignore[attr-defined]
