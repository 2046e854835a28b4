"""The request log: what reached the emulator and what it answered, without secrets.

Secret header values (``api-key``, ``Authorization``, ...) and secret-looking query values are
replaced by ``"***"`` before anything is stored, so neither ``repr`` nor logging of a
:class:`RecordedRequest` can leak a key or a token. What the request carried is still visible:
:attr:`RecordedRequest.auth_headers` names the credential headers that were present and
:attr:`RecordedRequest.bearer` says whether ``Authorization: Bearer`` held a JWT or something
else.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["REDACTED", "SECRET_HEADERS", "RecordedRequest", "RequestLog", "redact_headers"]

REDACTED = "***"

#: request headers whose values are never stored
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "api-key",
        "ocp-apim-subscription-key",
        "x-api-key",
        "proxy-authorization",
        "cookie",
        "x-identity-header",
        "secret",
    }
)
#: query parameters whose values are never stored
SECRET_QUERY = frozenset(
    {
        "api-key",
        "subscription-key",
        "key",
        "code",
        "sig",
        "token",
        "client_secret",
        "client_assertion",
    }
)

_AUTH_HEADERS = ("api-key", "authorization")
_MAX_VALUE = 1024


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-cased header names to values, non-empty secret values replaced by ``"***"``."""
    redacted: dict[str, str] = {}
    for name, value in headers:
        lowered = name.lower()
        secret = lowered in SECRET_HEADERS and value.strip()
        redacted[lowered] = REDACTED if secret else value[:_MAX_VALUE]
    return redacted


def redact_query(query: Mapping[str, str]) -> dict[str, str]:
    return {
        name: REDACTED if name.lower() in SECRET_QUERY else value[:_MAX_VALUE]
        for name, value in query.items()
    }


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the emulator answered.

    ``service`` is the emulated service that answered (``"foundry"``, ``"entra"``,
    ``"managed-identity"``) or ``None`` (refused by the listener itself). ``route`` is what the
    service calls the part it served: for Foundry the endpoint family the path belongs to
    (``"deployments"``, ``"v1"``, ``"models"``, ``"project"``), for Entra ID ``"token"``,
    ``"discovery"`` or ``"instance-discovery"``, for managed identity the platform's kind
    (``"vm"``, ``"app_service"``, ``"cloud_shell"``), else ``None``; ``outcome`` is the
    emulator's decision as a slug (``"ok"``, ``"invalid-key"``, ``"token-wrong-audience"``,
    ``"permission-denied"``, ...).
    ``fault`` names the injected fault that changed how the reply went out
    (``"drop-connection"``, ``"truncated-body"``, ``"mislabelled-body"``, ``"slow-reply"``; see
    :mod:`foundry_doctor.emulator.wire.faults`), ``None`` for a normal reply.
    """

    host: str
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    auth_headers: tuple[str, ...] = ()
    bearer: Literal["jwt", "opaque"] | None = None
    model: str | None = None
    route: str | None = None
    status: int = 0
    error_code: str | None = None
    outcome: str = ""
    fault: str | None = None
    service: str | None = None

    @classmethod
    def build(
        cls,
        *,
        host: str,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Iterable[tuple[str, str]],
        bearer: Literal["jwt", "opaque"] | None,
        model: str | None,
        route: str | None,
        status: int,
        error_code: str | None,
        outcome: str,
        fault: str | None = None,
        service: str | None = None,
    ) -> RecordedRequest:
        """A record with the secrets already removed."""
        items = list(headers)
        present = tuple(
            name
            for name in _AUTH_HEADERS
            if any(key.lower() == name and value.strip() for key, value in items)
        )
        return cls(
            host=host,
            method=method,
            path=path,
            query=redact_query(query),
            headers=redact_headers(items),
            auth_headers=present,
            bearer=bearer,
            model=model,
            route=route,
            status=status,
            error_code=error_code,
            outcome=outcome,
            fault=fault,
            service=service,
        )


class RequestLog:
    """A bounded, thread-safe list of :class:`RecordedRequest` (oldest dropped first)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._items: deque[RecordedRequest] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def add(self, record: RecordedRequest) -> None:
        with self._lock:
            self._items.append(record)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
