"""What the framework support rests on, with the real SDKs and no framework installed.

* An exception that wraps an enriched one (built while handling it, as frameworks do) names the
  rule once, in the brief form; the wrapped SDK exception keeps the full text; ``explain()``
  finds the diagnosis from either. One that quotes the SDK exception's text already gets
  nothing more.
* An object watched for new clients (:mod:`foundry_doctor.integrations.frameworks.watch`) gets
  them covered when they are assigned or made, keeps that in copies, and pickles as the plain
  class.
* ``instrument(AIProjectClient)`` covers the openai clients ``get_openai_client()`` hands out.
* What ``instrument()`` does not take is refused with every kind it does take, frameworks
  included.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import openai
import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations.enriched import brief_line
from foundry_doctor.integrations.frameworks.errors import enrich_wrappers
from foundry_doctor.integrations.frameworks.watch import is_watched, watch
from foundry_doctor.integrations.openai_client import is_instrumented
from support.clients import INVALID_KEY

pytestmark = pytest.mark.openai

AOAI = "https://myres.openai.azure.com"


def _client(key: str = INVALID_KEY) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(azure_endpoint=AOAI, api_key=key, api_version="2024-10-21")


def _chat(client: Any) -> Any:
    return client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
    )


def _wrapped(client: Any, wrap: Any) -> BaseException:
    """What the framework raises: ``wrap(error)`` from openai's error, in the except block."""
    try:
        try:
            _chat(client)
        except openai.AuthenticationError as error:
            raise wrap(error) from error
    except Exception as raised:
        return raised
    raise AssertionError("the call succeeded")


class ServiceFailed(Exception):
    """A framework's own exception: a message and the SDK's exception as arguments."""


enrich_wrappers(ServiceFailed)


def test_a_wrapping_exception_names_the_rule_once_briefly(emu: Emulator) -> None:
    client = foundry_doctor.instrument(_client())
    wrapper = _wrapped(client, lambda error: ServiceFailed("the service failed", error))
    inner = wrapper.__cause__
    diagnosis = foundry_doctor.explain(wrapper)
    assert diagnosis is not None
    assert diagnosis is foundry_doctor.explain(inner)
    assert str(wrapper).endswith(brief_line(diagnosis))
    assert str(wrapper).count(diagnosis.summary) == 1
    assert "Evidence:" in str(inner)
    assert "Evidence:" not in str(wrapper)


def test_a_wrapper_that_quotes_the_sdk_error_gets_nothing_more(emu: Emulator) -> None:
    client = foundry_doctor.instrument(_client())
    wrapper = _wrapped(client, lambda error: ServiceFailed(f"the service failed: {error}"))
    diagnosis = foundry_doctor.explain(wrapper)
    assert diagnosis is not None
    assert str(wrapper).count(diagnosis.summary) == 1
    assert not hasattr(wrapper, "diagnosis")  # found along the chain


def test_an_sdk_subclass_rebuilt_from_the_same_response_is_brief(emu: Emulator) -> None:
    """LangChain's way: its own subclass of openai's exception, made from ``.message``."""

    class ModelAuthenticationError(openai.AuthenticationError):
        pass

    client = foundry_doctor.instrument(_client())
    wrapper = _wrapped(
        client,
        lambda error: ModelAuthenticationError(
            error.message, response=error.response, body=error.body
        ),
    )
    assert isinstance(wrapper, ModelAuthenticationError)
    diagnosis = foundry_doctor.explain(wrapper)
    assert diagnosis is not None
    assert str(wrapper).endswith(brief_line(diagnosis))
    assert len(emu.requests) == 1


def test_a_brief_exception_pickles_without_our_attributes(emu: Emulator) -> None:
    client = foundry_doctor.instrument(_client())
    wrapper = _wrapped(client, lambda error: ServiceFailed("the service failed"))
    assert foundry_doctor.explain(wrapper) is not None
    again = pickle.loads(pickle.dumps(wrapper))  # noqa: S301 - our own bytes
    assert type(again) is ServiceFailed
    assert vars(again) == {}
    assert str(again) == "the service failed"


class Holder:
    """A framework object that makes its client when first needed, and anew on copies."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.client: openai.AzureOpenAI | None = None

    def make_client(self) -> openai.AzureOpenAI:
        return _client(self.key)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "client": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.client = self.make_client()


def test_a_watched_object_gets_its_new_clients_covered(emu: Emulator) -> None:
    holder = Holder(INVALID_KEY)
    watch(
        holder,
        attributes=frozenset({"client"}),
        factories=("make_client",),
        include_personal=False,
    )
    assert is_watched(holder)
    assert type(holder).__name__ == "Holder"
    assert isinstance(holder, Holder)
    assert is_instrumented(holder.make_client())
    holder.client = _client()
    assert is_instrumented(holder.client)
    copied = copy.deepcopy(holder)  # __setstate__ makes a new client
    assert copied.client is not holder.client
    assert is_instrumented(copied.client)
    assert is_watched(copy.copy(holder))
    plain = pickle.loads(pickle.dumps(holder))  # noqa: S301 - our own bytes
    assert type(plain) is Holder
    assert is_instrumented(plain.client) is False  # made by the plain class: instrument again


def test_the_openai_clients_a_project_hands_out_are_covered(emu: Emulator) -> None:
    projects = pytest.importorskip("azure.ai.projects")
    project = projects.AIProjectClient(
        endpoint="https://myres.services.ai.azure.com/api/projects/myproject",
        credential=emu.credential("dave"),
    )
    assert foundry_doctor.instrument(project) is project
    # its own transport ignores HTTPS_PROXY: openai's default http client reaches the emulator
    client = project.get_openai_client(http_client=openai.DefaultHttpxClient())
    assert is_instrumented(client)
    with pytest.raises(openai.AuthenticationError) as caught:
        client.responses.create(model="gpt-4o", input="hi")
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "missing-data-plane-role"
    assert len(emu.requests) == 1


def test_what_is_not_supported_is_refused_with_the_frameworks_named() -> None:
    with pytest.raises(TypeError) as caught:
        foundry_doctor.instrument(object())
    message = str(caught.value)
    for name in ("LangChain", "Agent Framework", "Semantic Kernel", "LlamaIndex", "AutoGen"):
        assert name in message
    assert "foundry_doctor.instrument(litellm)" in message


async def test_the_async_openai_clients_a_project_hands_out_are_covered(emu: Emulator) -> None:
    projects_aio = pytest.importorskip("azure.ai.projects.aio")
    project = projects_aio.AIProjectClient(
        endpoint="https://myres.services.ai.azure.com/api/projects/myproject",
        credential=emu.async_credential("dave"),
    )
    foundry_doctor.instrument(project)
    async with project:
        client = project.get_openai_client(http_client=openai.DefaultAsyncHttpxClient())
        assert is_instrumented(client)
        with pytest.raises(openai.AuthenticationError) as caught:
            await client.responses.create(model="gpt-4o", input="hi")
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "missing-data-plane-role"
