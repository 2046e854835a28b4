"""Microsoft Entra ID's token service, stated as data: the authority hosts per cloud, the
endpoints MSAL and azure-identity call there, which OAuth errors go out with which status, and
the Microsoft resources every tenant of a cloud knows.

Sources: ``../shared/knowledge/entra.md`` §5 (authority hosts and Cognitive Services audiences
per cloud) and §6 (endpoints, body fields, statuses); msal 1.39 ``authority.py`` (which hosts
skip instance discovery, the discovery paths).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

__all__ = [
    "ASSERTION_LEEWAY",
    "AUTHORITY_HOSTS",
    "CLIENT_ASSERTION_TYPE",
    "DISCOVERY_SUFFIX",
    "FEDERATED_TOKEN_AUDIENCE",
    "INSTANCE_DISCOVERY_PATH",
    "INSTANCE_METADATA",
    "JSON_CONTENT_TYPE",
    "MULTIPLE_RESOURCES_CODES",
    "NO_CACHE_HEADERS",
    "RESOURCES",
    "TENANT_ALIASES",
    "TOKEN_SUFFIX",
    "Cloud",
    "cloud_of_host",
    "status_of",
]

Cloud = Literal["public", "usgov", "china"]

#: the authority host of each cloud (azure-identity's ``AzureAuthorityHosts``)
AUTHORITY_HOSTS: Mapping[Cloud, str] = {
    "public": "login.microsoftonline.com",
    "usgov": "login.microsoftonline.us",
    "china": "login.chinacloudapi.cn",
}

#: ``GET /{tenant}`` + this: the OpenID Connect discovery document MSAL reads first
DISCOVERY_SUFFIX = "/v2.0/.well-known/openid-configuration"
#: ``POST /{tenant}`` + this: the v2.0 token endpoint
TOKEN_SUFFIX = "/oauth2/v2.0/token"
#: MSAL's instance discovery: asked to validate an authority host MSAL does not know, and
#: after a failed token request (to look for the host's aliases in its cache)
INSTANCE_DISCOVERY_PATH = "/common/discovery/instance"
#: the alias groups instance discovery lists (``preferred_network``, ``preferred_cache``,
#: ``aliases``), as MSAL's own well-known host list groups them
INSTANCE_METADATA: tuple[Mapping[str, object], ...] = (
    {
        "preferred_network": "login.microsoftonline.com",
        "preferred_cache": "login.windows.net",
        "aliases": [
            "login.microsoftonline.com",
            "login.windows.net",
            "login.microsoft.com",
            "sts.windows.net",
        ],
    },
    {
        "preferred_network": "login.partner.microsoftonline.cn",
        "preferred_cache": "login.partner.microsoftonline.cn",
        "aliases": ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"],
    },
    {
        "preferred_network": "login.microsoftonline.us",
        "preferred_cache": "login.microsoftonline.us",
        "aliases": ["login.microsoftonline.us", "login.usgovcloudapi.net"],
    },
)
#: tenant names that are not a tenant but a set of them (the discovery documents exist)
TENANT_ALIASES = frozenset({"common", "organizations", "consumers"})

#: the content type of every JSON answer of the token service
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
#: the headers every answer of the token service carries
NO_CACHE_HEADERS = (("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache"))
#: seconds of clock skew tolerated on a client assertion's ``nbf`` / ``exp``
ASSERTION_LEEWAY = 300

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: the audience a federated identity credential expects by default
FEDERATED_TOKEN_AUDIENCE = "api://AzureADTokenExchange"

#: codes observed for "more than one resource in one scope" with the same text: 700022 (the
#: code entra.md gives), 28000 (the code quoted in later public reports)
MULTIPLE_RESOURCES_CODES = (700022, 28000)

#: the Microsoft resources (first-party service principals) every tenant of a cloud has,
#: as token audiences (``aud``); a scope for anything else is AADSTS500011 unless an app
#: registration of the tenant claims it
RESOURCES: Mapping[Cloud, frozenset[str]] = {
    "public": frozenset(
        {
            "https://cognitiveservices.azure.com",
            "https://ai.azure.com",
            "https://ml.azure.com",
            "https://management.azure.com",
            "https://management.core.windows.net",
            "https://graph.microsoft.com",
            "https://storage.azure.com",
            "https://vault.azure.net",
            "https://search.azure.com",
            "https://database.windows.net",
        }
    ),
    "usgov": frozenset(
        {
            "https://cognitiveservices.azure.us",
            "https://management.usgovcloudapi.net",
            "https://management.core.usgovcloudapi.net",
            "https://graph.microsoft.us",
        }
    ),
    "china": frozenset(
        {
            "https://cognitiveservices.azure.cn",
            "https://management.chinacloudapi.cn",
            "https://management.core.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn",
        }
    ),
}


def cloud_of_host(host: str) -> Cloud | None:
    """The cloud whose authority ``host`` is, ``None`` for any other host."""
    host = host.lower().rstrip(".")
    return next((cloud for cloud, name in AUTHORITY_HOSTS.items() if name == host), None)


def status_of(error: str) -> int:
    """The HTTP status the token endpoint sends with an OAuth ``error`` (entra.md §6):
    ``invalid_client`` is 401, every other error 400."""
    return 401 if error == "invalid_client" else 400
