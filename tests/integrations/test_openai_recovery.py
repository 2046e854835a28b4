"""openai's own recovery stays intact: a response openai retries or answers with a new token is
never diagnosed, and the call ends as it does bare, with the same requests.

The recovery paths in openai's ``_base_client.py`` / ``_client.py`` (1.109, 2.x, 3.x):

* the retry loop: ``x-should-retry: true`` on any status (and 408/409/429/5xx, see
  ``tests/reliability/test_request_count.py``), retried while retries are left;
* workload identity (2.x from about 2.50, 3.x): ``_send_with_auth_retry`` answers a 401 to an
  exchanged token by dropping that token, exchanging a new one and sending the request once more.

Each runs three ways, side by side: bare, ``instrument(client)``, and ``install_hooks()`` on the
client's own http client (the hook runs on every response, the first 401 included).
"""

from __future__ import annotations

import inspect
import itertools
import logging
from typing import Any

import openai
import pytest

import foundry_doctor
from foundry_doctor.emulator import Answer, Emulator
from support.clients import build_openai, call_either
from support.local_server import LocalServer, Received, Reply
from support.records import ours
from support.scenarios import scenario

pytestmark = pytest.mark.openai

WIRINGS = ["bare", "instrument", "hooks"]
OK_AZURE = scenario("ok-azure-openai-key")

#: what openai retries at once: x-should-retry, and a retry-after of a millisecond
_RETRY_NOW = (("x-should-retry", "true"), ("retry-after-ms", "1"))

