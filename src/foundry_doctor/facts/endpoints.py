"""What a URL says about where a call went: the host family behind the host name (from
:mod:`foundry_doctor.knowledge.hosts`), the cloud, the resource, and the nearest real route with
everything that differs from it (:func:`foundry_doctor.knowledge.matching.match`).

:func:`classify_endpoint` works on a configured endpoint and on a full request URL alike; it
never raises and caches its answers. Nothing secret is kept or cached: user info is dropped and
every query value but ``api-version`` is replaced before the URL is remembered.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Literal, NamedTuple

from foundry_doctor.knowledge.hosts import CloudName, FamilyName, HostFamily, family_of
from foundry_doctor.knowledge.matching import RouteMatch, match
from foundry_doctor.knowledge.routes import AI_AUDIENCE, ML_AUDIENCE, audiences_for

__all__ = [
    "AI_AUDIENCE",
    "AZURE_RESOURCE_FAMILIES",
    "ML_AUDIENCE",
    "EndpointInfo",
    "Route",
    "accepted_audiences",
    "classify_endpoint",
    "normalize_audience",
]

#: Families that are one Azure AI resource's own host (Foundry / Azure OpenAI / AI Services).
AZURE_RESOURCE_FAMILIES: frozenset[str] = frozenset(
    {"azure-openai", "foundry", "cognitive-services"}
)

#: A coarse label of the route, for display (the rules read :attr:`EndpointInfo.match`).
Route = Literal["deployments", "openai-v1", "openai-other", "models", "project", "v1", "root", "other"]
_ROUTE_OF_SURFACE: Mapping[str, Route] = {
    "dated-deployment": "deployments",
    "dated-resource": "openai-other",
    "v1": "openai-v1",
    "models-api": "models",
    "project-v1": "project",
    "project-dated": "project",
    "agent-endpoint": "project",
    "agent-application": "project",
    "project": "project",
    "openai-platform": "v1",
}

#: Application ids that v2 tokens carry as ``aud`` in place of the audience URI.
_AUDIENCE_ALIASES: Mapping[str, str] = {
    "7d312290-28c8-473c-a0ed-8e53749b6d6d": "https://cognitiveservices.azure.com",
}
_MAX_URL = 8192
_SAFE_QUERY = "api-version"


class EndpointInfo(NamedTuple):
    """The parts of one URL that matter for diagnosis.

    ``url`` is the URL without user info and with query values other than ``api-version``
    replaced. ``family`` names the host family (``host_family`` is its table entry);
    ``resource`` the Azure resource (or serverless endpoint, or gateway) name from the host;
    ``region`` the region label of regional, serverless and managed-compute hosts. ``match``
    is the nearest real route and what differs from it; ``deployment`` / ``project`` /
    ``operation`` are read from it.
    """

    url: str
    scheme: str
    host: str
    path: str
    family: FamilyName
    host_family: HostFamily
    cloud: CloudName
    route: Route
    match: RouteMatch
    resource: str | None = None
    region: str | None = None
    api_version: str | None = None
    query: Mapping[str, str] = {}

    @property
    def raw(self) -> str:
        """The URL as kept (an alias of :attr:`url`)."""
        return self.url

    @property
    def is_azure_resource(self) -> bool:
        """Whether the host is an Azure AI resource's own host name."""
        return self.family in AZURE_RESOURCE_FAMILIES

    @property
    def is_azure(self) -> bool:
        """Whether the host is an Azure AI host at all (resource, regional, serverless,
        managed compute, API Management)."""
        return self.host_family.kind == "azure"

    @property
    def origin(self) -> str:
        """``scheme://host`` of the URL."""
        return f"{self.scheme}://{self.host}"

    @property
    def deployment(self) -> str | None:
        return self.match.value("deployment")

    @property
    def project(self) -> str | None:
        return self.match.value("project")

    @property
    def operation(self) -> str:
        """What follows the route's prefix (``"chat/completions"``), lower-cased."""
        return self.match.requested_operation

    @property
    def surface(self) -> str | None:
        return self.match.surface.name if self.match.surface is not None else None


