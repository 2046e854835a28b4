"""Which service answers a request: by host name for the HTTPS tunnels, by path for the plain
HTTP endpoints on loopback (managed identity)."""

from __future__ import annotations

from collections.abc import Sequence

from foundry_doctor.emulator.services.base import LocalService, TunnelledService
from foundry_doctor.emulator.services.downloads import download_hint
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

__all__ = ["Router", "unserved_host_message"]


def unserved_host_message(host: str, hint: str | None) -> str:
    """What the proxy says about a host it does not serve (one line: it is the reason phrase
    the clients show)."""
    advice = hint or (
        "the emulator models the Foundry / Azure OpenAI hosts, API Management gateways, "
        "serverless endpoints and the Entra ID authority hosts; add the one you need to the "
        "world (see docs/emulator.md)"
    )
    return f"foundry-doctor emulator does not serve {host}: {advice}"


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

    def refusal(self, host: str) -> str:
        """Why ``host`` is not served, and how a world would serve it (one line)."""
        host = host.lower().rstrip(".")
        hint = download_hint(host) or next(
            (found for item in self._tunnelled if (found := item.hint_for(host)) is not None),
            None,
        )
        return unserved_host_message(host, hint)

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
