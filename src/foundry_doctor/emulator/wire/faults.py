"""Faults on the wire: make the emulator misbehave, on purpose, for the requests that match.

The emulated service decides its answer as usual; a fault then changes how that answer goes out
(the request log still records the decision, and names the fault applied)::

    from foundry_doctor.emulator import DropConnection, Emulator, SlowReply

    with Emulator() as emu:
        with emu.inject(DropConnection(status=401)):        # every 401 breaks off mid-body
            ...
        with emu.inject(SlowReply(delay=2.0, path="/chat/completions")) as injection:
            ...
        assert injection.hits == 1                           # how many replies it changed

Four faults, each a frozen dataclass:

* :class:`DropConnection`: the status line, the headers and part of the body, then the
  connection is closed (or reset);
* :class:`TruncatedBody`: the body ends early, either announced in full by ``Content-Length``
  and then cut off by closing the connection, or announced honestly but cut in the middle of
  its JSON;
* :class:`MislabelledBody`: a ``Content-Type`` that does not describe the body (an HTML page or
  binary bytes labelled ``application/json``, JSON labelled ``text/html``, ...);
* :class:`SlowReply`: the answer is held back for some seconds before its headers go out;
* :class:`EndlessBody`: the body never ends: the answer's own body, then padding, chunk after
  chunk, until the client goes away (or ``total`` bytes);
* :class:`Answer`: another answer instead of the service's (its status, headers and body; the
  request log records this one), e.g. a claims challenge once, or ``x-should-retry: true``.

Every fault takes the same keyword-only criteria; all that are given must hold: ``path`` (a
substring of the request path, query excluded), ``model`` (the deployment / model the request
names: in the classic route's path, in the ``x-ms-model-mesh-model-name`` header or in the
JSON body's ``model``), ``status`` (the status the emulator answers, one or a tuple), ``host``
and ``method``. ``times`` limits a fault to the first N matching replies. With no criteria a
fault applies to every reply. Without any fault the emulator behaves exactly as before.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import ClassVar, Literal
from urllib.parse import unquote

from foundry_doctor.emulator.wire.messages import Reply

__all__ = [
    "BINARY_BODY",
    "HTML_ERROR_PAGE",
    "Answer",
    "DropConnection",
    "EndlessBody",
    "Fault",
    "FaultSet",
    "Injection",
    "MislabelledBody",
    "SlowReply",
    "TruncatedBody",
    "WirePlan",
    "requested_model",
]

#: what a misconfigured proxy or gateway sends instead of the service's JSON
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\r\n<html><head><title>401 - Unauthorized</title></head>\r\n"
    b"<body><h1>Server Error</h1><p>401 - Unauthorized: Access is denied due to invalid "
    b"credentials.</p></body></html>\r\n"
)
#: bytes that are neither UTF-8 nor JSON (a gzip header, NULs, invalid UTF-8 sequences)
BINARY_BODY = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x00\xc3\x28\xa0\xa1\xe2\x28\xa1\xff\xfe"

_DEPLOYMENT_IN_PATH = re.compile(r"/openai/deployments/([^/]+)")
_MODEL_HEADER = "x-ms-model-mesh-model-name"
_MODEL_SCAN_LIMIT = 1024 * 1024


# --- how a faulty reply goes out ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WirePlan:
    """How the proxy writes one reply that a fault changed.

    ``body`` is everything after the headers as it goes on the wire (chunk framing included
    when ``chunked``); ``content_length`` is what the ``Content-Length`` header announces
    (``None`` when ``chunked``); only the first ``send`` bytes of ``body`` are written. Then,
    when ``chunked``, the chunks of ``more`` go out one by one, each flushed, until it ends or
    the client stops reading (and then the terminating chunk, if it ended). Then the connection
    is closed when ``close`` (abortively, with a TCP reset, when ``reset``).
    """

    content_type: str
    body: bytes
    chunked: bool = False
    content_length: int | None = None
    send: int | None = None
    close: bool = False
    reset: bool = False
    more: Iterable[bytes] | None = field(default=None, compare=False)

    @property
    def sent(self) -> bytes:
        """The bytes of the body actually written."""
        return self.body if self.send is None else self.body[: self.send]


def _frame(chunks: Iterable[bytes]) -> bytes:
    """Chunked transfer encoding of ``chunks``, terminator included."""
    framed = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks if chunk)
    return framed + b"0\r\n\r\n"


def _payload(reply: Reply) -> tuple[bytes, tuple[bytes, ...] | None]:
    """The reply's whole payload, and its chunks when it is streamed (the stream is consumed)."""
    if reply.stream is None:
        return reply.body, None
    chunks = tuple(reply.stream)
    return b"".join(chunks), chunks


