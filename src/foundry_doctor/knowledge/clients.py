"""One spec per client kind: how it builds URLs from its endpoint, which endpoint shape it
expects, its default token scope, where it puts a key, and how it is constructed.

These replace the if-chains over client names: the request URL a configuration will produce,
the endpoint a client expects for a resource and the construction line of a fix are all read
from a :class:`ClientSpec` (facts from ``wire.md`` Part B, ``routes.md`` and the SDKs' code).
"""

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import api_versions as v
from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.hosts import CloudName, cloud_spec
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "CLIENTS",
    "DEPLOYMENT_OPERATIONS",
    "ClientSpec",
    "EndpointShape",
    "build_url",
    "client_spec",
    "expected_endpoint",
]

#: the endpoint a client wants: a resource's root URL, the v1 base URL, the Model Inference
#: API's ``/models`` base (or one deployment's URL), a project endpoint, the Claude base URL,
#: or whatever the caller sends (plain HTTP)
EndpointShape = Literal["resource", "v1-base", "models-base", "project", "anthropic-base", "any"]

#: Operations AzureOpenAI (and openai-node's AzureOpenAI) route through /deployments/<model>/,
#: also on a base URL without '/deployments' such as the v1 API's (``OPENAI_AZURE_PATHS``):
#: given ``base_url=<resource>/openai/v1/``, AzureOpenAI calls these at
#: ``/openai/v1/deployments/<model>/...``, which the v1 API does not have, and every other
#: operation (``responses``, ``files``, ...) at ``/openai/v1/<operation>``, which works with
#: ``api_version="preview"`` / ``"v1"`` (agent-framework's default set-up).
DEPLOYMENT_OPERATIONS = (
    "chat/completions",
    "completions",
    "embeddings",
    "audio/transcriptions",
    "audio/translations",
    "audio/speech",
    "images/generations",
    "images/edits",
)


class ClientSpec(NamedTuple):
    """How one kind of client talks to the service.

    ``key_headers`` are the headers a key goes out in (``authorization`` meaning
    ``Authorization: Bearer <key>``); ``api_version`` says whether the client always sends
    one (``always``, ``default_api_version`` unless told otherwise, or required from the
    caller when that is ``None``), never sends one, or sends what it is given. The
    ``*_argument`` fields are the construction's keyword arguments, with ``{scope}`` and
    ``{version}`` to fill in. ``url_template`` is how a request URL is made from the endpoint
    (``{endpoint}`` without its trailing slash, ``{operation}``), ``deployment_url_template``
    the same for the operations a client routes through a deployment; ``None`` for clients
    that call many routes (a project client) or have no fixed way (plain HTTP).
    ``base_url_paths`` are endpoint paths the client takes as a base URL (``base_url=``)
    rather than as a resource URL: it then calls ``{endpoint}/{operation}`` and, for the
    deployment operations, ``{endpoint}/deployments/{deployment}/{operation}``.
    """

    kind: str
    name: str
    package: str
    surfaces: tuple[str, ...]
    endpoint_shape: EndpointShape
    endpoint_argument: str
    default_scope: str | None
    key_headers: tuple[str, ...]
    api_version: Literal["always", "never", "given"]
    default_api_version: str | None
    token_argument: str
    key_argument: str | None
    version_argument: str | None
    url_template: str | None
    deployment_url_template: str | None
    sources: tuple[Source, ...]
    base_url_paths: tuple[str, ...] = ()


