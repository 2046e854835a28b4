"""What a URL says about where a call went: the service family behind the host name, the route
inside it, the resource, deployment, project and api-version it names, and the shapes in its path
that no service route has (doubled segments, an operation path in a base URL, ...).

:func:`classify_endpoint` works on a configured endpoint and on a full request URL alike; it
never raises and caches its answers. The helpers below it say which token audiences a family
accepts and which endpoint each client kind expects for a resource.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from foundry_doctor.facts.redaction import keepable_url

__all__ = [
    "AI_AUDIENCE",
    "AZURE_RESOURCE_FAMILIES",
    "DEPLOYMENT_OPERATIONS",
    "ML_AUDIENCE",
    "Cloud",
    "EndpointInfo",
    "HostFamily",
    "Route",
    "accepted_audiences",
    "classify_endpoint",
    "cloud_tld",
    "cognitive_audience",
    "corrected_path",
    "normalize_audience",
    "operation_of",
    "suggested_endpoint",
]

HostFamily = Literal[
    "azure-openai",  # <res>.openai.azure.com
    "foundry",  # <res>.services.ai.azure.com
    "cognitive-services",  # <res>.cognitiveservices.azure.com
    "regional",  # <region>.api.cognitive.microsoft.com (no custom subdomain)
    "serverless",  # <endpoint>.<region>.models.ai.azure.com
    "managed-compute",  # <endpoint>.<region>.inference.ml.azure.com
    "github-models",  # models.inference.ai.azure.com, models.github.ai
    "openai-platform",  # api.openai.com
    "apim",  # <gateway>.azure-api.net
    "local",  # localhost, loopback addresses
    "unknown",  # any other host: a corporate gateway, a proxy, ...
]
Cloud = Literal["public", "usgov", "china"]
Route = Literal[
    "deployments",  # /openai/deployments/<d>/...
    "openai-v1",  # /openai/v1/...
    "openai-other",  # /openai/<anything else>
    "models",  # /models/... (Azure AI Model Inference API)
    "project",  # /api/projects/<p>/...
    "v1",  # /v1/... (OpenAI-style APIs of serverless endpoints and api.openai.com)
    "root",  # no path
    "other",
]

#: Families that are one Azure AI resource (Foundry / Azure OpenAI / AI Services).
AZURE_RESOURCE_FAMILIES: frozenset[str] = frozenset(
    {"azure-openai", "foundry", "cognitive-services"}
)

#: Operations that, on the classic Azure OpenAI surface, live under ``/deployments/<d>/``.
DEPLOYMENT_OPERATIONS = (
    "chat/completions",
    "completions",
    "embeddings",
    "images/generations",
    "images/edits",
    "audio/transcriptions",
    "audio/translations",
    "audio/speech",
)

#: Operation paths that end an API URL; seen inside a base URL they mean a full URL was pasted.
_OPERATIONS = (
    *DEPLOYMENT_OPERATIONS,
    "responses",
    "info",
    "images/embeddings",
    "extensions/chat/completions",
)

AI_AUDIENCE = "https://ai.azure.com"
ML_AUDIENCE = "https://ml.azure.com"
#: Application ids that v2 tokens carry as ``aud`` in place of the audience URI.
_AUDIENCE_ALIASES: Mapping[str, str] = {
    "7d312290-28c8-473c-a0ed-8e53749b6d6d": "https://cognitiveservices.azure.com",
}
_COGNITIVE_AUDIENCES: Mapping[Cloud, str] = {
    "public": "https://cognitiveservices.azure.com",
    "usgov": "https://cognitiveservices.azure.us",
    "china": "https://cognitiveservices.azure.cn",
}
#: Host suffix of each cloud's Azure OpenAI / AI Services hosts.
_OPENAI_SUFFIX: Mapping[Cloud, str] = {
    "public": "openai.azure.com",
    "usgov": "openai.azure.us",
    "china": "openai.azure.cn",
}

_HOST_SUFFIXES: tuple[tuple[str, HostFamily, Cloud], ...] = (
    (".openai.azure.com", "azure-openai", "public"),
    (".openai.azure.us", "azure-openai", "usgov"),
    (".openai.azure.cn", "azure-openai", "china"),
    (".services.ai.azure.com", "foundry", "public"),
    (".services.ai.azure.us", "foundry", "usgov"),
    (".services.ai.azure.cn", "foundry", "china"),
    (".cognitiveservices.azure.com", "cognitive-services", "public"),
    (".cognitiveservices.azure.us", "cognitive-services", "usgov"),
    (".cognitiveservices.azure.cn", "cognitive-services", "china"),
    (".api.cognitive.microsoft.com", "regional", "public"),
    (".api.cognitive.microsoft.us", "regional", "usgov"),
    (".api.cognitive.azure.cn", "regional", "china"),
    (".models.ai.azure.com", "serverless", "public"),
    (".inference.ml.azure.com", "managed-compute", "public"),
    (".inference.ml.azure.us", "managed-compute", "usgov"),
    (".inference.ml.azure.cn", "managed-compute", "china"),
    (".azure-api.net", "apim", "public"),
    (".azure-api.us", "apim", "usgov"),
    (".azure-api.cn", "apim", "china"),
)
_EXACT_HOSTS: Mapping[str, HostFamily] = {
    "models.inference.ai.azure.com": "github-models",
    "models.github.ai": "github-models",
    "api.openai.com": "openai-platform",
    "localhost": "local",
}
_LOOPBACK = re.compile(r"^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[?::1\]?|0\.0\.0\.0)$")
_API_VERSION_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(-preview)?$")
_MAX_URL = 8192


@dataclass(frozen=True, slots=True)
class EndpointInfo:
    """The parts of one URL that matter for diagnosis.

    ``resource`` is the Azure resource (or serverless endpoint, or APIM gateway) name taken from
    the host; ``region`` the region label of regional, serverless and managed-compute hosts.
    ``operation`` is what follows the route's base (``"chat/completions"``), lower-cased.
    ``anomalies`` name path shapes no service route has: ``double-slash``, ``doubled-openai``,
    ``doubled-v1``, ``doubled-deployments``, ``doubled-models``, ``doubled-operation`` and
    ``no-deployment-segment`` (a deployment-style operation with no ``/openai/deployments/<d>``).
    """

    raw: str
    scheme: str
    host: str
    path: str
    family: HostFamily
    cloud: Cloud
    route: Route
    resource: str | None = None
    region: str | None = None
    deployment: str | None = None
    project: str | None = None
    operation: str = ""
    api_version: str | None = None
    query: Mapping[str, str] = field(default_factory=dict)
    anomalies: tuple[str, ...] = ()

    @property
    def is_azure_resource(self) -> bool:
        """Whether the host is an Azure AI resource's own host name."""
        return self.family in AZURE_RESOURCE_FAMILIES

    @property
    def origin(self) -> str:
        """``scheme://host`` of the URL."""
        return f"{self.scheme}://{self.host}"

    @property
    def api_version_is_dated(self) -> bool:
        """Whether ``api-version`` is of the dated form ``YYYY-MM-DD[-preview]``."""
        return self.api_version is not None and bool(_API_VERSION_DATE.match(self.api_version))


