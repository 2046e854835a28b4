"""Microsoft Agent Framework through ``foundry_doctor.instrument(client)``: ``OpenAIChatClient``
(the Responses API on ``AzureOpenAI(base_url=<res>/openai/v1/, api_version="preview")``),
``OpenAIChatCompletionClient``, ``OpenAIEmbeddingClient``, ``FoundryChatClient`` on a project,
and an ``Agent``. The framework is async only; its ``ChatClientException`` quotes
``str(openai_error)``, so the diagnosis is in its text already and is not added twice."""

from __future__ import annotations

from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from support.frameworks import (
    AOAI,
    DEPLOYMENT,
    EMBEDDINGS,
    FAILURES,
    MISSING,
    Failure,
    assert_parity,
    attempt_async,
)

openai_clients = pytest.importorskip("agent_framework.openai")

pytestmark = pytest.mark.frameworks

PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
CASES = [pytest.param(failure, id=failure.name) for failure in FAILURES] + [
    pytest.param(None, id="success")
]


def _settings(emu: Emulator, failure: Failure | None) -> dict[str, Any]:
    if failure is not None and failure.name == "no-role":
        return {"model": DEPLOYMENT, "credential": lambda: emu.token("dave")}
    if failure is not None and failure.name == "key-as-bearer":
        return {"model": DEPLOYMENT, "credential": lambda: emu.key("myres")}
    model = MISSING if failure is not None else DEPLOYMENT
    return {"model": model, "api_key": emu.key("myres")}


async def _ask(client: Any) -> str:
    return str((await client.get_response("hi")).text)


@pytest.mark.parametrize("failure", CASES)
async def test_chat_completion_client(emu: Emulator, failure: Failure | None) -> None:
    def make() -> Any:
        return openai_clients.OpenAIChatCompletionClient(
            azure_endpoint=AOAI, **_settings(emu, failure)
        )

    bare = await attempt_async(emu, lambda: _ask(make()))
    client = make()
    assert foundry_doctor.instrument(client) is client
    assert_parity(bare, await attempt_async(emu, lambda: _ask(client)), failure and failure.rule)


#: the Responses API on the v1 base URL reads a key as a bearer token too: a key handed over
#: as a token works there, so that failure is a wrong key instead
RESPONSES_CASES = [
    pytest.param(FAILURES[0], "missing-data-plane-role", id="no-role"),
    pytest.param(FAILURES[1], "deployment-not-found", id="wrong-deployment"),
    pytest.param("wrong-key", "invalid-api-key", id="wrong-key"),
    pytest.param(None, None, id="success"),
]


@pytest.mark.parametrize(("failure", "rule"), RESPONSES_CASES)
async def test_responses_client_on_the_v1_base_url(
    emu: Emulator, failure: Failure | str | None, rule: str | None
) -> None:
    """agent-framework's default Azure set-up: ``AsyncAzureOpenAI(base_url=<res>/openai/v1/,
    api_version="preview")``, a working configuration; a wrong key there is the key's fault."""

    def make() -> Any:
        if failure == "wrong-key":
            settings = {"model": DEPLOYMENT, "api_key": "0123456789abcdef0123456789abcdef"}
        else:
            settings = _settings(emu, failure if isinstance(failure, Failure) else None)
        return openai_clients.OpenAIChatClient(azure_endpoint=AOAI, **settings)

    bare = await attempt_async(emu, lambda: _ask(make()))
    client = foundry_doctor.instrument(make())
    instrumented = await attempt_async(emu, lambda: _ask(client))
    assert_parity(bare, instrumented, rule)
    assert emu.requests[0].path == "/openai/v1/responses"
    assert emu.requests[0].query == {"api-version": "preview"}
    if rule is not None:
        diagnosis = foundry_doctor.explain(instrumented.error)
        assert diagnosis is not None
        assert "client-endpoint-mismatch" not in diagnosis.secondary_rules


@pytest.mark.parametrize(
    ("principal", "rule"),
    [("dave", "missing-data-plane-role"), ("alice", None)],
    ids=["no-role", "success"],
)
async def test_foundry_chat_client_on_a_project(
    emu: Emulator, principal: str, rule: str | None
) -> None:
    from agent_framework.foundry import FoundryChatClient

    def make() -> Any:
        return FoundryChatClient(
            project_endpoint=PROJECT, model=DEPLOYMENT, credential=emu.async_credential(principal)
        )

    bare = await attempt_async(emu, lambda: _ask(make()))
    client = foundry_doctor.instrument(make())
    assert_parity(bare, await attempt_async(emu, lambda: _ask(client)), rule)


async def test_an_agent_is_covered_through_its_chat_client(emu: Emulator) -> None:
    from agent_framework import Agent

    async def run(agent: Any) -> str:
        return str((await agent.run("hi")).text)

    def make() -> Any:
        return Agent(
            client=openai_clients.OpenAIChatClient(
                azure_endpoint=AOAI, **_settings(emu, FAILURES[1])
            )
        )

    bare = await attempt_async(emu, lambda: run(make()))
    agent = foundry_doctor.instrument(make())
    assert_parity(bare, await attempt_async(emu, lambda: run(agent)), "deployment-not-found")


@pytest.mark.parametrize(
    ("deployment", "rule"),
    [(MISSING, "deployment-not-found"), (EMBEDDINGS, None)],
    ids=["wrong-deployment", "success"],
)
async def test_embedding_client(emu: Emulator, deployment: str, rule: str | None) -> None:
    def make() -> Any:
        return openai_clients.OpenAIEmbeddingClient(
            model=deployment, azure_endpoint=AOAI, api_key=emu.key("myres")
        )

    bare = await attempt_async(emu, lambda: make().get_embeddings(["hi"]))
    client = foundry_doctor.instrument(make())
    assert_parity(bare, await attempt_async(emu, lambda: client.get_embeddings(["hi"])), rule)
