"""Fixtures shared by every test: one emulator for the whole session.

``emulator`` starts the bundled emulator once and routes this process's HTTPS traffic to it
for the rest of the session (build SDK clients inside tests, after the fixture is set up).
``emu`` is the same emulator with an empty request log at the start of each test.
``broken_reporting`` makes reporting a diagnosis fail, for the fail-safe tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from foundry_doctor.emulator import Emulator


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
