"""The data-plane surface: every route family, its operations, api-version rule and credentials.

A :class:`Surface` is one route family (the dated deployment routes, the v1 API, the project
routes, ...): the path prefix it lives under, the operations below it with their methods, its
``api-version`` rule (``required``, ``optional``, ``none`` or ``open`` where the accepted set is
not settled), the api-versions that exist for it, the host families that serve it, the headers
a key may travel in, whether Entra tokens are accepted and for which audiences, which models it
serves, and the client kinds that build its URLs. Facts from ``routes.md`` (sections 3 and 4)
with their sources; :mod:`.matching` judges a request against these tables.

Path templates use ``{name}`` for one segment and a trailing ``/**`` for any deeper path.
Audiences are named by the cloud-independent tokens ``cognitive`` (the Cognitive Services
audience of the resource's cloud), ``ai`` (``https://ai.azure.com``, public cloud) and ``ml``
(``https://ml.azure.com``).
"""

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import api_versions as v
from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.hosts import CloudName, FamilyName, cloud_spec
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "AI_AUDIENCE",
    "ML_AUDIENCE",
    "SURFACES",
    "ApiVersionRule",
    "AudienceToken",
    "ModelScope",
    "Operation",
    "Surface",
    "audiences_for",
    "surface",
]

AI_AUDIENCE = "https://ai.azure.com"
ML_AUDIENCE = "https://ml.azure.com"

ApiVersionRule = Literal["required", "optional", "none", "open"]
AudienceToken = Literal["cognitive", "ai", "ml"]
#: which models a surface serves: OpenAI models only, any model deployed on the resource, Claude
#: only, or the one model of a single-model endpoint
ModelScope = Literal["openai", "any", "anthropic", "single"]

_RESOURCE_HOSTS: tuple[FamilyName, ...] = ("azure-openai", "cognitive-services", "foundry")
_GATEWAYS: tuple[FamilyName, ...] = ("apim", "unknown", "local")


class Operation(NamedTuple):
    """One operation below a surface's prefix. ``since`` is the oldest (preview, stable)
    api-version that has it, for dated surfaces; ``versions`` the exact set when narrower
    than the surface's; ``retired`` a retirement key (:mod:`.retirements`)."""

    path: str
    methods: tuple[str, ...] = ("POST",)
    since: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    retired: str | None = None


class Surface(NamedTuple):
    """One route family of the data plane."""

    name: str
    what: str
    prefix: tuple[str, ...]
    operations: tuple[Operation, ...]
    api_version: ApiVersionRule
    versions: tuple[str, ...]
    families: tuple[FamilyName, ...]
    key_headers: tuple[str, ...]
    token: bool
    audiences: tuple[AudienceToken, ...]
    models: ModelScope
    clients: tuple[str, ...]
    sources: tuple[Source, ...]
    retired: str | None = None
    default_version: str | None = None

    @property
    def template(self) -> str:
        """The prefix as a path template, ``/openai/deployments/{deployment}``."""
        return "/" + "/".join(self.prefix) if self.prefix else ""

    def operation(self, path: str) -> Operation | None:
        """The operation whose template matches ``path`` (lower-case, no leading slash)."""
        for item in self.operations:
            if _template_matches(item.path, path):
                return item
        return None


def _template_matches(template: str, path: str) -> bool:
    if template == "**":
        return bool(path)
    if template.endswith("/**"):
        head = template[:-3]
        return path == head or (path.startswith(head + "/") or _template_matches(head, path))
    want = template.split("/")
    got = path.split("/")
    if len(want) != len(got):
        return False
    return all(w == g or (w.startswith("{") and bool(g)) for w, g in zip(want, got, strict=True))


