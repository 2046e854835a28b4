"""Fixtures shared by every test: one emulator for the whole session.

``emulator`` starts the bundled emulator once and routes this process's HTTPS traffic to it
for the rest of the session (build SDK clients inside tests, after the fixture is set up).
``emu`` is the same emulator with an empty request log at the start of each test.
"""

from __future__ import annotations

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
