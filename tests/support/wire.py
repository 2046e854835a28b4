"""Raw requests to the emulator, below any SDK: for checking exact bytes, headers and
connection behaviour. Uses only the standard library: ``http.client`` with a ``CONNECT`` tunnel
and a context that trusts the emulator's CA for the HTTPS services, plain HTTP to the listener
itself for the loopback endpoints (managed identity)."""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from foundry_doctor.emulator import Emulator

__all__ = ["RawResponse", "connect", "plain_request", "raw_request"]


@dataclass(frozen=True)
class RawResponse:
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def connect(emulator: Emulator, host: str) -> http.client.HTTPSConnection:
    """An HTTPS connection to ``host`` through the emulator's proxy (not yet opened)."""
    context = ssl.create_default_context(cafile=emulator.ca_file)
    connection = http.client.HTTPSConnection(
        "127.0.0.1", emulator.port, context=context, timeout=10
    )
    connection.set_tunnel(host, 443)
    return connection


def send(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | dict[str, Any] | None = None,
) -> RawResponse:
    """One request on an open (or openable) connection; the response is read fully."""
    payload = json.dumps(body).encode() if isinstance(body, dict) else body
    all_headers = dict(headers or {})
    if payload is not None:
        all_headers.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    return RawResponse(
        status=response.status,
        reason=response.reason,
        headers={name.lower(): value for name, value in response.getheaders()},
        body=data,
    )


def raw_request(
    emulator: Emulator,
    host: str,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | dict[str, Any] | None = None,
) -> RawResponse:
    """One request on a fresh connection."""
    connection = connect(emulator, host)
    try:
        return send(connection, method, path, headers=headers, body=body)
    finally:
        connection.close()


def plain_request(
    emulator: Emulator,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> RawResponse:
    """One plain HTTP request to the listener itself (no proxy, no TLS)."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    try:
        return send(connection, method, path, headers=headers, body=body)
    finally:
        connection.close()
