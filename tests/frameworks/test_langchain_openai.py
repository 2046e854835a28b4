"""langchain-openai through ``foundry_doctor.instrument(model)``: ``AzureChatOpenAI``,
``ChatOpenAI`` on the v1 base URL, ``AzureOpenAIEmbeddings``, sync and async, and the runnables
that wrap a model (``with_retry``, ``bind_tools``). LangChain re-raises openai's exception as
its own (``OpenAIAuthenticationError``, ...) built from ``.message``: that one names the rule
in its text, in the brief form, and openai's, its ``__cause__``, carries it in full."""

from __future__ import annotations

import logging
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
    attempt,
    attempt_async,
)

langchain_openai = pytest.importorskip("langchain_openai")

pytestmark = pytest.mark.frameworks

#: one event loop for the module's async tests: ChatOpenAI shares one cached async http client
#: among all models with the same base URL (langchain-openai's _client_utils), which is bound
#: to the loop it was first used in
module_loop = pytest.mark.asyncio(loop_scope="module")

API_VERSION = "2024-10-21"


def _chat(emu: Emulator, failure: Failure | None) -> Any:
    """``AzureChatOpenAI`` on the classic route, set up for one failure (or none)."""
    auth: dict[str, Any] = {"api_key": emu.key("myres")}
    deployment = DEPLOYMENT
    if failure is not None and failure.name == "no-role":
        auth = {"azure_ad_token_provider": lambda: emu.token("dave")}
    elif failure is not None and failure.name == "key-as-bearer":
        auth = {"azure_ad_token_provider": lambda: emu.key("myres")}
    elif failure is not None:
        deployment = MISSING
    return langchain_openai.AzureChatOpenAI(
        azure_endpoint=AOAI, api_version=API_VERSION, azure_deployment=deployment, **auth
    )


CASES = [pytest.param(failure, id=failure.name) for failure in FAILURES] + [
    pytest.param(None, id="success")
]


@pytest.mark.parametrize("failure", CASES)
def test_azure_chat_openai(emu: Emulator, failure: Failure | None) -> None:
    bare = attempt(emu, lambda: _chat(emu, failure).invoke("hi"))
    model = _chat(emu, failure)
    assert foundry_doctor.instrument(model) is model
    assert_parity(bare, attempt(emu, lambda: model.invoke("hi")), failure and failure.rule)


@module_loop
@pytest.mark.parametrize("failure", CASES)
async def test_azure_chat_openai_async(emu: Emulator, failure: Failure | None) -> None:
    bare = await attempt_async(emu, lambda: _chat(emu, failure).ainvoke("hi"))
    model = foundry_doctor.instrument(_chat(emu, failure))
    assert_parity(
        bare, await attempt_async(emu, lambda: model.ainvoke("hi")), failure and failure.rule
    )


def test_the_langchain_exception_is_brief_and_its_cause_is_full(emu: Emulator) -> None:
    model = foundry_doctor.instrument(_chat(emu, FAILURES[0]))
    caught = attempt(emu, lambda: model.invoke("hi")).error
    assert type(caught).__module__.startswith("langchain_openai")
    cause = caught.__cause__
    assert type(cause).__module__ == "openai"
    assert "Evidence:" in str(cause)
    assert "Evidence:" not in str(caught)
    assert "foundry_doctor.explain(error)" in str(caught)
    assert foundry_doctor.explain(caught) is foundry_doctor.explain(cause)


def _v1(emu: Emulator, *, key: str | None = None, model: str = DEPLOYMENT) -> Any:
    return langchain_openai.ChatOpenAI(
        base_url=f"{AOAI}/openai/v1/", api_key=key or emu.key("myres"), model=model
    )


V1_CASES = [
    pytest.param({"model": MISSING}, "deployment-not-found", id="wrong-deployment"),
    pytest.param({"key": "0123456789abcdef0123456789abcdef"}, "invalid-api-key", id="wrong-key"),
    pytest.param({}, None, id="success"),
]


