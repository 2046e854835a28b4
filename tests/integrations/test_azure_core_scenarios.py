"""The azure-core integration end to end: real azure-ai-inference clients (sync and aio, default
transports) instrumented with one line, against the emulator, for every scenario that applies."""

from __future__ import annotations

import logging
import traceback

import pytest
from azure.core.exceptions import HttpResponseError

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations.enriched import DiagnosedError
from support.clients import acall, build_inference, call, expected_exception
from support.scenarios import Scenario, scenarios_for

pytestmark = pytest.mark.azure

FAILURES = tuple(
    pytest.param(s, id=s.name) for s in scenarios_for("azure-ai-inference", failures=True)
)
SUCCESSES = scenarios_for("azure-ai-inference", failures=False)


def _secrets(emu: Emulator, scenario: Scenario) -> list[str]:
    values = [emu.key(name) for name in emu.world.resources]
    if scenario.credential.principal is not None:
        token = emu.token(scenario.credential.principal)
        values += [token, token.rsplit(".", 1)[1]]
    return values


def _check(
    emu: Emulator, scenario: Scenario, error: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    assert isinstance(error, expected_exception("azure-ai-inference", scenario.expected_status))
    assert isinstance(error, HttpResponseError)
    assert error.status_code == scenario.expected_status
    diagnosis = foundry_doctor.explain(error)
    if scenario.expected_status == 400 and diagnosis is None:
        assert scenario.expected_rule == "unknown"
        return
    assert isinstance(error, DiagnosedError)
    assert diagnosis is not None
    assert diagnosis.rule == scenario.expected_rule, diagnosis.render()
    assert diagnosis.render() in str(error)
    assert len(emu.requests) == 1
    records = [r for r in caplog.records if r.name == "foundry_doctor" and r.levelno >= 30]
    assert len(records) == 1
    assert records[0].diagnosis["rule"] == scenario.expected_rule  # type: ignore[attr-defined]
    shown = "\n".join([str(error), repr(error), *traceback.format_exception(error), caplog.text])
    for secret in _secrets(emu, scenario):
        assert secret not in shown


@pytest.mark.parametrize("scenario", FAILURES)
def test_sync_failure_is_diagnosed(
    emu: Emulator, scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with emu.modified_world(scenario.world_changes):
        client = foundry_doctor.instrument(build_inference(emu, scenario))
        emu.clear_requests()
        with pytest.raises(HttpResponseError) as caught:
            call(client, scenario)
    _check(emu, scenario, caught.value, caplog)


@pytest.mark.parametrize("scenario", FAILURES)
async def test_async_failure_is_diagnosed(
    emu: Emulator, scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with emu.modified_world(scenario.world_changes):
        client = foundry_doctor.instrument(build_inference(emu, scenario, aio=True))
        emu.clear_requests()
        async with client:
            with pytest.raises(HttpResponseError) as caught:
                await acall(client, scenario)
    _check(emu, scenario, caught.value, caplog)


@pytest.mark.parametrize("scenario", SUCCESSES, ids=lambda s: s.name)
def test_success_is_untouched(emu: Emulator, scenario: Scenario) -> None:
    with emu.modified_world(scenario.world_changes):
        bare = call(build_inference(emu, scenario), scenario)
        client = foundry_doctor.instrument(build_inference(emu, scenario))
        assert type(call(client, scenario)) is type(bare)


def test_instrument_twice_installs_once(emu: Emulator) -> None:
    scenario = SUCCESSES[0]
    client = build_inference(emu, scenario)
    assert foundry_doctor.instrument(foundry_doctor.instrument(client)) is client
    policies = [getattr(p, "_policy", p) for p in client._client._pipeline._impl_policies]
    assert sum(isinstance(p, foundry_doctor.DiagnosticsPolicy) for p in policies) == 1
