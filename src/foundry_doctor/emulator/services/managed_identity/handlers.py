"""The managed-identity endpoints, served as plain HTTP on the listener itself.

Each platform of the world answers below ``/platforms/<name>``, with its kind's endpoint
(:data:`~.spec.ENDPOINTS`): ``/platforms/vm/metadata/identity/oauth2/token`` (IMDS),
``/platforms/app-service/msi/token`` (App Service), ``/platforms/cloud-shell/oauth2/token``
(Cloud Shell). :meth:`Emulator.managed_identity_environment` points azure-identity there.

Which identity answers: the one the request selects (``client_id``, ``object_id``, or a
resource id: ``msi_res_id`` / ``mi_res_id`` / ``resource_id``) among the platform's attached
identities; without a selector the system-assigned identity, else (IMDS) the only
user-assigned one. IMDS refuses a missing ``Metadata`` header, an identity it does not have
("Identity not found") and an unchosen one among several ("Multiple user assigned identities
exist ..."); App Service answers "No User Assigned or Delegated Managed Identity found ...";
Cloud Shell hands out the signed-in user's tokens for :attr:`Platform.supported_audiences`
only (``AudienceNotSupported`` otherwise). A resource the identity's tenant does not know gets
Entra's AADSTS500011, in the platform's shape. Success: a token of the emulator for the
identity, ``aud`` = the resource, so the data plane applies its role assignments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.services.entra.handlers import tenant_knows_resource
from foundry_doctor.emulator.services.entra.world import Principal, Tenant
from foundry_doctor.emulator.services.managed_identity.errors import (
    AppServiceHeaderMismatch,
    AppServiceIdentityNotFound,
    AppServiceResourceNotFound,
    AudienceNotSupported,
    ImdsIdentityNotFound,
    ImdsMetadataHeaderMissing,
    ImdsMultipleIdentities,
    ImdsResourceNotFound,
)
from foundry_doctor.emulator.services.managed_identity.spec import ENDPOINTS, PlatformKind
from foundry_doctor.emulator.services.managed_identity.world import Platform
from foundry_doctor.emulator.tokens import TokenIssuer
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

if TYPE_CHECKING:
    from foundry_doctor.emulator.world import World

__all__ = ["PLATFORMS_PREFIX", "ManagedIdentityService", "platform_base_path"]

#: every platform's endpoint lives below ``/platforms/<name>``
PLATFORMS_PREFIX = "/platforms/"
#: seconds a managed-identity token lives (the hosts hand out tokens for about a day)
TOKEN_LIFETIME = 86_399
_RESOURCE_SELECTORS = ("msi_res_id", "mi_res_id", "resource_id")


def platform_base_path(name: str) -> str:
    """The path below which platform ``name`` answers."""
    return f"{PLATFORMS_PREFIX}{name}"


def _selected(world: World, platform: Platform, selectors: Mapping[str, str]) -> list[Principal]:
    """The attached identities that match the request's selectors (all of them when none)."""
    attached = [world.principals[name] for name in platform.identities if name in world.principals]
    client_id = selectors.get("client_id")
    object_id = selectors.get("object_id") or selectors.get("principal_id")
    resource_id = next((selectors[key] for key in _RESOURCE_SELECTORS if key in selectors), None)
    if client_id is not None:
        return [p for p in attached if p.appid.lower() == client_id.lower()]
    if object_id is not None:
        return [p for p in attached if p.oid.lower() == object_id.lower()]
    if resource_id is not None:
        return [p for p in attached if (p.msi_resource_id or "").lower() == resource_id.lower()]
    return attached


