"""The emulated world: everything the emulated services know, in one object.

Each service keeps its own kind of state (Foundry: resources, deployments, keys and role
assignments; Entra ID: tenants, principals, app registrations; managed identity: the platforms
and the identities attached to them); :class:`World` holds them side by side, because they
refer to one another (a role assignment names a principal's object id, an app registration's
service principal is a principal, a platform's identities are principals).

Plain mutable dataclasses, so that a test can change one thing and see the services answer
accordingly: the emulator reads the world on every request. :func:`default_world` builds the
world described in the package docstring and in ``docs/emulator.md``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from foundry_doctor.emulator.roles import (
    BUILT_IN_ROLES,
    ROLE_COGNITIVE_SERVICES_USER,
    ROLE_FOUNDRY_USER,
    ROLE_OPENAI_USER,
    ROLE_OWNER,
    ROLE_READER,
    RoleDefinition,
    find_role,
)
from foundry_doctor.emulator.services.apim.world import Gateway, GatewayApi
from foundry_doctor.emulator.services.arm.spec import ARM_HOST, CatalogueModel
from foundry_doctor.emulator.services.arm.world import (
    ArmState,
    Eligibility,
    Group,
    RoleAssignment,
    Subscription,
    data_plane_roles,
)
from foundry_doctor.emulator.services.entra.spec import AUTHORITY_HOSTS, RESOURCES
from foundry_doctor.emulator.services.entra.world import (
    AZURE_CLI_APP_ID,
    DEFAULT_TENANT,
    FOREIGN_TENANT,
    AppRegistration,
    ClientSecret,
    EntraSettings,
    FederatedCredential,
    Principal,
    Tenant,
)
from foundry_doctor.emulator.services.foundry.errors import (
    INVALID_KEY_BODY,
    RESOURCE_NOT_FOUND_BODY,
)
from foundry_doctor.emulator.services.foundry.spec import (
    DEPLOYMENTS_API_VERSIONS,
    MODELS_API_VERSIONS,
    REGIONAL_SUFFIX,
    RESPONSES_API_VERSIONS,
)
from foundry_doctor.emulator.services.foundry.world import (
    DEFAULT_SUBSCRIPTION,
    Agent,
    Application,
    Connection,
    Deployment,
    FoundrySettings,
    HostMatch,
    Project,
    Quota,
    Refusal,
    Resource,
    RetiredAnswer,
    match_host,
)
from foundry_doctor.emulator.services.managed_identity.world import Platform
from foundry_doctor.emulator.services.serverless.world import ServerlessEndpoint

__all__ = [
    "CHINA_TENANT",
    "DEFAULT_TENANT",
    "FOREIGN_TENANT",
    "GOVERNMENT_TENANT",
    "Agent",
    "AppRegistration",
    "Application",
    "Connection",
    "Deployment",
    "FoundrySettings",
    "Gateway",
    "GatewayApi",
    "HostMatch",
    "Platform",
    "Principal",
    "Project",
    "Quota",
    "Refusal",
    "Resource",
    "RoleDefinition",
    "ServerlessEndpoint",
    "Tenant",
    "World",
    "default_world",
]

#: a tenant of the US Government cloud (``login.microsoftonline.us``)
GOVERNMENT_TENANT = "aaaaaaaa-0000-0000-0000-000000000003"
#: a tenant of Azure operated by 21Vianet (``login.chinacloudapi.cn``)
CHINA_TENANT = "aaaaaaaa-0000-0000-0000-000000000004"
#: the issuer of the default world's AKS cluster (workload identity's federated tokens)
AKS_ISSUER = (
    "https://eastus.oic.prod-aks.azure.com/aaaaaaaa-0000-0000-0000-000000000001/"
    "ffffffff-0000-0000-0000-000000000001/"
)
#: the service account the default world's workload identity runs as
AKS_SUBJECT = "system:serviceaccount:default:chat-backend"

#: changes ``World.apply`` understands as ``<collection>.<key>.<attribute>``
_COLLECTIONS = (
    "resources",
    "principals",
    "apps",
    "platforms",
    "tenants",
    "gateways",
    "serverless_endpoints",
)
#: settings groups ``World.apply`` understands as ``<group>.<setting>``
_GROUPS = ("entra", "foundry", "arm")


@dataclass
class World:
    """Everything the emulated services know. Mutate it freely; the emulator reads it live.

    Foundry data plane: ``resources``; ``role_definitions`` (the roles a role assignment can
    name, by role definition ID: the built-in ones, plus any :meth:`define_role` adds; the
    data plane and Resource Manager both decide with them);
    ``api_versions`` lists the ``api-version`` values each dated route serves
    (``"deployments"``: ``/openai/deployments/...``, ``"responses"``: ``/openai/responses``,
    ``"models"``: ``/models/...``); ``foundry`` (where the service's answers vary, see
    :class:`FoundrySettings`); ``gateways`` (API Management in front of resources) and
    ``serverless_endpoints``; ``models_api_retired`` makes every ``/models/**`` call answer
    ``retired_status`` / ``retired_body``; ``missing_auth_status`` / ``missing_auth_body``
    answer a call with no credential at all on key-capable routes; ``unknown_model_status`` is
    the status of ``unknown_model`` on ``/models``.

    Entra ID: ``tenants`` (by id), ``principals`` (by name), ``apps`` (app registrations, by
    name), ``entra`` (the token service's settings). Managed identity: ``platforms`` (by name).
    Resource Manager: ``arm`` (subscriptions, groups, the role assignments beyond the
    resources' direct ones, deny assignments, PIM eligibilities, the model catalogue, its
    settings; see :mod:`~foundry_doctor.emulator.services.arm.world`).
    """

    resources: dict[str, Resource] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)
    api_versions: dict[str, set[str]] = field(default_factory=dict)
    models_api_retired: bool = False
    retired_status: int = 404
    retired_body: str = RESOURCE_NOT_FOUND_BODY
    missing_auth_status: int = 401
    missing_auth_body: str = INVALID_KEY_BODY
    unknown_model_status: int = 404
    role_definitions: dict[str, RoleDefinition] = field(
        default_factory=lambda: dict(BUILT_IN_ROLES)
    )
    foundry: FoundrySettings = field(default_factory=FoundrySettings)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    serverless_endpoints: dict[str, ServerlessEndpoint] = field(default_factory=dict)
    tenants: dict[str, Tenant] = field(default_factory=dict)
    apps: dict[str, AppRegistration] = field(default_factory=dict)
    platforms: dict[str, Platform] = field(default_factory=dict)
    entra: EntraSettings = field(default_factory=EntraSettings)
    arm: ArmState = field(default_factory=ArmState)

    # --- look-ups -----------------------------------------------------------------------------

    @staticmethod
    def _lookup(items: Mapping[str, object], name: str, what: str) -> object:
        try:
            return items[name]
        except KeyError:
            raise KeyError(f"no {what} named {name!r} in the emulated world") from None

    def resource(self, name: str) -> Resource:
        """The resource called ``name`` (``KeyError`` when there is none)."""
        found = self._lookup(self.resources, name, "resource")
        assert isinstance(found, Resource)
        return found

    def principal(self, name: str) -> Principal:
        """The principal called ``name`` (``KeyError`` when there is none)."""
        found = self._lookup(self.principals, name, "principal")
        assert isinstance(found, Principal)
        return found

    def app(self, name: str) -> AppRegistration:
        """The app registration called ``name`` (``KeyError`` when there is none)."""
        found = self._lookup(self.apps, name, "app registration")
        assert isinstance(found, AppRegistration)
        return found

    def platform(self, name: str) -> Platform:
        """The platform called ``name`` (``KeyError`` when there is none)."""
        found = self._lookup(self.platforms, name, "platform")
        assert isinstance(found, Platform)
        return found

    def tenant(self, name: str) -> Tenant | None:
        """The tenant whose id or domain is ``name`` (case-insensitive), ``None`` if unknown."""
        lowered = name.lower()
        for tenant in self.tenants.values():
            if tenant.tenant_id.lower() == lowered or (tenant.domain or "").lower() == lowered:
                return tenant
        return None

    def app_by_client_id(self, client_id: str) -> AppRegistration | None:
        """The app registration with that client id, ``None`` when there is none."""
        lowered = client_id.lower()
        return next((a for a in self.apps.values() if a.client_id.lower() == lowered), None)

    def principal_by(self, *, oid: str | None = None, appid: str | None = None) -> Principal | None:
        """The principal with that object id or client id (``appid``), ``None`` if none."""
        for principal in self.principals.values():
            if oid is not None and principal.oid.lower() == oid.lower():
                return principal
            if appid is not None and principal.appid.lower() == appid.lower():
                return principal
        return None

    def add_resource(self, resource: Resource) -> Resource:
        self.resources[resource.name] = resource
        return resource

    def add_principal(self, principal: Principal) -> Principal:
        self.principals[principal.name] = principal
        return principal

    def add_app(self, app: AppRegistration) -> AppRegistration:
        self.apps[app.name] = app
        return app

    def add_platform(self, platform: Platform) -> Platform:
        self.platforms[platform.name] = platform
        return platform

    def add_tenant(self, tenant: Tenant) -> Tenant:
        self.tenants[tenant.tenant_id] = tenant
        return tenant

    def add_gateway(self, gateway: Gateway) -> Gateway:
        self.gateways[gateway.name] = gateway
        return gateway

    def add_serverless_endpoint(self, endpoint: ServerlessEndpoint) -> ServerlessEndpoint:
        self.serverless_endpoints[endpoint.name] = endpoint
        return endpoint

    def gateway(self, name: str) -> Gateway:
        """The API Management gateway called ``name`` (``KeyError`` when there is none)."""
        found = self._lookup(self.gateways, name, "gateway")
        assert isinstance(found, Gateway)
        return found

    # --- roles ------------------------------------------------------------------------------

    def role(self, role: str) -> RoleDefinition:
        """The role definition ``role`` names: its ID, current or former name, ignoring case
        (:class:`~foundry_doctor.emulator.roles.UnknownRole`, a ``KeyError``,
        for anything else)."""
        return find_role(self.role_definitions, role)

    def define_role(self, definition: RoleDefinition) -> RoleDefinition:
        """Add (or replace) a role definition, e.g. a custom role with ``accounts/MaaS/*``."""
        self.role_definitions[definition.role_id] = definition
        return definition

    def _oid(self, principal: str) -> str:
        known = self.principals.get(principal)
        return known.oid if known is not None else principal

    def assign(self, principal: str, role: str, resource: str = "myres") -> None:
        """Give ``principal`` (a name or an object id) ``role`` (a role definition ID, current
        or former name) on ``resource``; an unknown role raises ``KeyError``."""
        definition = self.role(role)
        assignments = self.resource(resource).role_assignments
        assignments.setdefault(self._oid(principal), set()).add(definition.name)

    def unassign(self, principal: str, role: str, resource: str = "myres") -> None:
        """Remove one role assignment (no error when it does not exist)."""
        definition = self.role(role)
        roles = self.resource(resource).role_assignments.get(self._oid(principal))
        if roles is not None:
            roles.discard(definition.name)

    def roles(self, principal: str, resource: str = "myres") -> frozenset[str]:
        """The current names of the roles ``principal`` (a name or an object id) holds on
        ``resource``."""
        return frozenset(self.resource(resource).role_assignments.get(self._oid(principal), ()))

    def assign_at(
        self,
        principal: str,
        role: str,
        scope: str,
        *,
        created_on: float | None = None,
        condition: str | None = None,
    ) -> RoleAssignment:
        """Give ``principal`` (a principal's or a group's name, or an object id) ``role`` (a
        role definition ID, current or former name) at any ``scope`` (a project, a resource
        group, a subscription), as only Resource Manager holds it: ``created_on`` (epoch
        seconds; default long ago) says whether it is in force yet, ``condition`` is an ABAC
        condition it lists. An unknown role raises ``KeyError``."""
        self.role(role)
        return self.arm.assign(
            RoleAssignment(principal, role, scope, created_on=created_on, condition=condition)
        )

    def data_plane_roles(
        self, oid: str, resource: Resource, project: str | None = None
    ) -> tuple[RoleDefinition, ...]:
        """The definitions of the roles the data plane honours for ``oid`` on ``resource``
        (or one of its projects): the direct ones and Resource Manager's assignments that are
        in force (:func:`~foundry_doctor.emulator.services.arm.world.data_plane_roles`, the
        one place that decides it)."""
        return data_plane_roles(self, oid, resource, project)

    # --- models -------------------------------------------------------------------------------

    def deployed_model(self, deployment: Deployment) -> CatalogueModel:
        """The model version ``deployment`` runs, as the model catalogue (``arm.models``) lists
        it: its ``model_version``, or the catalogue's default version of the model; retired
        (``lifecycle`` ``Deprecated``) when the catalogue says so or the deployment's
        ``retired`` does. The one place Resource Manager's model lifecycle and the data plane's
        retired answer (:meth:`retired_answer`) come from."""
        model_format = "OpenAI" if deployment.family == "openai" else deployment.provider
        rows = [
            row
            for row in self.arm.models
            if row.format == model_format and row.name.lower() == deployment.model.lower()
        ]
        if deployment.model_version is None:
            found = next((row for row in rows if row.default), rows[0] if rows else None)
        else:
            found = next((row for row in rows if row.version == deployment.model_version), None)
        if found is None:
            capability = "embeddings" if deployment.kind == "embeddings" else "chatCompletion"
            found = CatalogueModel(
                model_format,
                deployment.model,
                deployment.model_version or "1",
                capability=capability,
            )
        if deployment.retired is not None and not found.retired:
            found = dataclasses.replace(found, lifecycle="Deprecated")
        return found

    def retired_answer(self, deployment: Deployment) -> RetiredAnswer | None:
        """What a call to ``deployment`` answers because its model version is retired: the
        deployment's own ``retired`` answer, ``foundry.retired_answer`` for a version the
        catalogue lists as retired, ``None`` while it is not (:meth:`deployed_model`)."""
        if deployment.retired is not None:
            return deployment.retired
        return self.foundry.retired_answer if self.deployed_model(deployment).retired else None

    # --- hosts --------------------------------------------------------------------------------

    def match_host(self, host: str) -> HostMatch | None:
        """What a data-plane ``host`` points at, or ``None`` when no resource answers on it."""
        return match_host(self.resources.values(), host)

    def regional_hosts(self) -> tuple[str, ...]:
        """The regional host names served (one per region that has a resource)."""
        regions = sorted({resource.region for resource in self.resources.values()})
        return tuple(f"{region}{REGIONAL_SUFFIX}" for region in regions)

    def authority_hosts(self) -> tuple[str, ...]:
        """The Entra ID authority hosts served (one per cloud that has a tenant)."""
        clouds = {tenant.cloud for tenant in self.tenants.values()}
        return tuple(host for cloud, host in AUTHORITY_HOSTS.items() if cloud in clouds)

    def hosts(self) -> tuple[str, ...]:
        """Every host name the world serves through the proxy."""
        names = [host for resource in self.resources.values() for host in resource.hosts]
        gateways = [gateway.hostname for gateway in self.gateways.values()]
        serverless = [endpoint.host for endpoint in self.serverless_endpoints.values()]
        return (
            *names,
            *self.regional_hosts(),
            *gateways,
            *serverless,
            *self.authority_hosts(),
            ARM_HOST,
        )

    # --- changes ------------------------------------------------------------------------------

    def copy(self) -> World:
        """A deep copy (same keys, same ids), for a test that changes things temporarily."""
        return copy.deepcopy(self)

    def apply(self, changes: Mapping[str, object]) -> None:
        """Apply data-only changes: ``{"models_api_retired": True}``,
        ``{"resources.myres.local_auth": False}``,
        ``{"apps.chat-backend.conditional_access_blocked": True}``,
        ``{"entra.multiple_resources_code": 28000}``, ``{"foundry.x_request_id": "never"}``,
        ``{"arm.role_names": "former"}``. ``<collection>.<key>.<attribute>`` works for
        resources, principals, apps, platforms, tenants, gateways and serverless endpoints;
        ``<group>.<setting>`` for ``entra``, ``foundry`` and ``arm`` (Resource Manager's
        settings). Unknown names raise ``KeyError``."""
        for path, value in changes.items():
            parts = path.split(".")
            target: object = self
            if parts[0] in _COLLECTIONS and len(parts) == 3:
                target = self._lookup(getattr(self, parts[0]), parts[1], parts[0].rstrip("s"))
                parts = parts[2:]
            elif parts[0] in _GROUPS and len(parts) == 2:
                target = self.arm.settings if parts[0] == "arm" else getattr(self, parts[0])
                parts = parts[1:]
            elif parts[0] == "arm" and len(parts) == 2:
                target = self.arm.settings
                parts = parts[1:]
            if len(parts) != 1 or parts[0].startswith("_") or not hasattr(target, parts[0]):
                raise KeyError(f"unknown world setting {path!r}")
            setattr(target, parts[0], value)


def _principals() -> list[Principal]:
    def user(
        name: str, number: int, tenant: str = DEFAULT_TENANT, domain: str = "contoso"
    ) -> Principal:
        return Principal(
            name,
            oid=f"bbbbbbbb-0000-0000-0000-{number:012x}",
            tid=tenant,
            appid=AZURE_CLI_APP_ID,
            upn=f"{name}@{domain}.example",
            display_name=name.capitalize(),
        )

    def app(name: str, number: int, display_name: str, msi: bool = False) -> Principal:
        return Principal(
            name,
            oid=f"bbbbbbbb-0000-0000-0000-{number:012x}",
            tid=DEFAULT_TENANT,
            appid=f"dddddddd-0000-0000-0000-{number:012x}",
            idtyp="app",
            display_name=display_name,
            msi_resource_id=(
                f"/subscriptions/{DEFAULT_SUBSCRIPTION}/resourceGroups/rg-foundry/providers/"
                f"Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
                if msi
                else None
            ),
        )

    return [
        user("alice", 1),
        user("bob", 2),
        user("carol", 3),
        user("dave", 4),
        app("app", 5, "chat-backend"),
        user("eve", 6, FOREIGN_TENANT, "fabrikam"),
        app("workload", 7, "aks-workload"),
        app("webapp-mi", 8, "chat-webapp"),
        app("vm-mi", 9, "chat-vm"),
        app("uami-chat", 10, "uami-chat", msi=True),
        app("uami-batch", 11, "uami-batch", msi=True),
        user("frank", 12),
        user("grace", 13),
        user("heidi", 14),
        user("ivan", 15),
    ]


#: the default world's resource group and the scopes below it
RESOURCE_GROUP_SCOPE = f"/subscriptions/{DEFAULT_SUBSCRIPTION}/resourceGroups/rg-foundry"
#: the two directory groups of the default world (``ai-developers`` is in ``ai-platform``)
AI_DEVELOPERS_GROUP = "bbbbbbbb-0000-0000-0001-000000000001"
AI_PLATFORM_GROUP = "bbbbbbbb-0000-0000-0001-000000000002"


def _resource_manager(world: World) -> None:
    """What only Resource Manager holds in the default world (``docs/emulator.md``)."""
    arm = world.arm
    arm.subscriptions[DEFAULT_SUBSCRIPTION] = Subscription(
        DEFAULT_SUBSCRIPTION, DEFAULT_TENANT, "Contoso AI"
    )
    arm.add_group(Group("ai-developers", AI_DEVELOPERS_GROUP, {world.principal("heidi").oid}))
    arm.add_group(Group("ai-platform", AI_PLATFORM_GROUP, {AI_DEVELOPERS_GROUP}))
    account = world.resource("myres").resource_id
    world.assign_at("alice", ROLE_READER, RESOURCE_GROUP_SCOPE)
    world.assign_at("frank", ROLE_FOUNDRY_USER, f"{account}/projects/myproject")
    world.assign_at("grace", ROLE_COGNITIVE_SERVICES_USER, account, created_on=arm.built_at - 60)
    world.assign_at("ai-platform", ROLE_FOUNDRY_USER, account)
    arm.eligibilities.append(Eligibility("ivan", ROLE_FOUNDRY_USER, account))


def default_world() -> World:
    """The world the emulator starts with (documented in ``docs/emulator.md``).

    Ids are fixed; resource keys and client secret values are fresh random values on every
    call.
    """
    world = World(
        api_versions={
            "deployments": set(DEPLOYMENTS_API_VERSIONS),
            "responses": set(RESPONSES_API_VERSIONS),
            "models": set(MODELS_API_VERSIONS),
        },
        entra=EntraSettings(resources={cloud: set(items) for cloud, items in RESOURCES.items()}),
    )
    for tenant in (
        Tenant(DEFAULT_TENANT, domain="contoso.onmicrosoft.com"),
        Tenant(FOREIGN_TENANT, domain="fabrikam.onmicrosoft.com"),
        Tenant(GOVERNMENT_TENANT, domain="contoso.onmicrosoft.us", cloud="usgov"),
        Tenant(CHINA_TENANT, domain="contoso.partner.onmschina.cn", cloud="china"),
    ):
        world.add_tenant(tenant)
    for principal in _principals():
        world.add_principal(principal)

    world.add_app(
        AppRegistration(
            "chat-backend",
            client_id=world.principal("app").appid,
            display_name="chat-backend",
            secrets=[
                ClientSecret("eeeeeeee-0000-0000-0000-000000000001"),
                # expired 2023-11-14
                ClientSecret("eeeeeeee-0000-0000-0000-000000000002", expires_on=1_700_000_000),
            ],
            service_principals={DEFAULT_TENANT: "app"},
        )
    )
    world.add_app(
        AppRegistration(
            "aks-workload",
            client_id=world.principal("workload").appid,
            display_name="aks-workload",
            federated_credentials=[FederatedCredential("aks", AKS_ISSUER, AKS_SUBJECT)],
            service_principals={DEFAULT_TENANT: "workload"},
        )
    )
    for platform in (
        Platform("app-service", "app_service", "webapp-mi", ("uami-chat",)),
        Platform("vm", "vm", "vm-mi"),
        Platform("vm-user-assigned", "vm", None, ("uami-chat", "uami-batch")),
        Platform("vm-no-identity", "vm"),
        Platform("cloud-shell", "cloud_shell", "alice"),
    ):
        world.add_platform(platform)

    myres = world.add_resource(Resource("myres"))
    myres.add_project(Project("myproject"))
    for deployment in (
        Deployment("gpt-4o", "gpt-4o"),
        Deployment("gpt-4o-mini", "gpt-4o-mini"),
        Deployment("text-embedding-3-small", "text-embedding-3-small", kind="embeddings"),
        Deployment("Llama-3.3-70B-Instruct", "Llama-3.3-70B-Instruct", "maas", provider="Meta"),
        Deployment("DeepSeek-R1", "DeepSeek-R1", "maas", provider="DeepSeek"),
        Deployment(
            "Cohere-embed-v3-english",
            "Cohere-embed-v3-english",
            "maas",
            kind="embeddings",
            provider="Cohere",
        ),
    ):
        myres.add_deployment(deployment)
    keyless = world.add_resource(Resource("keyless", local_auth=False))
    keyless.add_deployment(Deployment("gpt-4o", "gpt-4o"))
    private = world.add_resource(Resource("private", public_network=False))
    private.add_deployment(Deployment("gpt-4o", "gpt-4o"))

    world.assign("alice", ROLE_COGNITIVE_SERVICES_USER, "myres")
    world.assign("alice", ROLE_FOUNDRY_USER, "myres")
    world.assign("alice", ROLE_COGNITIVE_SERVICES_USER, "keyless")
    world.assign("alice", ROLE_COGNITIVE_SERVICES_USER, "private")
    world.assign("bob", ROLE_OPENAI_USER, "myres")
    world.assign("carol", ROLE_OWNER, "myres")
    world.assign("app", ROLE_COGNITIVE_SERVICES_USER, "myres")
    world.assign("eve", ROLE_COGNITIVE_SERVICES_USER, "myres")
    for identity in ("workload", "webapp-mi", "vm-mi", "uami-chat"):
        world.assign(identity, ROLE_COGNITIVE_SERVICES_USER, "myres")
    _resource_manager(world)
    return world
