"""Request count: foundry-doctor never sends a request of its own, nor one request fewer.

The promise (DEVELOPERS.md): "No extra requests, no changed retry behaviour, the success path
untouched (streams stay streams)". For every scenario preset and every client kind it applies to,
sync, the same call is made once on a bare client and once on a client instrumented with
``foundry_doctor.instrument`` (for openai also on a bare client whose http client carries the
public response hook, ``install_hooks``), and the emulator's request log must be the same both
times: the same number of requests, and request for request the same host, method, path, query,
header names, credential headers, model and answer. Failures and successes alike, plain and
streamed successes (chat completions, ``stream=True``), and failures the SDK retries (503 /
429 with the SDK's own retry settings), where the retries must stay exactly the SDK's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import openai
import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator, RecordedRequest
from support.clients import build, call, stream_text
from support.scenarios import SCENARIOS, ClientKind, Scenario, scenario


class Wire(NamedTuple):
    """What identifies a request on the wire (secret values are redacted in the log anyway;
    ids that are fresh per request, such as ``x-ms-client-request-id``, count by name only)."""

    host: str
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    header_names: tuple[str, ...]
    user_agent: str | None
    content_type: str | None
    auth_headers: tuple[str, ...]
    bearer: str | None
    model: str | None
    route: str | None
    status: int
    error_code: str | None
    outcome: str


def _marks(kind: ClientKind) -> list[pytest.MarkDecorator]:
    return [pytest.mark.azure if kind == "azure-ai-inference" else pytest.mark.openai]


def _cases() -> list[Any]:
    cases = []
    for item in SCENARIOS:
        for kind in item.clients:
            streamed = item.succeeds and item.operation == "chat"
            modes = ("plain", "stream") if streamed else ("plain",)
            wirings = ("instrument",) if kind == "azure-ai-inference" else ("instrument", "hooks")
            for mode in modes:
                for wiring in wirings:
                    name = f"{item.name}-{kind.split('.')[-1]}-{mode}-{wiring}"
                    cases.append(
                        pytest.param(item, kind, mode, wiring, id=name, marks=_marks(kind))
                    )
    return cases


def _wire(record: RecordedRequest) -> Wire:
    return Wire(
        record.host,
        record.method,
        record.path,
        tuple(sorted(record.query.items())),
        tuple(sorted(record.headers)),
        record.headers.get("user-agent"),
        record.headers.get("content-type"),
        record.auth_headers,
        record.bearer,
        record.model,
        record.route,
        record.status,
        record.error_code,
        record.outcome,
    )


def _attempt(make_call: Callable[[], Any]) -> Any:
    """The call's result, or the exception it raised."""
    try:
        return make_call()
    except Exception as error:
        return error


def _observe(emu: Emulator, client: Any, make_call: Callable[[Any], Any]) -> tuple[Any, list[Wire]]:
    emu.clear_requests()
    with client:
        outcome = _attempt(lambda: make_call(client))
    return outcome, [_wire(record) for record in emu.requests]


def _same_outcome(bare: Any, other: Any) -> None:
    if isinstance(bare, BaseException):
        assert isinstance(other, type(bare)), f"{other!r} instead of {bare!r}"
        assert other.status_code == bare.status_code  # type: ignore[attr-defined]
    else:
        assert not isinstance(other, BaseException), repr(other)
        assert type(other) is type(bare)


def _hooked(emu: Emulator, item: Scenario, kind: ClientKind, **kwargs: Any) -> Any:
    """A bare openai client whose own http client carries foundry-doctor's response hook."""
    http_client = foundry_doctor.install_hooks(openai.DefaultHttpxClient())
    return build(emu, item, kind, http_client=http_client, **kwargs)


def _other(emu: Emulator, item: Scenario, kind: ClientKind, wiring: str, **kwargs: Any) -> Any:
    if wiring == "hooks":
        return _hooked(emu, item, kind, **kwargs)
    return foundry_doctor.instrument(build(emu, item, kind, **kwargs))


@pytest.mark.parametrize(("item", "kind", "mode", "wiring"), _cases())
def test_same_requests_as_without_foundry_doctor(
    emu: Emulator, item: Scenario, kind: ClientKind, mode: str, wiring: str
) -> None:
    stream = mode == "stream"

    def make_call(client: Any) -> Any:
        return call(client, item, stream=stream)

    with emu.modified_world(item.world_changes):
        bare, bare_wire = _observe(emu, build(emu, item, kind), make_call)
        other, other_wire = _observe(emu, _other(emu, item, kind, wiring), make_call)

    # the scenario happened as described, bare: one request, the expected answer
    assert len(bare_wire) == 1, bare_wire
    assert bare_wire[0].status == item.expected_status
    # and the same with foundry-doctor, request for request
    assert other_wire == bare_wire
    _same_outcome(bare, other)
    if stream and item.succeeds:
        assert stream_text(other) == stream_text(bare)
        assert stream_text(other)


#: failures the SDK retries by itself (statuses foundry-doctor does not look at), with short
#: retry settings of the SDK's own, and the number of requests they make
RETRIED = [
    pytest.param(
        scenario("retired-models-api"),
        "azure-ai-inference",
        {"models_api_retired": True, "retired_status": 503},
        {"retry_total": 2, "retry_backoff_factor": 0.0},
        3,
        id="inference-503-retried-twice",
        marks=_marks("azure-ai-inference"),
    ),
    pytest.param(
        scenario("missing-auth-azure-openai"),
        "openai.AzureOpenAI",
        {"missing_auth_status": 429},
        {"max_retries": 1},
        2,
        id="azure-openai-429-retried-once",
        marks=_marks("openai.AzureOpenAI"),
    ),
]


@pytest.mark.parametrize(("item", "kind", "changes", "settings", "expected"), RETRIED)
def test_retries_stay_the_sdks(
    emu: Emulator,
    item: Scenario,
    kind: ClientKind,
    changes: dict[str, int | bool],
    settings: dict[str, float],
    expected: int,
) -> None:
    def make_call(client: Any) -> Any:
        return call(client, item)

    with emu.modified_world({**item.world_changes, **changes}):
        bare, bare_wire = _observe(emu, build(emu, item, kind, **settings), make_call)
        other, other_wire = _observe(
            emu, foundry_doctor.instrument(build(emu, item, kind, **settings)), make_call
        )

    status = changes.get("retired_status", changes.get("missing_auth_status"))
    assert [wire.status for wire in bare_wire] == [status] * expected
    assert other_wire == bare_wire
    assert isinstance(bare, BaseException)
    _same_outcome(bare, other)
