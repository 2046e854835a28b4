"""The azure-core integration beyond the scenario matrix: streams, the building block
(``per_call_policies=[...]``), every azure-ai-inference client class, ``AIProjectClient``, a
plain ``PipelineClient`` with ``send_request``, and the fail-safe. Real clients, real HTTP, the
emulator."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations.azure_core import CONTEXT_KEY
from support.clients import acall, build_inference, call, stream_text
from support.records import ours
from support.scenarios import scenario

pytestmark = pytest.mark.azure

OK_KEY = scenario("ok-inference-models-key")
MISSING_ROLE = scenario("missing-role-inference")
UNKNOWN_MODEL = scenario("unknown-model-inference")
MODELS = "https://myres.services.ai.azure.com/models"
PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
CS_SCOPE = "https://cognitiveservices.azure.com/.default"


# --- streams --------------------------------------------------------------------------------------


def test_successful_stream_is_left_unread(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    from azure.ai.inference.models import StreamingChatCompletions, UserMessage

    bare = stream_text(call(build_inference(emu, OK_KEY), OK_KEY, stream=True))
    client = foundry_doctor.instrument(build_inference(emu, OK_KEY))
    updates = client.complete(model="gpt-4o", messages=[UserMessage("Say hello.")], stream=True)
    assert type(updates) is StreamingChatCompletions
    with updates:
        assert not updates._response.is_stream_consumed  # nothing read the body before the caller
        chunks = iter(updates)
        first = next(chunks)
        rest = list(chunks)
    assert stream_text([first, *rest]) == bare
    assert rest
    assert not ours(caplog, logging.DEBUG)


async def test_successful_async_stream_is_left_unread(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    from azure.ai.inference.models import AsyncStreamingChatCompletions, UserMessage

    async with build_inference(emu, OK_KEY, aio=True) as bare_client:
        bare = stream_text(await acall(bare_client, OK_KEY, stream=True))
    async with foundry_doctor.instrument(build_inference(emu, OK_KEY, aio=True)) as client:
        updates = await client.complete(
            model="gpt-4o", messages=[UserMessage("Say hello.")], stream=True
        )
        assert type(updates) is AsyncStreamingChatCompletions
        async with updates:
            assert not updates._response.is_stream_consumed
            chunks = [update async for update in updates]
    assert stream_text(chunks) == bare
    assert not ours(caplog, logging.DEBUG)


def test_failed_stream_raises_the_diagnosis_before_any_chunk(emu: Emulator) -> None:
    from azure.ai.inference.models import UserMessage

    client = foundry_doctor.instrument(build_inference(emu, MISSING_ROLE))
    emu.clear_requests()
    with pytest.raises(ClientAuthenticationError) as caught:
        client.complete(model="gpt-4o", messages=[UserMessage("Say hello.")], stream=True)
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "missing-data-plane-role"
    assert len(emu.requests) == 1


# --- the building block -------------------------------------------------------------------------


def test_policy_given_at_construction_goes_before_retries_and_auth(emu: Emulator) -> None:
    from azure.core.pipeline.policies import BearerTokenCredentialPolicy, RetryPolicy

    policy = foundry_doctor.DiagnosticsPolicy()
    client = build_inference(emu, MISSING_ROLE, per_call_policies=[policy])
    names = [getattr(p, "_policy", p) for p in client._client._pipeline._impl_policies]
    position = names.index(policy)
    retry = next(i for i, p in enumerate(names) if isinstance(p, RetryPolicy))
    auth = next(i for i, p in enumerate(names) if isinstance(p, BearerTokenCredentialPolicy))
    assert position < retry < auth
    with pytest.raises(ClientAuthenticationError) as caught:
        call(client, MISSING_ROLE)
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "missing-data-plane-role"
    assert "bbbbbbbb-0000-0000-0000-000000000004" in diagnosis.render()  # dave's object id


async def test_async_policy_given_at_construction(emu: Emulator) -> None:
    policy = foundry_doctor.AsyncDiagnosticsPolicy()
    async with build_inference(emu, UNKNOWN_MODEL, aio=True, per_call_policies=[policy]) as client:
        with pytest.raises(ResourceNotFoundError) as caught:
            await acall(client, UNKNOWN_MODEL)
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "deployment-not-found"
    assert "gpt-35-turbo" in diagnosis.explanation


# --- every azure-ai-inference client ------------------------------------------------------------


def _inference_client(name: str, emu: Emulator, *, aio: bool, key: str | None = None) -> Any:
    import azure.ai.inference as sync_package
    from azure.ai.inference import aio as async_package

    package: Any = async_package if aio else sync_package
    credential = AzureKeyCredential(key or emu.key("myres"))
    return foundry_doctor.instrument(getattr(package, name)(endpoint=MODELS, credential=credential))


def test_embeddings_client_unknown_model_is_diagnosed(emu: Emulator) -> None:
    client = _inference_client("EmbeddingsClient", emu, aio=False)
    assert client.embed(input=["hi"], model="Cohere-embed-v3-english").data
    with pytest.raises(ResourceNotFoundError) as caught:
        client.embed(input=["hi"], model="cohere-embed-v3")
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "deployment-not-found"
    assert "'cohere-embed-v3'" in diagnosis.explanation


async def test_async_image_embeddings_client_with_a_bad_key_is_diagnosed(emu: Emulator) -> None:
    from azure.ai.inference.models import ImageEmbeddingInput

    client = _inference_client("ImageEmbeddingsClient", emu, aio=True, key="0" * 32)
    image = ImageEmbeddingInput(image="data:image/png;base64,iVBORw0KGgo=")
    async with client:
        with pytest.raises(ClientAuthenticationError) as caught:
            await client.embed(input=[image], model="Cohere-embed-v3-english")
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "invalid-api-key"
    assert "0" * 32 not in str(caught.value)


# --- AIProjectClient ----------------------------------------------------------------------------


def _project_client(emu: Emulator, principal: str, **kwargs: Any) -> Any:
    projects = pytest.importorskip("azure.ai.projects", reason="needs azure-ai-projects (openai 3)")
    return projects.AIProjectClient(
        endpoint=PROJECT, credential=emu.credential(principal), **kwargs
    )


def test_project_client_with_a_token_from_another_tenant(emu: Emulator) -> None:
    client = foundry_doctor.instrument(_project_client(emu, "eve"))
    with pytest.raises(HttpResponseError) as caught:
        list(client.deployments.list())
    assert caught.value.status_code == 400
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "token-wrong-tenant"
    assert "aaaaaaaa-0000-0000-0000-000000000002" in diagnosis.render()


def test_project_client_with_the_cognitive_services_scope(emu: Emulator) -> None:
    client = _project_client(emu, "alice", credential_scopes=[CS_SCOPE])
    client = foundry_doctor.instrument(client)
    with pytest.raises(ClientAuthenticationError) as caught:
        list(client.deployments.list())
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "token-wrong-audience"
    assert "https://ai.azure.com/.default" in diagnosis.render()


def test_project_client_lists_deployments_and_explains_a_missing_role(emu: Emulator) -> None:
    alice = foundry_doctor.instrument(_project_client(emu, "alice"))
    names = [deployment.name for deployment in alice.deployments.list()]
    assert "gpt-4o" in names
    assert alice.deployments.get("DeepSeek-R1").model_publisher == "DeepSeek"
    dave = foundry_doctor.instrument(_project_client(emu, "dave"))
    with pytest.raises(ClientAuthenticationError) as caught:
        list(dave.deployments.list())
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "missing-data-plane-role"
    assert "Azure AI User" in diagnosis.render()
    assert "bbbbbbbb-0000-0000-0000-000000000004" in diagnosis.render()


def test_project_clients_openai_client_is_instrumented_too(emu: Emulator) -> None:
    import openai

    project = _project_client(emu, "dave")
    # the project SDK's own transport ignores proxy variables; a default one routes to the emulator
    client = foundry_doctor.instrument(
        project.get_openai_client(http_client=openai.DefaultHttpxClient())
    )
    with pytest.raises(openai.AuthenticationError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "missing-data-plane-role"


# --- a plain PipelineClient with send_request --------------------------------------------------


def _pipeline_client(emu: Emulator, policy: Any) -> Any:
    from azure.core import PipelineClient
    from azure.core.pipeline.policies import HeadersPolicy

    headers = HeadersPolicy({"api-key": "0" * 32})
    return PipelineClient(base_url=MODELS, policies=[policy, headers])


def _chat_request() -> Any:
    from azure.core.rest import HttpRequest

    return HttpRequest(
        "POST",
        f"{MODELS}/chat/completions?api-version=2024-05-01-preview",
        json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
    )


def test_send_request_returns_the_response_and_raise_for_status_explains_it(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    bare = _pipeline_client(emu, SansIOHTTPPolicy()).send_request(_chat_request())
    response = _pipeline_client(emu, foundry_doctor.DiagnosticsPolicy()).send_request(
        _chat_request()
    )
    # send_request returns the error response, as bare; nothing is logged yet
    assert (response.status_code, type(response)) == (bare.status_code, type(bare))
    assert response.json() == bare.json()
    assert not ours(caplog)
    with pytest.raises(HttpResponseError) as plain:
        bare.raise_for_status()
    with pytest.raises(HttpResponseError) as caught:
        response.raise_for_status()
    assert type(caught.value).__mro__[1] is type(plain.value)
    assert foundry_doctor.explain(plain.value) is None
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "invalid-api-key"
    assert len(ours(caplog)) == 1


def test_send_request_observer_leaves_the_response_to_the_caller(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    client = _pipeline_client(emu, foundry_doctor.DiagnosticsPolicy(raise_errors=False))
    response = client.send_request(_chat_request())
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "401"
    with pytest.raises(HttpResponseError) as caught:
        response.raise_for_status()
    assert foundry_doctor.explain(caught.value) is None
    (record,) = ours(caplog)
    assert record.diagnosis["rule"] == "invalid-api-key"  # type: ignore[attr-defined]


def test_the_diagnosis_is_in_the_pipeline_context(emu: Emulator) -> None:
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    seen: list[object] = []

    class Spy(SansIOHTTPPolicy[Any, Any]):
        def on_response(self, request: Any, response: Any) -> None:
            seen.append(request.context.get(CONTEXT_KEY))

    from azure.core import PipelineClient
    from azure.core.pipeline.policies import HeadersPolicy

    client = PipelineClient(
        base_url=MODELS,
        policies=[
            Spy(),
            foundry_doctor.DiagnosticsPolicy(raise_errors=False),
            HeadersPolicy({"api-key": "0" * 32}),
        ],
    )
    client.send_request(_chat_request())
    assert len(seen) == 1
    assert getattr(seen[0], "rule", None) == "invalid-api-key"


# --- fail-safe ------------------------------------------------------------------------------------


async def _failure_of(client: Any, *, aio: bool) -> ClientAuthenticationError:
    if aio:
        async with client:
            with pytest.raises(ClientAuthenticationError) as caught:
                await acall(client, MISSING_ROLE)
    else:
        with pytest.raises(ClientAuthenticationError) as caught:
            call(client, MISSING_ROLE)
    return caught.value


@pytest.mark.usefixtures("broken_reporting")
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
async def test_a_failure_inside_leaves_the_sdks_exception_unchanged(
    emu: Emulator, caplog: pytest.LogCaptureFixture, aio: bool
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    bare = build_inference(emu, MISSING_ROLE, aio=aio)
    client = foundry_doctor.instrument(build_inference(emu, MISSING_ROLE, aio=aio))
    expected, got = [await _failure_of(each, aio=aio) for each in (bare, client)]
    assert type(got) is ClientAuthenticationError
    assert foundry_doctor.explain(got) is None
    assert str(got) == str(expected)
    assert got.status_code == expected.status_code
    debug = [r for r in ours(caplog, logging.DEBUG) if r.levelno == logging.DEBUG]
    assert any("could not diagnose" in r.getMessage() for r in debug)
    assert any(r.exc_info and "log pipeline is down" in str(r.exc_info[1]) for r in debug)


# --- an application's own subclass ---------------------------------------------------------------


def test_an_applications_subclass_is_instrumented_and_checked(emu: Emulator) -> None:
    from azure.ai.inference import ChatCompletionsClient

    class AppChatClient(ChatCompletionsClient):
        """An application's own client class."""

    client = AppChatClient(endpoint=MODELS, credential=AzureKeyCredential("0" * 32))
    assert foundry_doctor.instrument(client) is client
    assert type(client) is AppChatClient
    from azure.ai.inference.models import UserMessage

    with pytest.raises(ClientAuthenticationError) as caught:
        client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "invalid-api-key"
    checkup = foundry_doctor.check(client, model="gpt-4o")
    assert checkup.configuration.client == "azure-ai-inference"
