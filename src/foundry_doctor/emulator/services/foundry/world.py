"""The Foundry data plane's part of the emulated world: resources, their deployments, projects,
keys, role assignments, network settings and quotas.

Plain mutable dataclasses: a test changes one thing (add a deployment, switch off key
authentication, make a deployment run out of quota) and the next request sees it. What a role
grants is in the world's role definitions
(:mod:`~foundry_doctor.emulator.roles`); here a role assignment is the role's
current name held by an object id. API keys bypass roles entirely, as on the real service.
"""

from __future__ import annotations

import secrets
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from foundry_doctor.emulator.services.entra.spec import Cloud
from foundry_doctor.emulator.services.entra.world import DEFAULT_TENANT
from foundry_doctor.emulator.services.foundry.spec import (
    AI_AUDIENCE,
    COGNITIVE_SERVICES_AUDIENCE,
    HOST_FAMILIES,
    PERMISSIONS_HELP,
    REGIONAL_SUFFIX,
    Credential,
    HostFamily,
    ModelFamily,
)

__all__ = [
    "DEFAULT_SUBSCRIPTION",
    "Agent",
    "Application",
    "Connection",
    "Deployment",
    "DeploymentKind",
    "FoundrySettings",
    "HostMatch",
    "ModelFamily",
    "NetworkAnswer",
    "Project",
    "Quota",
    "Refusal",
    "Resource",
    "ResourceHostFamily",
    "RetiredAnswer",
    "match_host",
    "new_key",
    "region_display_name",
]

DeploymentKind = Literal["chat", "embeddings"]
#: the host families a resource answers on under its custom subdomain
ResourceHostFamily = Literal["openai", "services", "cognitiveservices"]
#: what a deployment of a retired model version answers (retirements.md §2.3): the generic
#: 404, the 400 ``OperationNotSupported`` text, or the 410 ``ModelDeprecated``
RetiredAnswer = Literal["not-found", "operation-not-supported", "model-deprecated"]
#: the preset answers of a resource whose public network access is off (wire.md A.2; the
#: public cases): "Public access is disabled", the firewall body, the virtual-network body
#: without the ``error`` wrapper, an nginx 403 page
NetworkAnswer = Literal["public-access-disabled", "firewall", "virtual-network", "proxy-html"]

DEFAULT_SUBSCRIPTION = "cccccccc-0000-0000-0000-000000000001"

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
    "usgovvirginia": "USGov Virginia",
    "usgovarizona": "USGov Arizona",
    "chinaeast2": "China East 2",
    "chinanorth3": "China North 3",
}


def new_key() -> str:
    """A fresh resource key: 32 hexadecimal characters, like a classic Azure AI services key."""
    return secrets.token_hex(16)


def region_display_name(region: str) -> str:
    """``eastus`` -> ``East US`` (what the ``x-ms-region`` header carries)."""
    return _REGION_NAMES.get(region, region)


@dataclass
class Quota:
    """A deployment's rate limits, for testing retry and back-off code.

    ``requests_per_minute`` / ``tokens_per_minute``: limits over a sliding 60-second window
    (tokens: the request's prompt words plus the answer's, the emulator's estimate);
    ``throttle_next``: the next N calls are refused whatever the window says (counts down);
    ``retry_after_ms``: the wait the 429 announces for those (the window's own wait otherwise).
    ``usage`` is the window itself (time, tokens of each admitted call): a new quota starts
    empty.
    """

    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    throttle_next: int = 0
    retry_after_ms: int = 1000
    usage: deque[tuple[float, int]] = field(default_factory=deque, repr=False, compare=False)


@dataclass
class Deployment:
    """A model deployment on a resource.

    ``family`` is ``"openai"`` for Azure OpenAI models, ``"maas"`` for the other Foundry models
    (Llama, DeepSeek, Cohere, ...) and ``"anthropic"`` for Claude (served on ``/anthropic``
    only); ``kind`` says which operation it serves; ``provider`` is what ``/models/info``
    reports as ``model_provider_name``. ``model_version``: the version of the model it runs
    (``None``: the model catalogue's default version, see ``World.deployed_model``).
    ``min_api_version``: the oldest dated api-version the model is enabled for (older ones are
    a 400 naming it). ``responses_api``: whether the Responses API serves the model.
    ``retired``: its model version is retired, and this is what calls answer (a version the
    catalogue lists as retired answers ``FoundrySettings.retired_answer`` without it; one
    place decides both this and what Resource Manager lists: ``World.deployed_model``).
    ``quota``: its rate limits (none: unlimited).
    """

    name: str
    model: str
    family: ModelFamily = "openai"
    kind: DeploymentKind = "chat"
    provider: str = "OpenAI"
    model_version: str | None = None
    min_api_version: str | None = None
    responses_api: bool = True
    retired: RetiredAnswer | None = None
    quota: Quota | None = None