# --- the faults -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Fault:
    """What every fault shares: which replies it applies to (see the module docstring).

    Not a fault by itself; use :class:`DropConnection`, :class:`TruncatedBody`,
    :class:`MislabelledBody` or :class:`SlowReply`.
    """

    #: the fault's name in the request log (``RecordedRequest.fault``)
    kind: ClassVar[str] = ""

    path: str | None = None
    model: str | None = None
    status: int | tuple[int, ...] | None = None
    host: str | None = None
    method: str | None = None
    times: int | None = None

    def __post_init__(self) -> None:
        if type(self) is Fault:
            raise TypeError(
                "Fault is the base class; use DropConnection, TruncatedBody, MislabelledBody "
                "or SlowReply"
            )
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or None for every matching reply)")

    def matches(self, *, host: str, method: str, path: str, status: int, model: str | None) -> bool:
        """Whether this fault applies to a reply of ``status`` to that request."""
        if self.path is not None and self.path not in path:
            return False
        if self.model is not None and self.model != model:
            return False
        if self.status is not None:
            wanted = (self.status,) if isinstance(self.status, int) else self.status
            if status not in wanted:
                return False
        if self.host is not None and self.host.lower() != host.lower():
            return False
        return self.method is None or self.method.upper() == method.upper()

    def delay_before_headers(self) -> float:
        """Seconds to wait before the status line goes out."""
        return 0.0

    def wire(self, reply: Reply) -> WirePlan | None:
        """How ``reply`` goes out with this fault; ``None``: as usual."""
        return None

    def answer(self, reply: Reply) -> Reply:
        """The reply that goes out in place of the service's ``reply`` (the same by default)."""
        return reply


@dataclass(frozen=True, kw_only=True)
class DropConnection(Fault):
    """Send the status line, the headers and ``body_bytes`` bytes of the body (default: half of
    it; at most all of it), then close the connection. ``Content-Length`` (or the chunked
    framing of a stream) announces the whole body, so the client sees the connection end
    mid-body. ``reset=True`` closes abortively (a TCP reset: "connection reset by peer"); data
    still in flight may then be lost, as on a real reset."""

    kind: ClassVar[str] = "drop-connection"

    body_bytes: int | None = None
    reset: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.body_bytes is not None and self.body_bytes < 0:
            raise ValueError("body_bytes must not be negative")

    def wire(self, reply: Reply) -> WirePlan:
        payload, chunks = _payload(reply)
        body = payload if chunks is None else _frame(chunks)
        send = len(body) // 2 if self.body_bytes is None else min(self.body_bytes, len(body))
        return WirePlan(
            content_type=reply.content_type,
            body=body,
            chunked=chunks is not None,
            content_length=None if chunks is not None else len(payload),
            send=send,
            close=True,
            reset=self.reset,
        )


