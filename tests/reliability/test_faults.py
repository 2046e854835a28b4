"""Faults on the wire: a connection dropped mid-body, a truncated body, a mislabelled body, a
slow answer. Whatever the emulator does wrong, an instrumented client raises exactly what the
bare SDK raises for the same call (class, message, status), sends the same number of requests
and takes no noticeably longer; a broken 401/404 body is diagnosed or left alone, never turned
into an exception of ours.

Each case makes the same call twice, on a bare client and on an instrumented one, both with
the SDK's retries off (``retry_total=0`` / ``max_retries=0``) so that one call is one request.
The first part checks the faults themselves below any SDK.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.emulator import (
    Answer,
    DropConnection,
    Emulator,
    EndlessBody,
    Fault,
    MislabelledBody,
    SlowReply,
    TruncatedBody,
)
from foundry_doctor.emulator.services.foundry.errors import INVALID_KEY_BODY, InvalidKey
from foundry_doctor.emulator.wire.faults import BINARY_BODY, HTML_ERROR_PAGE, FaultSet
from foundry_doctor.emulator.wire.messages import Reply
from foundry_doctor.integrations.enriched import DiagnosedError
from foundry_doctor.rules import SLUGS
from support.clients import acall, build_inference, build_openai, call
from support.scenarios import Scenario, scenario
from support.wire import connect, raw_request, send

AOAI = "myres.openai.azure.com"
CHAT = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
MESSAGES = {"messages": [{"role": "user", "content": "hi"}]}
STREAM_BODY = b'{"messages":[{"role":"user","content":"hi"}],"stream":true}'

#: how much longer an instrumented call may take than the same bare call: generous, since it
#: is there to catch an added retry or sleep, not to measure speed
SLACK = 0.5
#: SlowReply's delay in the SDK cases
DELAY = 0.2


# --- the faults, below any SDK --------------------------------------------------------------------


def _raw_exchange(
    emu: Emulator,
    headers: dict[str, str],
    *,
    body: bytes = b'{"messages":[{"role":"user","content":"hi"}]}',
    timeout: float = 5,
) -> tuple[bytes, str]:
    """One request on a fresh tunnel: everything the emulator sends until it closes the
    connection, and how it ended (``"close"`` or ``"reset"``)."""
    context = ssl.create_default_context(cafile=emu.ca_file)
    with socket.create_connection(("127.0.0.1", emu.port), timeout=timeout) as plain:
        plain.sendall(f"CONNECT {AOAI}:443 HTTP/1.1\r\nHost: {AOAI}\r\n\r\n".encode())
        assert plain.recv(4096).startswith(b"HTTP/1.1 200 ")
        with context.wrap_socket(plain, server_hostname=AOAI) as tls:
            head = f"POST {CHAT} HTTP/1.1\r\nHost: {AOAI}\r\nContent-Length: {len(body)}\r\n"
            head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            tls.sendall(head.encode() + b"\r\n" + body)
            received = b""
            while True:
                try:
                    data = tls.recv(65536)
                except ConnectionResetError:
                    return received, "reset"
                if not data:
                    return received, "close"
                received += data


def _split(raw: bytes) -> tuple[dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def test_fault_is_a_base_class() -> None:
    with pytest.raises(TypeError):
        Fault()
    with pytest.raises(ValueError, match="times"):
        SlowReply(times=0)
    with pytest.raises(ValueError, match="delay"):
        SlowReply(delay=float("nan"))
    with pytest.raises(ValueError, match="content_length"):
        TruncatedBody(content_length="half")  # type: ignore[arg-type]


def test_matching_criteria() -> None:
    request = {"host": AOAI, "method": "POST", "path": "/openai/deployments/gpt-4o/chat"}
    assert DropConnection().matches(**request, status=200, model=None)
    assert DropConnection(status=(401, 404)).matches(**request, status=404, model="gpt-4o")
    assert not DropConnection(status=401).matches(**request, status=404, model="gpt-4o")
    assert DropConnection(path="/chat").matches(**request, status=200, model=None)
    assert not DropConnection(path="/embeddings").matches(**request, status=200, model=None)
    assert DropConnection(model="gpt-4o").matches(**request, status=200, model="gpt-4o")
    assert not DropConnection(model="gpt-4o").matches(**request, status=200, model=None)
    assert DropConnection(host=AOAI.upper(), method="post").matches(
        **request, status=200, model=None
    )
    assert not DropConnection(method="GET").matches(**request, status=200, model=None)


def test_times_hits_and_precedence() -> None:
    faults = FaultSet()
    target = {"host": AOAI, "method": "POST", "path": "/x", "status": 401, "model": None}
    outer = faults.inject([SlowReply(delay=0)])
    with faults.inject([DropConnection(times=2)]) as inner:
        assert [type(faults.select(**target)) for _ in range(3)] == [
            DropConnection,
            DropConnection,
            SlowReply,
        ]
        assert inner.hits == 2
    assert outer.hits == 1
    assert faults.faults == (SlowReply(delay=0),)
    outer.remove()
    outer.remove()
    assert not faults
    assert faults.select(**target) is None
    with pytest.raises(ValueError, match="at least one"):
        faults.inject([])


def test_wire_plans() -> None:
    reply = InvalidKey().reply()
    size = len(reply.body)
    plan = DropConnection(body_bytes=10).wire(reply)
    assert (plan.content_length, plan.sent, plan.close) == (size, reply.body[:10], True)
    plan = TruncatedBody().wire(reply)
    assert (plan.content_length, len(plan.sent), plan.close) == (size, size // 2, True)
    plan = TruncatedBody(keep=7, content_length="kept").wire(reply)
    assert (plan.content_length, plan.sent, plan.close) == (7, reply.body[:7], False)
    plan = MislabelledBody(content_type="text/html", body=None).wire(reply)
    assert (plan.content_type, plan.sent) == ("text/html", reply.body)
    stream = Reply.sse([{"a": 1}, {"b": 2}])
    plan = TruncatedBody(keep=5, content_length="kept").wire(stream)
    assert plan.chunked
    assert plan.sent == b"5\r\ndata:\r\n0\r\n\r\n"


def test_no_fault_leaves_the_reply_alone(emu: Emulator) -> None:
    with emu.inject(DropConnection(status=404)) as injection:
        response = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
    assert response.status == 401
    assert response.body == INVALID_KEY_BODY.encode()
    assert injection.hits == 0
    assert emu.faults == ()
    assert emu.requests[-1].fault is None


def test_drop_connection_mid_body(emu: Emulator) -> None:
    with emu.inject(DropConnection(status=401, body_bytes=25)) as injection:
        raw, ended = _raw_exchange(emu, {"api-key": "x"})
    headers, body = _split(raw)
    assert (injection.hits, ended) == (1, "close")
    assert headers["content-length"] == str(len(INVALID_KEY_BODY))
    assert body == INVALID_KEY_BODY.encode()[:25]
    assert emu.requests[-1].fault == "drop-connection"
    assert emu.requests[-1].outcome == "invalid-key"


def test_drop_connection_with_reset(emu: Emulator) -> None:
    with emu.inject(DropConnection(body_bytes=0, reset=True)):
        raw, ended = _raw_exchange(emu, {"api-key": "x"})
    # over TLS the client may see the reset as a plain end of the stream
    assert ended in ("reset", "close")
    assert raw.startswith(b"HTTP/1.1 401 ")
    assert _split(raw)[1] == b""


def test_drop_connection_mid_stream(emu: Emulator) -> None:
    with emu.inject(DropConnection(body_bytes=40)):
        headers, body = _split(
            _raw_exchange(emu, {"api-key": emu.key("myres")}, body=STREAM_BODY)[0]
        )
    assert headers["transfer-encoding"] == "chunked"
    assert len(body) == 40
    assert not body.endswith(b"0\r\n\r\n")


def test_truncated_body_announced_in_full(emu: Emulator) -> None:
    with emu.inject(TruncatedBody(status=401)):
        headers, body = _split(_raw_exchange(emu, {"api-key": "x"})[0])
    assert headers["content-length"] == str(len(INVALID_KEY_BODY))
    assert body == INVALID_KEY_BODY.encode()[: len(INVALID_KEY_BODY) // 2]


def test_truncated_body_cut_json_keeps_the_connection(emu: Emulator) -> None:
    connection = connect(emu, AOAI)
    try:
        with emu.inject(TruncatedBody(keep=30, content_length="kept", times=1)):
            first = send(connection, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
            second = send(connection, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
    finally:
        connection.close()
    assert first.body == INVALID_KEY_BODY.encode()[:30]
    assert second.body == INVALID_KEY_BODY.encode()


@pytest.mark.parametrize(
    ("fault", "content_type", "body"),
    [
        (MislabelledBody(), "application/json", HTML_ERROR_PAGE),
        (MislabelledBody(body=BINARY_BODY), "application/json", BINARY_BODY),
        (
            MislabelledBody(content_type="text/html", body=None),
            "text/html",
            INVALID_KEY_BODY.encode(),
        ),
    ],
    ids=["html-as-json", "binary-as-json", "json-as-html"],
)
def test_mislabelled_body(emu: Emulator, fault: Fault, content_type: str, body: bytes) -> None:
    with emu.inject(fault):
        response = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
    assert response.status == 401
    assert response.header("content-type") == content_type
    assert response.body == body
    assert response.header("content-length") == str(len(body))


def test_slow_reply(emu: Emulator) -> None:
    with emu.inject(SlowReply(delay=0.2, status=401)):
        started = time.monotonic()
        slow = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
        elapsed = time.monotonic() - started
    assert elapsed >= 0.2
    assert slow.body == INVALID_KEY_BODY.encode()


def test_model_criterion_reads_the_request(emu: Emulator) -> None:
    with emu.inject(MislabelledBody(model="gpt-4o")) as injection:
        other = raw_request(
            emu,
            AOAI,
            "POST",
            CHAT.replace("gpt-4o", "gpt-4o-mini"),
            headers={"api-key": "x"},
            body=MESSAGES,
        )
        hit = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
    assert other.body == INVALID_KEY_BODY.encode()
    assert hit.body == HTML_ERROR_PAGE
    assert injection.hits == 1


# --- the SDKs: instrumented clients raise what bare ones raise ------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one call ended with."""

    error: BaseException | None
    result: Any
    elapsed: float
    requests: int


