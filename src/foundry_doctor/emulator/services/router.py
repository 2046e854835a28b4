"""Which service answers a request: by host name for the HTTPS tunnels, by path for the plain
HTTP endpoints on loopback (managed identity)."""

from __future__ import annotations

from collections.abc import Sequence

from foundry_doctor.emulator.services.base import LocalService, TunnelledService
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

__all__ = ["Router"]


class Router:
    """Routes requests to services. ``tunnelled`` services are reached through the HTTPS proxy
    under their real host names; ``local`` services answer plain HTTP on the listener itself."""

    def __init__(
        self, tunnelled: Sequence[TunnelledService], local: Sequence[LocalService] = ()
    ) -> None:
        self._tunnelled = tuple(tunnelled)
        self._local = tuple(local)

    def __repr__(self) -> str:
        names = [service.name for service in (*self._tunnelled, *self._local)]
        return f"Router({names!r})"

    def _service_for(self, host: str) -> TunnelledService | None:
        host = host.lower().rstrip(".")
        return next((item for item in self._tunnelled if item.serves_host(host)), None)

    def serves(self, host: str) -> bool:
        """Whether some service answers for ``host`` (the proxy accepts ``CONNECT`` only then)."""
        return self._service_for(host) is not None

    def handle_tunnelled(self, request: IncomingRequest) -> Handled:
        """A request that came through a tunnel to ``request.host``."""
        service = self._service_for(request.host)
        if service is None:  # the world stopped serving the host since the tunnel opened
            return Handled(Reply(status=502, outcome="unknown-host"))
        return service.handle(request)

    def handle_local(self, request: IncomingRequest) -> Handled:
        """A plain HTTP request to the listener itself (``request.path`` picks the service)."""
        for service in self._local:
            if service.serves_path(request.path):
                return service.handle(request)
        return Handled(Reply(status=404, outcome="no-local-endpoint"))