def classify_endpoint(url: str | None) -> EndpointInfo | None:
    """Classify a configured endpoint or a request URL; ``None`` for no (or non-text) URL.

    A URL without a scheme is read as ``https://``. Never raises. What is classified, cached
    and kept as :attr:`EndpointInfo.raw` is the URL without its secrets (no user info, no query
    value but ``api-version``); a URL whose path holds a key-like segment is not cached.
    """
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text:
        return None
    kept, cacheable = keepable_url(text[:_MAX_URL])
    return _classify(kept) if cacheable else _classify.__wrapped__(kept)


@functools.lru_cache(maxsize=512)
def _classify(text: str) -> EndpointInfo | None:
    candidate = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    family, cloud, labels = _host_family(host)
    resource, region = _resource_and_region(family, host, labels)
    query = _query(parts.query)
    segments = [segment for segment in parts.path.split("/") if segment]
    lowered = [segment.lower() for segment in segments]
    route, operation, project = _route(segments, lowered)
    deployment = _deployment(segments, lowered)
    return EndpointInfo(
        raw=text,
        scheme=(parts.scheme or "https").lower(),
        host=host,
        path=parts.path,
        family=family,
        cloud=cloud,
        route=route,
        resource=resource,
        region=region,
        deployment=deployment,
        project=project,
        operation=operation,
        api_version=query.get("api-version"),
        query=query,
        anomalies=_anomalies(parts.path, lowered, route, operation, family),
    )