CHAT_COMPLETION = {
    "id": "chatcmpl-local",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hello"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}
TOKEN_REJECTED = {"error": {"message": "The token has expired.", "code": "token_expired"}}


def _http_client(aio: bool) -> Any:
    if aio:
        return foundry_doctor.install_hooks(openai.DefaultAsyncHttpxClient())
    return foundry_doctor.install_hooks(openai.DefaultHttpxClient())


def _wired(make: Any, wiring: str, *, aio: bool) -> Any:
    """``make(**client_kwargs)`` built bare, then instrumented or with the hook."""
    if wiring == "hooks":
        return make(http_client=_http_client(aio))
    client = make()
    return foundry_doctor.instrument(client) if wiring == "instrument" else client


# --- x-should-retry -----------------------------------------------------------------------------


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("wiring", WIRINGS)
async def test_a_401_openai_is_told_to_retry_is_retried(
    emu: Emulator, caplog: pytest.LogCaptureFixture, wiring: str, aio: bool
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    client = _wired(lambda **kw: build_openai(emu, OK_AZURE, aio=aio, **kw), wiring, aio=aio)
    retry_once = Answer(reply_status=401, reply_headers=_RETRY_NOW, times=1)
    with emu.inject(retry_once) as injection:
        result = await call_either(client, OK_AZURE, aio=aio)
    assert result.choices[0].message.content
    assert injection.hits == 1
    assert [record.status for record in emu.requests] == [401, 200]
    assert not ours(caplog, logging.DEBUG)


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("wiring", WIRINGS)
async def test_only_the_answer_openai_gives_up_on_is_diagnosed(
    emu: Emulator, caplog: pytest.LogCaptureFixture, wiring: str, aio: bool
) -> None:
    item = scenario("invalid-key-azure-openai")
    client = _wired(
        lambda **kw: build_openai(emu, item, aio=aio, max_retries=2, **kw), wiring, aio=aio
    )
    always = Answer(
        reply_status=401,
        reply_headers=_RETRY_NOW,
        reply_body='{"error":{"code":"401","message":"Access denied due to invalid '
        'subscription key or wrong API endpoint."}}',
    )
    with emu.inject(always), pytest.raises(openai.AuthenticationError) as caught:
        await call_either(client, item, aio=aio)
    assert [record.status for record in emu.requests] == [401, 401, 401]  # 2 retries, as bare
    diagnosis = foundry_doctor.explain(caught.value)
    if wiring == "bare":
        assert diagnosis is None
        assert not ours(caplog)
    else:
        assert diagnosis is not None
        assert diagnosis.rule == "invalid-api-key"
        assert len(ours(caplog)) == 1  # the last answer only


# --- workload identity ----------------------------------------------------------------------------

HAS_WORKLOAD_IDENTITY = "workload_identity" in inspect.signature(openai.OpenAI).parameters
needs_workload_identity = pytest.mark.skipif(
    not HAS_WORKLOAD_IDENTITY, reason=f"openai {openai.__version__} has no workload identity"
)


class TokenExchange:
    """A token-exchange endpoint on 127.0.0.1: ``token-1``, ``token-2``, ... in turn."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)

    def __call__(self, received: Received) -> Reply:
        body = received.json()
        assert body["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
        assert body["subject_token"] == "subject-token"
        return Reply(200, {"access_token": f"token-{next(self._numbers)}", "expires_in": 3600})


def _api(accepted: set[str]) -> Any:
    """An OpenAI-style API on 127.0.0.1 that takes the bearer tokens in ``accepted``."""

    def answer(received: Received) -> Reply:
        token = received.headers.get("authorization", "").removeprefix("Bearer ")
        return Reply(200, CHAT_COMPLETION) if token in accepted else Reply(401, TOKEN_REJECTED)

    return answer


def _workload_client(api: LocalServer, exchange: LocalServer, *, aio: bool, **kwargs: Any) -> Any:
    identity = {
        "identity_provider_id": "idp-local",
        "service_account_id": "sa-local",
        "provider": {"token_type": "jwt", "get_token": lambda: "subject-token"},
    }
    cls: Any = openai.AsyncOpenAI if aio else openai.OpenAI
    client = cls(base_url=api.url("/v1"), workload_identity=identity, max_retries=0, **kwargs)
    # the exchange openai would reach at auth.openai.com, here on 127.0.0.1
    client._workload_identity_auth.token_exchange_url = exchange.url("/oauth/token")
    return client


async def _chat(client: Any, *, aio: bool) -> Any:
    messages = [{"role": "user", "content": "hi"}]
    if aio:
        async with client:
            return await client.chat.completions.create(model="gpt-4o", messages=messages)
    with client:
        return client.chat.completions.create(model="gpt-4o", messages=messages)


@needs_workload_identity
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("wiring", WIRINGS)
async def test_workload_identity_refreshes_a_rejected_token(
    caplog: pytest.LogCaptureFixture, wiring: str, aio: bool
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    with (
        LocalServer(_api({"token-2"})) as api,
        LocalServer(TokenExchange()) as exchange,
    ):
        client = _wired(
            lambda **kw: _workload_client(api, exchange, aio=aio, **kw), wiring, aio=aio
        )
        result = await _chat(client, aio=aio)
    assert result.choices[0].message.content == "hello"
    sent = [r.headers.get("authorization") for r in api.received]
    assert sent == ["Bearer token-1", "Bearer token-2"]  # the first rejected, then resent
    assert len(exchange.received) == 2
    assert not ours(caplog, logging.DEBUG)


@needs_workload_identity
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("wiring", WIRINGS)
async def test_workload_identity_gives_up_as_bare(
    caplog: pytest.LogCaptureFixture, wiring: str, aio: bool
) -> None:
    with (
        LocalServer(_api(set())) as api,
        LocalServer(TokenExchange()) as exchange,
    ):
        client = _wired(
            lambda **kw: _workload_client(api, exchange, aio=aio, **kw), wiring, aio=aio
        )
        with pytest.raises(openai.AuthenticationError) as caught:
            await _chat(client, aio=aio)
    assert caught.value.status_code == 401
    assert caught.value.body == TOKEN_REJECTED["error"]
    assert len(api.received) == 2  # one refresh, as bare
    assert len(ours(caplog)) <= 1  # whatever is said, is said once, for the last answer
