"""LlamaIndex through ``foundry_doctor.instrument(llm)``: ``AzureOpenAI`` and
``AzureOpenAIEmbedding``, sync and async. The model makes its openai clients on its first call
(and anew on every call with ``reuse_client=False``); what it makes is covered. With
``use_azure_ad=True`` it sends the token twice (``api-key``, fetched when it made the client,
and ``Authorization: Bearer``): which one the service reads is the emulator's
``foundry.credential_precedence``, and the diagnosis follows what the answer was about."""

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
    EMBEDDINGS,
    MISSING,
    assert_parity,
    attempt,
    attempt_async,
)

azure_openai = pytest.importorskip("llama_index.llms.azure_openai")

pytestmark = pytest.mark.frameworks

API_VERSION = "2024-10-21"


def _llm(emu: Emulator, *, deployment: str = DEPLOYMENT, **settings: Any) -> Any:
    if "use_azure_ad" not in settings:
        settings.setdefault("api_key", emu.key("myres"))
    return azure_openai.AzureOpenAI(
        engine=deployment, model="gpt-4o", azure_endpoint=AOAI, api_version=API_VERSION, **settings
    )


def _messages() -> Any:
    from llama_index.core.llms import ChatMessage

    return [ChatMessage(role="user", content="hi")]


CASES = [
    pytest.param({"deployment": MISSING}, "deployment-not-found", id="wrong-deployment"),
    pytest.param(
        {"api_key": "0123456789abcdef0123456789abcdef"}, "invalid-api-key", id="wrong-key"
    ),
    pytest.param(
        {"deployment": MISSING, "reuse_client": False},
        "deployment-not-found",
        id="new-client-per-call",
    ),
    pytest.param({}, None, id="success"),
]


@pytest.mark.parametrize(("settings", "rule"), CASES)
def test_azure_openai(emu: Emulator, settings: dict[str, Any], rule: str | None) -> None:
    bare = attempt(emu, lambda: _llm(emu, **settings).chat(_messages()))
    llm = _llm(emu, **settings)
    assert foundry_doctor.instrument(llm) is llm
    assert llm._client is None  # made on the first call, after instrument()
    assert_parity(bare, attempt(emu, lambda: llm.chat(_messages())), rule)


@pytest.mark.parametrize(("settings", "rule"), CASES)
async def test_azure_openai_async(
    emu: Emulator, settings: dict[str, Any], rule: str | None
) -> None:
    bare = await attempt_async(emu, lambda: _llm(emu, **settings).achat(_messages()))
    llm = foundry_doctor.instrument(_llm(emu, **settings))
    assert_parity(bare, await attempt_async(emu, lambda: llm.achat(_messages())), rule)


@pytest.mark.parametrize(
    ("precedence", "principal", "rule"),
    [
        ("api-key", "alice", "credential-in-wrong-header"),
        ("authorization", "dave", "missing-data-plane-role"),
        ("authorization", "alice", None),
        ("any-valid", "dave", "missing-data-plane-role"),
    ],
)
def test_the_token_in_both_headers(
    emu: Emulator, precedence: str, principal: str, rule: str | None
) -> None:
    def make() -> Any:
        provider = lambda: emu.token(principal)  # noqa: E731
        return _llm(emu, use_azure_ad=True, azure_ad_token_provider=provider)

    with emu.modified_world({"foundry.credential_precedence": precedence}):
        bare = attempt(emu, lambda: make().chat(_messages()))
        llm = foundry_doctor.instrument(make())
        instrumented = attempt(emu, lambda: llm.chat(_messages()))
        assert emu.requests[0].auth_headers == ("api-key", "authorization")
    assert_parity(bare, instrumented, rule)
    if rule == "credential-in-wrong-header":
        text = foundry_doctor.explain(instrumented.error).render()
        assert "api-key header: an Entra ID token (a JWT)" in text
        assert "Authorization header: Bearer <an Entra ID token, another one>" in text
        assert "Which header the service reads when both are sent is not documented" in text


def test_copies_keep_watching_and_pickles_are_the_frameworks_own(emu: Emulator) -> None:
    llm = foundry_doctor.instrument(_llm(emu, deployment=MISSING))
    copied = copy.deepcopy(llm)
    caught = attempt(emu, lambda: copied.chat(_messages())).error
    assert foundry_doctor.explain(caught).rule == "deployment-not-found"
    unpickled = pickle.loads(pickle.dumps(llm))  # noqa: S301 - our own bytes
    assert type(unpickled) is azure_openai.AzureOpenAI  # plain: instrument it again
    assert foundry_doctor.explain(attempt(emu, lambda: unpickled.chat(_messages())).error) is None


def _embedding(emu: Emulator, deployment: str) -> Any:
    from llama_index.embeddings.azure_openai import AzureOpenAIEmbedding

    return AzureOpenAIEmbedding(
        deployment_name=deployment,
        azure_endpoint=AOAI,
        api_version=API_VERSION,
        api_key=emu.key("myres"),
    )


EMBEDDING_CASES = [
    pytest.param(MISSING, "deployment-not-found", id="wrong-deployment"),
    pytest.param(EMBEDDINGS, None, id="success"),
]


@pytest.mark.parametrize(("deployment", "rule"), EMBEDDING_CASES)
def test_azure_openai_embedding(emu: Emulator, deployment: str, rule: str | None) -> None:
    bare = attempt(emu, lambda: _embedding(emu, deployment).get_text_embedding("hi"))
    model = foundry_doctor.instrument(_embedding(emu, deployment))
    assert_parity(bare, attempt(emu, lambda: model.get_text_embedding("hi")), rule)


@pytest.mark.parametrize(("deployment", "rule"), EMBEDDING_CASES)
async def test_azure_openai_embedding_async(
    emu: Emulator, deployment: str, rule: str | None
) -> None:
    bare = await attempt_async(emu, lambda: _embedding(emu, deployment).aget_text_embedding("hi"))
    model = foundry_doctor.instrument(_embedding(emu, deployment))
    assert_parity(bare, await attempt_async(emu, lambda: model.aget_text_embedding("hi")), rule)
