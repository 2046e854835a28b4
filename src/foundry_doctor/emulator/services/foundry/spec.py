"""The Foundry / Azure OpenAI data plane, stated as data: host families per cloud, route
families, the operations of each with the data action it needs, the api-version policy per
route, and the credentials and token audiences each accepts.

The handlers (:mod:`~foundry_doctor.emulator.services.foundry.handlers`) decide from these
tables, so the tables are what the emulator does; a test compares them with foundry-doctor's
diagnosis tables, which are kept apart on purpose (a wrong fact then shows up as a
disagreement). Sources: ``../shared/knowledge/routes.md`` (hosts §1, api-versions §2, routes
§3-§4, audiences §5), ``wire.md`` A.1/A.2 (which check answers first), ``roles.md`` §3 (the
data actions the service names), ``entra.md`` §5 (sovereign hosts and audiences). The roles
themselves are in :mod:`~foundry_doctor.emulator.roles`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from foundry_doctor.emulator.roles import DATA_ACTION_PREFIX
from foundry_doctor.emulator.services.entra.spec import Cloud

__all__ = [
    "AI_AUDIENCE",
    "AUDIENCES",
    "COGNITIVE_SERVICES_AUDIENCE",
    "DATED_API_VERSION",
    "DEPLOYMENTS_API_VERSIONS",
    "HOST_FAMILIES",
    "IMPERSONATION_ACTION",
    "MODELS_API_VERSIONS",
    "PERMISSIONS_HELP",
    "PROJECT_API_VERSIONS",
    "PROJECT_OPENAI_OPERATION",
    "PROJECT_OPERATIONS",
    "REGIONAL_SUFFIX",
    "RESPONSES_API_VERSIONS",
    "ROUTES",
    "USER_IDENTITY_HEADER",
    "V1_ALIASES",
    "ApiVersionPolicy",
    "AudienceKind",
    "Cloud",
    "Credential",
    "HostFamily",
    "HostFamilySpec",
    "ModelFamily",
    "OperationSpec",
    "RouteFamily",
    "RouteName",
    "accepted_audiences",
    "dated_order",
    "model_action",
    "project_openai_action",
    "route_of",
]

HostFamily = Literal["openai", "services", "cognitiveservices", "regional"]
RouteName = Literal["deployments", "v1", "responses", "models", "anthropic", "project"]
#: ``api-key``: the ``api-key`` header; ``x-api-key``: the ``x-api-key`` header (the Anthropic
#: route); ``bearer-token``: an Entra token in ``Authorization: Bearer``; ``bearer-key``: a
#: resource key in ``Authorization: Bearer``
Credential = Literal["api-key", "x-api-key", "bearer-token", "bearer-key"]
#: ``openai``: Azure OpenAI models; ``maas``: the other models sold through Foundry (Llama,
#: DeepSeek, Cohere, ...); ``anthropic``: Claude, served on ``/anthropic`` only
ModelFamily = Literal["openai", "maas", "anthropic"]
#: which kind of token audience: the cloud's Cognitive Services one, or ``ai.azure.com``
AudienceKind = Literal["cognitive", "ai"]

COGNITIVE_SERVICES_AUDIENCE = "https://cognitiveservices.azure.com"
AI_AUDIENCE = "https://ai.azure.com"

#: the token audiences per cloud (entra.md §5; no source names an ``ai.azure.com``
#: equivalent in the sovereign clouds)
AUDIENCES: Mapping[Cloud, Mapping[AudienceKind, str]] = {
    "public": {"cognitive": COGNITIVE_SERVICES_AUDIENCE, "ai": AI_AUDIENCE},
    "usgov": {"cognitive": "https://cognitiveservices.azure.us"},
    "china": {"cognitive": "https://cognitiveservices.azure.cn"},
}

#: ``YYYY-MM-DD`` with an optional ``-preview``
DATED_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?")
#: the non-dated ``api-version`` values the v1 surface accepts (``latest``: only in a Learn
#: example, routes.md §2.2; ``World.v1_latest_accepted`` decides)
V1_ALIASES = frozenset({"v1", "preview", "latest"})

#: the regional (shared) endpoints: ``<region>.api.cognitive.microsoft.com``
REGIONAL_SUFFIX = ".api.cognitive.microsoft.com"


def dated_order(version: str) -> tuple[str, int]:
    """A sort key for dated api-versions: by date, a preview before the GA of the same day."""
    date = version[:10]
    return date, 0 if version.endswith("-preview") else 1


# --- api-versions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiVersionPolicy:
    """How an operation treats the ``api-version`` query parameter.

    ``"dated"``: required, and one of the versions the world serves for ``world_key``
    (``World.api_versions[world_key]``); anything else is ``404 Resource not found``. With a
    ``minimum``, a dated version the resource knows (served on the deployment route) but older
    than it is a ``400`` that names the minimum instead.

    ``"v1"``: optional; when given, one of the v1 aliases; a dated version is ``400`` ("not
    allowed" or "not supported", per ``World.v1_dated_api_version``), another value ``400`` "not
    supported".

    ``"listed"``: one of ``values``; another value is ``400`` "not supported"; a missing one is
    accepted unless ``required``, else ``400`` (``missing``: the "not supported" text, or the
    "api-version not specified" one). ``"none"``: the route has no api-version (it is ignored).

    ``required`` applies to ``"dated"`` too: ``/models`` answered a call without api-version
    (the public case claudecode66896), so a missing one means the default there.
    """

    kind: Literal["dated", "v1", "listed", "none"]
    world_key: str = ""
    values: frozenset[str] = frozenset()
    required: bool = True
    missing: Literal["unsupported", "not-specified"] = "unsupported"
    minimum: str | None = None


#: dated api-versions the classic deployment route serves by default (routes.md §2.1)
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
#: dated api-versions the dated Responses route serves (routes.md §3.2)
RESPONSES_API_VERSIONS = frozenset({"2025-03-01-preview", "2025-04-01-preview"})
#: the oldest of them; older dated versions get the 400 that names it
RESPONSES_MINIMUM_API_VERSION = "2025-03-01-preview"
#: dated api-versions the Model Inference API (``/models``) serves by default
MODELS_API_VERSIONS = frozenset({"2024-05-01-preview"})
#: the api-versions of project routes (routes.md §2.4)
PROJECT_API_VERSIONS = frozenset({"v1", "2025-11-15-preview"})
#: classic Foundry agents also answered ``2025-05-01`` (the api-version of the public cases)
CLASSIC_AGENTS_API_VERSIONS = PROJECT_API_VERSIONS | {"2025-05-01"}
#: published agent applications and the dated project Responses route
PREVIEW_API_VERSIONS = frozenset({"2025-11-15-preview"})

_DATED_DEPLOYMENTS = ApiVersionPolicy("dated", world_key="deployments")
_DATED_RESPONSES = ApiVersionPolicy(
    "dated", world_key="responses", minimum=RESPONSES_MINIMUM_API_VERSION
)
_DATED_MODELS = ApiVersionPolicy("dated", world_key="models", required=False)
_V1 = ApiVersionPolicy("v1")
_PROJECT = ApiVersionPolicy("listed", values=PROJECT_API_VERSIONS)
_PROJECT_OPTIONAL = ApiVersionPolicy("listed", values=PROJECT_API_VERSIONS, required=False)
_CLASSIC_AGENTS = ApiVersionPolicy("listed", values=CLASSIC_AGENTS_API_VERSIONS)
_APPLICATIONS = ApiVersionPolicy("listed", values=PREVIEW_API_VERSIONS, missing="not-specified")
_PROJECT_DATED_RESPONSES = ApiVersionPolicy("listed", values=PREVIEW_API_VERSIONS)


# --- operations and routes ------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """One operation: its method and path template (relative to the route's prefix; ``{name}``
    stands for one path segment without ``:``), the operation's name, and an api-version
    policy when it differs from its route's.

    On project routes, ``action`` is the data action it needs (without the
    ``Microsoft.CognitiveServices/`` prefix), ``denied_as`` how the 401 names the operation
    (default: ``<METHOD> /api/projects/{projectName}<path>``), and ``impersonation`` whether a
    caller sending ``x-ms-user-identity`` also needs the impersonation action (agent calls).
    On account routes the action depends on the deployment's model (:func:`model_action`).
    """

    method: str
    path: str
    name: str
    api_version: ApiVersionPolicy | None = None
    action: str | None = None
    denied_as: str | None = None
    impersonation: bool = False
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _PLACEHOLDER.split(self.path)  # literal, name, literal, name, ...
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/:]+)"
            for index, part in enumerate(parts)
        )
        object.__setattr__(self, "pattern", re.compile(regex))

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when ``method`` and ``path`` (relative) are this operation's."""
        if method != self.method:
            return None
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found is not None else None

    @property
    def data_action(self) -> str | None:
        """The full data action (project routes), ``None`` on account routes."""
        return DATA_ACTION_PREFIX + self.action if self.action else None

    @property
    def operation_text(self) -> str:
        """How a project 401 names this operation."""
        return self.denied_as or f"{self.method} /api/projects/{{projectName}}{self.path}"


@dataclass(frozen=True, slots=True)
class RouteFamily:
    """A family of routes under one path prefix, with what it accepts.

    ``prefix`` is matched as a whole path segment sequence (``/openai/v1`` matches
    ``/openai/v1`` and ``/openai/v1/...``). ``credentials`` are the ones it reads;
    ``audiences`` the kinds of token audience it accepts, and ``audience_template`` how its
    401 names them (``{cognitive}`` / ``{ai}`` stand for the cloud's audiences).
    """

    name: RouteName
    prefix: str
    credentials: frozenset[Credential]
    audiences: frozenset[AudienceKind]
    audience_template: str
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

    def audiences_in(self, cloud: Cloud) -> frozenset[str]:
        """The token audiences this family accepts on a resource of ``cloud``."""
        known = AUDIENCES[cloud]
        return frozenset(known[kind] for kind in self.audiences if kind in known)

    def audience_text_in(self, cloud: Cloud) -> str:
        """The parenthesis of this family's audience 401 on a resource of ``cloud``."""
        known = AUDIENCES[cloud]
        return self.audience_template.format(
            cognitive=known["cognitive"], ai=known.get("ai", AI_AUDIENCE)
        )

    @property
    def audience_text(self) -> str:
        """The parenthesis of the audience 401 in the public cloud."""
        return self.audience_text_in("public")


_V1_OPERATIONS = (
    OperationSpec("GET", "/models", "models"),
    OperationSpec("GET", "/models/", "models"),
    OperationSpec("GET", "/models/{model}", "model"),
    OperationSpec("POST", "/chat/completions", "chat/completions"),
    OperationSpec("POST", "/completions", "completions"),
    OperationSpec("POST", "/embeddings", "embeddings"),
    OperationSpec("POST", "/responses", "responses"),
    OperationSpec("GET", "/responses/{response_id}", "response"),
    OperationSpec("DELETE", "/responses/{response_id}", "response/delete"),
    OperationSpec("GET", "/responses/{response_id}/input_items", "response/input_items"),
)
_RESPONSES_OPERATIONS = (
    OperationSpec("POST", "", "responses"),
    OperationSpec("GET", "/{response_id}", "response"),
    OperationSpec("DELETE", "/{response_id}", "response/delete"),
    OperationSpec("GET", "/{response_id}/input_items", "response/input_items"),
)
_ACCOUNT_CREDENTIALS: frozenset[Credential] = frozenset({"api-key", "bearer-token"})
_ACCOUNT_AUDIENCES: frozenset[AudienceKind] = frozenset({"cognitive", "ai"})

_AGENTS = "/agents/*"
_OPENAI_STAR = "/openai/*"


def _read_write(method: str, family: str) -> str:
    return f"accounts/AIServices/{family}/{'read' if method == 'GET' else 'write'}"


def _project(
    method: str,
    path: str,
    name: str,
    family: str,
    api_version: ApiVersionPolicy = _PROJECT,
    *,
    denied_as: str | None = None,
) -> OperationSpec:
    """A project operation guarded by ``<family>/read`` (GET) or ``<family>/write``."""
    text = f"{method} /api/projects/{{projectName}}{denied_as}" if denied_as else None
    return OperationSpec(
        method, path, name, api_version, action=_read_write(method, family), denied_as=text
    )


def _project_crud(base: str, item: str, name: str, family: str) -> tuple[OperationSpec, ...]:
    """List, create, get and delete below ``base`` (``item``: the id placeholder)."""
    return (
        _project("GET", base, f"{name}/list", family, _CLASSIC_AGENTS),
        _project("POST", base, f"{name}/create", family, _CLASSIC_AGENTS),
        _project("GET", f"{base}/{{{item}}}", f"{name}/get", family, _CLASSIC_AGENTS),
        _project("POST", f"{base}/{{{item}}}", f"{name}/update", family, _CLASSIC_AGENTS),
        _project("DELETE", f"{base}/{{{item}}}", f"{name}/delete", family, _CLASSIC_AGENTS),
    )


def _agent_endpoint(path: str, name: str, method: str = "POST") -> OperationSpec:
    return OperationSpec(
        method,
        "/agents/{agentName}/endpoint/protocols" + path,
        name,
        _PROJECT_OPTIONAL if name.startswith("invocations") else _PROJECT,
        action="accounts/AIServices/endpoints/interact/action",
        impersonation=True,
    )


def _application(path: str, name: str) -> OperationSpec:
    return OperationSpec(
        "POST",
        "/applications/{applicationName}/protocols" + path,
        name,
        _APPLICATIONS,
        action="accounts/AIServices/applications/invoke/action",
        impersonation=True,
    )


#: the project operations, relative to ``/api/projects/{project}`` (routes.md §4; the data
#: actions and operation texts the service names are in roles.md §3: agents/read for GET and
#: agents/write for POST on agents, assistants, threads and ``/openai/*``; assets/read on
#: vector stores; connections/read on connections; applications/invoke/action and
#: endpoints/interact/action for applications and agent endpoints)
PROJECT_OPERATIONS: tuple[OperationSpec, ...] = (
    OperationSpec(
        "GET",
        "/deployments",
        "deployments",
        _PROJECT,
        action="accounts/AIServices/deployments/read",
    ),
    OperationSpec(
        "GET",
        "/deployments/{deployment}",
        "deployment",
        _PROJECT,
        action="accounts/AIServices/deployments/read",
        denied_as="GET /api/projects/{projectName}/deployments",
    ),
    # new Foundry agents (azure-ai-projects 2.x)
    _project("GET", "/agents", "agents/list", "agents", denied_as=_AGENTS),
    _project("POST", "/agents", "agents/create", "agents", denied_as=_AGENTS),
    _project("GET", "/agents/{agentName}", "agents/get", "agents", denied_as=_AGENTS),
    _project("POST", "/agents/{agentName}", "agents/update", "agents", denied_as=_AGENTS),
    _project("PATCH", "/agents/{agentName}", "agents/update", "agents", denied_as=_AGENTS),
    _project("DELETE", "/agents/{agentName}", "agents/delete", "agents", denied_as=_AGENTS),
    _project("POST", "/agents/{agentName}:enable", "agents/enable", "agents", denied_as=_AGENTS),
    _project("POST", "/agents/{agentName}:disable", "agents/disable", "agents", denied_as=_AGENTS),
    _project("GET", "/agents/{agentName}/versions", "agents/versions", "agents", denied_as=_AGENTS),
    _project(
        "POST", "/agents/{agentName}/versions", "agents/version/create", "agents", denied_as=_AGENTS
    ),
    _project(
        "GET",
        "/agents/{agentName}/versions/{agentVersion}",
        "agents/version/get",
        "agents",
        denied_as=_AGENTS,
    ),
    _project(
        "DELETE",
        "/agents/{agentName}/versions/{agentVersion}",
        "agents/version/delete",
        "agents",
        denied_as=_AGENTS,
    ),
    # agent endpoints and published applications
    _agent_endpoint("/openai/responses", "endpoint/responses"),
    _agent_endpoint("/openai/v1/responses", "endpoint/responses"),
    _agent_endpoint("/invocations", "invocations"),
    _agent_endpoint("/invocations/{invocationId}", "invocations/get", "GET"),
    _agent_endpoint("/a2a", "a2a"),
    _application("/openai/responses", "application/responses"),
    _application("/activityprotocol", "application/activity"),
    # classic Foundry agents (not the retired Azure OpenAI Assistants API)
    *_project_crud("/assistants", "assistantId", "assistants", "agents"),
    *_project_crud("/threads", "threadId", "threads", "agents"),
    _project("GET", "/threads/{threadId}/messages", "messages/list", "agents", _CLASSIC_AGENTS),
    _project("POST", "/threads/{threadId}/messages", "messages/create", "agents", _CLASSIC_AGENTS),
    _project("GET", "/threads/{threadId}/runs", "runs/list", "agents", _CLASSIC_AGENTS),
    _project("POST", "/threads/{threadId}/runs", "runs/create", "agents", _CLASSIC_AGENTS),
    _project("GET", "/threads/{threadId}/runs/{runId}", "runs/get", "agents", _CLASSIC_AGENTS),
    _project("POST", "/threads/runs", "runs/create-thread", "agents", _CLASSIC_AGENTS),
    *_project_crud("/files", "fileId", "files", "assets"),
    *_project_crud("/vector_stores", "vectorStoreId", "vector_stores", "assets"),
    # connections
    _project("GET", "/connections", "connections/list", "connections"),
    _project("GET", "/connections/{connectionName}", "connections/get", "connections"),
    OperationSpec(
        "POST",
        "/connections/{connectionName}/getConnectionWithCredentials",
        "connections/credentials",
        _PROJECT,
        action="accounts/AIServices/connections/read",
    ),
    # the dated project Responses route of older samples
    _project(
        "POST",
        "/openai/responses",
        "responses",
        "agents",
        _PROJECT_DATED_RESPONSES,
        denied_as=_OPENAI_STAR,
    ),
)

#: the route families, most specific prefix first (``/openai/v1`` before ``/openai``)
ROUTES: Mapping[RouteName, RouteFamily] = {
    "v1": RouteFamily(
        name="v1",
        prefix="/openai/v1",
        credentials=frozenset({"api-key", "bearer-token", "bearer-key"}),
        audiences=_ACCOUNT_AUDIENCES,
        audience_template="{cognitive}",
        api_version=_V1,
        operations=_V1_OPERATIONS,
    ),
    "responses": RouteFamily(
        name="responses",
        prefix="/openai/responses",
        credentials=_ACCOUNT_CREDENTIALS,
        audiences=_ACCOUNT_AUDIENCES,
        audience_template="{cognitive}",
        api_version=_DATED_RESPONSES,
        operations=_RESPONSES_OPERATIONS,
    ),
    "deployments": RouteFamily(
        name="deployments",
        prefix="/openai",
        credentials=_ACCOUNT_CREDENTIALS,
        audiences=_ACCOUNT_AUDIENCES,
        audience_template="{cognitive}",
        api_version=_DATED_DEPLOYMENTS,
        operations=(
            OperationSpec("POST", "/deployments/{deployment}/chat/completions", "chat/completions"),
            OperationSpec("POST", "/deployments/{deployment}/completions", "completions"),
            OperationSpec("POST", "/deployments/{deployment}/embeddings", "embeddings"),
        ),
    ),
    "models": RouteFamily(
        name="models",
        prefix="/models",
        credentials=_ACCOUNT_CREDENTIALS,
        audiences=_ACCOUNT_AUDIENCES,
        audience_template="{cognitive}/ or {ai}/",
        api_version=_DATED_MODELS,
        operations=(
            OperationSpec("POST", "/chat/completions", "chat/completions"),
            OperationSpec("POST", "/embeddings", "embeddings"),
            OperationSpec("POST", "/images/embeddings", "images/embeddings"),
            OperationSpec("GET", "/info", "info"),
        ),
    ),
    "anthropic": RouteFamily(
        name="anthropic",
        prefix="/anthropic",
        # which credentials each host family reads: World.anthropic_credentials
        credentials=frozenset({"x-api-key", "bearer-token", "bearer-key"}),
        audiences=_ACCOUNT_AUDIENCES,
        audience_template="{cognitive}",
        api_version=ApiVersionPolicy("none"),
        operations=(
            OperationSpec("POST", "/v1/messages", "messages"),
            OperationSpec("POST", "/v1/messages/count_tokens", "messages/count_tokens"),
        ),
    ),
    "project": RouteFamily(
        name="project",
        prefix="/api/projects",
        credentials=frozenset({"bearer-token"}),
        audiences=frozenset[AudienceKind]({"ai"}),
        audience_template="{ai}",
        api_version=_V1,
        operations=PROJECT_OPERATIONS,
    ),
}

#: how the project 401 names ``/api/projects/<p>/openai/v1/*`` (roles.md §3)
PROJECT_OPENAI_OPERATION = "{method} /api/projects/{{projectName}}/openai/*"
#: where the project 401 sends the reader
PERMISSIONS_HELP = "https://aka.ms/FoundryPermissions"


def project_openai_action(method: str) -> str:
    """The data action a project's ``/openai/v1/*`` call needs."""
    return DATA_ACTION_PREFIX + _read_write(method, "agents")


#: the impersonation action a caller sending ``x-ms-user-identity`` needs on agent calls
IMPERSONATION_ACTION = (
    DATA_ACTION_PREFIX + "accounts/AIServices/agents/endpoints/UserIdentityImpersonation/action"
)
#: the header that asks an agent to act for a user
USER_IDENTITY_HEADER = "x-ms-user-identity"

_OPENAI_ACTIONS = {
    "chat/completions": "accounts/OpenAI/deployments/chat/completions/action",
    "completions": "accounts/OpenAI/deployments/completions/action",
    "embeddings": "accounts/OpenAI/deployments/embeddings/action",
    "images/embeddings": "accounts/OpenAI/deployments/embeddings/action",
    "responses": "accounts/OpenAI/responses/write",
    "response": "accounts/OpenAI/responses/read",
    "response/input_items": "accounts/OpenAI/responses/read",
    "response/delete": "accounts/OpenAI/responses/delete",
}


def model_action(family: ModelFamily, operation: str) -> str:
    """The data action an account-route ``operation`` needs on a deployment of ``family``.

    The OpenAI ones are those the published roles list (roles.md §1); for the other families
    only the prefix ``accounts/MaaS/`` is published (roles.md §3), the rest of the name is the
    emulator's. Reads (model lists, model information, stored responses) are ``.../read``; the
    Responses API's operations are in the ``accounts/OpenAI/responses/`` family the live
    definition of Cognitive Services OpenAI User grants (roles.md §1).
    """
    if family == "openai":
        return DATA_ACTION_PREFIX + _OPENAI_ACTIONS.get(operation, "accounts/OpenAI/models/read")
    if operation in ("models", "model", "info", "response", "response/input_items"):
        return DATA_ACTION_PREFIX + "accounts/MaaS/models/read"
    return DATA_ACTION_PREFIX + f"accounts/MaaS/{operation}/action"


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
    (regional), per cloud, and the route families served there. ``tokens`` is false where
    tokens are refused outright (regional hosts: the custom-subdomain 400)."""

    suffixes: Mapping[Cloud, str]
    routes: frozenset[RouteName]
    tokens: bool = True

    @property
    def suffix(self) -> str:
        """The public cloud's suffix."""
        return self.suffixes["public"]

    def suffix_in(self, cloud: Cloud) -> str | None:
        return self.suffixes.get(cloud)


#: sovereign hosts: ``openai.azure.us`` / ``openai.azure.cn`` (entra.md §5) and the
#: Cognitive Services and Foundry hosts of the same clouds
HOST_FAMILIES: Mapping[HostFamily, HostFamilySpec] = {
    "openai": HostFamilySpec(
        {"public": ".openai.azure.com", "usgov": ".openai.azure.us", "china": ".openai.azure.cn"},
        frozenset({"deployments", "v1", "responses", "anthropic"}),
    ),
    "services": HostFamilySpec(
        {"public": ".services.ai.azure.com", "usgov": ".services.ai.azure.us"},
        frozenset({"deployments", "v1", "responses", "models", "anthropic", "project"}),
    ),
    "cognitiveservices": HostFamilySpec(
        {
            "public": ".cognitiveservices.azure.com",
            "usgov": ".cognitiveservices.azure.us",
            "china": ".cognitiveservices.azure.cn",
        },
        frozenset({"deployments", "v1", "responses"}),
    ),
    "regional": HostFamilySpec({"public": REGIONAL_SUFFIX}, frozenset({"deployments"}), False),
}


def accepted_audiences(
    host_family: HostFamily, route: RouteName, cloud: Cloud = "public"
) -> frozenset[str]:
    """The token audiences a route accepts on a host family (none where it is not served)."""
    spec = HOST_FAMILIES[host_family]
    if route not in spec.routes or not spec.tokens:
        return frozenset()
    return ROUTES[route].audiences_in(cloud)
