"""Concurrency: one instrumented client shared by many threads or tasks explains every failure
with the facts of its own request, and keeps no memory per call.

The promise: ``foundry_doctor.instrument(client)`` is safe on the one client an application
shares across threads or ``asyncio`` tasks. One instrumented client per SDK, built once, takes a
mix of calls at the same time (the principal ``bob`` holds only Cognitive Services OpenAI User on
``myres``):

* successes: ``gpt-4o`` / ``gpt-4o-mini`` (the result names the model asked for);
* 401 ``PermissionDenied``: ``DeepSeek-R1`` / ``Llama-3.3-70B-Instruct``, non-OpenAI models
  that role does not cover (rule ``missing-data-plane-role``, evidence ``model``);
* 404: a deployment name unique to the call (rule ``deployment-not-found``, evidence
  ``deployment``).

Every exception must carry the diagnosis of its own request: its rule, the model or deployment
that call named and no other call's, the request id of its own response, its own explanation in
``str(exc)``; and there is exactly one WARNING record per failure, each for a different request
(the repeat window is set to 0 here, so that repeated failures are told too and every record
can be matched to its request; ``test_repeats.py`` checks the window itself).
Sync clients: 8 threads x 200 calls; async clients: 500 calls in flight at once. Memory: after a
warm-up round, repeated rounds of the same mix must not grow what ``tracemalloc`` sees (with a
small slack, and not in step with the number of rounds).

azure-ai-inference is an ``azure.ai.inference.ChatCompletionsClient`` on ``/models``, openai an
``openai.OpenAI`` on ``/openai/v1/`` (bob's tokens from a token provider). One thing is
tolerated, rarely, because azure-core does it on a bare client too: a call that its bearer-token
policy fails with ``AttributeError`` before sending, when another thread's 401 has just reset the
shared token (see :func:`_azure_core_token_race`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import sys
import threading
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations import repeats
from support.clients import acall, build, call
from support.scenarios import ClientKind, Scenario, scenario

THREADS = 8
CALLS_PER_THREAD = 200
ASYNC_CALLS = 500

SUCCESS_MODELS = ("gpt-4o", "gpt-4o-mini")
FORBIDDEN_MODELS = ("DeepSeek-R1", "Llama-3.3-70B-Instruct")  # not covered by bob's role
_UNKNOWN = "no-such-deployment"
_UNKNOWN_NAME = re.compile(rf"{_UNKNOWN}-\d+-\d+")

#: bob, on the endpoint each client is for; the model varies per call
BASES: dict[ClientKind, Scenario] = {
    "azure-ai-inference": scenario("openai-role-maas-model-inference"),
    "openai.OpenAI": scenario("openai-role-maas-model-openai-v1"),
}


@pytest.fixture(autouse=True)
def _every_failure_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repeats, "REPEAT_WINDOW", 0.0)


SDKS = [
    pytest.param("azure-ai-inference", id="azure-ai-inference", marks=pytest.mark.azure),
    pytest.param("openai.OpenAI", id="openai", marks=pytest.mark.openai),
]


@dataclass(frozen=True)
class Planned:
    """One call of the mix: the model it names and what must come back."""

    model: str
    status: int  # 200, 401 or 404

    @classmethod
    def of(cls, worker: int, index: int) -> Planned:
        kind = (worker + index) % 3
        if kind == 0:
            return cls(SUCCESS_MODELS[index % 2], 200)
        if kind == 1:
            return cls(FORBIDDEN_MODELS[index % 2], 401)
        return cls(f"{_UNKNOWN}-{worker}-{index}", 404)


@dataclass(frozen=True)
class Checked:
    """The result of one call: what was planned, the request id of a failure's response (for
    matching WARNING records), what was wrong with it, if anything, and whether the SDK gave
    up before sending (:func:`_azure_core_token_race`)."""

    planned: Planned
    request_id: str | None
    problem: str | None
    unsent: bool = False


def _azure_core_token_race(error: BaseException) -> bool:
    """azure-core's ``BearerTokenCredentialPolicy`` is not thread-safe on a 401: ``send`` sets
    ``self._token = None`` while another thread may be between its check and
    ``self._token.token`` in ``on_request``, which then raises ``AttributeError`` before the
    request is sent. It happens on a bare client just the same (rarely: a few in thousands of
    calls under load); such a call never reached the service nor foundry-doctor."""
    if not isinstance(error, AttributeError) or error.__traceback__ is None:
        return False
    last = traceback.extract_tb(error.__traceback__)[-1]
    return last.filename.replace("\\", "/").endswith(
        "azure/core/pipeline/policies/_authentication.py"
    )


def _check(planned: Planned, outcome: Any) -> Checked:
    """Whether ``outcome`` (a result or an exception) belongs to the ``planned`` call."""
    if planned.status == 200:
        if isinstance(outcome, BaseException) and _azure_core_token_race(outcome):
            return Checked(planned, None, None, unsent=True)
        if isinstance(outcome, BaseException):
            return Checked(planned, None, f"{planned.model}: {outcome!r}")
        problem = None if outcome.model == planned.model else f"result for {outcome.model}"
        return Checked(planned, None, problem)
    if not isinstance(outcome, Exception):
        return Checked(planned, None, f"{planned.model}: no exception")
    if _azure_core_token_race(outcome):
        return Checked(planned, None, None, unsent=True)
    if getattr(outcome, "response", None) is None:  # not an HTTP status error at all
        shown = "".join(traceback.format_exception(outcome))
        return Checked(planned, None, f"{planned.model}: {shown}")
    status = getattr(outcome, "status_code", None)
    diagnosis = foundry_doctor.explain(outcome)
    request_id = outcome.response.headers.get("apim-request-id")  # type: ignore[attr-defined]
    problems: list[str] = []
    if status != planned.status:
        problems.append(f"status {status}")
    if diagnosis is None:
        return Checked(planned, request_id, f"{planned.model}: no diagnosis ({outcome!r})")
    rendered = diagnosis.render()
    evidence = {item.label: item.actual for item in diagnosis.evidence}
    if planned.status == 401:
        expected_rule, label = "missing-data-plane-role", "model"
        named = {name for name in FORBIDDEN_MODELS if name in rendered}
    else:
        expected_rule, label = "deployment-not-found", "deployment"
        named = set(_UNKNOWN_NAME.findall(rendered))
    if diagnosis.rule != expected_rule:
        problems.append(f"rule {diagnosis.rule}")
    if evidence.get(label) != planned.model:
        problems.append(f"evidence {label}={evidence.get(label)}")
    if named != {planned.model}:
        problems.append(f"names {sorted(named)}")
    if request_id is None or diagnosis.request_id != request_id:
        problems.append(f"request id {diagnosis.request_id} for the response {request_id}")
    if not str(outcome).endswith(rendered):
        problems.append("another explanation in str(exc)")
    problem = f"{planned.model}: {', '.join(problems)}" if problems else None
    return Checked(planned, request_id, problem)


class _Warnings(logging.Handler):
    """Collects the request id of every WARNING the ``foundry_doctor`` logger emits."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.request_ids: list[str | None] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "foundry_doctor":
            return
        data = getattr(record, "diagnosis", None)
        with self._guard:
            self.request_ids.append(data.get("request_id") if isinstance(data, dict) else None)


