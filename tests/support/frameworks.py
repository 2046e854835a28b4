"""What every framework test checks, side by side: the same call through the real framework,
bare and with ``foundry_doctor.instrument(obj)`` (the one line), against the emulator.

:func:`attempt` / :func:`attempt_async` run one call and note what came of it: the exception
(or the result), the requests the emulator got and the ``foundry_doctor`` WARNING records.
:func:`assert_parity` compares a bare attempt with an instrumented one: the same exception
class (the instrumented one is the same-name subclass carrying ``.diagnosis``), the same
number of requests, the diagnosis in ``explain(exc)`` and its rule code and title in
``str(exc)`` of what the application catches, once, and one WARNING record; for a success, the
same success and no record at all.

The failing calls every framework test makes (:data:`FAILURES`): an identity without a
data-plane role (``dave``), a deployment that does not exist, and a resource key handed over
as a token (sent as ``Authorization: Bearer`` to the classic route, which reads keys from
``api-key`` only).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import foundry_doctor
from foundry_doctor.emulator import Emulator

__all__ = [
    "AOAI",
    "DEPLOYMENT",
    "FAILURES",
    "MISSING",
    "Attempt",
    "Failure",
    "assert_parity",
    "attempt",
    "attempt_async",
]

AOAI = "https://myres.openai.azure.com"
DEPLOYMENT = "gpt-4o"
MISSING = "no-such-deployment"
EMBEDDINGS = "text-embedding-3-small"


class Failure(NamedTuple):
    """A failing call: how its credential and deployment are chosen, and the rule that names
    its cause."""

    name: str
    rule: str


FAILURES = (
    Failure("no-role", "missing-data-plane-role"),
    Failure("wrong-deployment", "deployment-not-found"),
    Failure("key-as-bearer", "credential-in-wrong-header"),
)


@dataclass
class Attempt:
    """What one call came to."""

    error: BaseException | None = None
    result: Any = None
    requests: int = 0
    warnings: list[logging.LogRecord] = field(default_factory=list)


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _watching(emu: Emulator, outcome: Attempt) -> Iterator[None]:
    logger = logging.getLogger("foundry_doctor")
    handler = _Warnings()
    logger.addHandler(handler)
    emu.clear_requests()
    try:
        yield
    finally:
        logger.removeHandler(handler)
        outcome.requests = len(emu.requests)
        outcome.warnings = handler.records


def attempt(emu: Emulator, run: Callable[[], Any]) -> Attempt:
    """Run one synchronous call and note what came of it."""
    outcome = Attempt()
    with _watching(emu, outcome):
        try:
            outcome.result = run()
        except Exception as error:
            outcome.error = error
    return outcome


async def attempt_async(emu: Emulator, run: Callable[[], Awaitable[Any]]) -> Attempt:
    """Run one asynchronous call and note what came of it."""
    outcome = Attempt()
    with _watching(emu, outcome):
        try:
            outcome.result = await run()
        except Exception as error:
            outcome.error = error
    return outcome


def assert_parity(bare: Attempt, instrumented: Attempt, rule: str | None) -> None:
    """The instrumented call behaved as the bare one and, when it failed, says why (``rule``)
    where the application looks: ``explain(exc)``, ``str(exc)``, one WARNING record."""
    assert instrumented.requests == bare.requests, "the request count changed"
    assert bare.requests >= 1, "the call never reached the emulator"
    assert bare.warnings == []
    if rule is None:
        assert bare.error is None, bare.error
        assert instrumented.error is None, instrumented.error
        assert instrumented.warnings == []
        assert type(instrumented.result) is type(bare.result)
        return
    assert bare.error is not None, "the bare call succeeded"
    assert instrumented.error is not None, "the instrumented call succeeded"
    bare_class, caught = type(bare.error), instrumented.error
    assert isinstance(caught, bare_class)
    assert (type(caught).__module__, type(caught).__qualname__) == (
        bare_class.__module__,
        bare_class.__qualname__,
    )
    assert foundry_doctor.explain(bare.error) is None
    diagnosis = foundry_doctor.explain(caught)
    assert diagnosis is not None, f"no diagnosis along the chain of {caught!r}"
    assert diagnosis.rule == rule, diagnosis.render()
    text = str(caught)
    assert diagnosis.summary in text, text
    assert text.count(diagnosis.summary) == 1, text  # told once, not twice
    assert [record.diagnosis_rule for record in instrumented.warnings] == [rule]  # type: ignore[attr-defined]
    status = getattr(bare.error, "status_code", None)
    assert getattr(caught, "status_code", None) == status
