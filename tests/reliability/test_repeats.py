"""One WARNING record per distinct failure: the same failure again within the repeat window
(a framework's retry of a call that cannot succeed) gets a DEBUG record that counts it, and
the record of the next WARNING for it carries how often it was held back.

What makes two failures the same: the SDK, the request's method and URL as shown, the status,
the rule and its evidence (principal, audience, header, the service's words), not the clock
nor the request id. The memory is safe across threads (the same failure from many threads at
once is told once) and bounded (at most ``MAX_KINDS`` digests, the oldest dropped first).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.diagnosis.model import Diagnosis, Evidence
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations import repeats
from foundry_doctor.integrations.reporting import report
from support.clients import build, call
from support.scenarios import scenario

THREADS = 8
CALLS = 64

#: bob holds Cognitive Services OpenAI User only, which does not open DeepSeek-R1 on myres
FORBIDDEN = scenario("openai-role-maas-model-openai-v1")
CALL = ("POST", "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions")


class _Records(logging.Handler):
    """The records of reported failures (WARNING) and of held-back repeats (DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "diagnosis_repeats"):
            self.records.append(record)

    def repeats_at(self, level: int) -> list[int]:
        return [r.diagnosis_repeats for r in self.records if r.levelno == level]  # type: ignore[attr-defined]


@pytest.fixture
def records() -> Iterator[_Records]:
    logger = logging.getLogger("foundry_doctor")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(repeats, "clock", lambda: now[0])
    return now


def _diagnosis(*evidence: Evidence, request_id: str | None = None) -> Diagnosis:
    return Diagnosis(
        "invalid-api-key",
        "FD105",
        "The API key was refused",
        "The service refused the key it received.",
        evidence,
        status=401,
        request_id=request_id,
    )


def test_a_repeat_is_a_debug_record_and_the_next_warning_counts_it(
    records: _Records, clock: list[float]
) -> None:
    for index in range(3):
        report(_diagnosis(request_id=f"req-{index}"), sdk="openai", call=CALL)
    clock[0] += repeats.REPEAT_WINDOW - 1
    report(_diagnosis(), sdk="openai", call=CALL)  # still within the window of the first
    clock[0] += 1
    report(_diagnosis(), sdk="openai", call=CALL)
    assert records.repeats_at(logging.WARNING) == [0, 3]
    assert records.repeats_at(logging.DEBUG) == [1, 2, 3]


@pytest.mark.parametrize(
    "other",
    [
        {"sdk": "azure-core", "call": CALL},
        {"sdk": "openai", "call": ("GET", CALL[1])},
        {"sdk": "openai", "call": ("POST", CALL[1].replace("gpt-4o", "gpt-4o-mini"))},
        {"sdk": "openai", "call": ("POST", CALL[1] + "?api-version=2024-10-21")},
        {"sdk": "openai", "call": CALL, "evidence": (Evidence("principal", "bbbb-0004"),)},
    ],
    ids=["sdk", "method", "deployment", "api-version", "principal"],
)
def test_what_tells_two_failures_apart(records: _Records, other: dict[str, Any]) -> None:
    report(_diagnosis(Evidence("principal", "bbbb-0001")), sdk="openai", call=CALL)
    evidence = other.pop("evidence", (Evidence("principal", "bbbb-0001"),))
    report(_diagnosis(*evidence), **other)
    assert records.repeats_at(logging.WARNING) == [0, 0]


def test_what_does_not_tell_them_apart(records: _Records) -> None:
    base = f"{CALL[1]}?api-version=2024-10-21"
    first = _diagnosis(Evidence("time now", "10:00"), request_id="a")
    report(first, sdk="openai", call=("POST", f"{base}&sig=secret0"))
    # another request id, another clock reading, another secret in a query value: the same
    again = _diagnosis(Evidence("time now", "10:01"), request_id="b")
    report(again, sdk="openai", call=("POST", f"{base}&sig=secret1"))
    assert records.repeats_at(logging.WARNING) == [0]
    assert records.repeats_at(logging.DEBUG) == [1]


def test_the_memory_is_bounded(records: _Records) -> None:
    for index in range(repeats.MAX_KINDS + 10):
        report(_diagnosis(Evidence("n", str(index))), sdk="openai", call=CALL)
    assert len(repeats._kinds) == repeats.MAX_KINDS
    report(_diagnosis(Evidence("n", "0")), sdk="openai", call=CALL)  # the oldest was dropped
    report(_diagnosis(Evidence("n", str(repeats.MAX_KINDS + 9))), sdk="openai", call=CALL)
    assert records.repeats_at(logging.WARNING)[-1] == 0
    assert records.repeats_at(logging.DEBUG) == [1]


def test_the_same_failure_from_many_threads_is_told_once(emu: Emulator, records: _Records) -> None:
    forbidden = replace(FORBIDDEN, model="DeepSeek-R1")
    client = foundry_doctor.instrument(build(emu, forbidden, "openai.OpenAI"))

    def fail(_: int) -> BaseException:
        try:
            call(client, forbidden)
        except Exception as error:
            return error
        raise AssertionError("the call succeeded")

    with ThreadPoolExecutor(THREADS) as pool:
        errors = list(pool.map(fail, range(CALLS)))
    assert all(foundry_doctor.explain(error) is not None for error in errors)
    assert all("[FD106 missing-data-plane-role]" in str(error) for error in errors)
    assert len(emu.requests) == CALLS
    assert records.repeats_at(logging.WARNING) == [0]
    assert sorted(records.repeats_at(logging.DEBUG)) == list(range(1, CALLS))