#: ids and timestamps in the emulator's answers, fresh on every reply
_VOLATILE = re.compile(r"[0-9a-f]{16,}|[0-9a-f-]{36}|\b\d{10}\b")


def _sdk_class(error: BaseException) -> type[BaseException]:
    return error._fd_base if isinstance(error, DiagnosedError) else type(error)


def _sdk_message(error: BaseException) -> str:
    """The SDK's own message (without the diagnosis an enriched error appends), with the ids
    and timestamps of the emulator's answer (fresh on every reply) blanked out."""
    text = error._fd_base.__str__(error) if isinstance(error, DiagnosedError) else str(error)
    return _VOLATILE.sub("<volatile>", text)


def _status(error: BaseException) -> object:
    return getattr(error, "status_code", None)


def _check_same(bare: Outcome, instrumented: Outcome, item: Scenario) -> None:
    assert instrumented.requests == bare.requests == 1
    assert instrumented.elapsed <= bare.elapsed + SLACK, (bare.elapsed, instrumented.elapsed)
    if bare.error is None:
        assert instrumented.error is None, repr(instrumented.error)
        assert type(instrumented.result) is type(bare.result)
        return
    error = instrumented.error
    assert error is not None, f"bare raised {bare.error!r}, instrumented returned"
    assert not type(error).__module__.startswith("foundry_doctor"), repr(error)
    assert _sdk_class(error) is type(bare.error)
    assert _sdk_message(error) == _sdk_message(bare.error)
    assert _status(error) == _status(bare.error)
    if isinstance(error, DiagnosedError):
        assert error.diagnosis.rule in SLUGS
        assert item.expected_rule is not None  # we only explain the statuses we watch
        assert error.diagnosis.status == item.expected_status


