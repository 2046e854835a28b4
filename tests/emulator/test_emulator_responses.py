"""The Responses API: the dated route ``/openai/responses?api-version=…`` (AzureOpenAI), v1,
streaming through the real openai client, stored responses, and the api-version answers."""

from __future__ import annotations

import openai
import pytest

from foundry_doctor.emulator import Deployment, Emulator
from support.wire import raw_request

pytestmark = [pytest.mark.openai]

AOAI = "https://myres.openai.azure.com"
REPLY = "Hello from gpt-4o on the foundry-doctor emulator."


def _aoai(emu: Emulator, api_version: str = "2025-04-01-preview") -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=AOAI, api_version=api_version, api_key=emu.key("myres"), max_retries=0
    )


def _v1(emu: Emulator) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{AOAI}/openai/v1/", api_key=emu.key("myres"), max_retries=0)


@pytest.mark.parametrize("api_version", ["2025-03-01-preview", "2025-04-01-preview"])
def test_dated_route_with_azure_openai(emu: Emulator, api_version: str) -> None:
    response = _aoai(emu, api_version).responses.create(model="gpt-4o", input="hi")
    assert response.output_text == REPLY
    last = emu.requests[-1]
    assert (last.path, last.query["api-version"], last.route) == (
        "/openai/responses",
        api_version,
        "responses",
    )


def test_dated_route_with_a_token_for_either_audience(emu: Emulator) -> None:
    for scope in ("https://ai.azure.com/.default", "https://cognitiveservices.azure.com/.default"):
        client = openai.AzureOpenAI(
            azure_endpoint=AOAI,
            api_version="2025-04-01-preview",
            azure_ad_token=emu.token("alice", scope),
            max_retries=0,
        )
        assert client.responses.create(model="gpt-4o", input="hi").status == "completed"


def test_an_api_version_older_than_the_responses_api(emu: Emulator) -> None:
    """aider#4029: a dated version the resource knows, but older than the Responses API."""
    with pytest.raises(openai.BadRequestError) as caught:
        _aoai(emu, "2024-10-21").responses.create(model="gpt-4o", input="hi")
    assert caught.value.body == {  # type: ignore[comparison-overlap]
        "code": "BadRequest",
        "message": "Azure OpenAI Responses API is enabled only for api-version "
        "2025-03-01-preview and later",
    }


def test_an_unknown_api_version_is_not_found(emu: Emulator) -> None:
    with pytest.raises(openai.NotFoundError):
        _aoai(emu, "2025-09-01").responses.create(model="gpt-4o", input="hi")


def test_stored_responses(emu: Emulator) -> None:
    for client in (_aoai(emu), _v1(emu)):
        created = client.responses.create(model="gpt-4o", input="What is up?")
        assert client.responses.retrieve(created.id).output_text == REPLY
        items = list(client.responses.input_items.list(created.id))
        assert [item.content[0].text for item in items] == ["What is up?"]  # type: ignore[union-attr]
        client.responses.delete(created.id)
        with pytest.raises(openai.NotFoundError):
            client.responses.retrieve(created.id)


def test_a_response_not_stored_is_not_found(emu: Emulator) -> None:
    client = _v1(emu)
    created = client.responses.create(model="gpt-4o", input="hi", store=False)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)


@pytest.mark.parametrize("route", ["v1", "dated"])
def test_streamed_responses(emu: Emulator, route: str) -> None:
    client = _v1(emu) if route == "v1" else _aoai(emu)
    events = list(client.responses.create(model="gpt-4o", input="hi", stream=True))
    types = [event.type for event in events]
    assert types[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert types[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [event.sequence_number for event in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")  # type: ignore[union-attr]
    assert deltas == REPLY
    assert emu.requests[-1].status == 200


def test_the_stream_helper_collects_the_final_response(emu: Emulator) -> None:
    with _v1(emu).responses.stream(model="gpt-4o", input="hi") as stream:
        text = "".join(
            event.delta for event in stream if event.type == "response.output_text.delta"
        )  # type: ignore[union-attr]
        final = stream.get_final_response()
    assert text == final.output_text == REPLY


async def test_streamed_responses_async(emu: Emulator) -> None:
    client = openai.AsyncOpenAI(
        base_url=f"{AOAI}/openai/v1/", api_key=emu.key("myres"), max_retries=0
    )
    stream = await client.responses.create(model="gpt-4o", input="hi", stream=True)
    types = [event.type async for event in stream]
    assert types[-1] == "response.completed"
    await client.close()


def test_a_model_the_responses_api_does_not_serve(emu: Emulator) -> None:
    with emu.modified_world() as world:
        world.resource("myres").add_deployment(
            Deployment("Kimi-K2.5", "Kimi-K2.5", "maas", provider="Moonshot", responses_api=False)
        )
        with pytest.raises(openai.BadRequestError) as caught:
            _v1(emu).responses.create(model="Kimi-K2.5", input="hi")
        assert caught.value.body == {  # type: ignore[comparison-overlap]
            "code": "BadRequest",
            "message": "This model is not supported by the Responses API",
        }
        chat = _v1(emu).chat.completions.create(
            model="Kimi-K2.5", messages=[{"role": "user", "content": "hi"}]
        )
        assert chat.choices[0].message.content


def test_a_claude_deployment_on_an_openai_route(emu: Emulator) -> None:
    """claudecode66896: Claude is served on /anthropic only."""
    with emu.modified_world() as world:
        world.resource("myres").add_deployment(
            Deployment("claude-opus-4-6", "claude-opus-4-6", "anthropic", provider="Anthropic")
        )
        token = emu.token("alice", "https://ai.azure.com/.default")
        response = raw_request(
            emu,
            "myres.services.ai.azure.com",
            "POST",
            "/models/chat/completions",
            headers={"Authorization": f"Bearer {token}"},
            body={"model": "claude-opus-4-6", "messages": [{"role": "user", "content": "hi"}]},
        )
    assert response.status == 404
    assert response.json()["error"]["code"] == "api_not_supported"
    assert response.header("x-ms-error-code") == "api_not_supported"


def test_api_version_latest_on_v1_is_a_world_setting(emu: Emulator) -> None:
    client = openai.OpenAI(
        base_url=f"{AOAI}/openai/v1/",
        api_key=emu.key("myres"),
        default_query={"api-version": "latest"},
        max_retries=0,
    )
    assert client.responses.create(model="gpt-4o", input="hi").status == "completed"
    with (
        emu.modified_world({"foundry.v1_latest_accepted": False}),
        pytest.raises(openai.BadRequestError) as caught,
    ):
        client.responses.create(model="gpt-4o", input="hi")
    assert caught.value.body == {"code": "BadRequest", "message": "API version not supported"}  # type: ignore[comparison-overlap]


def test_the_dated_v1_answer_per_operation_is_a_world_setting(emu: Emulator) -> None:
    client = openai.OpenAI(
        base_url=f"{AOAI}/openai/v1/",
        api_key=emu.key("myres"),
        default_query={"api-version": "2024-10-21"},
        max_retries=0,
    )
    changes = {"foundry.v1_dated_api_version": {"*": "not-supported"}}
    with emu.modified_world(changes), pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert caught.value.body == {"code": "BadRequest", "message": "API version not supported"}  # type: ignore[comparison-overlap]
