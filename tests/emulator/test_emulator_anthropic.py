"""``/anthropic/v1/messages`` (and ``count_tokens``) for Claude deployments, with the real
anthropic SDK's ``AnthropicFoundry`` client where it is installed, and raw requests for the
header rules (routes.md §3.6): ``x-api-key`` on ``services.ai.azure.com``, a key as Bearer on
``openai.azure.com``, tokens on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from foundry_doctor.emulator import Deployment, Emulator
from support.wire import raw_request

SERVICES = "myres.services.ai.azure.com"
MESSAGES = "/anthropic/v1/messages"
CLAUDE = "claude-opus-4-6"
BODY = {"model": CLAUDE, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
REPLY = f"Hello from {CLAUDE} on the foundry-doctor emulator."


@pytest.fixture
def world(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world() as changed:
        changed.resource("myres").add_deployment(
            Deployment(CLAUDE, CLAUDE, "anthropic", provider="Anthropic")
        )
        yield emu


def _foundry(emu: Emulator, **kwargs: object) -> object:
    anthropic = pytest.importorskip("anthropic")
    return anthropic.AnthropicFoundry(resource="myres", max_retries=0, **kwargs)


def test_messages_with_a_key(world: Emulator) -> None:
    client = _foundry(world, api_key=world.key("myres"))
    message = client.messages.create(  # type: ignore[attr-defined]
        model=CLAUDE, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.content[0].text == REPLY
    assert message.stop_reason == "end_turn"
    record = world.requests[-1]
    assert (record.path, record.route, record.model) == (MESSAGES, "anthropic", CLAUDE)


@pytest.mark.parametrize(
    "scope", ["https://ai.azure.com/.default", "https://cognitiveservices.azure.com/.default"]
)
def test_messages_with_a_token(world: Emulator, scope: str) -> None:
    from azure.identity import get_bearer_token_provider

    provider = get_bearer_token_provider(world.credential("alice"), scope)
    client = _foundry(world, azure_ad_token_provider=provider)
    message = client.messages.create(  # type: ignore[attr-defined]
        model=CLAUDE, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.usage.output_tokens > 0


def test_streamed_messages(world: Emulator) -> None:
    client = _foundry(world, api_key=world.key("myres"))
    with client.messages.stream(  # type: ignore[attr-defined]
        model=CLAUDE, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == REPLY == final.content[0].text


def test_count_tokens(world: Emulator) -> None:
    client = _foundry(world, api_key=world.key("myres"))
    counted = client.messages.count_tokens(  # type: ignore[attr-defined]
        model=CLAUDE, messages=[{"role": "user", "content": "one two three"}]
    )
    assert counted.input_tokens == 3


def test_an_unknown_model_in_anthropic_shape(world: Emulator) -> None:
    anthropic = pytest.importorskip("anthropic")
    client = _foundry(world, api_key=world.key("myres"))
    with pytest.raises(anthropic.NotFoundError) as caught:
        client.messages.create(  # type: ignore[attr-defined]
            model="claude-nope", max_tokens=8, messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.body == {
        "type": "error",
        "error": {"type": "not_found_error", "message": "model: claude-nope"},
    }


@pytest.mark.parametrize(
    ("host", "headers_of", "status"),
    [
        (SERVICES, lambda key: {"x-api-key": key}, 200),
        (SERVICES, lambda key: {"api-key": key}, 401),  # continue#11513, anthropic-sdk#1661
        (SERVICES, lambda key: {"x-api-key": "nope"}, 401),
        ("myres.openai.azure.com", lambda key: {"x-api-key": key}, 401),  # hermes-agent#26970
        ("myres.openai.azure.com", lambda key: {"Authorization": f"Bearer {key}"}, 200),
        ("myres.cognitiveservices.azure.com", lambda key: {"x-api-key": key}, 404),
    ],
)
def test_the_header_rules(world: Emulator, host: str, headers_of: object, status: int) -> None:
    headers = headers_of(world.key("myres"))  # type: ignore[operator]
    headers["anthropic-version"] = "2023-06-01"
    response = raw_request(world, host, "POST", MESSAGES, headers=headers, body=BODY)
    assert response.status == status, response.body
    if status == 401:
        assert response.json()["error"]["code"] == "401"  # the gateway's invalid-key body


def test_the_credentials_read_are_a_world_setting(world: Emulator) -> None:
    world.world.apply(
        {"foundry.anthropic_credentials": {"services": frozenset({"api-key", "x-api-key"})}}
    )
    response = raw_request(
        world, SERVICES, "POST", MESSAGES, headers={"api-key": world.key("myres")}, body=BODY
    )
    assert response.status == 200


def test_anthropic_version_requirement_is_a_world_setting(world: Emulator) -> None:
    headers = {"x-api-key": world.key("myres")}
    assert raw_request(world, SERVICES, "POST", MESSAGES, headers=headers, body=BODY).status == 200
    world.world.apply({"foundry.anthropic_version_required": True})
    refused = raw_request(world, SERVICES, "POST", MESSAGES, headers=headers, body=BODY)
    assert refused.status == 400
    assert refused.json()["error"]["type"] == "invalid_request_error"


def test_roles_for_claude(world: Emulator) -> None:
    token = world.token("bob", "https://ai.azure.com/.default")  # OpenAI User: OpenAI models only
    response = raw_request(
        world, SERVICES, "POST", MESSAGES, headers={"Authorization": f"Bearer {token}"}, body=BODY
    )
    assert (response.status, response.json()["error"]["code"]) == (401, "PermissionDenied")
