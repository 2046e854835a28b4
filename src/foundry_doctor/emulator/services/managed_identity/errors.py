"""The managed-identity endpoints' error answers. Each kind of host has its own body shape
(``../shared/knowledge/entra.md`` §6), fixed by one base class per kind:

* IMDS: ``{"error":"invalid_request","error_description":"Identity not found"}``;
* App Service: ``{"statusCode":400,"message":"...","correlationId":"<guid>"}``, and Entra ID's
  own error passed through (``exceptionMessage``, ``errorCode``, ``serviceErrorCodes``);
* Cloud Shell: ``{"error":{"code":"AudienceNotSupported","message":"..."}}``.
"""

from __future__ import annotations

import uuid

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.services.entra.errors import ResourcePrincipalNotFound
from foundry_doctor.emulator.wire.messages import compact_json

__all__ = [
    "AppServiceError",
    "AppServiceHeaderMismatch",
    "AppServiceIdentityNotFound",
    "AppServiceResourceNotFound",
    "AudienceNotSupported",
    "CloudShellError",
    "ImdsError",
    "ImdsIdentityNotFound",
    "ImdsMetadataHeaderMissing",
    "ImdsMultipleIdentities",
    "ImdsResourceNotFound",
    "resource_not_found_text",
]

_JSON = "application/json; charset=utf-8"


def resource_not_found_text(resource: str, tenant: str) -> str:
    """Entra ID's AADSTS500011 sentence, as the token sources pass it on."""
    return ResourcePrincipalNotFound(resource, tenant).text()


# --- IMDS -----------------------------------------------------------------------------------------


class ImdsError(ServiceError):
    """IMDS's two-field error; 400 for everything it refuses (entra.md §6)."""

    status = 400
    content_type = _JSON
    error = "invalid_request"

    def description(self) -> str:
        raise NotImplementedError

    def body(self) -> str:
        return compact_json({"error": self.error, "error_description": self.description()})

    def error_code(self) -> str | None:
        return self.error


class ImdsIdentityNotFound(ImdsError):
    """No identity on the host, or none with the id asked for (Azure/azure-sdk-for-net#37278)."""

    outcome = "identity-not-found"

    def description(self) -> str:
        return "Identity not found"


class ImdsMultipleIdentities(ImdsError):
    """Several user-assigned identities, no system identity, none chosen
    (Hexadite/acs-keyvault-agent#43)."""

    outcome = "identity-not-chosen"

    def description(self) -> str:
        return (
            "Multiple user assigned identities exist, please specify the clientId / resourceId "
            "of the identity in the token request"
        )


class ImdsMetadataHeaderMissing(ImdsError):
    """A request without ``Metadata: true``."""

    outcome = "metadata-header-missing"

    def description(self) -> str:
        return "Required metadata header not specified"


class ImdsResourceNotFound(ImdsError):
    """A resource the identity's tenant does not know: Entra's AADSTS500011 sentence under
    ``invalid_resource`` (the emulator's composition of IMDS's shape and Entra's text)."""

    error = "invalid_resource"
    outcome = "resource-not-in-tenant"

    def __init__(self, resource: str, tenant: str) -> None:
        super().__init__()
        self.resource, self.tenant = resource, tenant

    def description(self) -> str:
        return resource_not_found_text(self.resource, self.tenant)


# --- App Service ----------------------------------------------------------------------------------


class AppServiceError(ServiceError):
    """App Service's ``{statusCode, message, correlationId}`` error."""

    status = 400
    content_type = _JSON

    def message(self) -> str | None:
        raise NotImplementedError

    def body(self) -> str:
        return compact_json(
            {
                "statusCode": self.status,
                "message": self.message(),
                "correlationId": str(uuid.uuid4()),
            }
        )


class AppServiceIdentityNotFound(AppServiceError):
    """No identity with the id asked for, or none chosen where the app has no system
    identity (Azure-Samples/azure-search-openai-demo#2148)."""

    outcome = "identity-not-found"

    def message(self) -> str:
        return (
            "No User Assigned or Delegated Managed Identity found for specified "
            "ClientId/ResourceId/PrincipalId."
        )


class AppServiceHeaderMismatch(AppServiceError):
    """``X-IDENTITY-HEADER`` missing or not the host's secret (the emulator's wording; the real
    endpoint's answer is not documented)."""

    status = 401
    outcome = "identity-header-mismatch"

    def message(self) -> str:
        return "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER."


class AppServiceResourceNotFound(AppServiceError):
    """Entra ID's refusal passed through (Azure/azure-cli#20196)."""

    outcome = "resource-not-in-tenant"

    def __init__(self, resource: str, tenant: str) -> None:
        super().__init__()
        self.resource, self.tenant = resource, tenant

    def message(self) -> str | None:
        return None

    def body(self) -> str:
        return compact_json(
            {
                "exceptionMessage": resource_not_found_text(self.resource, self.tenant),
                "errorCode": "invalid_resource",
                "serviceErrorCodes": ["500011"],
                "statusCode": self.status,
                "message": None,
                "correlationId": str(uuid.uuid4()),
            }
        )


# --- Cloud Shell ----------------------------------------------------------------------------------


class CloudShellError(ServiceError):
    """Cloud Shell's ``{"error":{"code":..,"message":..}}`` error."""

    status = 400
    content_type = _JSON
    code = ""

    def message(self) -> str:
        raise NotImplementedError

    def body(self) -> str:
        return compact_json({"error": {"code": self.code, "message": self.message()}})

    def error_code(self) -> str | None:
        return self.code


class AudienceNotSupported(CloudShellError):
    """An audience outside the endpoint's list (Azure/CloudShell#351)."""

    code = "AudienceNotSupported"
    outcome = "audience-not-supported"

    def __init__(self, resource: str, supported: tuple[str, ...]) -> None:
        super().__init__()
        self.resource, self.supported = resource, supported

    def message(self) -> str:
        return (
            f"Audience {self.resource} is not a supported MSI token audience. Supported "
            f"audiences: {','.join(self.supported)}"
        )
