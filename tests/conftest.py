"""Fixtures shared by every test: one emulator for the whole session, and a network guard.

``emulator`` starts the bundled emulator once and routes this process's HTTPS traffic to it
for the rest of the session (build SDK clients inside tests, after the fixture is set up).
``emu`` is the same emulator with an empty request log at the start of each test.
``broken_reporting`` makes reporting a diagnosis fail, for the fail-safe tests. ``spans`` is a
tracer whose spans end up in OpenTelemetry's in-memory exporter (skipped without the SDK).

Every test starts with foundry-doctor's memory of repeated failures empty
(:mod:`foundry_doctor.integrations.repeats`), so the first failure of a kind in each test gets
its WARNING record, whatever ran before.

The network guard is on for the whole session: any connection outside 127.0.0.0/8 and ::1 is
refused before a packet leaves, and the test that caused it fails at teardown, naming the
address, even when the client swallowed the refusal (as a credential chain does).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.wire.guard import LoopbackGuard, loopback_only
from foundry_doctor.integrations import repeats


@pytest.fixture(scope="session", autouse=True)
def network_guard() -> Iterator[LoopbackGuard]:
    with loopback_only() as guard:
        yield guard


@pytest.fixture(autouse=True)
def _stay_on_loopback(network_guard: LoopbackGuard) -> Iterator[None]:
    seen = len(network_guard.violations)
    yield
    leaked = network_guard.violations[seen:]
    if leaked:
        pytest.fail(
            "the test tried to reach the network outside loopback: " + "; ".join(leaked),
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _no_failures_seen() -> None:
    repeats.forget()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    emulator.clear_requests()
    return emulator


class _BrokenReporting(logging.Filter):
    """A logging set-up that fails on warnings: reporting a diagnosis raises."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            raise RuntimeError("the log pipeline is down")
        return True


@pytest.fixture
def broken_reporting() -> Iterator[None]:
    """Make the ``foundry_doctor`` logger raise on WARNING records for one test: a failure
    inside the diagnosis, for the fail-safe tests."""
    broken = _BrokenReporting()
    logger = logging.getLogger("foundry_doctor")
    logger.addFilter(broken)
    try:
        yield
    finally:
        logger.removeFilter(broken)


@pytest.fixture
def spans() -> Iterator[tuple[Any, Any]]:
    """``(tracer, exporter)``: the spans the tracer makes end up in the in-memory exporter."""
    trace_sdk = pytest.importorskip("opentelemetry.sdk.trace")
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = trace_sdk.TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider.get_tracer("tests"), exporter
    provider.shutdown()
