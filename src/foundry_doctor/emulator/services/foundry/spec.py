"""The Foundry / Azure OpenAI data plane, stated as data: host families, route families, the
operations of each, the api-version policy per route, the credentials and token audiences each
accepts, and what each data-plane role opens.

The handlers (:mod:`~foundry_doctor.emulator.services.foundry.handlers`) decide from these
tables, so the tables are what the emulator does; a test compares them with foundry-doctor's
diagnosis tables, which are kept apart on purpose (a wrong fact then shows up as a
disagreement). Sources: ``../shared/knowledge/routes.md`` (route templates, api-versions,
headers, audiences), ``wire.md`` A.1/A.2 (which check answers first), ``roles.md`` (roles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "AI_AUDIENCE",
    "COGNITIVE_SERVICES_AUDIENCE",
    "DATED_API_VERSION",
    "HOST_FAMILIES",
    "MODEL_ROLES",
    "OPENAI_MODEL_ROLES",
    "PROJECT_ROLES",
    "REGIONAL_SUFFIX",
    "ROLE_NAMES",
    "ROUTES",
    "V1_ALIASES",
    "ApiVersionPolicy",
    "Credential",
    "HostFamily",
    "HostFamilySpec",
    "OperationSpec",
    "RouteFamily",
    "RouteName",
    "accepted_audiences",
    "grants_model",
    "grants_project",
    "route_of",
]

HostFamily = Literal["openai", "services", "cognitiveservices", "regional"]
RouteName = Literal["deployments", "v1", "models", "project"]
#: ``api-key``: the ``api-key`` header; ``bearer-token``: an Entra token in ``Authorization:
#: Bearer``; ``bearer-key``: a resource key in ``Authorization: Bearer``
Credential = Literal["api-key", "bearer-token", "bearer-key"]

COGNITIVE_SERVICES_AUDIENCE = "https://cognitiveservices.azure.com"
AI_AUDIENCE = "https://ai.azure.com"

#: ``YYYY-MM-DD`` with an optional ``-preview``
DATED_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?")
#: the non-dated ``api-version`` values the v1 surface accepts
V1_ALIASES = frozenset({"v1", "preview", "latest"})

#: the regional (shared) endpoints: ``<region>.api.cognitive.microsoft.com``
REGIONAL_SUFFIX = ".api.cognitive.microsoft.com"


# --- api-versions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiVersionPolicy:
    """How a route treats the ``api-version`` query parameter.

    ``"dated"``: required, and one of the dated versions the route serves (the world's
    ``api_versions[route]``, starting from :attr:`served`); anything else is ``404 Resource not
    found``. ``"v1"``: optional; one of :data:`V1_ALIASES` when given; a dated version is
    ``400`` "not allowed", another value ``400`` "not supported". ``"v1-required"``: one of
    :data:`V1_ALIASES`, else ``400`` "not supported".
    """

    kind: Literal["dated", "v1", "v1-required"]
    served: frozenset[str] = frozenset()
    aliases: frozenset[str] = frozenset()


# --- operations and routes ------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """One operation: its method and path template (relative to the route's prefix; ``{name}``
    stands for one path segment), the operation's name as the service calls it in its errors,
    and an api-version policy when it differs from its route's."""

    method: str
    path: str
    name: str
    api_version: ApiVersionPolicy | None = None
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _PLACEHOLDER.split(self.path)  # literal, name, literal, name, ...
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
            for index, part in enumerate(parts)
        )
        object.__setattr__(self, "pattern", re.compile(regex))

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when ``method`` and ``path`` (relative) are this operation's."""
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found is not None else None


