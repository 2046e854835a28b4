"""Every preset scenario that applies to azure-ai-inference, with the real client (requests
and aiohttp transports), plus successes, streams and the default-scope trap."""

from __future__ import annotations

import json
from typing import Any

import pytest
from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.aio import ChatCompletionsClient as AsyncChatCompletionsClient
from azure.ai.inference.models import ChatRequestMessage, UserMessage
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.services.foundry.payloads import EMBEDDING_DIMENSIONS
from support.clients import acall, build_inference, call, expected_exception, stream_text
from support.scenarios import Scenario, scenario, scenarios_for

pytestmark = pytest.mark.azure

FAILURES = scenarios_for("azure-ai-inference", failures=True)
SUCCESSES = scenarios_for("azure-ai-inference", failures=False)
HI: list[ChatRequestMessage] = [UserMessage("hi")]
REPLY_WORDS = ["Hello", " from", " gpt-4o", " on", " the", " foundry-doctor", " emulator."]


def _check_failure(error: HttpResponseError, case: Scenario, emulator: Emulator) -> None:
    assert type(error) is expected_exception("azure-ai-inference", case.expected_status)
    assert error.status_code == case.expected_status
    assert error.reason in ("Unauthorized", "Forbidden", "Not Found", "Bad Request")
    assert error.response is not None
    body = json.loads(error.response.text())
    headers = error.response.headers  # type: ignore[attr-defined]
    assert headers["apim-request-id"]
    assert headers["x-request-id"]
    assert headers["x-ms-region"] == "East US"
    assert "www-authenticate" not in headers
    assert "x-should-retry" not in headers
    assert error.error is not None
    if case.body_shape == "statusCode":
        assert body == {"statusCode": 401, "message": case.expected_message}
        assert error.error.code is None
    else:
        assert body["error"]["code"] == case.expected_code
        assert body["error"]["message"] == case.expected_message
        assert error.error.code == case.expected_code
    assert error.error.message == case.expected_message
    last = emulator.requests[-1]
    assert last.status == case.expected_status
    assert last.error_code == case.expected_code


@pytest.mark.parametrize("case", FAILURES, ids=lambda case: case.name)
def test_failure_sync(emu: Emulator, case: Scenario) -> None:
    with emu.modified_world(case.world_changes):
        client = build_inference(emu, case)
        with client, pytest.raises(HttpResponseError) as caught:
            call(client, case)
    _check_failure(caught.value, case, emu)
    assert len(emu.requests) == 1  # no retry


@pytest.mark.parametrize("case", FAILURES, ids=lambda case: case.name)
async def test_failure_aio(emu: Emulator, case: Scenario) -> None:
    with emu.modified_world(case.world_changes):
        client = build_inference(emu, case, aio=True)
        async with client:
            with pytest.raises(HttpResponseError) as caught:
                await acall(client, case)
    _check_failure(caught.value, case, emu)
    assert len(emu.requests) == 1


def _check_success(result: Any, case: Scenario) -> None:
    if case.operation == "embeddings":
        assert [item.index for item in result.data] == [0]
        assert len(result.data[0].embedding) == EMBEDDING_DIMENSIONS
        assert result.usage.total_tokens > 0
    elif case.operation == "model-info":
        assert result.model_name == case.model
        assert result.model_type == "chat_completion"
        assert result.model_provider_name == "DeepSeek"
    else:
        assert result.choices[0].finish_reason == "stop"
        assert result.choices[0].message.role == "assistant"
        assert result.choices[0].message.content.startswith("Hello from ")
        assert result.usage.total_tokens > 0


@pytest.mark.parametrize("case", SUCCESSES, ids=lambda case: case.name)
def test_success_sync(emu: Emulator, case: Scenario) -> None:
    with build_inference(emu, case) as client:
        _check_success(call(client, case), case)
    assert [record.status for record in emu.requests] == [200]


@pytest.mark.parametrize("case", SUCCESSES, ids=lambda case: case.name)
async def test_success_aio(emu: Emulator, case: Scenario) -> None:
    async with build_inference(emu, case, aio=True) as client:
        _check_success(await acall(client, case), case)
    assert [record.status for record in emu.requests] == [200]