def _measure(emu: Emulator, run: Callable[[], Any]) -> Outcome:
    emu.clear_requests()
    started = time.monotonic()
    try:
        result, error = run(), None
    except Exception as caught:
        result, error = None, caught
    return Outcome(error, result, time.monotonic() - started, len(emu.requests))


async def _ameasure(emu: Emulator, run: Callable[[], Awaitable[Any]]) -> Outcome:
    emu.clear_requests()
    started = time.monotonic()
    try:
        result, error = await run(), None
    except Exception as caught:
        result, error = None, caught
    return Outcome(error, result, time.monotonic() - started, len(emu.requests))


#: (id, fault): every fault applies to every reply of the call it is injected for
FAULTS = [
    ("drop-after-headers", DropConnection(body_bytes=0)),
    ("drop-mid-body", DropConnection()),
    ("truncated-short", TruncatedBody()),
    ("truncated-cut-json", TruncatedBody(content_length="kept")),
    ("html-as-json", MislabelledBody()),
    ("binary-as-json", MislabelledBody(body=BINARY_BODY)),
    ("json-as-html", MislabelledBody(content_type="text/html", body=None)),
    ("slow", SlowReply(delay=DELAY)),
]
FAULT_PARAMS = [pytest.param(fault, id=name) for name, fault in FAULTS]

