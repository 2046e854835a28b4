"""``instrument_openai`` mechanics on real openai clients against the emulator: idempotence,
copies, streams, what is refused, the opt-in for personal claims, and the fail-safe."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import openai
import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations.openai_client import instrument_openai, is_instrumented
from support.clients import build_openai, call, call_either, stream_text
from support.records import ours
from support.scenarios import Scenario, scenario

pytestmark = pytest.mark.openai

INVALID_KEY = scenario("invalid-key-azure-openai")
WRONG_PATH = scenario("wrong-path-azure-openai")
NO_DEPLOYMENT = scenario("deployment-not-found-azure-openai")
MISSING_ROLE = scenario("missing-role-azure-openai")
OK_AZURE = scenario("ok-azure-openai-key")
OK_V1 = scenario("ok-openai-v1-key")


# --- what instrument returns ---------------------------------------------------------------------


def test_returns_the_same_client_and_keeps_its_looks(emu: Emulator) -> None:
    client = build_openai(emu, INVALID_KEY)
    user_agent = client.user_agent
    assert foundry_doctor.instrument(client) is client
    assert isinstance(client, openai.AzureOpenAI)
    assert type(client).__name__ == "AzureOpenAI"
    assert type(client).__module__ == openai.AzureOpenAI.__module__
    assert client.user_agent == user_agent  # openai derives it from the class name
    assert is_instrumented(client)


def test_twice_installs_once(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    client = build_openai(emu, INVALID_KEY)
    foundry_doctor.instrument(client)
    first = type(client)
    assert foundry_doctor.instrument(foundry_doctor.instrument(client)) is client
    assert type(client) is first
    assert type(client).__mro__[1] is openai.AzureOpenAI
    with pytest.raises(openai.AuthenticationError):
        call(client, INVALID_KEY)
    assert len(emu.requests) == 1
    assert len(ours(caplog)) == 1


def test_instrumented_clients_of_one_class_share_one_subclass(emu: Emulator) -> None:
    one = foundry_doctor.instrument(build_openai(emu, INVALID_KEY))
    two = foundry_doctor.instrument(build_openai(emu, NO_DEPLOYMENT))
    assert type(one) is type(two)


def test_other_clients_stay_untouched(emu: Emulator) -> None:
    foundry_doctor.instrument(build_openai(emu, INVALID_KEY))
    plain = build_openai(emu, INVALID_KEY)
    assert type(plain) is openai.AzureOpenAI
    with pytest.raises(openai.AuthenticationError) as info:
        call(plain, INVALID_KEY)
    assert type(info.value) is openai.AuthenticationError
    assert foundry_doctor.explain(info.value) is None


# --- copies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_copy",
    [
        pytest.param(lambda c: c.with_options(timeout=30), id="with_options"),
        pytest.param(lambda c: c.copy(max_retries=1), id="copy"),
        pytest.param(lambda c: c.copy(http_client=openai.DefaultHttpxClient()), id="new-http"),
        pytest.param(lambda c: c.with_options(timeout=30).with_options(timeout=20), id="twice"),
    ],
)
@pytest.mark.parametrize("item", [INVALID_KEY, WRONG_PATH, NO_DEPLOYMENT], ids=lambda s: s.name)
def test_copies_stay_instrumented(
    emu: Emulator, make_copy: Callable[[Any], Any], item: Scenario
) -> None:
    client = foundry_doctor.instrument(build_openai(emu, item))
    copied = make_copy(client)
    assert copied is not client
    assert is_instrumented(copied)
    with pytest.raises(openai.APIStatusError) as info:
        call(copied, item)
    diagnosis = foundry_doctor.explain(info.value)
    assert diagnosis is not None
    assert diagnosis.rule == item.expected_rule
    assert len(emu.requests) == 1


def test_copies_of_a_v1_client_stay_instrumented(emu: Emulator) -> None:
    item = scenario("invalid-key-openai-v1")
    client = foundry_doctor.instrument(build_openai(emu, item, kind="OpenAI"))
    copied = client.with_options(timeout=30)
    assert isinstance(copied, openai.OpenAI)
    with pytest.raises(openai.AuthenticationError) as info:
        call(copied, item)
    assert info.value.diagnosis.rule == "invalid-api-key"  # type: ignore[attr-defined]


# --- success path and streams --------------------------------------------------------------------


def test_successful_stream_arrives_chunk_by_chunk(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    client = foundry_doctor.instrument(build_openai(emu, OK_AZURE))
    with client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Say hello."}], stream=True
    ) as stream:
        chunks = iter(stream)
        first = next(chunks)
        assert not stream.response.is_closed  # nothing buffered the body
        rest = list(chunks)
    assert stream_text([first, *rest])
    assert len(rest) >= 1
    assert not [r for r in caplog.records if r.name == "foundry_doctor"]


async def test_successful_async_stream_arrives_chunk_by_chunk(emu: Emulator) -> None:
    client = foundry_doctor.instrument(build_openai(emu, OK_V1, kind="OpenAI", aio=True))
    stream = await client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Say hello."}], stream=True
    )
    async with stream:
        chunks = stream.__aiter__()
        first = await chunks.__anext__()
        assert not stream.response.is_closed
        rest = [chunk async for chunk in chunks]
    assert stream_text([first, *rest])


def test_failed_stream_raises_before_any_chunk(emu: Emulator) -> None:
    client = foundry_doctor.instrument(build_openai(emu, NO_DEPLOYMENT))
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(
            model="gpt-35-turbo", messages=[{"role": "user", "content": "hi"}], stream=True
        )
    assert info.value.diagnosis.rule == "deployment-not-found"  # type: ignore[attr-defined]
    assert "gpt-35-turbo" in str(info.value)


def test_raw_response_and_streaming_response_wrappers(emu: Emulator) -> None:
    client = foundry_doctor.instrument(build_openai(emu, INVALID_KEY))
    messages = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.AuthenticationError) as raw:
        client.chat.completions.with_raw_response.create(model="gpt-4o", messages=messages)
    with (
        pytest.raises(openai.AuthenticationError) as streaming,
        client.chat.completions.with_streaming_response.create(model="gpt-4o", messages=messages),
    ):
        pass
    assert foundry_doctor.explain(raw.value) is not None
    assert foundry_doctor.explain(streaming.value) is not None
    assert len(emu.requests) == 2


# --- what is refused -----------------------------------------------------------------------------


def test_refuses_what_is_not_an_openai_client(emu: Emulator) -> None:
    client = build_openai(emu, OK_AZURE)
    with pytest.raises(TypeError, match="Completions"):
        instrument_openai(client.chat.completions)
    with pytest.raises(TypeError):
        instrument_openai(object())


def test_accepts_a_client_for_the_openai_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted like any openai client; off Azure it stays quiet (tests/integrations/
    test_off_azure.py shows that on the wire, against a local server)."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    client = openai.OpenAI(api_key="sk-not-used")
    assert foundry_doctor.instrument(client) is client
    assert is_instrumented(client)
    assert isinstance(client, openai.OpenAI)


def test_instrumenting_a_default_http_client_installs_the_hook() -> None:
    http_client = openai.DefaultHttpxClient()
    assert foundry_doctor.instrument(http_client) is http_client
    assert http_client.event_hooks["response"] == [foundry_doctor.response_hook]
    foundry_doctor.instrument(http_client)
    assert http_client.event_hooks["response"] == [foundry_doctor.response_hook]


# --- personal claims -----------------------------------------------------------------------------


def test_personal_claims_only_on_opt_in(emu: Emulator) -> None:
    upn = "dave@contoso.example"
    client = foundry_doctor.instrument(build_openai(emu, MISSING_ROLE))
    with pytest.raises(openai.AuthenticationError) as default:
        call(client, MISSING_ROLE)
    assert upn not in str(default.value)
    assert upn not in repr(default.value.diagnosis.to_dict())  # type: ignore[attr-defined]

    opted_in = foundry_doctor.instrument(build_openai(emu, MISSING_ROLE), include_personal=True)
    with pytest.raises(openai.AuthenticationError) as personal:
        call(opted_in, MISSING_ROLE)
    assert upn in str(personal.value)
    # the opt-in belongs to that client (and its copies), not to the default one
    assert type(opted_in) is not type(client)
    assert is_instrumented(opted_in.with_options(timeout=30))
    with pytest.raises(openai.AuthenticationError) as again:
        call(client, MISSING_ROLE)
    assert upn not in str(again.value)


# --- fail-safe ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("broken_reporting")
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
async def test_a_failure_inside_leaves_openais_exception_unchanged(
    emu: Emulator, caplog: pytest.LogCaptureFixture, aio: bool
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    client = foundry_doctor.instrument(build_openai(emu, INVALID_KEY, aio=aio))
    with pytest.raises(openai.AuthenticationError) as info:
        await call_either(client, INVALID_KEY, aio=aio)
    assert type(info.value) is openai.AuthenticationError
    assert foundry_doctor.explain(info.value) is None
    assert str(info.value) == info.value.message
    assert len(emu.requests) == 1
    why = [r for r in caplog.records if r.name == "foundry_doctor" and r.levelno == logging.DEBUG]
    assert why
    assert why[-1].exc_info is not None
    assert "the log pipeline is down" in caplog.text


# --- imports -------------------------------------------------------------------------------------


def test_importing_the_package_and_the_hooks_loads_no_sdk() -> None:
    code = (
        "import sys, foundry_doctor\n"
        "foundry_doctor.response_hook, foundry_doctor.install_hooks\n"
        "loaded = {'openai', 'httpx', 'httpx2'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --- an application's own subclasses -----------------------------------------------------------


class AppAzureOpenAI(openai.AzureOpenAI):
    """An application's own client class, as frameworks and apps make them."""

    def ask(self, text: str) -> Any:
        return self.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": text}]
        )