@contextmanager
def _warnings_seen() -> Iterator[_Warnings]:
    """The ``foundry_doctor`` WARNING records of the block, kept only as request ids. Meanwhile
    they reach no other handler: pytest's capture keeps every record (it counts as memory
    growth and costs time), so its handlers are set aside and put back afterwards."""
    logger = logging.getLogger("foundry_doctor")
    handler = _Warnings()
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers = [handler]
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.handlers = handlers
        logger.propagate = propagate


def _assert_all_own(checked: list[Checked], seen: _Warnings, emu: Emulator, calls: int) -> None:
    """Every call got what it asked for; one WARNING per failure, each for its own request;
    one request per call on the wire."""
    assert len(checked) == calls
    problems = [item.problem for item in checked if item.problem is not None]
    assert not problems, f"{len(problems)} of {calls} calls: {problems[:3]}"
    unsent = sum(item.unsent for item in checked)
    assert unsent <= calls // 100, f"{unsent} calls not sent"  # azure-core's rare race only
    sent = [item for item in checked if not item.unsent]
    for status in (200, 401, 404):
        assert sum(item.planned.status == status for item in sent) >= calls // 4, status
    failures = [item.request_id for item in sent if item.planned.status != 200]
    assert len(set(failures)) == len(failures)  # every response a different one
    assert sorted(seen.request_ids, key=str) == sorted(failures, key=str)
    assert len(emu.requests) == len(sent)


