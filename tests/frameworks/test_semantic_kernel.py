"""Semantic Kernel through ``foundry_doctor.instrument(service)`` or ``instrument(kernel)``:
``AzureChatCompletion`` (async only) and a ``Kernel``'s ``invoke_prompt``. The service raises
``ServiceResponseException(message, openai_error)`` (a ``repr`` of its arguments) and the
kernel a ``KernelInvokeException`` with a fixed text: both name the rule in the brief form, the
openai exception at the end of the chain carries it in full."""

from __future__ import annotations

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

open_ai = pytest.importorskip("semantic_kernel.connectors.ai.open_ai")

pytestmark = pytest.mark.frameworks

API_VERSION = "2024-10-21"
CASES = [pytest.param(failure, id=failure.name) for failure in FAILURES] + [
    pytest.param(None, id="success")
]


def _service(emu: Emulator, failure: Failure | None) -> Any:
    auth: dict[str, Any] = {"api_key": emu.key("myres")}
    deployment = DEPLOYMENT
    if failure is not None and failure.name == "no-role":
        auth = {"ad_token_provider": lambda: emu.token("dave")}
    elif failure is not None and failure.name == "key-as-bearer":
        auth = {"ad_token_provider": lambda: emu.key("myres")}
    elif failure is not None:
        deployment = MISSING
    return open_ai.AzureChatCompletion(
        endpoint=AOAI, deployment_name=deployment, api_version=API_VERSION, **auth
    )


async def _chat(service: Any) -> str:
    from semantic_kernel.contents import ChatHistory

    history = ChatHistory()
    history.add_user_message("hi")
    settings = open_ai.OpenAIChatPromptExecutionSettings()
    return str(await service.get_chat_message_content(history, settings))


@pytest.mark.parametrize("failure", CASES)
async def test_azure_chat_completion(emu: Emulator, failure: Failure | None) -> None:
    bare = await attempt_async(emu, lambda: _chat(_service(emu, failure)))
    service = _service(emu, failure)
    assert foundry_doctor.instrument(service) is service
    instrumented = await attempt_async(emu, lambda: _chat(service))
    assert_parity(bare, instrumented, failure and failure.rule)
    if failure is not None:
        assert type(instrumented.error).__name__ == "ServiceResponseException"


async def _invoke(kernel: Any) -> str:
    return str(await kernel.invoke_prompt("hi"))


@pytest.mark.parametrize("failure", CASES)
async def test_a_kernel_and_its_services(emu: Emulator, failure: Failure | None) -> None:
    from semantic_kernel import Kernel

    def make(instrumented: bool) -> Any:
        kernel = Kernel()
        if instrumented:  # before its service is added: add_service is watched
            foundry_doctor.instrument(kernel)
        kernel.add_service(_service(emu, failure))
        return kernel

    bare = await attempt_async(emu, lambda: _invoke(make(False)))
    instrumented = await attempt_async(emu, lambda: _invoke(make(True)))
    assert_parity(bare, instrumented, failure and failure.rule)
    if failure is not None:
        caught = instrumented.error
        assert type(caught).__name__ == "KernelInvokeException"
        own, _, ours = str(caught).partition("\n\n")  # its own fixed text, then our line
        assert own.startswith("Error occurred while invoking function: '")
        assert ours.startswith(f"foundry-doctor [{foundry_doctor.explain(caught).code}")
        chain, current = [], caught
        while current is not None:
            chain.append(current)
            current = current.__cause__ or current.__context__
        full = [error for error in chain if "Evidence:" in str(error)]
        assert [type(error).__module__ for error in full] == ["openai"]  # in full once


async def test_a_client_set_later_is_covered(emu: Emulator) -> None:
    """The services validate assignments: a client put in later replaces the first one."""
    from openai import AsyncAzureOpenAI

    service = foundry_doctor.instrument(_service(emu, None))
    service.client = AsyncAzureOpenAI(
        azure_endpoint=AOAI,
        azure_deployment=MISSING,
        api_key=emu.key("myres"),
        api_version=API_VERSION,
    )
    caught = (await attempt_async(emu, lambda: _chat(service))).error
    diagnosis = foundry_doctor.explain(caught)
    assert diagnosis is not None
    assert diagnosis.rule == "deployment-not-found"
