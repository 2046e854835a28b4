"""The network answers of a resource without public access (``Resource.network_answer``), and a
configured whole-resource answer (``Resource.refusal``), as the real SDKs parse them: the
shapes that break parsers assuming ``error.code`` (no ``error`` wrapper; an HTML page)."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from azure.core.exceptions import HttpResponseError

from foundry_doctor.emulator import Emulator, Refusal

pytestmark = [pytest.mark.openai, pytest.mark.azure]

HELLO = [{"role": "user", "content": "hi"}]


@pytest.fixture
def world(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world():
        yield emu


def _openai_error(emu: Emulator) -> openai.APIStatusError:
    client = openai.AzureOpenAI(
        azure_endpoint="https://private.openai.azure.com",
        api_version="2024-10-21",
        api_key=emu.key("private"),
        max_retries=0,
    )
    with pytest.raises(openai.PermissionDeniedError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    return caught.value


def _azure_error(emu: Emulator) -> HttpResponseError:
    from azure.ai.inference import ChatCompletionsClient
    from azure.ai.inference.models import UserMessage
    from azure.core.credentials import AzureKeyCredential

    client = ChatCompletionsClient(
        endpoint="https://private.services.ai.azure.com/models",
        credential=AzureKeyCredential(emu.key("private")),
    )
    with pytest.raises(HttpResponseError) as caught:
        client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    return caught.value


@pytest.mark.parametrize(
    ("answer", "openai_code", "azure_code"),
    [
        ("public-access-disabled", "403", "403"),
        ("firewall", "403", "403"),
        ("virtual-network", "403", "403"),  # no error wrapper: both SDKs read the top level
        ("proxy-html", None, None),
    ],
)
def test_what_the_sdks_make_of_each_network_answer(
    world: Emulator, answer: str, openai_code: str | None, azure_code: str | None
) -> None:
    world.world.apply({"resources.private.network_answer": answer})
    error = _openai_error(world)
    assert error.status_code == 403
    assert error.code == openai_code
    azure = _azure_error(world)
    assert azure.status_code == 403
    assert (azure.error.code if azure.error else None) == azure_code
    if answer == "proxy-html":
        assert error.response.headers["content-type"] == "text/html"
        assert "nginx" in error.response.text
    if answer == "public-access-disabled":
        assert error.response.headers["policy-id"] == "ThrowExceptionDueToTrafficDenied"
    assert world.requests[-1].outcome in ("public-network-disabled", answer)


def test_network_answers_come_before_authentication(world: Emulator) -> None:
    world.world.apply({"resources.private.network_answer": "firewall"})
    client = openai.AzureOpenAI(
        azure_endpoint="https://private.openai.azure.com",
        api_version="2024-10-21",
        api_key="not-a-key",
        max_retries=0,
    )
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(model="gpt-4o", messages=HELLO)


def test_a_configured_refusal_with_its_reason_phrase(world: Emulator) -> None:
    body = '{"error":{"code":"Maintenance","message":"Come back later."}}'
    world.world.apply(
        {
            "resources.myres.refusal": Refusal(
                503, body, headers=(("retry-after", "0"),), reason="Busy"
            )
        }
    )
    client = openai.AzureOpenAI(
        azure_endpoint="https://myres.openai.azure.com",
        api_version="2024-10-21",
        api_key=world.key("myres"),
        max_retries=0,
    )
    with pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert caught.value.response.reason_phrase == "Busy"
    assert caught.value.response.text == body


@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # openai's own notice
def test_what_a_retired_route_answers_is_a_world_setting(world: Emulator) -> None:
    """The Assistants API (``/openai/assistants``) was retired on 2026-08-26; what it answers
    now is not documented (retirements.md §1): by default the unknown-path 404."""
    client = openai.AzureOpenAI(
        azure_endpoint="https://myres.openai.azure.com",
        api_version="2024-05-01-preview",
        api_key=world.key("myres"),
        max_retries=0,
    )
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.list()
    gone = '{"error":{"code":"Gone","message":"The Assistants API is retired."}}'
    world.world.apply({"foundry.path_answers": {"/openai/assistants": Refusal(410, gone)}})
    with pytest.raises(openai.APIStatusError) as caught:
        client.beta.assistants.list()
    assert (caught.value.status_code, caught.value.response.text) == (410, gone)
