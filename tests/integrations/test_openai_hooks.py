"""The public httpx / httpx2 event hooks, on openai's own http clients against the emulator.

A hook never raises (openai < 2.31 would turn that into a retried ``APIConnectionError``, and on
any release it would cut openai's own recovery short): it marks a 400/401/403/404 response, and
the ``APIStatusError`` openai builds for the response it gives up on carries the diagnosis, on
every release alike. One request, one WARNING record.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

import openai
import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations.enriched import DiagnosedError
from foundry_doctor.integrations.httpx_hooks import (
    EXTENSION_KEY,
    async_response_hook,
    diagnosis_of,
    install_hooks,
    response_hook,
)
from support.clients import acall, build_openai, call, call_either, stream_text
from support.records import ours
from support.scenarios import Scenario, scenario

pytestmark = pytest.mark.openai


def _version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)


INVALID_KEY = scenario("invalid-key-azure-openai")
NO_DEPLOYMENT = scenario("deployment-not-found-azure-openai")
WRONG_AUDIENCE_V1 = scenario("openai-v1-ml-scope")
OK_AZURE = scenario("ok-azure-openai-key")


def _hooked(emu: Emulator, item: Scenario, *, kind: str = "AzureOpenAI", aio: bool) -> Any:
    """A client whose user-built http client carries the hook (the documented set-up)."""
    if aio:
        http_client: Any = openai.DefaultAsyncHttpxClient(
            event_hooks={"response": [async_response_hook]}
        )
    else:
        http_client = openai.DefaultHttpxClient(event_hooks={"response": [response_hook]})
    return build_openai(emu, item, kind=kind, aio=aio, http_client=http_client)


# --- installing ----------------------------------------------------------------------------------


def test_install_hooks_picks_the_sync_hook_and_is_idempotent() -> None:
    def mine(response: Any) -> None:
        return None

    http_client = openai.DefaultHttpxClient(event_hooks={"response": [mine]})
    assert install_hooks(http_client) is http_client
    install_hooks(http_client)
    assert http_client.event_hooks["response"] == [mine, response_hook]


def test_install_hooks_picks_the_async_hook_for_async_clients() -> None:
    http_client = openai.DefaultAsyncHttpxClient()
    install_hooks(http_client)
    install_hooks(http_client)
    assert http_client.event_hooks["response"] == [async_response_hook]


def test_install_hooks_keeps_the_hooks_openai_put_there(emu: Emulator) -> None:
    http_client = openai.DefaultHttpxClient()
    build_openai(emu, OK_AZURE, http_client=http_client)  # openai 3.x adds a request hook
    request_hooks = list(http_client.event_hooks["request"])
    install_hooks(http_client)
    assert http_client.event_hooks["request"] == request_hooks
    assert http_client.event_hooks["response"] == [response_hook]


def test_install_hooks_refuses_other_objects(emu: Emulator) -> None:
    with pytest.raises(TypeError, match="httpx"):
        install_hooks(object())
    with pytest.raises(TypeError, match="instrument"):
        install_hooks(build_openai(emu, OK_AZURE))


def test_a_hook_already_passed_at_construction_is_not_added_again() -> None:
    http_client = openai.DefaultHttpxClient(event_hooks={"response": [response_hook]})
    install_hooks(http_client)
    assert http_client.event_hooks["response"] == [response_hook]


# --- the hook alone ------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("item", "kind"),
    [
        (INVALID_KEY, "AzureOpenAI"),
        (NO_DEPLOYMENT, "AzureOpenAI"),
        (WRONG_AUDIENCE_V1, "OpenAI"),
    ],
    ids=lambda value: value.name if isinstance(value, Scenario) else value,
)
async def test_hook_alone(
    emu: Emulator,
    caplog: pytest.LogCaptureFixture,
    item: Scenario,
    kind: str,
    aio: bool,
    stream: bool,
) -> None:
    client = _hooked(emu, item, kind=kind, aio=aio)
    with pytest.raises(openai.APIStatusError) as info:
        await call_either(client, item, aio=aio, stream=stream)
    error = info.value
    assert error.status_code == item.expected_status
    assert len(emu.requests) == 1  # never retried
    warnings = ours(caplog)
    assert len(warnings) == 1
    left = diagnosis_of(error.response)
    assert left is not None
    assert left.rule == item.expected_rule
    assert warnings[0].diagnosis == left.to_dict()  # type: ignore[attr-defined]
    # openai's own exception, as openai built it, with the diagnosis
    assert foundry_doctor.explain(error) is left
    assert isinstance(error, DiagnosedError)
    assert type(error).__mro__[1] is type(error)._fd_base
    assert type(error).__mro__[1].__name__ == type(error).__name__
    assert str(error) == f"{error.message}\n\n{left.render()}"
    assert error.request_id == error.response.headers.get("x-request-id")
    assert error.code == item.expected_code


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
async def test_hook_raises_the_same_message_as_openai(emu: Emulator, aio: bool) -> None:
    plain = build_openai(emu, INVALID_KEY, aio=aio)
    hooked = _hooked(emu, INVALID_KEY, aio=aio)
    errors = []
    for client in (plain, hooked):
        with pytest.raises(openai.AuthenticationError) as info:
            await call_either(client, INVALID_KEY, aio=aio)
        errors.append(info.value)
    bare, enriched = errors
    assert enriched.message == bare.message
    assert enriched.body == bare.body
    assert str(enriched).startswith(str(bare))


# --- hook and instrument together ----------------------------------------------------------------


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
async def test_hook_and_instrument_report_once(
    emu: Emulator, caplog: pytest.LogCaptureFixture, aio: bool
) -> None:
    client = foundry_doctor.instrument(_hooked(emu, NO_DEPLOYMENT, aio=aio))
    with pytest.raises(openai.NotFoundError) as info:
        await call_either(client, NO_DEPLOYMENT, aio=aio)
    diagnosis = foundry_doctor.explain(info.value)
    assert diagnosis is not None
    assert diagnosis.rule == "deployment-not-found"
    assert diagnosis is diagnosis_of(info.value.response)  # the hook's, reused
    assert len(ours(caplog)) == 1
    assert len(emu.requests) == 1


def test_installed_on_an_existing_http_client_with_instrument(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    http_client = openai.DefaultHttpxClient()
    client = foundry_doctor.instrument(build_openai(emu, INVALID_KEY, http_client=http_client))
    install_hooks(http_client)
    with pytest.raises(openai.AuthenticationError) as info:
        call(client, INVALID_KEY)
    assert foundry_doctor.explain(info.value) is not None
    assert len(ours(caplog)) == 1
    assert len(emu.requests) == 1


# --- success path --------------------------------------------------------------------------------


def test_successful_stream_with_the_hook_arrives_chunk_by_chunk(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    client = _hooked(emu, OK_AZURE, aio=False)
    with client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Say hello."}], stream=True
    ) as stream:
        chunks = iter(stream)
        first = next(chunks)
        assert not stream.response.is_closed  # the hook did not buffer the body
        rest = list(chunks)
    assert stream_text([first, *rest])
    assert EXTENSION_KEY not in stream.response.extensions
    assert not [r for r in caplog.records if r.name == "foundry_doctor"]


async def test_successful_async_stream_with_the_hook_arrives_chunk_by_chunk(
    emu: Emulator,
) -> None:
    client = _hooked(emu, OK_AZURE, aio=True)
    stream = await client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Say hello."}], stream=True
    )
    async with stream:
        chunks = stream.__aiter__()
        first = await chunks.__anext__()
        assert not stream.response.is_closed
        rest = [chunk async for chunk in chunks]
    assert stream_text([first, *rest])


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
async def test_success_with_the_hook(emu: Emulator, aio: bool) -> None:
    client = _hooked(emu, OK_AZURE, aio=aio)
    result = await acall(client, OK_AZURE) if aio else call(client, OK_AZURE)
    assert result.choices[0].message.content
    assert len(emu.requests) == 1


# --- requests openai did not send ----------------------------------------------------------------


def test_a_request_openai_did_not_send_is_explained_when_the_caller_raises(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """On an http client used directly (no openai headers), the hook only marks the response:
    the caller gets it as httpx gives it, and ``raise_for_status()`` raises httpx's own
    ``HTTPStatusError`` carrying the diagnosis."""
    with openai.DefaultHttpxClient(event_hooks={"response": [response_hook]}) as http_client:
        response = http_client.post(
            "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions",
            params={"api-version": "2024-10-21"},
            headers={"api-key": "0123456789abcdef0123456789abcdef"},
            json={"messages": [{"role": "user", "content": "hi"}]},
        )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "401"
    assert not ours(caplog)
    transport = importlib.import_module(type(response).__module__.split(".", 1)[0])
    with pytest.raises(transport.HTTPStatusError) as caught:
        response.raise_for_status()
    error = caught.value
    assert isinstance(error, DiagnosedError)
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None
    assert diagnosis.rule == "invalid-api-key"
    assert diagnosis is diagnosis_of(response)
    assert len(ours(caplog)) == 1


def test_a_400_no_rule_knows_is_left_alone(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    with openai.DefaultHttpxClient(event_hooks={"response": [response_hook]}) as http_client:
        response = http_client.post(
            "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions",
            params={"api-version": "2024-10-21"},
            headers={"api-key": emu.key("myres")},
            content=b"{not json",
        )
    if response.status_code != 400:
        pytest.skip(f"the emulator answers {response.status_code} to a malformed body")
    assert diagnosis_of(response) is None
    assert not ours(caplog)


# --- a legacy httpx client handed to openai 3.x --------------------------------------------------


def test_legacy_httpx_client_on_openai_3(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    if _version(openai.__version__) < (3, 0):
        pytest.skip("openai < 3 runs on httpx anyway")
    httpx = pytest.importorskip("httpx")
    http_client = httpx.Client(event_hooks={"response": [response_hook]})
    client = build_openai(emu, INVALID_KEY, http_client=http_client)
    with pytest.raises(openai.AuthenticationError) as info:
        call(client, INVALID_KEY)
    assert foundry_doctor.explain(info.value) is not None
    assert len(ours(caplog)) == 1
    assert len(emu.requests) == 1


# --- streams: the hook reads nothing -------------------------------------------------------------

#: a large error body: the service's 401 answer padded to 8 MiB
LARGE = 8 * 1024 * 1024
CHAT_URL = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"


def test_a_streamed_error_body_reaches_the_caller_whole(emu: Emulator) -> None:
    from foundry_doctor.emulator import EndlessBody

    sizes = []
    for hooks in ([], [response_hook]):
        with (
            openai.DefaultHttpxClient(event_hooks={"response": hooks}) as http_client,
            emu.inject(EndlessBody(total=LARGE)),
            http_client.stream(
                "POST",
                CHAT_URL,
                params={"api-version": "2024-10-21"},
                headers={"api-key": "0" * 32},
                json={"messages": [{"role": "user", "content": "hi"}]},
            ) as response,
        ):
            assert response.status_code == 401
            assert response.num_bytes_downloaded == 0  # nothing read before the caller
            sizes.append(sum(len(chunk) for chunk in response.iter_bytes()))
    assert sizes == [LARGE, LARGE]


async def test_an_endless_error_body_does_not_block_the_async_hook(emu: Emulator) -> None:
    from foundry_doctor.emulator import EndlessBody

    async with openai.DefaultAsyncHttpxClient(
        event_hooks={"response": [async_response_hook]}
    ) as http_client:
        with emu.inject(EndlessBody()):
            async with http_client.stream(
                "POST",
                CHAT_URL,
                params={"api-version": "2024-10-21"},
                headers={"api-key": "0" * 32},
                json={"messages": [{"role": "user", "content": "hi"}]},
            ) as response:
                first = await response.aiter_bytes().__anext__()
    assert response.status_code == 401
    assert first.startswith(b'{"error"')
