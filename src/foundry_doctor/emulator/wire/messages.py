"""What travels between the listener and a service: the request as read, the reply to write.

A service turns an :class:`IncomingRequest` into a :class:`Handled` (its :class:`Reply` plus
what the request log keeps about the decision); the proxy writes the reply out, applying an
injected fault when one matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl

__all__ = ["BearerKind", "Handled", "IncomingRequest", "Reply", "compact_json"]

#: what ``Authorization: Bearer`` carried: a JWT, or something else (e.g. a key)
BearerKind = Literal["jwt", "opaque"]


def compact_json(value: object) -> str:
    """JSON without spaces (the way the services write their bodies)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """One HTTP request as the listener read it (inside a TLS tunnel, or plain on loopback).

    ``host`` is the tunnel's host name for HTTPS, the ``Host`` header for plain requests.
    """

    host: str
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), ``None`` when absent."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def form(self) -> dict[str, str]:
        """The body as an ``application/x-www-form-urlencoded`` form (first value per name)."""
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            return {}
        fields: dict[str, str] = {}
        for name, value in parse_qsl(text, keep_blank_values=True):
            fields.setdefault(name, value)
        return fields


@dataclass(frozen=True, slots=True)
class Reply:
    """What a service answers to one request.

    Exactly one of ``body`` (sent with ``Content-Length``) and ``stream`` (sent with chunked
    transfer encoding, one chunk per item, each flushed on its own) is used. ``headers`` are all
    headers but ``Date``, ``Content-Type`` and the framing, which the proxy writes. ``error_code``
    (the service's own error code, for the request log) and ``outcome`` (a short slug naming the
    service's decision) are never sent.
    """

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"
    stream: Iterable[bytes] | None = field(default=None, repr=False, compare=False)
    error_code: str | None = None
    outcome: str = "ok"
    #: the reason phrase when not the standard one for ``status``
    reason: str | None = None

    @classmethod
    def json(
        cls,
        payload: object,
        *,
        outcome: str = "ok",
        headers: tuple[tuple[str, str], ...] = (),
        content_type: str = "application/json",
    ) -> Reply:
        """A 200 reply with a JSON payload."""
        return cls(
            status=200,
            body=compact_json(payload).encode("utf-8"),
            headers=headers,
            content_type=content_type,
            outcome=outcome,
        )

    @classmethod
    def sse(cls, events: Iterable[object], *, outcome: str = "ok", named: bool = False) -> Reply:
        """A 200 ``text/event-stream`` reply: one ``data:`` event per payload, then ``[DONE]``
        (chat completions); ``named``: each event also carries ``event: <its "type">`` and no
        ``[DONE]`` follows (the Responses and Anthropic streams)."""

        def chunks() -> Iterator[bytes]:
            for event in events:
                data = b"data: " + compact_json(event).encode("utf-8") + b"\n\n"
                if named and isinstance(event, Mapping):
                    data = b"event: " + str(event.get("type", "")).encode("utf-8") + b"\n" + data
                yield data
            if not named:
                yield b"data: [DONE]\n\n"

        return cls(
            status=200,
            content_type="text/event-stream",
            stream=chunks(),
            outcome=outcome,
        )

    def with_headers(self, headers: tuple[tuple[str, str], ...]) -> Reply:
        """The same reply with ``headers`` in front of its own."""
        return Reply(
            status=self.status,
            body=self.body,
            headers=(*headers, *self.headers),
            content_type=self.content_type,
            stream=self.stream,
            error_code=self.error_code,
            outcome=self.outcome,
            reason=self.reason,
        )


@dataclass(frozen=True, slots=True)
class Handled:
    """A service's reply plus what the request log keeps about the request: which service and
    route answered, the deployment or model it named, and what its bearer credential was."""

    reply: Reply
    service: str | None = None
    route: str | None = None
    model: str | None = None
    bearer: BearerKind | None = None
