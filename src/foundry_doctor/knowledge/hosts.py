"""Host families: which service a host name belongs to, in which cloud, and what it accepts.

A host family says what kind of endpoint a host is (an Azure OpenAI / Foundry resource, a
shared regional endpoint, a serverless or managed-compute endpoint, an API Management gateway,
OpenAI's own platform, a local server, ...), whether Azure-specific findings apply to it at
all, which headers carry a key there and whether it takes Entra ID tokens. Audiences depend on
the route as well as the host; they are in :mod:`.routes`. :func:`family_of` places a host
name; it is plain suffix matching, no regular expressions.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "CLOUDS",
    "FAMILIES",
    "CloudName",
    "CloudSpec",
    "FamilyName",
    "HostFamily",
    "HostKind",
    "cloud_spec",
    "family",
    "family_of",
]

CloudName = Literal["public", "usgov", "china"]
FamilyName = Literal[
    "azure-openai",
    "cognitive-services",
    "foundry",
    "regional",
    "serverless",
    "managed-compute",
    "apim",
    "github-models",
    "openai-platform",
    "local",
    "unknown",
]
#: ``azure``: an Azure AI host (Azure-specific findings apply); ``other``: a host known not to
#: be one (a local server, OpenAI's platform, a custom domain); the third case, no host known at
#: all, is not a family.
HostKind = Literal["azure", "other"]


class CloudSpec(NamedTuple):
    """One Azure cloud: its host-name top-level domain, Entra authority and Cognitive Services
    token audience."""

    name: CloudName
    tld: str
    authority: str
    cognitive_audience: str
    sources: tuple[Source, ...]


CLOUDS: tuple[CloudSpec, ...] = (
    CloudSpec(
        "public",
        "com",
        "login.microsoftonline.com",
        "https://cognitiveservices.azure.com",
        (s.SOVEREIGN,),
    ),
    CloudSpec(
        "usgov",
        "us",
        "login.microsoftonline.us",
        "https://cognitiveservices.azure.us",
        (s.SOVEREIGN,),
    ),
    CloudSpec(
        "china",
        "cn",
        "login.chinacloudapi.cn",
        "https://cognitiveservices.azure.cn",
        (s.SOVEREIGN,),
    ),
)
_CLOUDS = {cloud.name: cloud for cloud in CLOUDS}


def cloud_spec(name: CloudName) -> CloudSpec:
    """The cloud called ``name``."""
    return _CLOUDS[name]


class HostFamily(NamedTuple):
    """One kind of host.

    ``suffixes`` are ``(suffix, cloud)`` pairs matched against the end of the host name (the
    part before the suffix names the resource); ``exact`` are whole host names. ``kind`` says
    whether Azure-specific findings apply. ``resource_host`` is true for a resource's own host
    (custom subdomain), where routes, roles and audiences of the resource apply. ``key_headers``
    are the headers that carry a key on the family's own routes (``authorization`` meaning
    ``Authorization: Bearer <key>``); ``entra`` whether Entra ID tokens are accepted at all.
    ``retired`` names the retirement (see :mod:`.retirements`) when the family is gone.
    """

    name: FamilyName
    what: str
    kind: HostKind
    suffixes: tuple[tuple[str, CloudName], ...] = ()
    exact: tuple[str, ...] = ()
    resource_host: bool = False
    key_headers: tuple[str, ...] = ()
    entra: bool = False
    retired: str | None = None
    sources: tuple[Source, ...] = ()


FAMILIES: tuple[HostFamily, ...] = (
    HostFamily(
        "azure-openai",
        "an Azure OpenAI or Foundry resource (its custom subdomain)",
        "azure",
        suffixes=(
            (".openai.azure.com", "public"),
            (".openai.azure.us", "usgov"),
            (".openai.azure.cn", "china"),
        ),
        resource_host=True,
        key_headers=("api-key",),
        entra=True,
        sources=(s.SPEC_AOAI, s.SPEC_V1, s.SOVEREIGN),
    ),
    HostFamily(
        "cognitive-services",
        "the same resource under its Cognitive Services host name",
        "azure",
        suffixes=(
            (".cognitiveservices.azure.com", "public"),
            (".cognitiveservices.azure.us", "usgov"),
            (".cognitiveservices.azure.cn", "china"),
        ),
        resource_host=True,
        key_headers=("api-key",),
        entra=True,
        sources=(s.AUTH,),
    ),
    HostFamily(
        "foundry",
        "a Foundry (AIServices) resource, also hosting projects, /anthropic and the retired "
        "/models API",
        "azure",
        suffixes=(
            (".services.ai.azure.com", "public"),
            (".services.ai.azure.us", "usgov"),
            (".services.ai.azure.cn", "china"),
        ),
        resource_host=True,
        key_headers=("api-key",),
        entra=True,
        sources=(s.LIFECYCLE, s.AIP, s.CLAUDE_PAGE),
    ),
    HostFamily(
        "regional",
        "a shared regional endpoint (no custom subdomain): keys only",
        "azure",
        suffixes=(
            (".api.cognitive.microsoft.com", "public"),
            (".api.cognitive.microsoft.us", "usgov"),
            (".api.cognitive.azure.cn", "china"),
        ),
        key_headers=("api-key", "ocp-apim-subscription-key"),
        entra=False,
        sources=(s.REGIONAL_NO_ENTRA,),
    ),
    HostFamily(
        "serverless",
        "a serverless API endpoint (hub-era Models-as-a-Service): one model, keys only",
        "azure",
        suffixes=((".models.ai.azure.com", "public"),),
        key_headers=("authorization",),
        entra=False,
        sources=(s.SERVERLESS_AUTH,),
    ),
    HostFamily(
        "managed-compute",
        "an Azure Machine Learning managed online endpoint",
        "azure",
        suffixes=(
            (".inference.ml.azure.com", "public"),
            (".inference.ml.azure.us", "usgov"),
            (".inference.ml.azure.cn", "china"),
        ),
        key_headers=("authorization",),
        entra=True,
        sources=(s.AML_AUTH,),
    ),
    HostFamily(
        "apim",
        "an Azure API Management gateway in front of the service",
        "azure",
        suffixes=(
            (".azure-api.net", "public"),
            (".azure-api.us", "usgov"),
            (".azure-api.cn", "china"),
        ),
        key_headers=("ocp-apim-subscription-key",),
        entra=True,
        sources=(s.APIM_SUBSCRIPTIONS,),
    ),
    HostFamily(
        "github-models",
        "GitHub Models' Azure endpoint",
        "azure",
        exact=("models.inference.ai.azure.com",),
        key_headers=("authorization",),
        retired="github-models",
        sources=(s.GITHUB_MODELS_RETIREMENT,),
    ),
    HostFamily(
        "openai-platform",
        "OpenAI's own platform, not Azure",
        "other",
        exact=("api.openai.com",),
        key_headers=("authorization",),
        sources=(s.WIRE_SDK,),
    ),
    HostFamily("local", "a server on this machine", "other", exact=("localhost",)),
    HostFamily(
        "unknown",
        "a host of no known family (a corporate gateway, a proxy, another provider)",
        "other",
    ),
)
_BY_NAME = {item.name: item for item in FAMILIES}
_EXACT = {host: item for item in FAMILIES for host in item.exact}
_SUFFIXES = tuple(
    (suffix, item, cloud) for item in FAMILIES for suffix, cloud in item.suffixes
)


def family(name: FamilyName) -> HostFamily:
    """The host family called ``name``."""
    return _BY_NAME[name]


def family_of(host: str) -> tuple[HostFamily, CloudName, str]:
    """The family of a lower-cased host name, its cloud, and the labels before the family's
    suffix (``"myres"`` for ``myres.openai.azure.com``; empty for exact and unknown hosts)."""
    exact = _EXACT.get(host)
    if exact is not None:
        return exact, "public", ""
    if _is_loopback(host):
        return _BY_NAME["local"], "public", ""
    for suffix, item, cloud in _SUFFIXES:
        if host.endswith(suffix) and len(host) > len(suffix):
            return item, cloud, host[: -len(suffix)]
    return _BY_NAME["unknown"], "public", ""


def _is_loopback(host: str) -> bool:
    bare = host.strip("[]")
    if bare in ("::1", "0.0.0.0"):  # noqa: S104 - a host name compared, nothing is bound
        return True
    parts = bare.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)
