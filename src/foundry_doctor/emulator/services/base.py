"""What every emulated service shares: the error type its handlers raise, and its interface.

A handler never builds an error reply itself: it raises the service's own error (a subclass of
:class:`ServiceError` that knows its status, body, content type and headers) and
:meth:`ServiceError.reply` renders it, in this one place. Each service has one error base class
that fixes the body shape of that service (the Foundry gateway's ``{"error":{...}}``, Entra ID's
OAuth error, IMDS's two-field error, ...).
"""

from __future__ import annotations

from typing import Protocol

from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

__all__ = ["LocalService", "Service", "ServiceError", "TunnelledService"]


class ServiceError(Exception):
    """An answer other than success. Subclasses set :attr:`status` and :attr:`outcome` (the
    slug the request log keeps) and implement :meth:`body`; :meth:`reply` renders them."""

    #: the HTTP status (an instance may carry its own, e.g. one the world configures)
    status: int = 500
    #: the decision's slug in the request log; an instance may carry a more precise one
    outcome: str = "error"
    content_type: str = "application/json"
    #: the reason phrase, when the service does not send the standard one
    reason: str | None = None

    def __init__(self, *, outcome: str | None = None) -> None:
        super().__init__(outcome or type(self).outcome)
        if outcome is not None:
            self.outcome = outcome
        self._added_headers: tuple[tuple[str, str], ...] = ()

    def body(self) -> str:
        """The raw body text, byte for byte as the service sends it."""
        raise NotImplementedError

    def headers(self) -> tuple[tuple[str, str], ...]:
        """Headers this answer carries beyond the service's common ones."""
        return ()

    def error_code(self) -> str | None:
        """The service's own error code, for the request log (``None``: the body has none)."""
        return None

    def add_headers(self, *headers: tuple[str, str]) -> ServiceError:
        """Attach more headers (a route that labels its errors); returns ``self``."""
        self._added_headers = (*self._added_headers, *headers)
        return self

    def reply(self) -> Reply:
        """The reply this error goes out as."""
        return Reply(
            status=self.status,
            body=self.body().encode("utf-8"),
            headers=(*self.headers(), *self._added_headers),
            content_type=self.content_type,
            error_code=self.error_code(),
            outcome=self.outcome,
            reason=self.reason,
        )


class Service(Protocol):
    """One emulated service and how it answers."""

    #: the service's name in the request log (``RecordedRequest.service``)
    name: str

    def handle(self, request: IncomingRequest) -> Handled:
        """The answer to one request (never raises :class:`ServiceError`)."""
        ...


class TunnelledService(Service, Protocol):
    """A service reached through the HTTPS proxy under its real host names."""

    def serves_host(self, host: str) -> bool:
        """Whether requests for ``host`` (lower case, no port) are this service's."""
        ...

    def hint_for(self, host: str) -> str | None:
        """For a host no part of the world answers on: how to add one that would (``add a
        resource: world.add_resource(Resource('x'))``), ``None`` when the host is not of this
        service's kind."""
        ...


class LocalService(Service, Protocol):
    """A service answering plain HTTP on the listener itself, told apart by path."""

    def serves_path(self, path: str) -> bool:
        """Whether a plain request for ``path`` is this service's."""
        ...