def _host_family(host: str) -> tuple[HostFamily, Cloud, list[str]]:
    exact = _EXACT_HOSTS.get(host)
    if exact is not None:
        return exact, "public", []
    if _LOOPBACK.match(host):
        return "local", "public", []
    for suffix, family, cloud in _HOST_SUFFIXES:
        if host.endswith(suffix) and len(host) > len(suffix):
            return family, cloud, host[: -len(suffix)].split(".")
    return "unknown", "public", host.split(".")


def _resource_and_region(
    family: HostFamily, host: str, labels: list[str]
) -> tuple[str | None, str | None]:
    if family in ("serverless", "managed-compute"):
        return labels[0] or None, (labels[1] if len(labels) > 1 else None)
    if family == "regional":
        return None, labels[-1] or None
    if family in ("azure-openai", "foundry", "cognitive-services", "apim"):
        return labels[-1] or None, None
    return None, None


def _query(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=64)
    except ValueError:
        return {}
    result: dict[str, str] = {}
    for name, value in pairs:
        result.setdefault(name.lower(), value[:256])
    return result


def _route(segments: list[str], lowered: list[str]) -> tuple[Route, str, str | None]:
    if not lowered:
        return "root", "", None
    head = lowered[0]
    if head == "api" and len(lowered) >= 3 and lowered[1] == "projects":
        return "project", "/".join(lowered[3:]), segments[2]
    if head == "openai":
        second = lowered[1] if len(lowered) > 1 else ""
        if second == "deployments":
            return "deployments", "/".join(lowered[3:]), None
        if second == "v1":
            return "openai-v1", "/".join(lowered[2:]), None
        return "openai-other", "/".join(lowered[1:]), None
    if head == "deployments":
        return "deployments", "/".join(lowered[2:]), None
    if head == "models":
        return "models", "/".join(lowered[1:]), None
    if head == "v1":
        return "v1", "/".join(lowered[1:]), None
    return "other", "/".join(lowered), None


def _deployment(segments: list[str], lowered: list[str]) -> str | None:
    try:
        index = lowered.index("deployments")
    except ValueError:
        return None
    if index + 1 < len(segments):
        return segments[index + 1][:256]
    return None


def _anomalies(
    path: str, lowered: list[str], route: Route, operation: str, family: HostFamily
) -> tuple[str, ...]:
    found: list[str] = []
    if "//" in path:
        found.append("double-slash")
    for segment, name in (
        ("openai", "doubled-openai"),
        ("v1", "doubled-v1"),
        ("deployments", "doubled-deployments"),
        ("models", "doubled-models"),
    ):
        if lowered.count(segment) >= 2:
            found.append(name)
    joined = "/".join(lowered)
    if any(joined.count(op) >= 2 for op in _OPERATIONS if "/" in op) or any(
        lowered.count(op) >= 2 for op in _OPERATIONS if "/" not in op
    ):
        found.append("doubled-operation")
    if (
        route in ("other", "openai-other")
        and family not in ("serverless", "managed-compute", "github-models", "openai-platform")
        and "doubled-openai" not in found
        and operation.startswith(DEPLOYMENT_OPERATIONS)
    ):
        found.append("no-deployment-segment")
    return tuple(found)


def operation_of(info: EndpointInfo) -> str | None:
    """The known API operation a URL's path ends with (``"chat/completions"``), if any."""
    for op in sorted(_OPERATIONS, key=len, reverse=True):
        if info.operation == op or info.operation.endswith("/" + op):
            return op
    return None