INFERENCE = ["invalid-key-inference", "unknown-model-inference", "ok-inference-models-key"]
OPENAI = [
    "invalid-key-azure-openai",
    "deployment-not-found-azure-openai",
    "ok-azure-openai-key",
    "invalid-key-openai-v1",
]

_AZURE_OPTIONS = {"retry_total": 0, "read_timeout": 10, "connection_timeout": 10}
_OPENAI_OPTIONS = {"max_retries": 0, "timeout": 10.0}


def _inference(emu: Emulator, item: Scenario, *, aio: bool, **options: Any) -> Any:
    return build_inference(emu, item, aio=aio, **(_AZURE_OPTIONS | options))


def _openai(emu: Emulator, item: Scenario, *, aio: bool, **options: Any) -> Any:
    kind = item.clients[0]
    return build_openai(emu, item, kind=kind, aio=aio, **(_OPENAI_OPTIONS | options))


def _check_slow(fault: Fault, bare: Outcome) -> None:
    if isinstance(fault, SlowReply):
        assert bare.elapsed >= fault.delay  # the fault did apply


def _sync_pair(
    emu: Emulator, fault: Fault, make: Callable[[], Any], item: Scenario, *, stream: bool = False
) -> tuple[Outcome, Outcome]:
    bare_client = make()
    instrumented_client = foundry_doctor.instrument(make())
    try:
        with emu.inject(fault) as injection:
            bare = _measure(emu, lambda: call(bare_client, item, stream=stream))
            instrumented = _measure(emu, lambda: call(instrumented_client, item, stream=stream))
    finally:
        bare_client.close()
        instrumented_client.close()
    assert injection.hits == 2
    return bare, instrumented


async def _async_pair(
    emu: Emulator, fault: Fault, make: Callable[[], Any], item: Scenario, *, stream: bool = False
) -> tuple[Outcome, Outcome]:
    bare_client = make()
    instrumented_client = foundry_doctor.instrument(make())
    try:
        with emu.inject(fault) as injection:
            bare = await _ameasure(emu, lambda: acall(bare_client, item, stream=stream))
            instrumented = await _ameasure(
                emu, lambda: acall(instrumented_client, item, stream=stream)
            )
    finally:
        await bare_client.close()
        await instrumented_client.close()
    assert injection.hits == 2
    return bare, instrumented