@dataclass
class Refusal:
    """An answer given to every request of a resource before anything else is looked at: its
    status, raw body, content type, extra headers and, when not the standard one, the reason
    phrase."""

    status: int
    body: str
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    reason: str | None = None


@dataclass
class Agent:
    """A Foundry agent of a project: its versions' definitions (oldest first) and whether it
    is enabled."""

    name: str
    versions: list[dict[str, Any]] = field(default_factory=list)
    enabled: bool = True
    created_at: int = 1_700_000_000

    @property
    def model(self) -> str | None:
        """The model its latest version names, if any."""
        if not self.versions:
            return None
        model = self.versions[-1].get("definition", {}).get("model")
        return model if isinstance(model, str) else None


@dataclass
class Connection:
    """A project connection (azure-ai-projects ``Connection``); ``key`` is the secret that
    ``getConnectionWithCredentials`` returns for an ``ApiKey`` connection."""

    name: str
    type: str = "AzureOpenAI"
    target: str = "https://myres.openai.azure.com/"
    credential_type: Literal["ApiKey", "AAD"] = "AAD"
    key: str = field(default_factory=new_key, repr=False)
    is_default: bool = False


@dataclass
class Application:
    """A published agent application: the agent it serves."""

    name: str
    agent: str


@dataclass
class Project:
    """A Foundry project of a resource, with what its routes list and serve.

    ``objects`` keeps what classic agent calls created (assistants, threads, files, vector
    stores), by id.
    """

    name: str
    agents: dict[str, Agent] = field(default_factory=dict)
    connections: dict[str, Connection] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{uuid.uuid4().hex[:24]}"


def _projects(names: Iterable[str]) -> dict[str, Project]:
    return {name: Project(name) for name in names}


@dataclass
class Resource:
    """A Foundry (Azure AI services) resource.

    ``cloud`` picks its host names and token audiences (``public``, ``usgov``, ``china``);
    ``host_families`` says which custom-subdomain host names it answers on. ``keys`` are its
    two keys (never shown in ``repr``). ``role_assignments`` maps a principal's object id to
    the current names of its roles on this resource (``World.assign`` resolves IDs and former
    names). With ``public_network`` off, every request gets ``network_answer`` (a preset name
    or a :class:`Refusal`); ``refusal`` answers every request (e.g. a suspended resource).
    """

    name: str
    tenant_id: str = DEFAULT_TENANT
    region: str = "eastus"
    host_families: tuple[ResourceHostFamily, ...] = ("openai", "services", "cognitiveservices")
    keys: tuple[str, str] = field(default_factory=lambda: (new_key(), new_key()), repr=False)
    local_auth: bool = True
    public_network: bool = True
    deployments: dict[str, Deployment] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    role_assignments: dict[str, set[str]] = field(default_factory=dict)
    subscription_id: str = DEFAULT_SUBSCRIPTION
    resource_group: str = "rg-foundry"
    cloud: Cloud = "public"
    network_answer: NetworkAnswer | Refusal = "public-access-disabled"
    refusal: Refusal | None = None

    def __post_init__(self) -> None:
        names: object = self.projects
        if isinstance(names, (set, frozenset, list, tuple)):  # names given for convenience
            self.projects = _projects(str(name) for name in names)

    @property
    def hosts(self) -> tuple[str, ...]:
        """The host names this resource answers on."""
        names = []
        for family in self.host_families:
            suffix = HOST_FAMILIES[family].suffix_in(self.cloud)
            if suffix is not None:
                names.append(f"{self.name}{suffix}")
        return tuple(names)

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

    def add_project(self, project: Project | str) -> Project:
        """Add (or replace) a project; returns it."""
        added = Project(project) if isinstance(project, str) else project
        self.projects[added.name] = added
        return added

    def project(self, name: str) -> Project:
        """The project called ``name`` (``KeyError`` when there is none)."""
        try:
            return self.projects[name]
        except KeyError:
            raise KeyError(f"no project named {name!r} on resource {self.name!r}") from None

    def key_index(self, key: str) -> int | None:
        """1 or 2 when ``key`` is one of this resource's keys, else ``None`` (constant time)."""
        found = None
        for index, candidate in enumerate(self.keys, start=1):
            if secrets.compare_digest(candidate.encode(), key.encode()):
                found = index
        return found


#: the message of the 429 when the world does not set one (``{seconds}``: the announced wait).
#: No 429 body is quoted in the knowledge base; this is the emulator's wording in the
#: service's envelope, with the documented headers.
THROTTLED_MESSAGE = "Rate limit is exceeded. Try again in {seconds} seconds."