@dataclass(frozen=True, kw_only=True)
class TruncatedBody(Fault):
    """Cut the body after ``keep`` bytes (default: half of it).

    ``content_length="full"`` (default): the headers announce the whole body, the kept bytes
    are sent and the connection is closed (``Content-Length`` larger than what arrives).
    ``content_length="kept"``: the headers announce only the kept bytes, so the framing is
    sound but the body stops in the middle of its JSON; the connection stays open. A streamed
    reply is sent as one chunk, announced in full or cut the same way.
    """

    kind: ClassVar[str] = "truncated-body"

    keep: int | None = None
    content_length: Literal["full", "kept"] = "full"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.keep is not None and self.keep < 0:
            raise ValueError("keep must not be negative")
        if self.content_length not in ("full", "kept"):
            raise ValueError('content_length is "full" or "kept"')

    def wire(self, reply: Reply) -> WirePlan:
        payload, chunks = _payload(reply)
        keep = len(payload) // 2 if self.keep is None else min(self.keep, len(payload))
        chunked = chunks is not None
        if self.content_length == "kept":
            kept = payload[:keep]
            return WirePlan(
                content_type=reply.content_type,
                body=_frame((kept,)) if chunked else kept,
                chunked=chunked,
                content_length=None if chunked else keep,
            )
        if chunked:
            head = b"%x\r\n" % len(payload)
            body = head + payload + b"\r\n0\r\n\r\n"
            send = len(head) + keep
        else:
            body, send = payload, keep
        return WirePlan(
            content_type=reply.content_type,
            body=body,
            chunked=chunked,
            content_length=None if chunked else len(payload),
            send=send,
            close=True,
        )


@dataclass(frozen=True, kw_only=True)
class MislabelledBody(Fault):
    """Send ``body`` (default: an HTML error page, :data:`HTML_ERROR_PAGE`) labelled
    ``content_type`` (default ``application/json``). ``body=None`` keeps the service's own body
    and only changes the label, e.g. ``MislabelledBody(content_type="text/html", body=None)``
    for JSON labelled as HTML; ``body=BINARY_BODY`` for binary bytes labelled as JSON. A
    streamed reply whose body is kept goes out in one piece, still chunked."""

    kind: ClassVar[str] = "mislabelled-body"

    content_type: str = "application/json"
    body: bytes | None = HTML_ERROR_PAGE

    def wire(self, reply: Reply) -> WirePlan:
        if self.body is not None:
            if reply.stream is not None:
                tuple(reply.stream)  # the service's answer is replaced: drop it
            return WirePlan(
                content_type=self.content_type,
                body=self.body,
                content_length=len(self.body),
            )
        payload, chunks = _payload(reply)
        if chunks is not None:
            return WirePlan(content_type=self.content_type, body=_frame(chunks), chunked=True)
        return WirePlan(content_type=self.content_type, body=payload, content_length=len(payload))


@dataclass(frozen=True, kw_only=True)
class SlowReply(Fault):
    """Hold the reply back for ``delay`` seconds (the request has been read and answered)
    before its status line goes out; then send it as usual, streams event by event."""

    kind: ClassVar[str] = "slow-reply"

    delay: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.delay >= 0:  # also refuses NaN
            raise ValueError("delay must be a number of seconds, at least 0")

    def delay_before_headers(self) -> float:
        return self.delay


