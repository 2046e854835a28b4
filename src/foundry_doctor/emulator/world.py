"""The emulated world: resources, deployments, projects, principals and role assignments.

Plain mutable dataclasses, so that a test can change one thing (add a deployment, switch off
key authentication, retire the Model Inference API) and see the service answer accordingly: the
emulator reads the world on every request. :func:`default_world` builds the world described in
the package docstring and in ``docs/emulator.md``.

Role semantics (what a role lets a token do on the data plane):

* ``Cognitive Services User``: every model deployment (OpenAI and non-OpenAI).
* ``Cognitive Services OpenAI User`` / ``... OpenAI Contributor``: OpenAI-family deployments only.
* ``Azure AI User`` / ``Azure AI Developer``: project endpoints, and every model deployment.
* ``Owner`` / ``Contributor``: control plane only, no data-plane access at all.

API keys bypass roles entirely (as on the real service).
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from foundry_doctor.emulator.responses import INVALID_KEY_BODY, RESOURCE_NOT_FOUND_BODY

__all__ = [
    "DEFAULT_TENANT",
    "FOREIGN_TENANT",
    "HOST_SUFFIXES",
    "MODEL_ROLES",
    "OPENAI_MODEL_ROLES",
    "PROJECT_ROLES",
    "REGIONAL_SUFFIX",
    "ROLE_NAMES",
    "Deployment",
    "DeploymentKind",
    "HostFamily",
    "HostMatch",
    "IdentityType",
    "ModelFamily",
    "Principal",
    "Resource",
    "World",
    "default_world",
    "grants_model",
    "grants_project",
    "new_key",
]

ModelFamily = Literal["openai", "maas"]
DeploymentKind = Literal["chat", "embeddings"]
HostFamily = Literal["openai", "services", "cognitiveservices"]
IdentityType = Literal["user", "app"]

#: host name suffix per host family: ``<resource><suffix>``
HOST_SUFFIXES: Mapping[HostFamily, str] = {
    "openai": ".openai.azure.com",
    "services": ".services.ai.azure.com",
    "cognitiveservices": ".cognitiveservices.azure.com",
}
#: regional (shared) endpoints: ``<region><suffix>``; keys work there, tokens do not
REGIONAL_SUFFIX = ".api.cognitive.microsoft.com"

DEFAULT_TENANT = "aaaaaaaa-0000-0000-0000-000000000001"
FOREIGN_TENANT = "aaaaaaaa-0000-0000-0000-000000000002"
_SUBSCRIPTION = "cccccccc-0000-0000-0000-000000000001"
#: the Azure CLI's public client id: what ``az login`` tokens carry in ``appid``
_AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

ROLE_COGNITIVE_SERVICES_USER = "Cognitive Services User"
ROLE_OPENAI_USER = "Cognitive Services OpenAI User"
ROLE_OPENAI_CONTRIBUTOR = "Cognitive Services OpenAI Contributor"
ROLE_AZURE_AI_USER = "Azure AI User"
ROLE_AZURE_AI_DEVELOPER = "Azure AI Developer"
ROLE_OWNER = "Owner"
ROLE_CONTRIBUTOR = "Contributor"

#: every role name the emulator knows (others are kept but grant nothing)
ROLE_NAMES = (
    ROLE_COGNITIVE_SERVICES_USER,
    ROLE_OPENAI_USER,
    ROLE_OPENAI_CONTRIBUTOR,
    ROLE_AZURE_AI_USER,
    ROLE_AZURE_AI_DEVELOPER,
    ROLE_OWNER,
    ROLE_CONTRIBUTOR,
)
#: roles that reach every model deployment
MODEL_ROLES = frozenset({ROLE_COGNITIVE_SERVICES_USER, ROLE_AZURE_AI_USER, ROLE_AZURE_AI_DEVELOPER})
#: roles that reach OpenAI-family deployments only
OPENAI_MODEL_ROLES = frozenset({ROLE_OPENAI_USER, ROLE_OPENAI_CONTRIBUTOR})
#: roles that reach project endpoints
PROJECT_ROLES = frozenset({ROLE_AZURE_AI_USER, ROLE_AZURE_AI_DEVELOPER})

_REGION_NAMES = {
    "eastus": "East US",
    "eastus2": "East US 2",
    "westus": "West US",
    "westus3": "West US 3",
    "swedencentral": "Sweden Central",
    "westeurope": "West Europe",
    "francecentral": "France Central",
    "uksouth": "UK South",
    "japaneast": "Japan East",
    "australiaeast": "Australia East",
}


def grants_model(roles: Iterable[str], family: ModelFamily | None) -> bool:
    """Whether ``roles`` let a token call a deployment of ``family`` (``None``: any family,
    e.g. listing models)."""
    names = set(roles)
    if names & MODEL_ROLES:
        return True
    return bool(names & OPENAI_MODEL_ROLES) and family in ("openai", None)


def grants_project(roles: Iterable[str]) -> bool:
    """Whether ``roles`` let a token use a project endpoint."""
    return bool(set(roles) & PROJECT_ROLES)


def new_key() -> str:
    """A fresh resource key: 32 hexadecimal characters, like a classic Azure AI services key."""
    return secrets.token_hex(16)


def region_display_name(region: str) -> str:
    """``eastus`` -> ``East US`` (what the ``x-ms-region`` header carries)."""
    return _REGION_NAMES.get(region, region)


@dataclass
class Deployment:
    """A model deployment on a resource.

    ``family`` is ``"openai"`` for Azure OpenAI models and ``"maas"`` for the other Foundry
    models (Llama, DeepSeek, Cohere, ...); ``kind`` says which operation it serves; ``provider``
    is what ``/models/info`` reports as ``model_provider_name``.
    """

    name: str
    model: str
    family: ModelFamily = "openai"
    kind: DeploymentKind = "chat"
    provider: str = "OpenAI"


@dataclass
class Principal:
    """An Entra ID identity that can get tokens: a user (``idtyp="user"``, with a ``upn``) or
    a service principal / managed identity (``idtyp="app"``)."""

    name: str
    oid: str
    tid: str
    appid: str
    idtyp: IdentityType = "user"
    upn: str | None = None
    display_name: str | None = None


@dataclass
class Resource:
    """A Foundry (Azure AI services) resource.

    ``host_families`` says which custom-subdomain host names it answers on (see
    :data:`HOST_SUFFIXES`). ``keys`` are its two keys (never shown in ``repr``).
    ``role_assignments`` maps a principal's object id to its role names on this resource.
    """

    name: str
    tenant_id: str = DEFAULT_TENANT
    region: str = "eastus"
    host_families: tuple[HostFamily, ...] = ("openai", "services", "cognitiveservices")
    keys: tuple[str, str] = field(default_factory=lambda: (new_key(), new_key()), repr=False)
    local_auth: bool = True
    public_network: bool = True
    deployments: dict[str, Deployment] = field(default_factory=dict)
    projects: set[str] = field(default_factory=set)
    role_assignments: dict[str, set[str]] = field(default_factory=dict)
    subscription_id: str = _SUBSCRIPTION
    resource_group: str = "rg-foundry"

    @property
    def hosts(self) -> tuple[str, ...]:
        """The host names this resource answers on."""
        return tuple(f"{self.name}{HOST_SUFFIXES[family]}" for family in self.host_families)

    @property
    def resource_id(self) -> str:
        """The ARM resource id (the scope of its role assignments)."""
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.CognitiveServices/accounts/{self.name}"
        )

    def add_deployment(self, deployment: Deployment) -> Deployment:
        """Add (or replace) a deployment; returns it."""
        self.deployments[deployment.name] = deployment
        return deployment

    def key_index(self, key: str) -> int | None:
        """1 or 2 when ``key`` is one of this resource's keys, else ``None`` (constant time)."""
        found = None
        for index, candidate in enumerate(self.keys, start=1):
            if secrets.compare_digest(candidate.encode(), key.encode()):
                found = index
        return found