def test_an_applications_subclass_is_instrumented_and_checked(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    client = AppAzureOpenAI(
        azure_endpoint=INVALID_KEY.endpoint, api_key="0" * 32, api_version="2024-10-21"
    )
    assert foundry_doctor.instrument(client) is client
    assert isinstance(client, AppAzureOpenAI)
    assert type(client).__name__ == "AppAzureOpenAI"
    with pytest.raises(openai.AuthenticationError) as caught:
        client.ask("hi")
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "invalid-api-key"
    assert len(ours(caplog)) == 1
    assert is_instrumented(client.with_options(timeout=30))
    checkup = foundry_doctor.check(client, model="gpt-4o")
    assert checkup.configuration.client == "openai.AzureOpenAI"
    assert checkup.configuration.endpoint == INVALID_KEY.endpoint


def test_what_is_not_a_client_is_refused_with_what_is_supported() -> None:
    for value in (object(), {"endpoint": "https://myres.openai.azure.com"}, "AzureOpenAI"):
        with pytest.raises(TypeError) as caught:
            foundry_doctor.instrument(value)
        message = str(caught.value)
        assert type(value).__name__ in message
        assert "openai client" in message
        assert "azure-core" in message
        assert "per_call_policies" not in message
        with pytest.raises(TypeError, match="openai client"):
            foundry_doctor.check(value)