@dataclass(frozen=True, slots=True)
class RouteFamily:
    """A family of routes under one path prefix, with what it accepts.

    ``prefix`` is matched as a whole path segment sequence (``/openai/v1`` matches
    ``/openai/v1`` and ``/openai/v1/...``). ``credentials`` are tried in the service's order
    (``api-key`` first, then ``Authorization``); ``audiences`` are the token audiences it
    accepts and ``audience_text`` how its 401 names them.
    """

    name: RouteName
    prefix: str
    credentials: frozenset[Credential]
    audiences: frozenset[str]
    audience_text: str
    api_version: ApiVersionPolicy
    operations: tuple[OperationSpec, ...]

    def owns(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")

    def operation(self, method: str, path: str) -> tuple[OperationSpec, dict[str, str]] | None:
        """The operation ``method`` + ``path`` (relative to the prefix) names, with its
        parameters, or ``None``."""
        for operation in self.operations:
            parameters = operation.match(method, path)
            if parameters is not None:
                return operation, parameters
        return None


#: dated api-versions the classic deployment route serves by default (routes.md §2)
DEPLOYMENTS_API_VERSIONS = frozenset(
    {
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
    }
)
#: dated api-versions the Model Inference API (``/models``) serves by default
MODELS_API_VERSIONS = frozenset({"2024-05-01-preview"})

_V1_POLICY = ApiVersionPolicy("v1", aliases=V1_ALIASES)
_V1_OPERATIONS = (
    OperationSpec("GET", "/models", "models"),
    OperationSpec("GET", "/models/", "models"),
    OperationSpec("GET", "/models/{model}", "model"),
    OperationSpec("POST", "/chat/completions", "chat/completions"),
    OperationSpec("POST", "/completions", "completions"),
    OperationSpec("POST", "/embeddings", "embeddings"),
    OperationSpec("POST", "/responses", "responses"),
)

#: the route families, most specific prefix first (``/openai/v1`` before ``/openai``)
ROUTES: Mapping[RouteName, RouteFamily] = {
    "v1": RouteFamily(
        name="v1",
        prefix="/openai/v1",
        credentials=frozenset({"api-key", "bearer-token", "bearer-key"}),
        audiences=frozenset({COGNITIVE_SERVICES_AUDIENCE, AI_AUDIENCE}),
        audience_text=COGNITIVE_SERVICES_AUDIENCE,
        api_version=_V1_POLICY,
        operations=_V1_OPERATIONS,
    ),
    "deployments": RouteFamily(
        name="deployments",
        prefix="/openai",
        credentials=frozenset({"api-key", "bearer-token"}),
        audiences=frozenset({COGNITIVE_SERVICES_AUDIENCE}),
        audience_text=COGNITIVE_SERVICES_AUDIENCE,
        api_version=ApiVersionPolicy("dated", served=DEPLOYMENTS_API_VERSIONS),
        operations=(
            OperationSpec("POST", "/deployments/{deployment}/chat/completions", "chat/completions"),
            OperationSpec("POST", "/deployments/{deployment}/completions", "completions"),
            OperationSpec("POST", "/deployments/{deployment}/embeddings", "embeddings"),
        ),
    ),
    "models": RouteFamily(
        name="models",
        prefix="/models",
        credentials=frozenset({"api-key", "bearer-token"}),
        audiences=frozenset({COGNITIVE_SERVICES_AUDIENCE, AI_AUDIENCE}),
        audience_text="https://cognitiveservices.azure.com/ or https://ai.azure.com/",
        api_version=ApiVersionPolicy("dated", served=MODELS_API_VERSIONS),
        operations=(
            OperationSpec("POST", "/chat/completions", "chat/completions"),
            OperationSpec("POST", "/embeddings", "embeddings"),
            OperationSpec("POST", "/images/embeddings", "images/embeddings"),
            OperationSpec("GET", "/info", "info"),
        ),
    ),
    "project": RouteFamily(
        name="project",
        prefix="/api/projects",
        credentials=frozenset({"bearer-token"}),
        audiences=frozenset({AI_AUDIENCE}),
        audience_text=AI_AUDIENCE,
        api_version=_V1_POLICY,
        operations=(
            OperationSpec(
                "GET",
                "/{project}/deployments",
                "deployments",
                api_version=ApiVersionPolicy("v1-required", aliases=V1_ALIASES),
            ),
            OperationSpec(
                "GET",
                "/{project}/deployments/{deployment}",
                "deployment",
                api_version=ApiVersionPolicy("v1-required", aliases=V1_ALIASES),
            ),
            *(
                OperationSpec(
                    operation.method, "/{project}/openai/v1" + operation.path, operation.name
                )
                for operation in _V1_OPERATIONS
            ),
        ),
    ),
}


def route_of(path: str) -> RouteName | None:
    """The route family a path belongs to, from its prefix."""
    for route in ROUTES.values():
        if route.owns(path):
            return route.name
    return None


# --- hosts ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostFamilySpec:
    """A family of host names: ``<name><suffix>`` (custom subdomains) or ``<region><suffix>``
    (regional), and the route families served there. ``tokens`` is false where tokens are
    refused outright (regional hosts: the custom-subdomain 400)."""

    suffix: str
    routes: frozenset[RouteName]
    tokens: bool = True


HOST_FAMILIES: Mapping[HostFamily, HostFamilySpec] = {
    "openai": HostFamilySpec(".openai.azure.com", frozenset({"deployments", "v1"})),
    "services": HostFamilySpec(
        ".services.ai.azure.com", frozenset({"deployments", "v1", "models", "project"})
    ),
    "cognitiveservices": HostFamilySpec(
        ".cognitiveservices.azure.com", frozenset({"deployments", "v1"})
    ),
    "regional": HostFamilySpec(REGIONAL_SUFFIX, frozenset({"deployments"}), tokens=False),
}


def accepted_audiences(host_family: HostFamily, route: RouteName) -> frozenset[str]:
    """The token audiences a route accepts on a host family (none where it is not served)."""
    spec = HOST_FAMILIES[host_family]
    if route not in spec.routes or not spec.tokens:
        return frozenset()
    return ROUTES[route].audiences


# --- roles ----------------------------------------------------------------------------------------

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

ModelFamily = Literal["openai", "maas"]


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


#: the data action a project route needs, by verb (named in the project 401)
PROJECT_DATA_ACTION = "Microsoft.CognitiveServices/accounts/AIServices/agents/{verb}"
PROJECT_DEPLOYMENTS_DATA_ACTION = "Microsoft.CognitiveServices/accounts/AIServices/deployments/read"
