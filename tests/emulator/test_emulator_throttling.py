"""Throttling: a deployment that runs out of quota answers 429 with ``retry-after`` and
``retry-after-ms``, so retry and back-off code can be tested with the real clients (openai and
azure-core both retry a 429 by default and honour the headers); never ``x-should-retry``."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from foundry_doctor.emulator import Emulator, Quota
from foundry_doctor.emulator.services.foundry.quota import QuotaKeeper

pytestmark = [pytest.mark.openai, pytest.mark.azure]

AOAI = "https://myres.openai.azure.com"
HELLO = [{"role": "user", "content": "hi"}]


@pytest.fixture
def world(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world():
        yield emu


def _throttle(emu: Emulator, **limits: int) -> Quota:
    quota = Quota(**limits)
    emu.world.resource("myres").deployments["gpt-4o"].quota = quota
    return quota


def _client(emu: Emulator, **kwargs: object) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=AOAI, api_version="2024-10-21", api_key=emu.key("myres"), **kwargs
    )


def _statuses(emu: Emulator) -> list[int]:
    return [record.status for record in emu.requests if record.service == "foundry"]


def test_openai_retries_the_announced_wait_and_succeeds(world: Emulator) -> None:
    _throttle(world, throttle_next=2, retry_after_ms=5)
    reply = _client(world).chat.completions.create(model="gpt-4o", messages=HELLO)
    assert reply.choices[0].message.content
    assert _statuses(world) == [429, 429, 200]
    assert [r.outcome for r in world.requests][:2] == ["throttled", "throttled"]


def test_without_retries_openai_raises_rate_limit_error(world: Emulator) -> None:
    _throttle(world, throttle_next=1, retry_after_ms=2500)
    with pytest.raises(openai.RateLimitError) as caught:
        _client(world, max_retries=0).chat.completions.create(model="gpt-4o", messages=HELLO)
    headers = caught.value.response.headers
    assert (headers["retry-after-ms"], headers["retry-after"]) == ("2500", "3")
    assert "x-should-retry" not in headers
    assert caught.value.body["code"] == "429"  # type: ignore[index]
    assert "Try again in 3 seconds" in caught.value.body["message"]  # type: ignore[index]


def test_azure_core_retries_429(world: Emulator) -> None:
    from azure.ai.inference import ChatCompletionsClient
    from azure.ai.inference.models import UserMessage
    from azure.core.credentials import AzureKeyCredential

    _throttle(world, throttle_next=1, retry_after_ms=5)
    client = ChatCompletionsClient(
        endpoint="https://myres.services.ai.azure.com/models",
        credential=AzureKeyCredential(world.key("myres")),
    )
    result = client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    assert result.choices[0].message.content
    assert _statuses(world) == [429, 200]


def test_requests_per_minute(world: Emulator) -> None:
    _throttle(world, requests_per_minute=2)
    client = _client(world, max_retries=0)
    for _ in range(2):
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    wait = int(caught.value.response.headers["retry-after-ms"])
    assert 0 < wait <= 60_000
    other = client.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    assert other.choices  # the quota is the deployment's


def test_the_message_is_a_world_setting(world: Emulator) -> None:
    _throttle(world, throttle_next=1, retry_after_ms=1000)
    world.world.apply(
        {"foundry.throttled_message": "Requests have exceeded the limit ({seconds} s)."}
    )
    with pytest.raises(openai.RateLimitError) as caught:
        _client(world, max_retries=0).chat.completions.create(model="gpt-4o", messages=HELLO)
    assert caught.value.body["message"] == "Requests have exceeded the limit (1 s)."  # type: ignore[index]


def test_tokens_per_minute_window() -> None:
    now = [1000.0]
    keeper = QuotaKeeper(clock=lambda: now[0])
    quota = Quota(tokens_per_minute=100)
    assert keeper.admit(quota, 60) is None
    wait = keeper.admit(quota, 60)
    assert wait == 60_000
    now[0] += 30
    assert keeper.admit(quota, 60) == 30_000
    now[0] += 30
    assert keeper.admit(quota, 60) is None  # the first call left the window
    assert keeper.admit(None, 10**9) is None


def test_throttle_next_counts_down() -> None:
    keeper = QuotaKeeper()
    quota = Quota(throttle_next=2, retry_after_ms=7)
    assert [keeper.admit(quota, 1) for _ in range(3)] == [7, 7, None]
    assert quota.throttle_next == 0