@pytest.mark.azure
@pytest.mark.parametrize("name", INFERENCE)
@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_inference_sync(emu: Emulator, fault: Fault, name: str) -> None:
    item = scenario(name)
    bare, instrumented = _sync_pair(emu, fault, lambda: _inference(emu, item, aio=False), item)
    _check_slow(fault, bare)
    _check_same(bare, instrumented, item)


@pytest.mark.azure
@pytest.mark.parametrize("name", INFERENCE)
@pytest.mark.parametrize("fault", FAULT_PARAMS)
async def test_inference_aio(emu: Emulator, fault: Fault, name: str) -> None:
    item = scenario(name)
    bare, instrumented = await _async_pair(
        emu, fault, lambda: _inference(emu, item, aio=True), item
    )
    _check_slow(fault, bare)
    _check_same(bare, instrumented, item)


@pytest.mark.openai
@pytest.mark.parametrize("name", OPENAI)
@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_openai_sync(emu: Emulator, fault: Fault, name: str) -> None:
    item = scenario(name)
    bare, instrumented = _sync_pair(emu, fault, lambda: _openai(emu, item, aio=False), item)
    _check_slow(fault, bare)
    _check_same(bare, instrumented, item)


@pytest.mark.openai
@pytest.mark.parametrize("name", OPENAI)
@pytest.mark.parametrize("fault", FAULT_PARAMS)
async def test_openai_async(emu: Emulator, fault: Fault, name: str) -> None:
    item = scenario(name)
    bare, instrumented = await _async_pair(emu, fault, lambda: _openai(emu, item, aio=True), item)
    _check_slow(fault, bare)
    _check_same(bare, instrumented, item)


# --- streams broken off mid-way -------------------------------------------------------------------

STREAM_FAULTS = [
    pytest.param(DropConnection(body_bytes=300), id="drop-mid-stream"),
    pytest.param(TruncatedBody(content_length="kept", keep=300), id="stream-cut-mid-event"),
    pytest.param(SlowReply(delay=DELAY), id="slow"),
]


@pytest.mark.azure
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "aio"])
@pytest.mark.parametrize("fault", STREAM_FAULTS)
async def test_inference_stream(emu: Emulator, fault: Fault, aio: bool) -> None:
    item = scenario("ok-inference-models-key")
    if aio:
        bare, instrumented = await _async_pair(
            emu, fault, lambda: _inference(emu, item, aio=True), item, stream=True
        )
    else:
        bare, instrumented = _sync_pair(
            emu, fault, lambda: _inference(emu, item, aio=False), item, stream=True
        )
    _check_slow(fault, bare)
    _check_same(bare, instrumented, item)


@pytest.mark.openai
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("fault", STREAM_FAULTS)
async def test_openai_stream(emu: Emulator, fault: Fault, aio: bool) -> None:
    item = scenario("ok-azure-openai-key")
    if aio:
        bare, instrumented = await _async_pair(
            emu, fault, lambda: _openai(emu, item, aio=True), item, stream=True
        )
    else:
        bare, instrumented = _sync_pair(
            emu, fault, lambda: _openai(emu, item, aio=False), item, stream=True
        )
    _check_slow(fault, bare)
    _check_same(bare, instrumented, item)


# --- a reply slower than the client waits ---------------------------------------------------------


@pytest.mark.azure
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "aio"])
async def test_inference_timeout(emu: Emulator, aio: bool) -> None:
    item = scenario("invalid-key-inference")
    fault = SlowReply(delay=1.5)

    def make() -> Any:
        return _inference(emu, item, aio=aio, read_timeout=0.3)

    if aio:
        bare, instrumented = await _async_pair(emu, fault, make, item)
    else:
        bare, instrumented = _sync_pair(emu, fault, make, item)
    assert bare.error is not None
    assert bare.elapsed < fault.delay
    _check_same(bare, instrumented, item)


@pytest.mark.openai
@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
async def test_openai_timeout(emu: Emulator, aio: bool) -> None:
    import openai

    item = scenario("invalid-key-azure-openai")
    fault = SlowReply(delay=1.5)

    def make() -> Any:
        return _openai(emu, item, aio=aio, timeout=0.3)

    if aio:
        bare, instrumented = await _async_pair(emu, fault, make, item)
    else:
        bare, instrumented = _sync_pair(emu, fault, make, item)
    assert isinstance(bare.error, openai.APITimeoutError)
    _check_same(bare, instrumented, item)