def test_stream_sync(emu: Emulator) -> None:
    case = scenario("ok-inference-models-key")
    with build_inference(emu, case) as client:
        chunks = call(client, case, stream=True)
    assert stream_text(chunks) == REPLY_WORDS
    assert chunks[-1].choices[0].finish_reason == "stop"


async def test_stream_aio(emu: Emulator) -> None:
    case = scenario("ok-inference-models-token")
    async with build_inference(emu, case, aio=True) as client:
        chunks = await acall(client, case, stream=True)
    assert "".join(stream_text(chunks)).startswith("Hello from Llama-3.3-70B-Instruct")


def test_stream_failure_reads_body(emu: Emulator) -> None:
    case = scenario("missing-role-inference")
    with build_inference(emu, case) as client, pytest.raises(ClientAuthenticationError) as caught:
        call(client, case, stream=True)
    assert caught.value.error is not None
    assert caught.value.error.code == "PermissionDenied"


def test_default_scope_is_rejected_and_cognitive_services_scope_accepted(emu: Emulator) -> None:
    endpoint = "https://myres.services.ai.azure.com/models"
    credential = emu.credential("alice")
    default = ChatCompletionsClient(endpoint=endpoint, credential=credential)
    with default, pytest.raises(ClientAuthenticationError) as caught:
        default.complete(model="gpt-4o", messages=HI)
    assert list(credential.requested_scopes) == ["https://ml.azure.com/.default"]
    assert caught.value.error is not None
    assert "(https://cognitiveservices.azure.com/ or https://ai.azure.com/)" in str(
        caught.value.error.message
    )
    fixed = ChatCompletionsClient(
        endpoint=endpoint,
        credential=credential,
        credential_scopes=["https://cognitiveservices.azure.com/.default"],
    )
    with fixed:
        result = fixed.complete(model="gpt-4o", messages=HI)
    assert result.choices[0].message.content.startswith("Hello from gpt-4o")
    assert [record.outcome for record in emu.requests] == ["token-wrong-audience", "ok"]


async def test_default_scope_aio(emu: Emulator) -> None:
    endpoint = "https://myres.services.ai.azure.com/models"
    async with AsyncChatCompletionsClient(
        endpoint=endpoint, credential=emu.async_credential("alice")
    ) as client:
        with pytest.raises(ClientAuthenticationError):
            await client.complete(model="gpt-4o", messages=HI)
    async with AsyncChatCompletionsClient(
        endpoint=endpoint,
        credential=emu.async_credential("alice"),
        credential_scopes=["https://ai.azure.com/.default"],
    ) as client:
        result = await client.complete(model="gpt-4o", messages=HI)
    assert result.model == "gpt-4o"


def test_key_sends_both_headers_and_api_key_wins(emu: Emulator) -> None:
    with ChatCompletionsClient(
        endpoint="https://myres.services.ai.azure.com/models",
        credential=AzureKeyCredential(emu.key("myres")),
    ) as client:
        client.complete(model="gpt-4o-mini", messages=HI)
    (record,) = emu.requests
    assert record.auth_headers == ("api-key", "authorization")
    assert record.bearer == "opaque"
    assert record.status == 200


def test_model_info_on_deployment_route_is_not_found(emu: Emulator) -> None:
    with (
        ChatCompletionsClient(
            endpoint="https://myres.openai.azure.com/openai/deployments/gpt-4o",
            credential=AzureKeyCredential(emu.key("myres")),
        ) as client,
        pytest.raises(ResourceNotFoundError) as caught,
    ):
        client.get_model_info()
    assert caught.value.status_code == 404
    assert emu.requests[-1].path == "/openai/deployments/gpt-4o/info"


def test_unknown_model_status_is_configurable(emu: Emulator) -> None:
    case = scenario("unknown-model-inference")
    with (
        emu.modified_world({"unknown_model_status": 400}),
        build_inference(emu, case) as client,
        pytest.raises(HttpResponseError) as caught,
    ):
        call(client, case)
    assert type(caught.value) is HttpResponseError
    assert caught.value.status_code == 400
    assert caught.value.error is not None
    assert caught.value.error.code == "unknown_model"