class ManagedIdentityService:
    """Answers the platforms' token endpoints from the current world."""

    name = "managed-identity"

    def __init__(self, world: Callable[[], World], issuer: TokenIssuer) -> None:
        self._world = world
        self._issuer = issuer

    def serves_path(self, path: str) -> bool:
        return path.startswith(PLATFORMS_PREFIX)

    def handle(self, request: IncomingRequest) -> Handled:
        world = self._world()
        name, _, rest = request.path[len(PLATFORMS_PREFIX) :].partition("/")
        platform = world.platforms.get(name)
        endpoint = ENDPOINTS[platform.kind] if platform is not None else None
        if (
            platform is None
            or endpoint is None
            or f"/{rest}" != endpoint.path
            or request.method != endpoint.method
        ):
            return Handled(Reply(status=404, outcome="no-such-endpoint"), service=self.name)
        try:
            reply = self._answer(world, platform, request)
        except ServiceError as error:
            reply = error.reply()
        return Handled(reply=reply, service=self.name, route=platform.kind)

    def _answer(self, world: World, platform: Platform, request: IncomingRequest) -> Reply:
        if platform.kind == "cloud_shell":
            return self._cloud_shell(world, platform, request)
        if platform.kind == "app_service":
            return self._app_service(world, platform, request)
        return self._imds(world, platform, request)

    def _tenant_of(self, world: World, identity: Principal) -> Tenant:
        return world.tenants.get(identity.tid) or Tenant(identity.tid)

    # --- IMDS -----------------------------------------------------------------------------

    def _imds(self, world: World, platform: Platform, request: IncomingRequest) -> Reply:
        if (request.header("Metadata") or "").lower() != "true":
            raise ImdsMetadataHeaderMissing()
        query = request.query
        candidates = _selected(world, platform, query)
        chose = any(key in query for key in ("client_id", "object_id", *_RESOURCE_SELECTORS))
        if not candidates:
            raise ImdsIdentityNotFound()
        if not chose and platform.system_identity is None and len(candidates) > 1:
            raise ImdsMultipleIdentities()
        identity = candidates[0]
        resource = query.get("resource", "")
        tenant = self._tenant_of(world, identity)
        if not tenant_knows_resource(world, tenant, resource):
            raise ImdsResourceNotFound(resource, tenant.named)
        return self._token_reply(identity, resource, "vm")

    # --- App Service ----------------------------------------------------------------------

    def _app_service(self, world: World, platform: Platform, request: IncomingRequest) -> Reply:
        if request.header("X-IDENTITY-HEADER") != platform.identity_header:
            raise AppServiceHeaderMismatch()
        query = request.query
        chose = any(key in query for key in ("client_id", "object_id", *_RESOURCE_SELECTORS))
        candidates = _selected(world, platform, query)
        if not chose:
            candidates = candidates[:1] if platform.system_identity is not None else []
        if not candidates:
            raise AppServiceIdentityNotFound()
        identity = candidates[0]
        resource = query.get("resource", "")
        tenant = self._tenant_of(world, identity)
        if not tenant_knows_resource(world, tenant, resource):
            raise AppServiceResourceNotFound(resource, tenant.named)
        return self._token_reply(identity, resource, "app_service")

    # --- Cloud Shell ----------------------------------------------------------------------

    def _cloud_shell(self, world: World, platform: Platform, request: IncomingRequest) -> Reply:
        if (request.header("Metadata") or "").lower() != "true":
            raise ImdsMetadataHeaderMissing()
        resource = request.form().get("resource", "")
        supported = {item.rstrip("/").lower() for item in platform.supported_audiences}
        if resource.rstrip("/").lower() not in supported:
            raise AudienceNotSupported(resource, platform.supported_audiences)
        user = world.principals.get(platform.system_identity or "")
        if user is None:
            raise ImdsIdentityNotFound()
        return self._token_reply(user, resource, "cloud_shell")

    # --- success --------------------------------------------------------------------------

    def _token_reply(self, identity: Principal, resource: str, kind: PlatformKind) -> Reply:
        token, expires_on = self._issuer.mint(
            identity, f"{resource}/.default", lifetime=TOKEN_LIFETIME
        )
        now = self._issuer.now()
        payload: dict[str, str] = {
            "access_token": token,
            "expires_on": str(expires_on),
            "resource": resource,
            "token_type": "Bearer",
        }
        if kind != "app_service":  # App Service's 2019-08-01 answer has no expires_in
            payload["expires_in"] = str(expires_on - now)
            payload["ext_expires_in"] = str(expires_on - now)
            payload["not_before"] = str(now - 300)
        if kind != "cloud_shell":
            payload["client_id"] = identity.appid
        return Reply.json(payload, content_type="application/json; charset=utf-8")