_DEPLOYMENT_OPERATIONS = (
    Operation("completions"),
    Operation("chat/completions", since=("2023-03-15-preview", "2023-05-15")),
    Operation("embeddings"),
    Operation("audio/transcriptions", since=("2023-09-01-preview", "2024-02-01")),
    Operation("audio/translations", since=("2023-09-01-preview", "2024-02-01")),
    Operation("audio/speech", since=("2024-02-15-preview", "2024-06-01")),
    Operation("images/generations", since=("2023-12-01-preview", "2024-06-01")),
    Operation("images/edits", versions=("2025-04-01-preview",)),
    Operation("extensions/chat/completions", retired="on-your-data"),
)
_ASSISTANTS_SINCE = ("2024-02-15-preview",)
_CRUD = ("GET", "POST", "DELETE")
_V1_OPERATIONS = (
    Operation("chat/completions"),
    Operation("chat/completions/{id}", methods=("GET", "DELETE")),
    Operation("embeddings"),
    Operation("responses"),
    Operation("responses/{id}", methods=("GET", "DELETE")),
    Operation("responses/{id}/input_items", methods=("GET",)),
    Operation("conversations/**", methods=_CRUD),
    Operation("files/**", methods=_CRUD),
    Operation("vector_stores/**", methods=_CRUD),
    Operation("fine_tuning/**", methods=("GET", "POST")),
    Operation("models", methods=("GET",)),
    Operation("models/{id}", methods=("GET",)),
    Operation("evals/**", methods=_CRUD),
    Operation("batches/**", methods=("GET", "POST")),
    Operation("images/generations"),
    Operation("images/edits"),
    Operation("videos/**", methods=("GET", "POST")),
    Operation("audio/transcriptions"),
    Operation("audio/translations"),
    Operation("audio/speech"),
    Operation("realtime", methods=("GET",)),
)