# --- one shared client, many threads ---------------------------------------------------------


def _sync_calls(client: Any, base: Scenario, worker: int, indexes: range) -> list[Checked]:
    checked = []
    for index in indexes:
        planned = Planned.of(worker, index)
        try:
            outcome: Any = call(client, replace(base, model=planned.model))
        except Exception as error:
            outcome = error
        checked.append(_check(planned, outcome))
    return checked


@pytest.mark.parametrize("kind", SDKS)
def test_threads_share_one_client(emu: Emulator, kind: ClientKind) -> None:
    base = BASES[kind]
    with (
        _warnings_seen() as seen,
        foundry_doctor.instrument(build(emu, base, kind)) as client,
        ThreadPoolExecutor(THREADS) as pool,
    ):
        futures = [
            pool.submit(_sync_calls, client, base, worker, range(CALLS_PER_THREAD))
            for worker in range(THREADS)
        ]
        checked = [item for future in futures for item in future.result()]
    _assert_all_own(checked, seen, emu, THREADS * CALLS_PER_THREAD)


# --- one shared client, many tasks -----------------------------------------------------------


async def _async_call(client: Any, base: Scenario, planned: Planned) -> Checked:
    try:
        outcome: Any = await acall(client, replace(base, model=planned.model))
    except Exception as error:
        outcome = error
    return _check(planned, outcome)


@pytest.mark.parametrize("kind", SDKS)
async def test_tasks_share_one_client(emu: Emulator, kind: ClientKind) -> None:
    base = BASES[kind]
    plan = [Planned.of(index % THREADS, index) for index in range(ASYNC_CALLS)]
    with _warnings_seen() as seen:
        async with foundry_doctor.instrument(build(emu, base, kind, aio=True)) as client:
            calls = (_async_call(client, base, item) for item in plan)
            checked = list(await asyncio.gather(*calls))
    _assert_all_own(checked, seen, emu, ASYNC_CALLS)


# --- memory ----------------------------------------------------------------------------------

#: calls per thread and round; rounds measured after the warm-up; growth allowed in all
MEMORY_CALLS = 6
MEMORY_ROUNDS = 4
#: growth allowed for everything traced (the in-process emulator's threads and connections,
#: the SDKs' pools): loose, yet well below what keeping each failed call's response would add
MEMORY_SLACK = 512 * 1024
#: growth allowed for memory allocated by foundry-doctor's own library code
OWN_SLACK = 48 * 1024
_OWN_CODE = (
    tracemalloc.Filter(True, "*foundry_doctor*"),
    tracemalloc.Filter(False, "*foundry_doctor*emulator*"),
)


def _own_size() -> int:
    """Bytes currently traced to foundry-doctor's library code (the emulator left out)."""
    snapshot = tracemalloc.take_snapshot().filter_traces(_OWN_CODE)
    return sum(stat.size for stat in snapshot.statistics("filename"))