CLIENTS: tuple[ClientSpec, ...] = (
    ClientSpec(
        "openai.AzureOpenAI",
        "AzureOpenAI",
        "openai",
        # v1: given base_url=<resource>/openai/v1/, for the operations outside
        # DEPLOYMENT_OPERATIONS (see there)
        ("dated-deployment", "dated-resource", "v1"),
        "resource",
        "azure_endpoint",
        None,
        ("api-key",),
        "always",
        None,
        'azure_ad_token_provider=get_bearer_token_provider(DefaultAzureCredential(), "{scope}")',
        'api_key="<key>"',
        'api_version="{version}"',
        "{endpoint}/openai/{operation}",
        "{endpoint}/openai/deployments/{deployment}/{operation}",
        (s.WIRE_SDK, s.OPENAI_AZURE_PATHS),
        # what OpenAIProfile reports for AzureOpenAI(base_url=<resource>/openai/v1/)
        ("/openai/v1",),
    ),
    ClientSpec(
        "openai.OpenAI",
        "OpenAI",
        "openai",
        (
            "v1",
            "project-v1",
            "project-dated",
            "agent-endpoint",
            "agent-application",
            "serverless",
            "managed-compute",
            "openai-platform",
        ),
        "v1-base",
        "base_url",
        None,
        ("authorization",),
        "given",
        None,
        'api_key=get_bearer_token_provider(DefaultAzureCredential(), "{scope}")',
        'api_key="<key>"',
        None,
        "{endpoint}/{operation}",
        None,
        (s.WIRE_SDK, s.LIFECYCLE, s.OPENAI_TOKEN_PROVIDER),
    ),
    ClientSpec(
        "azure-ai-inference",
        "ChatCompletionsClient",
        "azure-ai-inference",
        ("models-api", "dated-deployment", "serverless", "managed-compute"),
        "models-base",
        "endpoint",
        "https://ml.azure.com/.default",
        ("authorization", "api-key"),
        "always",
        v.MODELS_API_DEFAULT,
        'credential=DefaultAzureCredential(), credential_scopes=["{scope}"]',
        'credential=AzureKeyCredential("<key>")',
        None,
        "{endpoint}/{operation}",
        None,
        (s.WIRE_SDK, s.INFERENCE_KEY_BEARER),
    ),
    ClientSpec(
        "azure-ai-projects",
        "AIProjectClient",
        "azure-ai-projects",
        ("project", "project-v1", "agent-endpoint", "agent-application"),
        "project",
        "endpoint",
        "https://ai.azure.com/.default",
        (),
        "always",
        "v1",
        "credential=DefaultAzureCredential()",
        None,
        None,
        None,
        None,
        (s.AIP,),
    ),
    ClientSpec(
        "anthropic.AnthropicFoundry",
        "AnthropicFoundry",
        "anthropic",
        ("anthropic",),
        "anthropic-base",
        "base_url",
        "https://ai.azure.com/.default",
        ("x-api-key", "api-key"),
        "never",
        None,
        'azure_ad_token_provider=get_bearer_token_provider(DefaultAzureCredential(), "{scope}")',
        'api_key="<key>"',
        None,
        "{endpoint}/v1/{operation}",
        None,
        (s.CLAUDE_PAGE,),
    ),
    ClientSpec(
        "azure-core",
        "an azure-core client",
        "azure-core",
        (),
        "any",
        "endpoint",
        None,
        ("authorization",),
        "given",
        None,
        'credential=DefaultAzureCredential(), credential_scopes=["{scope}"]',
        None,
        None,
        None,
        None,
        (s.WIRE_SDK,),
    ),
    ClientSpec(
        "http",
        "your HTTP client",
        "",
        (),
        "any",
        "",
        None,
        (),
        "given",
        None,
        "",
        None,
        None,
        None,
        None,
        (),
    ),
)
_BY_KIND = {spec.kind: spec for spec in CLIENTS}


def client_spec(kind: str) -> ClientSpec:
    """The spec of a client kind (plain HTTP for any kind not known)."""
    return _BY_KIND.get(kind) or _BY_KIND["http"]


def build_url(
    spec: ClientSpec,
    endpoint: str,
    operation: str,
    *,
    deployment: str | None = None,
    api_version: str | None = None,
) -> str | None:
    """The URL ``spec``'s client requests for ``operation`` when given ``endpoint``, built the
    way that client builds it (on the endpoint's path: a query or fragment in the endpoint is
    no part of a base URL); ``None`` for a client without a fixed way."""
    base = endpoint.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    template = spec.url_template
    if spec.deployment_url_template is not None and operation in DEPLOYMENT_OPERATIONS:
        template = spec.deployment_url_template
    if any(base.endswith(path) for path in spec.base_url_paths):
        template = (
            "{endpoint}/deployments/{deployment}/{operation}"
            if operation in DEPLOYMENT_OPERATIONS
            else "{endpoint}/{operation}"
        )
    if template is None:
        return None
    url = template.format(
        endpoint=base, operation=operation, deployment=deployment or "<deployment>"
    )
    version = api_version
    if spec.api_version == "always":
        version = api_version or spec.default_api_version or "<api-version>"
    elif spec.api_version == "never":
        version = None
    return f"{url}?api-version={version}" if version else url


def expected_endpoint(
    spec: ClientSpec,
    resource: str | None,
    cloud: CloudName = "public",
    *,
    deployment: str | None = None,
    project: str | None = None,
    prefer_deployment: bool = False,
) -> str:
    """The endpoint ``spec``'s client expects for a resource called ``resource`` (placeholders
    in angle brackets for what is not known). ``prefer_deployment`` gives azure-ai-inference
    one deployment's URL on the Azure OpenAI host instead of the ``/models`` base."""
    name = resource or "<resource>"
    tld = cloud_spec(cloud).tld
    openai_host = f"https://{name}.openai.azure.{tld}"
    services_host = f"https://{name}.services.ai.azure.{tld}"
    shape = spec.endpoint_shape
    if shape == "resource":
        return openai_host
    if shape == "v1-base":
        if project:
            return f"{services_host}/api/projects/{project}/openai/v1"
        return f"{openai_host}/openai/v1/"
    if shape == "models-base":
        if prefer_deployment:
            return f"{openai_host}/openai/deployments/{deployment or '<deployment>'}"
        return f"{services_host}/models"
    if shape == "project":
        return f"{services_host}/api/projects/{project or '<project>'}"
    if shape == "anthropic-base":
        return f"{services_host}/anthropic"
    return f"{openai_host}/openai/v1/"
