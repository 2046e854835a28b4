"""The managed-identity endpoints of the Azure hosts, stated as data: what each kind of host
serves (path, method, api-version, the header that proves the caller runs there), and which
environment variables azure-identity reads to find it.

Sources: ``../shared/knowledge/entra.md`` §3 (ManagedIdentityCredential's platform choice) and
§6 (wire formats of IMDS, App Service and Cloud Shell); azure-identity 1.27 ``imds.py``,
``app_service.py``, ``cloud_shell.py``; msal 1.39 ``managed_identity.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CLOUD_SHELL_AUDIENCES",
    "ENDPOINTS",
    "MANAGED_IDENTITY_VARIABLES",
    "EndpointSpec",
    "PlatformKind",
]

#: ``app_service``: App Service, Functions, Container Apps (``IDENTITY_ENDPOINT`` +
#: ``IDENTITY_HEADER``); ``vm``: IMDS on virtual machines, scale sets, AKS nodes;
#: ``cloud_shell``: Azure Cloud Shell (``MSI_ENDPOINT``)
PlatformKind = Literal["app_service", "vm", "cloud_shell"]


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    """One kind of token endpoint: its path below the base URL, method, required header (and
    its value; ``None``: the secret the platform hands out), api-version, how the resource and
    the identity selectors are passed, and the variables that point azure-identity at it."""

    path: str
    method: Literal["GET", "POST"]
    header: str
    header_value: str | None
    api_version: str | None
    selectors: tuple[str, ...]
    variables: tuple[str, ...]


ENDPOINTS: Mapping[PlatformKind, EndpointSpec] = {
    # IMDS: GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=..., Metadata: true
    "vm": EndpointSpec(
        path="/metadata/identity/oauth2/token",
        method="GET",
        header="Metadata",
        header_value="true",
        api_version="2018-02-01",
        selectors=("client_id", "object_id", "msi_res_id", "mi_res_id"),
        variables=("AZURE_POD_IDENTITY_AUTHORITY_HOST",),
    ),
    # App Service: GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=...,
    # X-IDENTITY-HEADER: {IDENTITY_HEADER}
    "app_service": EndpointSpec(
        path="/msi/token",
        method="GET",
        header="X-IDENTITY-HEADER",
        header_value=None,
        api_version="2019-08-01",
        selectors=("client_id", "object_id", "mi_res_id"),
        variables=("IDENTITY_ENDPOINT", "IDENTITY_HEADER"),
    ),
    # Cloud Shell: POST {MSI_ENDPOINT}, form resource=..., Metadata: true
    "cloud_shell": EndpointSpec(
        path="/oauth2/token",
        method="POST",
        header="Metadata",
        header_value="true",
        api_version=None,
        selectors=(),
        variables=("MSI_ENDPOINT",),
    ),
}

#: every variable by which azure-identity (and msal) pick a managed-identity platform; a block
#: that chooses one platform sets its own and clears the others
MANAGED_IDENTITY_VARIABLES = (
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "IDENTITY_SERVER_THUMBPRINT",
    "IMDS_ENDPOINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST",
)

#: the audiences Cloud Shell's endpoint issued tokens for, as its own error listed them
#: (Azure/CloudShell#351; ``https://cognitiveservices.azure.com`` and ``https://ai.azure.com``
#: are not among them)
CLOUD_SHELL_AUDIENCES = (
    "https://management.core.windows.net/",
    "https://management.azure.com/",
    "https://graph.windows.net/",
    "https://vault.azure.net",
    "https://datalake.azure.net/",
    "https://outlook.office365.com/",
    "https://graph.microsoft.com/",
    "https://batch.core.windows.net/",
    "https://analysis.windows.net/powerbi/api",
    "https://storage.azure.com/",
    "https://rest.media.azure.net",
    "https://api.loganalytics.io",
    "https://ossrdbms-aad.database.windows.net",
    "https://www.yammer.com",
    "https://digitaltwins.azure.net",
    "0b07f429-9f4b-4714-9392-cc5e8e80c8b0",
    "822c8694-ad95-4735-9c55-256f7db2f9b4",
    "https://dev.azuresynapse.net",
    "https://database.windows.net",
    "https://quantum.microsoft.com",
)