SURFACES: tuple[Surface, ...] = (
    Surface(
        "dated-deployment",
        "the dated Azure OpenAI API, one deployment per path",
        ("openai", "deployments", "{deployment}"),
        _DEPLOYMENT_OPERATIONS,
        "required",
        v.DATED_STABLE.values + v.DATED_PREVIEW.values,
        (*_RESOURCE_HOSTS, *_GATEWAYS),
        ("api-key",),
        token=True,
        audiences=("cognitive", "ai"),
        models="openai",
        clients=("openai.AzureOpenAI", "azure-ai-inference"),
        sources=(s.SPEC_AOAI, s.AUTH, s.WIRE_SDK),
        default_version=v.LATEST_DATED_STABLE,
    ),
    Surface(
        "dated-resource",
        "the dated Azure OpenAI API's resource-level routes (Responses, files, batches, the "
        "retired Assistants API)",
        ("openai",),
        (
            Operation("responses", versions=v.RESPONSES_DATED.values),
            Operation(
                "responses/{id}", methods=("GET", "DELETE"), versions=v.RESPONSES_DATED.values
            ),
            Operation(
                "responses/{id}/input_items", methods=("GET",), versions=v.RESPONSES_DATED.values
            ),
            Operation(
                "assistants", methods=_CRUD, since=_ASSISTANTS_SINCE, retired="assistants-api"
            ),
            Operation(
                "assistants/{id}", methods=_CRUD, since=_ASSISTANTS_SINCE, retired="assistants-api"
            ),
            Operation(
                "threads/**", methods=_CRUD, since=_ASSISTANTS_SINCE, retired="assistants-api"
            ),
            Operation("vector_stores/**", methods=_CRUD, since=("2024-02-15-preview",)),
            Operation("files/**", methods=_CRUD, since=("2024-02-15-preview",)),
            Operation("batches/**", methods=("GET", "POST"), since=("2024-07-01-preview",)),
            Operation(
                "images/generations:submit",
                versions=(
                    "2023-06-01-preview",
                    "2023-07-01-preview",
                    "2023-08-01-preview",
                    "2023-09-01-preview",
                ),
                retired="dall-e-2",
            ),
            Operation("operations/images/{id}", methods=("GET",), retired="dall-e-2"),
            Operation("deployments", methods=("GET",)),
            Operation("deployments/{deployment}", methods=("GET",)),
            Operation("realtime", methods=("GET",)),
        ),
        "required",
        v.DATED_STABLE.values + v.DATED_PREVIEW.values,
        (*_RESOURCE_HOSTS, *_GATEWAYS),
        ("api-key",),
        token=True,
        audiences=("cognitive", "ai"),
        models="openai",
        clients=("openai.AzureOpenAI",),
        sources=(s.SPEC_AOAI, s.LIFECYCLE),
        default_version="2025-04-01-preview",
    ),
    Surface(
        "v1",
        "the OpenAI v1 API on the resource",
        ("openai", "v1"),
        _V1_OPERATIONS,
        "optional",
        v.V1.values,
        (*_RESOURCE_HOSTS, *_GATEWAYS),
        ("api-key", "authorization"),
        token=True,
        audiences=("cognitive", "ai"),
        models="any",
        clients=("openai.OpenAI",),
        sources=(s.SPEC_V1, s.REST_V1, s.LIFECYCLE),
    ),
    Surface(
        "models-api",
        "the Azure AI Model Inference API (retired)",
        ("models",),
        (
            Operation("chat/completions"),
            Operation("embeddings"),
            Operation("images/embeddings"),
            Operation("info", methods=("GET",)),
        ),
        "required",
        v.MODELS_API.values,
        ("foundry", "cognitive-services", "azure-openai", *_GATEWAYS),
        ("api-key",),
        token=True,
        audiences=("cognitive", "ai"),
        models="any",
        clients=("azure-ai-inference",),
        sources=(s.MODEL_INFERENCE_SPEC, s.WIRE_ERRORS),
        retired="models-api",
        default_version=v.MODELS_API_DEFAULT,
    ),
    Surface(
        "anthropic",
        "Claude's Messages API on a Foundry resource",
        ("anthropic", "v1"),
        (
            Operation("messages"),
            Operation("messages/count_tokens"),
            Operation("files/**", methods=_CRUD),
            Operation("skills/**", methods=_CRUD),
        ),
        "none",
        (),
        ("foundry", "azure-openai", *_GATEWAYS),
        ("x-api-key",),
        token=True,
        audiences=("cognitive", "ai"),
        models="anthropic",
        clients=("anthropic.AnthropicFoundry",),
        sources=(s.CLAUDE_PAGE, s.CLAUDE_HEADERS),
    ),
    Surface(
        "project-v1",
        "a Foundry project's OpenAI-compatible v1 API",
        ("api", "projects", "{project}", "openai", "v1"),
        _V1_OPERATIONS,
        "none",
        (),
        ("foundry", *_GATEWAYS),
        (),
        token=True,
        audiences=("ai",),
        models="any",
        clients=("openai.OpenAI", "azure-ai-projects"),
        sources=(s.AIP, s.AUDIENCE_401),
    ),
    Surface(
        "project-dated",
        "a Foundry project's dated Responses route",
        ("api", "projects", "{project}", "openai"),
        (Operation("responses", versions=("2025-11-15-preview",)),),
        "required",
        ("2025-11-15-preview",),
        ("foundry", *_GATEWAYS),
        (),
        token=True,
        audiences=("ai",),
        models="any",
        clients=("openai.AzureOpenAI",),
        sources=(s.AIP,),
        default_version="2025-11-15-preview",
    ),
    Surface(
        "agent-endpoint",
        "a Foundry agent's endpoint",
        ("api", "projects", "{project}", "agents", "{agent}", "endpoint", "protocols"),
        (
            Operation("openai/responses"),
            Operation("openai/v1/responses"),
            Operation("openai/conversations/**", methods=("GET", "POST")),
            Operation("invocations/**", methods=("GET", "POST")),
            Operation("a2a"),
            Operation("voice/**", methods=_CRUD),
        ),
        "open",
        v.PROJECT.values,
        ("foundry", *_GATEWAYS),
        (),
        token=True,
        audiences=("ai",),
        models="any",
        clients=("azure-ai-projects", "openai.OpenAI"),
        sources=(s.AZD, s.AIP, s.HOSTED),
        default_version="v1",
    ),
    Surface(
        "agent-application",
        "a published Foundry agent application",
        ("api", "projects", "{project}", "applications", "{application}", "protocols"),
        (Operation("openai/responses"), Operation("activityprotocol")),
        "required",
        ("2025-11-15-preview",),
        ("foundry", *_GATEWAYS),
        (),
        token=True,
        audiences=("ai",),
        models="any",
        clients=("openai.OpenAI",),
        sources=(s.AIP, s.HOSTED),
        default_version="2025-11-15-preview",
    ),
    Surface(
        "project",
        "a Foundry project's own routes (agents, connections, datasets, evaluations, ...)",
        ("api", "projects", "{project}"),
        (
            # PATCH: azure-ai-projects 2.10 updates an agent with PATCH /agents/{agent_name}
            # (operations/_operations.py, the file routes.md section 4 cites)
            Operation("agents/**", methods=(*_CRUD, "PATCH")),
            Operation("agents:generate"),
            Operation("connections/**", methods=("GET", "POST")),
            Operation("deployments/**", methods=("GET",)),
            Operation("datasets/**", methods=(*_CRUD, "PUT", "PATCH")),
            Operation("indexes/**", methods=(*_CRUD, "PUT", "PATCH")),
            Operation("evaluators/**", methods=(*_CRUD, "PUT")),
            Operation("evaluationrules/**", methods=(*_CRUD, "PUT")),
            Operation("evaluationtaxonomies/**", methods=(*_CRUD, "PUT")),
            Operation("evaluations/**", methods=(*_CRUD, "PUT", "PATCH")),
            Operation("memory_stores/**", methods=_CRUD),
            Operation("toolboxes/**", methods=_CRUD),
            Operation("skills/**", methods=_CRUD),
            Operation("schedules/**", methods=(*_CRUD, "PUT")),
            Operation("routines/**", methods=_CRUD),
            Operation("redteams/**", methods=_CRUD),
            Operation("models/**", methods=("GET", "PUT", "DELETE")),
            Operation("assistants/**", methods=_CRUD),
            Operation("threads/**", methods=_CRUD),
            Operation("files/**", methods=_CRUD),
            Operation("vector_stores/**", methods=_CRUD),
        ),
        "open",
        v.PROJECT.values,
        ("foundry", *_GATEWAYS),
        (),
        token=True,
        audiences=("ai",),
        models="any",
        clients=("azure-ai-projects",),
        sources=(s.AIP, s.AZD),
        default_version="v1",
    ),
    Surface(
        "mai",
        "Microsoft's MAI image route on a Foundry resource (third-party reports only)",
        ("mai", "v1"),
        (Operation("images/generations"),),
        "open",
        (),
        ("foundry",),
        ("api-key",),
        token=True,
        audiences=("cognitive", "ai"),
        models="any",
        clients=(),
        sources=(Source("MAI", "BerriAI/litellm#37727 (3rd-party)", "routes.md"),),
    ),
    Surface(
        "serverless",
        "a serverless endpoint's own API (one model)",
        (),
        (
            Operation("chat/completions"),
            Operation("completions"),
            Operation("embeddings"),
            Operation("images/embeddings"),
            Operation("info", methods=("GET",)),
            Operation("v1/chat/completions"),
            Operation("v1/completions"),
            Operation("v1/embeddings"),
        ),
        "optional",
        v.MODELS_API.values,
        ("serverless",),
        ("authorization",),
        token=False,
        audiences=(),
        models="single",
        clients=("azure-ai-inference", "openai.OpenAI"),
        sources=(s.SERVERLESS_AUTH, s.WIRE_SDK),
    ),
    Surface(
        "managed-compute",
        "an Azure Machine Learning online endpoint's scoring routes",
        (),
        (
            Operation("score"),
            Operation("chat/completions"),
            Operation("v1/chat/completions"),
            Operation("v1/completions"),
        ),
        "open",
        (),
        ("managed-compute",),
        ("authorization",),
        token=True,
        audiences=("ml",),
        models="single",
        clients=("azure-ai-inference", "openai.OpenAI"),
        sources=(s.AML_AUTH,),
    ),
    Surface(
        "openai-platform",
        "OpenAI's own API",
        ("v1",),
        (Operation("**", methods=_CRUD),),
        "none",
        (),
        ("openai-platform",),
        ("authorization",),
        token=False,
        audiences=(),
        models="openai",
        clients=("openai.OpenAI",),
        sources=(s.WIRE_SDK,),
    ),
    Surface(
        "github-models",
        "GitHub Models' Azure endpoint (retired)",
        (),
        (Operation("chat/completions"), Operation("embeddings")),
        "optional",
        (),
        ("github-models",),
        ("authorization",),
        token=False,
        audiences=(),
        models="any",
        clients=("azure-ai-inference", "openai.OpenAI"),
        sources=(s.GITHUB_MODELS_RETIREMENT,),
        retired="github-models",
    ),
)
_BY_NAME = {item.name: item for item in SURFACES}


def surface(name: str) -> Surface:
    """The surface called ``name``."""
    return _BY_NAME[name]


def audiences_for(item: Surface, cloud: CloudName) -> tuple[str, ...]:
    """The token audiences ``item`` accepts in ``cloud``, best first (empty: no Entra ID, or
    not known for that cloud). ``https://ai.azure.com`` is documented for the public cloud
    only; the current docs recommend it where both are accepted (:data:`.LIFECYCLE`)."""
    found: list[str] = []
    for name in item.audiences:
        if name == "ai":
            if cloud == "public":
                found.append(AI_AUDIENCE)
        elif name == "ml":
            if cloud == "public":
                found.append(ML_AUDIENCE)
        else:
            found.append(cloud_spec(cloud).cognitive_audience)
    return tuple(found)
