"""Each diagnosis adds one span event to the caller's recording span (code, slug, title; no
secrets), checked with the OpenTelemetry SDK's in-memory exporter around real calls."""

from __future__ import annotations

from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from support.clients import build_inference, build_openai, call
from support.scenarios import scenario

pytest.importorskip("opentelemetry.sdk.trace")
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

MISSING_ROLE_INFERENCE = scenario("missing-role-inference")
NO_DEPLOYMENT = scenario("deployment-not-found-azure-openai")


def _events(exporter: InMemorySpanExporter) -> list[Any]:
    (span,) = exporter.get_finished_spans()
    return [event for event in span.events if event.name == "foundry_doctor.diagnosis"]


@pytest.mark.azure
def test_azure_core_failure_adds_one_event(
    emu: Emulator, spans: tuple[Any, InMemorySpanExporter]
) -> None:
    from azure.core.exceptions import ClientAuthenticationError

    tracer, exporter = spans
    client = foundry_doctor.instrument(build_inference(emu, MISSING_ROLE_INFERENCE))
    with (
        tracer.start_as_current_span("my operation"),
        pytest.raises(ClientAuthenticationError) as caught,
    ):
        call(client, MISSING_ROLE_INFERENCE)
    assert foundry_doctor.explain(caught.value) is not None
    (event,) = _events(exporter)
    attributes = dict(event.attributes)
    assert attributes["foundry_doctor.code"] == "FD106"
    assert attributes["foundry_doctor.rule"] == "missing-data-plane-role"
    assert attributes["foundry_doctor.title"]
    assert attributes["http.response.status_code"] == 401
    token = emu.token("dave")
    shown = repr(attributes)
    assert token not in shown
    assert token.rsplit(".", 1)[1] not in shown


@pytest.mark.openai
def test_openai_failure_adds_one_event(
    emu: Emulator, spans: tuple[Any, InMemorySpanExporter]
) -> None:
    import openai

    tracer, exporter = spans
    client = foundry_doctor.instrument(build_openai(emu, NO_DEPLOYMENT))
    with tracer.start_as_current_span("my operation"), pytest.raises(openai.NotFoundError):
        call(client, NO_DEPLOYMENT)
    (event,) = _events(exporter)
    assert event.attributes["foundry_doctor.rule"] == "deployment-not-found"
    assert event.attributes["foundry_doctor.code"] == "FD202"
    assert emu.key("myres") not in repr(dict(event.attributes))


@pytest.mark.openai
def test_success_and_no_span_add_nothing(
    emu: Emulator, spans: tuple[Any, InMemorySpanExporter]
) -> None:
    import openai

    tracer, exporter = spans
    ok = scenario("ok-azure-openai-key")
    with tracer.start_as_current_span("my operation"):
        call(foundry_doctor.instrument(build_openai(emu, ok)), ok)
    assert _events(exporter) == []
    client = foundry_doctor.instrument(build_openai(emu, NO_DEPLOYMENT))
    with pytest.raises(openai.NotFoundError):  # no current span: nothing to add to, no error
        call(client, NO_DEPLOYMENT)