def cognitive_audience(cloud: Cloud) -> str:
    """The Cognitive Services token audience of a cloud."""
    return _COGNITIVE_AUDIENCES[cloud]


def normalize_audience(audience: str) -> str:
    """An audience or scope reduced to the comparable resource URI: lower-case, without
    ``/.default`` and without a trailing slash; a well-known application id becomes the URI it
    stands for."""
    text = audience.strip().lower()
    if text.endswith("/.default"):
        text = text[: -len("/.default")]
    text = text.rstrip("/")
    return _AUDIENCE_ALIASES.get(text, text)


def accepted_audiences(info: EndpointInfo | None) -> tuple[str, ...]:
    """The token audiences the service behind ``info`` accepts, best first; empty when that is
    not known (a host that does not take Entra ID tokens, or one we cannot place)."""
    if info is None:
        return ()
    family = info.family
    if family == "managed-compute":
        return (ML_AUDIENCE,)
    if family in ("regional", "serverless", "github-models", "openai-platform"):
        return ()
    azure_route = info.route in ("deployments", "openai-v1", "models", "project", "openai-other")
    if family not in AZURE_RESOURCE_FAMILIES and not azure_route:
        return ()
    cognitive = _COGNITIVE_AUDIENCES[info.cloud]
    if info.cloud != "public":
        return () if info.route == "project" else (cognitive,)
    if info.route == "project":
        return (AI_AUDIENCE,)
    if info.route in ("models", "openai-v1"):
        return (cognitive, AI_AUDIENCE)
    return (cognitive,)


def suggested_endpoint(
    client: str,
    info: EndpointInfo | None,
    *,
    deployment: str | None = None,
    project: str | None = None,
) -> str:
    """The endpoint ``client`` expects for the resource ``info`` points at; placeholders in
    angle brackets where a part is not known."""
    cloud: Cloud = info.cloud if info is not None else "public"
    resource = info.resource if info is not None and info.is_azure_resource else None
    name = resource or "<resource>"
    host = info.host if info is not None and info.is_azure_resource else None
    openai_host = host if host is not None else f"{name}.{_OPENAI_SUFFIX[cloud]}"
    services_host = (
        host
        if info is not None and info.family == "foundry"
        else f"{name}.services.ai.azure.{'com' if cloud == 'public' else cloud_tld(cloud)}"
    )
    if client == "azure-ai-inference":
        if info is not None and info.family == "azure-openai" and deployment:
            return f"https://{openai_host}/openai/deployments/{deployment}"
        return f"https://{services_host}/models"
    if client == "openai.AzureOpenAI":
        return f"https://{openai_host}"
    if client == "openai.OpenAI":
        return f"https://{openai_host}/openai/v1/"
    if client == "azure-ai-projects":
        project_name = project or (info.project if info is not None else None) or "<project>"
        return f"https://{services_host}/api/projects/{project_name}"
    return f"https://{openai_host}/openai/v1/"


def cloud_tld(cloud: Cloud) -> str:
    """The top-level domain of Azure host names in a cloud: ``com``, ``us`` or ``cn``."""
    return {"public": "com", "usgov": "us", "china": "cn"}[cloud]


def corrected_path(info: EndpointInfo) -> str:
    """The path of ``info`` with its anomalies undone: empty segments dropped, a doubled
    ``openai``/``v1``/``deployments``/``models`` segment and a doubled operation collapsed."""
    segments = [segment for segment in info.path.split("/") if segment]
    cleaned: list[str] = []
    for segment in segments:
        lowered = segment.lower()
        if lowered in ("openai", "v1", "deployments", "models") and lowered in (
            item.lower() for item in cleaned
        ):
            continue
        cleaned.append(segment)
    text = "/" + "/".join(cleaned)
    for op in sorted(_OPERATIONS, key=len, reverse=True):
        doubled = f"/{op}/{op}"
        while doubled in text.lower():
            start = text.lower().index(doubled)
            text = text[:start] + text[start + len(op) + 1 :]
    return text