@dataclass(frozen=True, slots=True)
class HostMatch:
    """What a host name points at: one resource (custom subdomain) or a region's resources."""

    host: str
    resource: Resource | None = None
    family: HostFamily | None = None
    region: str | None = None

    @property
    def regional(self) -> bool:
        return self.resource is None


@dataclass
class World:
    """Everything the emulated service knows. Mutate it freely; the emulator reads it live.

    ``api_versions`` lists the ``api-version`` values each dated route serves: ``"deployments"``
    (``/openai/deployments/...``) and ``"models"`` (``/models/...``). ``models_api_retired``
    makes every ``/models/**`` call answer ``retired_status`` / ``retired_body``.
    ``missing_auth_status`` / ``missing_auth_body`` answer a call with no credential at all on
    key-capable routes; ``unknown_model_status`` is the status of ``unknown_model`` on
    ``/models``.
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

    # --- look-ups -----------------------------------------------------------------------------

    def resource(self, name: str) -> Resource:
        """The resource called ``name`` (``KeyError`` when there is none)."""
        try:
            return self.resources[name]
        except KeyError:
            raise KeyError(f"no resource named {name!r} in the emulated world") from None

    def principal(self, name: str) -> Principal:
        """The principal called ``name`` (``KeyError`` when there is none)."""
        try:
            return self.principals[name]
        except KeyError:
            raise KeyError(f"no principal named {name!r} in the emulated world") from None

    def add_resource(self, resource: Resource) -> Resource:
        self.resources[resource.name] = resource
        return resource

    def add_principal(self, principal: Principal) -> Principal:
        self.principals[principal.name] = principal
        return principal

    def _oid(self, principal: str) -> str:
        known = self.principals.get(principal)
        return known.oid if known is not None else principal

    def assign(self, principal: str, role: str, resource: str = "myres") -> None:
        """Give ``principal`` (a name or an object id) ``role`` on ``resource``."""
        self.resource(resource).role_assignments.setdefault(self._oid(principal), set()).add(role)

    def unassign(self, principal: str, role: str, resource: str = "myres") -> None:
        """Remove one role assignment (no error when it does not exist)."""
        roles = self.resource(resource).role_assignments.get(self._oid(principal))
        if roles is not None:
            roles.discard(role)

    def roles(self, principal: str, resource: str = "myres") -> frozenset[str]:
        """The roles ``principal`` (a name or an object id) holds on ``resource``."""
        return frozenset(self.resource(resource).role_assignments.get(self._oid(principal), ()))

    def match_host(self, host: str) -> HostMatch | None:
        """What ``host`` points at, or ``None`` when the world does not serve it."""
        host = host.lower().rstrip(".")
        for resource in self.resources.values():
            for family in resource.host_families:
                if host == f"{resource.name.lower()}{HOST_SUFFIXES[family]}":
                    return HostMatch(host=host, resource=resource, family=family)
        if host.endswith(REGIONAL_SUFFIX):
            region = host[: -len(REGIONAL_SUFFIX)]
            if any(resource.region == region for resource in self.resources.values()):
                return HostMatch(host=host, region=region)
        return None

    def regional_hosts(self) -> tuple[str, ...]:
        """The regional host names served (one per region that has a resource)."""
        regions = sorted({resource.region for resource in self.resources.values()})
        return tuple(f"{region}{REGIONAL_SUFFIX}" for region in regions)

    def hosts(self) -> tuple[str, ...]:
        """Every host name the world serves."""
        names = [host for resource in self.resources.values() for host in resource.hosts]
        return (*names, *self.regional_hosts())

    # --- changes ------------------------------------------------------------------------------

    def copy(self) -> World:
        """A deep copy (same keys, same ids), for a test that changes things temporarily."""
        return copy.deepcopy(self)

    def apply(self, changes: Mapping[str, object]) -> None:
        """Apply data-only changes, e.g. ``{"models_api_retired": True}`` or
        ``{"resources.myres.local_auth": False}``. Unknown names raise ``KeyError``."""
        for path, value in changes.items():
            parts = path.split(".")
            target: object = self
            if parts[0] == "resources" and len(parts) == 3:
                target = self.resource(parts[1])
                parts = parts[2:]
            elif parts[0] == "principals" and len(parts) == 3:
                target = self.principal(parts[1])
                parts = parts[2:]
            if len(parts) != 1 or parts[0].startswith("_") or not hasattr(target, parts[0]):
                raise KeyError(f"unknown world setting {path!r}")
            setattr(target, parts[0], value)


def default_world() -> World:
    """The world the emulator starts with (documented in ``docs/emulator.md``).

    Ids are fixed; the resource keys are fresh random values on every call.
    """
    world = World(
        api_versions={
            "deployments": {
                "2023-05-15",
                "2024-02-01",
                "2024-05-01-preview",
                "2024-06-01",
                "2024-08-01-preview",
                "2024-10-01-preview",
                "2024-10-21",
                "2024-12-01-preview",
                "2025-01-01-preview",
                "2025-03-01-preview",
                "2025-04-01-preview",
            },
            "models": {"2024-05-01-preview"},
        }
    )
    principals = [
        Principal(
            "alice",
            oid="bbbbbbbb-0000-0000-0000-000000000001",
            tid=DEFAULT_TENANT,
            appid=_AZURE_CLI_APP_ID,
            upn="alice@contoso.example",
            display_name="Alice",
        ),
        Principal(
            "bob",
            oid="bbbbbbbb-0000-0000-0000-000000000002",
            tid=DEFAULT_TENANT,
            appid=_AZURE_CLI_APP_ID,
            upn="bob@contoso.example",
            display_name="Bob",
        ),
        Principal(
            "carol",
            oid="bbbbbbbb-0000-0000-0000-000000000003",
            tid=DEFAULT_TENANT,
            appid=_AZURE_CLI_APP_ID,
            upn="carol@contoso.example",
            display_name="Carol",
        ),
        Principal(
            "dave",
            oid="bbbbbbbb-0000-0000-0000-000000000004",
            tid=DEFAULT_TENANT,
            appid=_AZURE_CLI_APP_ID,
            upn="dave@contoso.example",
            display_name="Dave",
        ),
        Principal(
            "app",
            oid="bbbbbbbb-0000-0000-0000-000000000005",
            tid=DEFAULT_TENANT,
            appid="dddddddd-0000-0000-0000-000000000005",
            idtyp="app",
            display_name="chat-backend",
        ),
        Principal(
            "eve",
            oid="bbbbbbbb-0000-0000-0000-000000000006",
            tid=FOREIGN_TENANT,
            appid=_AZURE_CLI_APP_ID,
            upn="eve@fabrikam.example",
            display_name="Eve",
        ),
    ]
    for principal in principals:
        world.add_principal(principal)

    myres = world.add_resource(Resource("myres", projects={"myproject"}))
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
    world.assign("alice", ROLE_AZURE_AI_USER, "myres")
    world.assign("alice", ROLE_COGNITIVE_SERVICES_USER, "keyless")
    world.assign("alice", ROLE_COGNITIVE_SERVICES_USER, "private")
    world.assign("bob", ROLE_OPENAI_USER, "myres")
    world.assign("carol", ROLE_OWNER, "myres")
    world.assign("app", ROLE_COGNITIVE_SERVICES_USER, "myres")
    world.assign("eve", ROLE_COGNITIVE_SERVICES_USER, "myres")
    return world