def classify_endpoint(url: str | None) -> EndpointInfo | None:
    """Classify a configured endpoint or a request URL; ``None`` for no (or non-text) URL.

    A URL without a scheme is read as ``https://``. Never raises.
    """
    if not isinstance(url, str):
        return None
    text = url.strip()[:_MAX_URL]
    if not text:
        return None
    parsed = _split(text)
    if parsed is None:
        return None
    return _classify(*parsed)


def _split(text: str) -> tuple[str, str, str, str] | None:
    """``(scheme, host[:port], path, safe query)``: user info and fragment dropped, query
    values other than ``api-version`` replaced."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "https", text
    rest = rest.split("#", 1)[0]
    cut = len(rest)
    for mark in ("/", "?"):
        index = rest.find(mark)
        if 0 <= index < cut:
            cut = index
    authority, tail = rest[:cut], rest[cut:]
    authority = authority.rsplit("@", 1)[-1].lower()
    path, _, query = tail.partition("?")
    host = authority
    if host.startswith("["):
        host = host.split("]", 1)[0] + "]"
    else:
        host = host.split(":", 1)[0]
    if not host or any(char.isspace() for char in authority):
        return None
    port = authority[len(host) :]
    if port and not (port.startswith(":") and port[1:].isdigit()):
        return None
    return scheme.lower()[:16], authority, path, _safe_query(query)


def _safe_query(query: str) -> str:
    kept: list[str] = []
    for pair in query.split("&")[:64]:
        if not pair:
            continue
        name, _, value = pair.partition("=")
        name = name.strip().lower()[:64]
        if name == _SAFE_QUERY:
            kept.append(f"{name}={value.strip()[:64]}")
        elif name:
            kept.append(f"{name}=<redacted>")
    return "&".join(kept)


@functools.lru_cache(maxsize=512)  # keyed by the safe form only: no secret is ever cached
def _classify(scheme: str, authority: str, path: str, query: str) -> EndpointInfo:
    host = authority.split(":", 1)[0] if not authority.startswith("[") else authority
    host_family, cloud, labels = family_of(host)
    values = dict(pair.split("=", 1) for pair in query.split("&") if "=" in pair)
    found = match(host_family, path, values)
    surface = found.surface
    if surface is not None:
        route = _ROUTE_OF_SURFACE.get(surface.name, "other")
    else:
        route = "root" if not path.strip("/") else "other"
    resource, region = _resource_and_region(host_family.name, labels)
    return EndpointInfo(
        url=f"{scheme}://{authority}{path}" + (f"?{query}" if query else ""),
        scheme=scheme,
        host=authority,
        path=path,
        family=host_family.name,
        host_family=host_family,
        cloud=cloud,
        route=route,
        match=found,
        resource=resource,
        region=region,
        api_version=values.get(_SAFE_QUERY),
        query=values,
    )


def _resource_and_region(family: str, labels: str) -> tuple[str | None, str | None]:
    parts = labels.split(".") if labels else []
    if not parts:
        return None, None
    if family in ("serverless", "managed-compute"):
        return parts[0] or None, (parts[1] if len(parts) > 1 else None)
    if family == "regional":
        return None, parts[-1] or None
    if family in ("azure-openai", "foundry", "cognitive-services", "apim"):
        return parts[-1] or None, None
    return None, None


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
    """The token audiences the route behind ``info`` accepts, best first; empty when that is
    not known (a host that takes no Entra ID tokens, or a route we cannot place)."""
    if info is None:
        return ()
    surface = info.match.surface
    if surface is None:
        if info.is_azure_resource:
            return audiences_for_resource(info.cloud)
        return ()
    if not info.host_family.entra and info.is_azure:
        return ()
    if info.family not in surface.families and info.family not in ("apim", "unknown", "local"):
        return ()
    return audiences_for(surface, info.cloud)


def audiences_for_resource(cloud: CloudName) -> tuple[str, ...]:
    """The audiences a resource's account routes accept in ``cloud``."""
    from foundry_doctor.knowledge.routes import surface

    return audiences_for(surface("dated-deployment"), cloud)