@pytest.mark.parametrize("kind", SDKS)
def test_memory_does_not_grow_with_calls(emu: Emulator, kind: ClientKind) -> None:
    base = BASES[kind]
    growth: list[int] = []
    own_growth: list[int] = []
    with (
        _warnings_seen() as seen,
        foundry_doctor.instrument(build(emu, base, kind)) as client,
        ThreadPoolExecutor(THREADS) as pool,
    ):

        def one_round(number: int) -> None:
            indexes = range(number * MEMORY_CALLS, (number + 1) * MEMORY_CALLS)
            futures = [
                pool.submit(_sync_calls, client, base, worker, indexes) for worker in range(THREADS)
            ]
            problems = [c.problem for f in futures for c in f.result() if c.problem is not None]
            assert not problems, problems[:3]
            emu.clear_requests()  # the emulator's own request log is not ours
            gc.collect()

        one_round(0)  # connections, caches, lazy imports: warmed up untraced
        tracemalloc.start()
        try:
            one_round(1)  # once more, traced: what stays anyway is in the baseline
            baseline = tracemalloc.get_traced_memory()[0]
            own_baseline = _own_size()
            for number in range(2, 2 + MEMORY_ROUNDS):
                one_round(number)
                growth.append(tracemalloc.get_traced_memory()[0] - baseline)
                own_growth.append(_own_size() - own_baseline)
        finally:
            tracemalloc.stop()
    kib = [size // 1024 for size in growth]
    # the rounds did diagnose: about two failures in three calls
    assert len(seen.request_ids) >= THREADS * MEMORY_CALLS * (2 + MEMORY_ROUNDS) // 2
    # our own allocations: nothing kept per call (a kept diagnosis is about 2 KiB per failure)
    assert max(own_growth) < OWN_SLACK, [size // 1024 for size in own_growth]
    # everything: bounded, so no SDK object (a response, an exception) is kept either
    assert max(growth) < MEMORY_SLACK, kib
    # and not in step with the rounds: the second half adds little to the first
    assert growth[-1] - growth[MEMORY_ROUNDS // 2 - 1] < MEMORY_SLACK // 2, kib


# --- installing from many threads at once ----------------------------------------------------

RACERS = 16
T = TypeVar("T")


def _race(action: Callable[[], T]) -> list[T]:
    """``action()`` from :data:`RACERS` threads released at the same moment, with the
    interpreter switching threads as often as it can."""
    barrier = threading.Barrier(RACERS)

    def run(_: int) -> T:
        barrier.wait()
        return action()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(RACERS) as pool:
            return list(pool.map(run, range(RACERS)))
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.parametrize("kind", SDKS)
def test_instrument_from_many_threads_installs_once(
    emu: Emulator, caplog: pytest.LogCaptureFixture, kind: ClientKind
) -> None:
    base = BASES[kind]
    client = build(emu, base, kind)
    assert all(result is client for result in _race(lambda: foundry_doctor.instrument(client)))
    if kind == "azure-ai-inference":
        policies = [getattr(p, "_policy", p) for p in client._client._pipeline._impl_policies]
        assert sum(isinstance(p, foundry_doctor.DiagnosticsPolicy) for p in policies) == 1
    else:
        import openai

        assert type(client).__mro__[1] is openai.OpenAI  # one instrumented class, not two
    failing = replace(base, model=FORBIDDEN_MODELS[0])
    with pytest.raises(Exception) as caught:  # noqa: PT011 - either SDK's 401 class
        call(client, failing)
    assert getattr(caught.value, "status_code", None) == 401
    assert foundry_doctor.explain(caught.value) is not None
    assert len(emu.requests) == 1
    assert len([r for r in caplog.records if r.name == "foundry_doctor"]) == 1


@pytest.mark.openai
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
def test_install_hooks_from_many_threads_installs_once(aio: bool) -> None:
    import openai

    http_client: Any = openai.DefaultAsyncHttpxClient() if aio else openai.DefaultHttpxClient()
    assert all(r is http_client for r in _race(lambda: foundry_doctor.install_hooks(http_client)))
    expected = foundry_doctor.async_response_hook if aio else foundry_doctor.response_hook
    assert http_client.event_hooks["response"] == [expected]
