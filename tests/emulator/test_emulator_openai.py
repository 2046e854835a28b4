"""Every preset scenario that applies to openai's ``AzureOpenAI`` / ``OpenAI`` classes, sync and
async, with the SDK's default httpx client; plus successes, streams and token providers."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from azure.identity import get_bearer_token_provider

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.services.foundry.payloads import EMBEDDING_DIMENSIONS
from support.clients import acall, build_openai, call, expected_exception, stream_text
from support.scenarios import Scenario, scenario, scenarios_for

pytestmark = pytest.mark.openai

REPLY_WORDS = ["Hello", " from", " gpt-4o", " on", " the", " foundry-doctor", " emulator."]


def _params(kind: str, *, failures: bool) -> list[Any]:
    """Scenarios for one client kind; the ones using azure-identity token providers are also
    marked ``azure``."""
    params = []
    for case in scenarios_for(f"openai.{kind}", failures=failures):  # type: ignore[arg-type]
        marks = [pytest.mark.azure] if case.credential.kind == "token" else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def _check_failure(error: openai.APIStatusError, case: Scenario, emulator: Emulator) -> None:
    assert type(error) is expected_exception("openai.OpenAI", case.expected_status)
    assert error.status_code == case.expected_status
    assert error.response.reason_phrase in ("Unauthorized", "Forbidden", "Not Found", "Bad Request")
    headers = error.response.headers
    assert error.request_id == headers["x-request-id"]
    assert headers["apim-request-id"]
    assert headers["x-ms-region"] == "East US"
    assert headers["content-type"] == "application/json"
    assert "www-authenticate" not in headers
    assert "x-should-retry" not in headers
    assert isinstance(error.body, dict)
    assert error.body["message"] == case.expected_message
    if case.body_shape == "statusCode":
        assert error.code is None
        assert error.body["statusCode"] == 401
    else:
        assert error.code == case.expected_code
    last = emulator.requests[-1]
    assert (last.status, last.error_code) == (case.expected_status, case.expected_code)


@pytest.mark.parametrize("case", _params("AzureOpenAI", failures=True))
def test_azure_openai_failure(emu: Emulator, case: Scenario) -> None:
    with (
        emu.modified_world(case.world_changes),
        build_openai(emu, case, kind="AzureOpenAI") as client,
        pytest.raises(openai.APIStatusError) as caught,
    ):
        call(client, case)
    _check_failure(caught.value, case, emu)
    assert len(emu.requests) == 1  # 4xx are not retried


@pytest.mark.parametrize("case", _params("AzureOpenAI", failures=True))
async def test_async_azure_openai_failure(emu: Emulator, case: Scenario) -> None:
    with emu.modified_world(case.world_changes):
        async with build_openai(emu, case, kind="AzureOpenAI", aio=True) as client:
            with pytest.raises(openai.APIStatusError) as caught:
                await acall(client, case)
    _check_failure(caught.value, case, emu)
    assert len(emu.requests) == 1


@pytest.mark.parametrize("case", _params("OpenAI", failures=True))
def test_openai_failure(emu: Emulator, case: Scenario) -> None:
    with (
        emu.modified_world(case.world_changes),
        build_openai(emu, case, kind="OpenAI") as client,
        pytest.raises(openai.APIStatusError) as caught,
    ):
        call(client, case)
    _check_failure(caught.value, case, emu)
    assert len(emu.requests) == 1


@pytest.mark.parametrize("case", _params("OpenAI", failures=True))
async def test_async_openai_failure(emu: Emulator, case: Scenario) -> None:
    with emu.modified_world(case.world_changes):
        async with build_openai(emu, case, kind="OpenAI", aio=True) as client:
            with pytest.raises(openai.APIStatusError) as caught:
                await acall(client, case)
    _check_failure(caught.value, case, emu)
    assert len(emu.requests) == 1


def _check_success(result: Any, case: Scenario) -> None:
    if case.operation == "embeddings":
        assert [item.index for item in result.data] == [0]
        embedding = result.data[0].embedding
        assert len(embedding) == EMBEDDING_DIMENSIONS
        assert all(isinstance(value, float) for value in embedding)
    elif case.operation == "models":
        assert {"gpt-4o", "DeepSeek-R1"} <= {model.id for model in result}
    elif case.operation == "responses":
        assert result.output_text == f"Hello from {case.model} on the foundry-doctor emulator."
        assert result.status == "completed"
    else:
        assert result.object == "chat.completion"
        assert result.choices[0].finish_reason == "stop"
        assert result.choices[0].message.content == (
            f"Hello from {case.model} on the foundry-doctor emulator."
        )
        assert result.usage.total_tokens > 0


@pytest.mark.parametrize(
    ("kind", "case"),
    [
        pytest.param(kind, *param.values, id=f"{kind}-{param.id}", marks=param.marks)
        for kind in ("AzureOpenAI", "OpenAI")
        for param in _params(kind, failures=False)
    ],
)
def test_success(emu: Emulator, kind: str, case: Scenario) -> None:
    with build_openai(emu, case, kind=kind) as client:
        _check_success(call(client, case), case)
    assert [record.status for record in emu.requests] == [200]


@pytest.mark.parametrize(
    ("kind", "case"),
    [
        pytest.param(kind, *param.values, id=f"{kind}-{param.id}", marks=param.marks)
        for kind in ("AzureOpenAI", "OpenAI")
        for param in _params(kind, failures=False)
    ],
)
async def test_async_success(emu: Emulator, kind: str, case: Scenario) -> None:
    async with build_openai(emu, case, kind=kind, aio=True) as client:
        _check_success(await acall(client, case), case)
    assert [record.status for record in emu.requests] == [200]


@pytest.mark.parametrize("name", ["ok-azure-openai-key", "ok-openai-v1-key"])
def test_stream(emu: Emulator, name: str) -> None:
    case = scenario(name)
    kind = "AzureOpenAI" if "azure-openai" in name else "OpenAI"
    with build_openai(emu, case, kind=kind) as client:
        chunks = call(client, case, stream=True)
    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert stream_text(chunks) == REPLY_WORDS
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].usage is not None


@pytest.mark.parametrize("name", ["ok-azure-openai-key", "ok-openai-v1-key"])
async def test_async_stream(emu: Emulator, name: str) -> None:
    case = scenario(name)
    kind = "AzureOpenAI" if "azure-openai" in name else "OpenAI"
    async with build_openai(emu, case, kind=kind, aio=True) as client:
        chunks = await acall(client, case, stream=True)
    assert stream_text(chunks) == REPLY_WORDS


def test_stream_chunks_arrive_one_by_one(emu: Emulator) -> None:
    case = scenario("ok-azure-openai-key")
    with build_openai(emu, case, kind="AzureOpenAI") as client:
        stream = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        with stream:
            first = next(iter(stream))
            assert first.choices[0].delta.role == "assistant"
            rest = list(stream)
    assert len(rest) == len(REPLY_WORDS) + 1


def test_stream_failure_raises_before_any_chunk(emu: Emulator) -> None:
    case = scenario("missing-role-azure-openai")
    with (
        build_openai(emu, case, kind="AzureOpenAI") as client,
        pytest.raises(openai.AuthenticationError) as caught,
    ):
        call(client, case, stream=True)
    assert caught.value.code == "PermissionDenied"


@pytest.mark.azure
def test_bearer_token_provider_is_called_per_request(emu: Emulator) -> None:
    credential = emu.credential("alice")
    provider = get_bearer_token_provider(credential, "https://cognitiveservices.azure.com/.default")
    client = openai.AzureOpenAI(
        azure_endpoint="https://myres.openai.azure.com",
        api_version="2024-10-21",
        azure_ad_token_provider=provider,
    )
    with client:
        for _ in range(2):
            client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
            )
    assert [record.outcome for record in emu.requests] == ["ok", "ok"]
    assert all(record.bearer == "jwt" for record in emu.requests)
    # the policy caches a valid token, so Entra ID (here: the emulator) is asked once
    assert list(credential.requested_scopes) == ["https://cognitiveservices.azure.com/.default"]


def test_key_sent_as_bearer_is_accepted_on_v1_only(emu: Emulator) -> None:
    key = emu.key("myres")
    v1 = openai.OpenAI(base_url="https://myres.openai.azure.com/openai/v1/", api_key=key)
    with v1:
        v1.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    classic = openai.AzureOpenAI(
        azure_endpoint="https://myres.openai.azure.com",
        api_version="2024-10-21",
        azure_ad_token=key,
    )
    with classic, pytest.raises(openai.AuthenticationError):
        classic.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
        )
    assert [record.outcome for record in emu.requests] == ["ok", "key-as-bearer"]