# --- a broken error body is diagnosed or left alone -----------------------------------------------


@pytest.mark.openai
@pytest.mark.parametrize("name", ["invalid-key-azure-openai", "deployment-not-found-azure-openai"])
def test_openai_json_labelled_html_is_still_diagnosed(emu: Emulator, name: str) -> None:
    import openai

    item = scenario(name)
    client = foundry_doctor.instrument(_openai(emu, item, aio=False))
    with (
        emu.inject(MislabelledBody(content_type="text/html", body=None)),
        pytest.raises(openai.APIStatusError) as caught,
    ):
        call(client, item)
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == item.expected_rule


@pytest.mark.azure
@pytest.mark.parametrize("name", ["invalid-key-inference", "unknown-model-inference"])
def test_inference_json_labelled_html_is_still_diagnosed(emu: Emulator, name: str) -> None:
    from azure.core.exceptions import HttpResponseError

    item = scenario(name)
    client = foundry_doctor.instrument(_inference(emu, item, aio=False))
    with (
        emu.inject(MislabelledBody(content_type="text/html", body=None)),
        pytest.raises(HttpResponseError) as caught,
    ):
        call(client, item)
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == item.expected_rule


# --- endless bodies and other answers, below any SDK ---------------------------------------------


def _dechunk(body: bytes) -> bytes:
    data, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        data, rest = data + rest[:size], rest[size + 2 :]
    return data


def test_endless_body_with_a_total(emu: Emulator) -> None:
    with emu.inject(EndlessBody(total=100_000, status=401)):
        raw, _ = _raw_exchange(emu, {"api-key": "x", "Connection": "close"})
    headers, body = _split(raw)
    assert headers["transfer-encoding"] == "chunked"
    assert body.endswith(b"0\r\n\r\n")
    data = _dechunk(body)
    assert len(data) == 100_000
    assert data.startswith(INVALID_KEY_BODY.encode())
    assert data[len(INVALID_KEY_BODY) :].strip() == b""
    assert emu.requests[-1].fault == "endless-body"


def test_endless_body_goes_on_until_the_client_leaves(emu: Emulator) -> None:
    context = ssl.create_default_context(cafile=emu.ca_file)
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as plain:
        plain.sendall(f"CONNECT {AOAI}:443 HTTP/1.1\r\nHost: {AOAI}\r\n\r\n".encode())
        assert plain.recv(4096).startswith(b"HTTP/1.1 200 ")
        with emu.inject(EndlessBody()), context.wrap_socket(plain, server_hostname=AOAI) as tls:
            body = b'{"messages":[]}'
            head = f"POST {CHAT} HTTP/1.1\r\nHost: {AOAI}\r\napi-key: x\r\n"
            tls.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            received = b""
            while len(received) < 4 * 1024 * 1024:  # far more than any reply of the service
                received += tls.recv(65536)
    assert received.startswith(b"HTTP/1.1 401 ")
    # the emulator is still answering others
    response = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
    assert response.body == INVALID_KEY_BODY.encode()


def test_answer_replaces_the_services_reply_once(emu: Emulator) -> None:
    answer = Answer(
        reply_status=429, reply_headers=(("x-should-retry", "true"),), reply_body="{}", times=1
    )
    with emu.inject(answer):
        first = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
        second = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "x"}, body=MESSAGES)
    assert (first.status, first.header("x-should-retry"), first.body) == (429, "true", b"{}")
    assert second.status == 401
    assert second.body == INVALID_KEY_BODY.encode()
    assert [(r.status, r.outcome, r.fault) for r in emu.requests[-2:]] == [
        (429, "answer", "answer"),
        (401, "invalid-key", None),
    ]
    with pytest.raises(ValueError, match="chunk"):
        EndlessBody(chunk=0)