def _v1_dated_default() -> dict[str, str]:
    # "API version not supported" on /openai/v1/responses (codex#3725, openclaw#82025,
    # mulmoclaude#1063); "not allowed when using /v1 path" elsewhere (pydantic-ai#5066)
    return {"*": "not-allowed", "responses": "not-supported"}


def _anthropic_default() -> dict[str, frozenset[Credential]]:
    # services.ai.azure.com: x-api-key (Learn REST tab; hermes-agent#66756) or a token;
    # openai.azure.com: a key as Bearer, not x-api-key (hermes-agent#26970)
    return {
        "services": frozenset({"x-api-key", "bearer-token"}),
        "openai": frozenset({"bearer-key", "bearer-token"}),
    }


@dataclass
class FoundrySettings:
    """How the data plane answers where the sources show variants or leave a question open
    (each documented with its sources in ``docs/emulator.md``).

    ``x_request_id``: send ``x-request-id`` on every reply (``"always"``, wire.md A.3), on
    successes only, or never (``apim-request-id`` is always sent). ``credential_precedence``:
    with both ``api-key`` and ``Authorization``, which one decides (``"api-key"``, wire.md
    A.4), or ``"any-valid"`` (accepted when either is). ``v1_dated_api_version``: the 400 a
    dated api-version gets on ``/openai/v1``, by operation (``"*"`` for the rest):
    ``"not-allowed"`` or ``"not-supported"``. ``v1_latest_accepted``: ``api-version=latest`` on
    v1. ``v1_preview_mode``: the mid-2025 preview, when v1 wanted ``api-version=preview``.
    ``anthropic_credentials``: what ``/anthropic`` reads, per host family;
    ``anthropic_audiences``: the token audiences it accepts (disputed: Learn names Cognitive
    Services, the anthropic SDK ``ai.azure.com``; both by default, as on the account routes);
    ``anthropic_version_required``: refuse a call without ``anthropic-version`` (no source
    shows the service doing so).
    ``project_permission_help``: where the project 401 points (``None``: no such sentence).
    ``retired_answer``: what a deployment answers when the model catalogue lists its model
    version as retired and the deployment sets no answer of its own (the generic 404, as
    for gpt-35-turbo 0125 in BerriAI/litellm#11116, retirements.md §2.3).
    ``throttled_message``: the 429's message. ``invalid_key_code``: the ``code`` of the
    invalid-key 401 (``"401"``; ``"Unauthorized"`` is also seen). ``audience_texts``: the
    parenthesis of the audience 401 per route family, where a world wants another one than
    the statement's (e.g. ``{"project": "https://ai.azure.com/"}``, with the trailing slash
    some reports show). ``path_answers``: an answer for every request below a path prefix,
    before authentication, e.g. what a retired route answers now (``{"/openai/assistants":
    Refusal(...)}``; none by default: a path the service does not serve is the 404).
    """

    x_request_id: Literal["always", "success", "never"] = "always"
    credential_precedence: Literal["api-key", "authorization", "any-valid"] = "api-key"
    v1_dated_api_version: dict[str, str] = field(default_factory=_v1_dated_default)
    v1_latest_accepted: bool = True
    v1_preview_mode: bool = False
    anthropic_credentials: dict[str, frozenset[Credential]] = field(
        default_factory=_anthropic_default
    )
    anthropic_audiences: frozenset[str] = frozenset({COGNITIVE_SERVICES_AUDIENCE, AI_AUDIENCE})
    anthropic_version_required: bool = False
    project_permission_help: str | None = PERMISSIONS_HELP
    retired_answer: RetiredAnswer = "not-found"
    throttled_message: str = THROTTLED_MESSAGE
    invalid_key_code: str = "401"
    audience_texts: dict[str, str] = field(default_factory=dict)
    path_answers: dict[str, Refusal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HostMatch:
    """What a host name points at: one resource (custom subdomain) or a region's resources."""

    host: str
    family: HostFamily
    resource: Resource | None = None
    region: str | None = None

    @property
    def regional(self) -> bool:
        return self.resource is None


def match_host(resources: Iterable[Resource], host: str) -> HostMatch | None:
    """What ``host`` points at among ``resources``, or ``None`` when none answers on it."""
    host = host.lower().rstrip(".")
    listed = list(resources)
    for resource in listed:
        for family in resource.host_families:
            suffix = HOST_FAMILIES[family].suffix_in(resource.cloud)
            if suffix is not None and host == f"{resource.name.lower()}{suffix}":
                return HostMatch(host=host, family=family, resource=resource)
    if host.endswith(REGIONAL_SUFFIX):
        region = host[: -len(REGIONAL_SUFFIX)]
        if any(r.region == region and r.cloud == "public" for r in listed):
            return HostMatch(host=host, family="regional", region=region)
    return None