@pytest.mark.parametrize(("settings", "rule"), V1_CASES)
def test_chat_openai_on_the_v1_base_url(
    emu: Emulator, settings: dict[str, Any], rule: str | None
) -> None:
    bare = attempt(emu, lambda: _v1(emu, **settings).invoke("hi"))
    model = foundry_doctor.instrument(_v1(emu, **settings))
    assert_parity(bare, attempt(emu, lambda: model.invoke("hi")), rule)


@module_loop
@pytest.mark.parametrize(("settings", "rule"), V1_CASES)
async def test_chat_openai_on_the_v1_base_url_async(
    emu: Emulator, settings: dict[str, Any], rule: str | None
) -> None:
    bare = await attempt_async(emu, lambda: _v1(emu, **settings).ainvoke("hi"))
    model = foundry_doctor.instrument(_v1(emu, **settings))
    assert_parity(bare, await attempt_async(emu, lambda: model.ainvoke("hi")), rule)


def _embeddings(emu: Emulator, deployment: str) -> Any:
    return langchain_openai.AzureOpenAIEmbeddings(
        azure_endpoint=AOAI,
        api_version=API_VERSION,
        api_key=emu.key("myres"),
        azure_deployment=deployment,
        check_embedding_ctx_length=False,  # no tiktoken download (see the emulator's 502)
    )


EMBEDDING_CASES = [
    pytest.param(MISSING, "deployment-not-found", id="wrong-deployment"),
    pytest.param(EMBEDDINGS, None, id="success"),
]


@pytest.mark.parametrize(("deployment", "rule"), EMBEDDING_CASES)
def test_azure_openai_embeddings(emu: Emulator, deployment: str, rule: str | None) -> None:
    bare = attempt(emu, lambda: _embeddings(emu, deployment).embed_query("hi"))
    embeddings = foundry_doctor.instrument(_embeddings(emu, deployment))
    assert_parity(bare, attempt(emu, lambda: embeddings.embed_query("hi")), rule)


@module_loop
@pytest.mark.parametrize(("deployment", "rule"), EMBEDDING_CASES)
async def test_azure_openai_embeddings_async(
    emu: Emulator, deployment: str, rule: str | None
) -> None:
    bare = await attempt_async(emu, lambda: _embeddings(emu, deployment).aembed_query("hi"))
    embeddings = foundry_doctor.instrument(_embeddings(emu, deployment))
    assert_parity(bare, await attempt_async(emu, lambda: embeddings.aembed_query("hi")), rule)


def test_a_retry_of_a_failure_that_cannot_succeed_is_told_once(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """``with_retry()`` sends the same call three times: three requests, three diagnosed
    exceptions, one WARNING record, and the repeats counted at DEBUG."""
    retried = _chat(emu, FAILURES[0]).with_retry(wait_exponential_jitter=False)
    bare = attempt(emu, lambda: retried.invoke("hi"))
    retried = foundry_doctor.instrument(
        _chat(emu, FAILURES[0]).with_retry(wait_exponential_jitter=False)
    )
    with caplog.at_level(logging.DEBUG, logger="foundry_doctor"):
        instrumented = attempt(emu, lambda: retried.invoke("hi"))
    assert bare.requests == instrumented.requests == 3
    assert_parity(bare, instrumented, "missing-data-plane-role")
    held_back = [
        r.diagnosis_repeats
        for r in caplog.records
        if r.levelno == logging.DEBUG and hasattr(r, "diagnosis_repeats")
    ]
    assert held_back == [1, 2]


def test_runnables_that_wrap_a_model_are_covered(emu: Emulator) -> None:
    model = _chat(emu, FAILURES[1])
    bound = foundry_doctor.instrument(model.bind_tools([]))
    caught = attempt(emu, lambda: bound.invoke("hi")).error
    assert foundry_doctor.explain(caught).rule == "deployment-not-found"
    assert foundry_doctor.instrument(model) is model  # again: nothing changes


def test_what_holds_no_client_is_refused_with_what_is_supported() -> None:
    from langchain_core.prompts import ChatPromptTemplate

    with pytest.raises(TypeError, match="AzureChatOpenAI") as caught:
        foundry_doctor.instrument(ChatPromptTemplate.from_messages([("user", "hi")]))
    assert "ChatPromptTemplate of LangChain" in str(caught.value)