@dataclass(frozen=True, kw_only=True)
class EndlessBody(Fault):
    """Send the answer's body chunked, then ``pad`` over and over in chunks of ``chunk`` bytes,
    each flushed, until the client stops reading or closes the connection. ``total`` stops it
    after that many bytes in all (body included), with a proper end of the body."""

    kind: ClassVar[str] = "endless-body"

    pad: bytes = b" "
    chunk: int = 16 * 1024
    total: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.pad:
            raise ValueError("pad must not be empty")
        if self.chunk < 1:
            raise ValueError("chunk must be at least 1 byte")
        if self.total is not None and self.total < 0:
            raise ValueError("total must not be negative")

    def wire(self, reply: Reply) -> WirePlan:
        payload, _ = _payload(reply)
        filler = (self.pad * (self.chunk // len(self.pad) + 1))[: self.chunk]
        return WirePlan(
            content_type=reply.content_type,
            body=b"",
            chunked=True,
            more=self._chunks(payload, filler),
        )

    def _chunks(self, payload: bytes, filler: bytes) -> Iterator[bytes]:
        left = self.total
        for piece in itertools.chain((payload,), itertools.repeat(filler)):
            if left is not None:
                piece = piece[:left]
                left -= len(piece)
            if piece:
                yield piece
            if left == 0:
                return


@dataclass(frozen=True, kw_only=True)
class Answer(Fault):
    """Answer ``reply_status`` with ``reply_headers`` and ``reply_body`` (JSON) instead of what
    the service decided; the request log records this answer. With ``times=1``: a first
    answer that a client recovers from, e.g. a 401 claims challenge
    (``WWW-Authenticate: Bearer error="insufficient_claims", claims="..."``) or a status with
    ``x-should-retry: true``, and then the service's own answer to the request sent again."""

    kind: ClassVar[str] = "answer"

    reply_status: int = 401
    reply_headers: tuple[tuple[str, str], ...] = ()
    reply_body: str = '{"error":{"code":"401","message":"Unauthorized."}}'

    def answer(self, reply: Reply) -> Reply:
        if reply.stream is not None:
            tuple(reply.stream)  # the service's answer is replaced: drop it
        return Reply(
            status=self.reply_status,
            body=self.reply_body.encode("utf-8"),
            headers=self.reply_headers,
            error_code=_error_code(self.reply_body),
            outcome=self.kind,
        )


def _error_code(body: str) -> str | None:
    """``error.code`` of a JSON error envelope, for the request log; ``None`` otherwise."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return None if code is None else str(code)


# --- which fault applies --------------------------------------------------------------------------


def requested_model(
    path: str, headers: Iterable[tuple[str, str]], body: bytes | None
) -> str | None:
    """The deployment / model a request names: in a classic route's path, in the
    ``x-ms-model-mesh-model-name`` header, or as the JSON body's ``model`` (in that order)."""
    found = _DEPLOYMENT_IN_PATH.search(path)
    if found is not None:
        return unquote(found.group(1))
    for name, value in headers:
        if name.lower() == _MODEL_HEADER and value.strip():
            return value.strip()
    if body and len(body) <= _MODEL_SCAN_LIMIT and b'"model"' in body:
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return None
        model = parsed.get("model") if isinstance(parsed, dict) else None
        return model if isinstance(model, str) and model else None
    return None


class _Armed:
    """One injected fault and how often it has been applied."""

    __slots__ = ("fault", "hits")

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.hits = 0

    def available(self) -> bool:
        return self.fault.times is None or self.hits < self.fault.times


class FaultSet:
    """The faults in force on one emulator (thread-safe). The most recently injected fault
    that matches a reply is the one applied; at most one fault applies per reply."""

    def __init__(self) -> None:
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._armed)

    def __repr__(self) -> str:
        return f"FaultSet({list(self.faults)!r})"

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The faults in force, oldest first."""
        with self._lock:
            return tuple(armed.fault for armed in self._armed)

    def inject(self, faults: Sequence[Fault]) -> Injection:
        if not faults:
            raise ValueError("inject() needs at least one fault")
        for fault in faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"not a Fault: {fault!r}")
        armed = tuple(_Armed(fault) for fault in faults)
        with self._lock:
            self._armed.extend(armed)
        return Injection(self, armed)

    def _remove(self, armed: Iterable[_Armed]) -> None:
        with self._lock:
            gone = {id(item) for item in armed}
            self._armed = [item for item in self._armed if id(item) not in gone]

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._armed.clear()

    def select(
        self, *, host: str, method: str, path: str, status: int, model: str | None
    ) -> Fault | None:
        """The fault to apply to this reply (counted as applied), or ``None``."""
        with self._lock:
            for armed in reversed(self._armed):
                if armed.available() and armed.fault.matches(
                    host=host, method=method, path=path, status=status, model=model
                ):
                    armed.hits += 1
                    return armed.fault
        return None


class Injection:
    """The handle :meth:`Emulator.inject` returns: a context manager that removes its faults
    at the end of the block, or call :meth:`remove`. :attr:`hits` counts the replies its
    faults changed."""

    def __init__(self, owner: FaultSet, armed: tuple[_Armed, ...]) -> None:
        self._owner = owner
        self._armed = armed

    def __repr__(self) -> str:
        return f"Injection({list(self.faults)!r}, hits={self.hits})"

    @property
    def faults(self) -> tuple[Fault, ...]:
        return tuple(armed.fault for armed in self._armed)

    @property
    def hits(self) -> int:
        """How many replies the faults of this injection changed so far."""
        with self._owner._lock:
            return sum(armed.hits for armed in self._armed)

    def remove(self) -> None:
        """Take the faults out of force (no error when already removed)."""
        self._owner._remove(self._armed)

    def __enter__(self) -> Injection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()
