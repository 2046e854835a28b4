"""Off Azure, say nothing we cannot back: an openai client pointed at a host that is no Azure AI
service (here a plain local server on 127.0.0.1, as a self-hosted model server or gateway
would be) gets the SDK's exception exactly as bare, with no appended "unknown" checklist and no
WARNING, whether through ``instrument()`` or ``install_hooks()``."""

from __future__ import annotations

import logging
from typing import Any

import openai
import pytest

import foundry_doctor
from support.local_server import LocalServer, Received, Reply
from support.records import ours

pytestmark = pytest.mark.openai

WIRINGS = ["instrument", "hooks"]

#: answers no rule has anything specific to say about: only the catch-all would speak
PLAIN = {
    403: {"error": {"message": "Forbidden.", "type": "forbidden"}},
    404: {"error": {"message": "Not Found.", "type": "not_found"}},
}
#: answers that today's rules read as Azure's (the api-key header, a missing deployment)
AZURE_LOOKING = {
    401: {
        "error": {
            "message": "Incorrect API key provided.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
        }
    },
    404: {"error": {"message": "The model 'gpt-4o' does not exist.", "type": "not_found"}},
}


def _client(server: LocalServer, wiring: str | None, *, aio: bool) -> Any:
    cls: Any = openai.AsyncOpenAI if aio else openai.OpenAI
    kwargs: dict[str, Any] = {
        "base_url": server.url("/v1"),
        "api_key": "sk-local",
        "max_retries": 0,
    }
    if wiring == "hooks":
        http_client = openai.DefaultAsyncHttpxClient() if aio else openai.DefaultHttpxClient()
        kwargs["http_client"] = foundry_doctor.install_hooks(http_client)
    client = cls(**kwargs)
    return foundry_doctor.instrument(client) if wiring == "instrument" else client


async def _create(client: Any, *, aio: bool) -> Any:
    messages = [{"role": "user", "content": "hi"}]
    if aio:
        return await client.chat.completions.create(model="gpt-4o", messages=messages)
    return client.chat.completions.create(model="gpt-4o", messages=messages)


async def _failure(client: Any, *, aio: bool) -> openai.APIStatusError:
    with pytest.raises(openai.APIStatusError) as caught:
        await _create(client, aio=aio)
    return caught.value


def _answer(status: int, body: Any) -> Any:
    def answer(received: Received) -> Reply:
        return Reply(status, body)

    return answer


async def _compare(
    status: int, body: Any, wiring: str, aio: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    with LocalServer(_answer(status, body)) as server:
        bare = await _failure(_client(server, None, aio=aio), aio=aio)
        got = await _failure(_client(server, wiring, aio=aio), aio=aio)
    assert type(got) is type(bare)
    assert str(got) == str(bare)
    assert foundry_doctor.explain(got) is None
    assert not ours(caplog)
    assert len(server.received) == 2


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("wiring", WIRINGS)
@pytest.mark.parametrize("status", [403, 404])
async def test_a_local_servers_refusal_gets_no_checklist(
    caplog: pytest.LogCaptureFixture, status: int, wiring: str, aio: bool
) -> None:
    await _compare(status, PLAIN[status], wiring, aio, caplog)


@pytest.mark.parametrize("wiring", WIRINGS)
@pytest.mark.parametrize("status", [401, 404])
async def test_a_local_servers_answer_gets_no_azure_finding(
    caplog: pytest.LogCaptureFixture, status: int, wiring: str
) -> None:
    await _compare(status, AZURE_LOOKING[status], wiring, False, caplog)
