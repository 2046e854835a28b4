"""The :class:`Emulator`: starts the listener and the services, hands out credentials, keys
and the environments that choose a managed-identity platform or a workload identity."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from foundry_doctor.emulator.services.apim.handlers import GatewayService
from foundry_doctor.emulator.services.arm.handlers import ArmService
from foundry_doctor.emulator.services.entra.handlers import EntraService
from foundry_doctor.emulator.services.entra.keys import federated_token, new_client_certificate
from foundry_doctor.emulator.services.entra.spec import AUTHORITY_HOSTS, FEDERATED_TOKEN_AUDIENCE
from foundry_doctor.emulator.services.foundry.handlers import FoundryService
from foundry_doctor.emulator.services.managed_identity.handlers import (
    ManagedIdentityService,
    platform_base_path,
)
from foundry_doctor.emulator.services.managed_identity.spec import (
    MANAGED_IDENTITY_VARIABLES,
    PlatformKind,
)
from foundry_doctor.emulator.services.managed_identity.world import Platform
from foundry_doctor.emulator.services.router import Router
from foundry_doctor.emulator.services.serverless.handlers import ServerlessService
from foundry_doctor.emulator.tokens import TokenIssuer
from foundry_doctor.emulator.wire.certificates import CertificateAuthority
from foundry_doctor.emulator.wire.environment import routed_environment, routing_environment
from foundry_doctor.emulator.wire.faults import Fault, FaultSet, Injection
from foundry_doctor.emulator.wire.guard import loopback_only
from foundry_doctor.emulator.wire.proxy import ProxyServer
from foundry_doctor.emulator.wire.recording import RecordedRequest, RequestLog
from foundry_doctor.emulator.world import World, default_world

if TYPE_CHECKING:
    from foundry_doctor.emulator.credentials import AsyncEmulatorCredential, EmulatorCredential

__all__ = ["COGNITIVE_SERVICES_SCOPE", "WORKLOAD_IDENTITY_VARIABLES", "Emulator"]

logger = logging.getLogger(__name__)

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
#: the variables :meth:`Emulator.workload_identity_environment` sets (what AKS workload
#: identity injects, and what WorkloadIdentityCredential / DefaultAzureCredential read)
WORKLOAD_IDENTITY_VARIABLES = (
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_AUTHORITY_HOST",
)


class Emulator:
    """Local emulations of the Foundry / Azure OpenAI data plane, Entra ID's token service and
    the managed-identity endpoints, which the real SDK clients and credentials reach under the
    real host names (``https://myres.openai.azure.com``, ``https://login.microsoftonline.com``)
    through an HTTPS proxy on 127.0.0.1, and the managed-identity endpoints as plain HTTP on
    the same port.

    ``with Emulator() as emu:`` starts it and routes this process's HTTPS traffic to it (see
    :attr:`env`) until the block ends; build clients inside the block. With
    ``route_environment=False`` the environment is left alone; use :meth:`routed` for a
    narrower block. ``port=0`` picks a free port. ``ca_dir`` keeps the CA (certificate and
    key) in that directory across runs instead of a fresh temporary one. ``loopback_only=True``
    keeps the network guard (:mod:`~foundry_doctor.emulator.wire.guard`) on while it runs: any
    connection of this process outside 127.0.0.0/8 and ``::1`` is refused.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        port: int = 0,
        route_environment: bool = True,
        ca_dir: str | Path | None = None,
        loopback_only: bool = False,
    ) -> None:
        self._world = world if world is not None else default_world()
        self._port = port
        self._route_environment = route_environment
        self._ca_dir = Path(ca_dir) if ca_dir is not None else None
        self._loopback_only = loopback_only
        self._issuer = TokenIssuer()
        self._log = RequestLog()
        self._faults = FaultSet()
        self._server: ProxyServer | None = None
        self._thread: threading.Thread | None = None
        self._authority: CertificateAuthority | None = None
        self._temp_dir: Path | None = None
        self._exit_stack = ExitStack()

    def __repr__(self) -> str:
        state = f"proxy_url={self.proxy_url!r}" if self.running else "stopped"
        return f"Emulator({state}, resources={sorted(self._world.resources)!r})"

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> Emulator:
        """Start serving (no-op when already running). Does not touch the environment."""
        if self._server is not None:
            return self
        if self._ca_dir is not None:
            authority = CertificateAuthority(self._ca_dir, reuse=True)
        else:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="foundry-doctor-emulator-"))
            authority = CertificateAuthority(self._temp_dir)
        world = self._current_world
        foundry = FoundryService(world, self._issuer)
        router = Router(
            tunnelled=[
                foundry,
                GatewayService(world, self._issuer, foundry),
                ServerlessService(world),
                EntraService(world, self._issuer),
                ArmService(world, self._issuer),
            ],
            local=[ManagedIdentityService(world, self._issuer)],
        )
        try:
            server = ProxyServer(
                self._port,
                router=router,
                authority=authority,
                log=self._log,
                faults=self._faults,
            )
        except OSError:
            self._remove_temp_dir()
            raise
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"foundry-doctor-emulator:{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        if self._loopback_only:
            self._exit_stack.enter_context(loopback_only())
        self._authority, self._server, self._thread = authority, server, thread
        logger.debug("emulator listening on %s", self.proxy_url)
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, remove the temporary CA directory."""
        self._exit_stack.close()
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._remove_temp_dir()
        self._authority = None

    def _remove_temp_dir(self) -> None:
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> Emulator:
        self.start()
        if self._route_environment:
            try:
                self._exit_stack.enter_context(self.routed())
            except BaseException:
                self.stop()
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def routed(self) -> AbstractContextManager[None]:
        """A block in which HTTPS traffic goes to the emulator; every variable is restored
        exactly afterwards (also the ones that were unset)."""
        return routed_environment(self.env)

    def _current_world(self) -> World:
        return self._world

    # --- where it is --------------------------------------------------------------------------

    def _require_server(self) -> ProxyServer:
        if self._server is None:
            raise RuntimeError("the emulator is not running (use start() or a with block)")
        return self._server

    @property
    def port(self) -> int:
        return int(self._require_server().server_address[1])

    @property
    def proxy_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> str:
        """Path of the CA certificate (PEM) the clients must trust."""
        self._require_server()
        assert self._authority is not None
        return str(self._authority.ca_file)

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that route clients here."""
        return routing_environment(self.proxy_url, self.ca_file)

    # --- the world ----------------------------------------------------------------------------

    @property
    def world(self) -> World:
        """The emulated world; changes take effect on the next request."""
        return self._world

    @world.setter
    def world(self, world: World) -> None:
        self._world = world

    @contextmanager
    def modified_world(self, changes: Mapping[str, object] | None = None) -> Iterator[World]:
        """A block with a copy of the world (with ``changes`` applied, see
        :meth:`World.apply`) in place of the current one; the original comes back after."""
        original = self._world
        copy = original.copy()
        if changes:
            copy.apply(changes)
        self._world = copy
        try:
            yield copy
        finally:
            self._world = original

    # --- credentials --------------------------------------------------------------------------

    def key(self, resource: str, index: int = 1) -> str:
        """Key 1 (primary) or 2 (secondary) of ``resource``."""
        if index not in (1, 2):
            raise ValueError("a resource has keys 1 and 2")
        return self._world.resource(resource).keys[index - 1]

    def _mint(
        self, principal: str, scope: str, *, lifetime: int, tenant_id: str | None
    ) -> tuple[str, int]:
        found = self._world.principal(principal)
        return self._issuer.mint(found, scope, lifetime=lifetime, tenant_id=tenant_id)

    def token(
        self,
        principal: str,
        scope: str = COGNITIVE_SERVICES_SCOPE,
        *,
        lifetime: int = 3600,
        tenant_id: str | None = None,
    ) -> str:
        """A signed access token for ``principal`` (its ``aud`` follows ``scope``)."""
        token, _ = self._mint(principal, scope, lifetime=lifetime, tenant_id=tenant_id)
        return token

    def credential(
        self, principal: str, *, lifetime: int = 3600, tenant_id: str | None = None
    ) -> EmulatorCredential:
        """An azure-core ``TokenCredential`` for ``principal``. ``lifetime`` (seconds, may be
        negative for expired tokens) and ``tenant_id`` apply to every token it gets."""
        from foundry_doctor.emulator.credentials import EmulatorCredential

        self._world.principal(principal)  # fail early on a typo
        return EmulatorCredential(self._mint, principal, lifetime=lifetime, tenant_id=tenant_id)

    def async_credential(
        self, principal: str, *, lifetime: int = 3600, tenant_id: str | None = None
    ) -> AsyncEmulatorCredential:
        """The ``AsyncTokenCredential`` twin of :meth:`credential`."""
        from foundry_doctor.emulator.credentials import AsyncEmulatorCredential

        self._world.principal(principal)
        return AsyncEmulatorCredential(
            self._mint, principal, lifetime=lifetime, tenant_id=tenant_id
        )

    # --- Entra ID: app registrations ------------------------------------------------------------

    def client_secret(self, app: str, index: int = 1) -> str:
        """The value of client secret ``index`` (1-based) of app registration ``app``."""
        secrets = self._world.app(app).secrets
        if not 1 <= index <= len(secrets):
            raise ValueError(f"app registration {app!r} has {len(secrets)} client secret(s)")
        return secrets[index - 1].value

    def client_certificate(self, app: str) -> bytes:
        """A fresh certificate registered on app registration ``app`` (in the current world):
        the PEM of its private key and certificate, as ``CertificateCredential(...,
        certificate_data=...)`` takes it. Each call makes and registers another one."""
        registration = self._world.app(app)
        pem, registered = new_client_certificate(registration.display_name or registration.name)
        registration.certificates.append(registered)
        return pem

    def federated_token(
        self,
        app: str | None = None,
        *,
        issuer: str | None = None,
        subject: str | None = None,
        audience: str | Sequence[str] = FEDERATED_TOKEN_AUDIENCE,
        lifetime: int = 3600,
    ) -> str:
        """A token as an external issuer projects it for workload identity. ``issuer`` and
        ``subject`` default to those of ``app``'s first federated identity credential (give
        other values to produce a mismatch); ``lifetime`` may be negative."""
        if issuer is None or subject is None:
            if app is None:
                raise ValueError("federated_token() needs an app, or both issuer and subject")
            records = self._world.app(app).federated_credentials
            if not records:
                raise ValueError(f"app registration {app!r} has no federated identity credential")
            issuer = records[0].issuer if issuer is None else issuer
            subject = records[0].subject if subject is None else subject
        return federated_token(issuer, subject, audience, lifetime=lifetime, now=self._issuer.now())

    @contextmanager
    def workload_identity_environment(
        self, app: str, *, token: str | None = None, tenant_id: str | None = None
    ) -> Iterator[dict[str, str]]:
        """A block with the variables AKS workload identity injects (see
        :data:`WORKLOAD_IDENTITY_VARIABLES`), for app registration ``app``: its client id, its
        home tenant (or ``tenant_id``), the public authority host and a token file holding
        ``token`` (default: :meth:`federated_token` for the app). Restored exactly, and the
        file removed, afterwards. Yields the variables set."""
        registration = self._world.app(app)
        descriptor, path = tempfile.mkstemp(prefix="foundry-doctor-federated-", suffix=".jwt")
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(token if token is not None else self.federated_token(app))
            values = {
                "AZURE_TENANT_ID": tenant_id or registration.tenant_id,
                "AZURE_CLIENT_ID": registration.client_id,
                "AZURE_FEDERATED_TOKEN_FILE": path,
                "AZURE_AUTHORITY_HOST": f"https://{AUTHORITY_HOSTS['public']}",
            }
            with routed_environment(values):
                yield values
        finally:
            os.unlink(path)

    # --- managed identity -------------------------------------------------------------------

    def _platform(self, platform: str | None, kind: PlatformKind | None) -> Platform:
        if platform is not None:
            found = self._world.platform(platform)
            if kind is not None and found.kind != kind:
                raise ValueError(f"platform {platform!r} is a {found.kind}, not a {kind}")
            return found
        if kind is None:
            raise ValueError("managed_identity_environment() needs a platform or a kind")
        for candidate in self._world.platforms.values():
            if candidate.kind == kind:
                return candidate
        raise KeyError(f"no platform of kind {kind!r} in the emulated world")

    def managed_identity_variables(
        self, platform: str | None = None, *, kind: PlatformKind | None = None
    ) -> dict[str, str]:
        """The variables that point azure-identity at ``platform``'s endpoint (see
        :meth:`managed_identity_environment`), without setting them."""
        chosen = self._platform(platform, kind)
        base = f"{self.proxy_url}{platform_base_path(chosen.name)}"
        if chosen.kind == "app_service":
            if not chosen.identities:
                raise ValueError(
                    f"App Service app {chosen.name!r} has no identity: the host sets no "
                    "IDENTITY_ENDPOINT then (use a platform of kind 'vm' for 'no identity')"
                )
            return {
                "IDENTITY_ENDPOINT": f"{base}/msi/token",
                "IDENTITY_HEADER": chosen.identity_header,
            }
        if chosen.kind == "cloud_shell":
            return {"MSI_ENDPOINT": f"{base}/oauth2/token"}
        return {"AZURE_POD_IDENTITY_AUTHORITY_HOST": base}

    def managed_identity_environment(
        self, platform: str | None = None, *, kind: PlatformKind | None = None
    ) -> AbstractContextManager[dict[str, str]]:
        """A block in which ManagedIdentityCredential (alone or inside
        DefaultAzureCredential) finds the endpoint of ``platform`` (a name in
        ``world.platforms``; or the first platform of ``kind``: ``"app_service"``, ``"vm"``,
        ``"cloud_shell"``), served here on loopback. It sets exactly the variables
        azure-identity reads for that kind (``IDENTITY_ENDPOINT`` + ``IDENTITY_HEADER``,
        ``AZURE_POD_IDENTITY_AUTHORITY_HOST``, ``MSI_ENDPOINT``), removes the other
        managed-identity variables for the block, and restores all of them afterwards. Yields
        the variables set. Build credentials inside the block (they read the environment when
        constructed)."""
        values = self.managed_identity_variables(platform, kind=kind)  # refuses eagerly
        return _environment(values, unset=MANAGED_IDENTITY_VARIABLES)

    # --- faults on the wire -------------------------------------------------------------------

    def inject(self, *faults: Fault) -> Injection:
        """Put ``faults`` in force (see :mod:`foundry_doctor.emulator.wire.faults`): matching
        replies go out broken, mislabelled or late. Returns an :class:`Injection`, a context
        manager that takes them out again at the end of its block (or call ``remove()``);
        ``injection.hits`` counts the replies they changed. The most recently injected fault
        that matches a reply applies; at most one per reply."""
        return self._faults.inject(faults)

    @property
    def faults(self) -> tuple[Fault, ...]:
        """The faults in force, oldest first."""
        return self._faults.faults

    def clear_faults(self) -> None:
        """Take every injected fault out of force."""
        self._faults.clear()

    # --- the request log ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """What reached the emulator so far (a snapshot; secrets redacted)."""
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()


@contextmanager
def _environment(values: dict[str, str], *, unset: Sequence[str]) -> Iterator[dict[str, str]]:
    """``values`` set (and ``unset`` removed) for the block; yields a copy of ``values``."""
    with routed_environment(values, unset=unset):
        yield dict(values)
