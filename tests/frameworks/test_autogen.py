"""AutoGen through ``foundry_doctor.instrument(model_client)``: autogen-ext's
``AzureOpenAIChatCompletionClient`` (async only), ``create`` and ``create_stream``. The client is
built anew whenever the model client is copied (``__setstate__``): the copy is covered too."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from support.frameworks import (
    AOAI,
    DEPLOYMENT,
    FAILURES,
    MISSING,
    Failure,
    assert_parity,
    attempt_async,
)

models_openai = pytest.importorskip("autogen_ext.models.openai")

pytestmark = [
    pytest.mark.frameworks,
    # the emulator answers with a dated model name, which AutoGen compares with its table
    pytest.mark.filterwarnings("ignore:Resolved model mismatch"),
]

API_VERSION = "2024-10-21"
CASES = [pytest.param(failure, id=failure.name) for failure in FAILURES] + [
    pytest.param(None, id="success")
]


def _client(emu: Emulator, failure: Failure | None) -> Any:
    auth: dict[str, Any] = {"api_key": emu.key("myres")}
    deployment = DEPLOYMENT
    if failure is not None and failure.name == "no-role":
        auth = {"azure_ad_token_provider": lambda: emu.token("dave")}
    elif failure is not None and failure.name == "key-as-bearer":
        auth = {"azure_ad_token_provider": lambda: emu.key("myres")}
    elif failure is not None:
        deployment = MISSING
    return models_openai.AzureOpenAIChatCompletionClient(
        azure_endpoint=AOAI,
        azure_deployment=deployment,
        model="gpt-4o",
        api_version=API_VERSION,
        **auth,
    )


def _messages() -> Any:
    from autogen_core.models import UserMessage

    return [UserMessage(content="hi", source="user")]


async def _create(client: Any) -> str:
    return str((await client.create(_messages())).content)


async def _stream(client: Any) -> str:
    chunks = [chunk async for chunk in client.create_stream(_messages())]
    return str(chunks[-1].content)


@pytest.mark.parametrize("failure", CASES)
@pytest.mark.parametrize("call", [_create, _stream], ids=["create", "create_stream"])
async def test_azure_openai_chat_completion_client(
    emu: Emulator, failure: Failure | None, call: Any
) -> None:
    bare = await attempt_async(emu, lambda: call(_client(emu, failure)))
    client = _client(emu, failure)
    assert foundry_doctor.instrument(client) is client
    assert_parity(bare, await attempt_async(emu, lambda: call(client)), failure and failure.rule)


async def test_a_copy_builds_a_new_client_which_is_covered(emu: Emulator) -> None:
    client = foundry_doctor.instrument(_client(emu, FAILURES[1]))
    copied = copy.deepcopy(client)
    assert copied._client is not client._client
    caught = (await attempt_async(emu, lambda: _create(copied))).error
    assert foundry_doctor.explain(caught).rule == "deployment-not-found"
    unpickled = pickle.loads(pickle.dumps(client))  # noqa: S301 - our own bytes
    assert type(unpickled) is models_openai.AzureOpenAIChatCompletionClient  # the plain class
