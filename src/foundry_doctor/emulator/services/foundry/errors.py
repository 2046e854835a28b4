"""The Foundry / Azure OpenAI data plane's error answers, one class per answer.

Bodies are kept as raw JSON text, byte for byte as the service sends them (the real gateway
writes some with a space after ``"message":``, others without; the SDKs and foundry-doctor only
see the parsed values, but lengths and raw text stay realistic). Sources for each text:
``../shared/knowledge/wire.md`` (section A.2) and the public cases.

Two body shapes exist:

* shape 1, the Cognitive Services ``error`` envelope: ``{"error":{"code":..,"message":..}}``;
* shape 2, the gateway's token check: ``{"statusCode":401,"message":..}`` with no code.
"""

from __future__ import annotations

import json
from typing import ClassVar

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.wire.messages import compact_json

__all__ = [
    "DEPLOYMENT_NOT_FOUND_BODY",
    "INVALID_KEY_BODY",
    "KEY_AUTH_DISABLED_BODY",
    "NO_MODEL_NAME_BODY",
    "PERMISSION_DENIED_BODY",
    "PROJECT_NOT_FOUND_BODY",
    "PUBLIC_ACCESS_DISABLED_BODY",
    "REGIONAL_TOKEN_BODY",
    "RESOURCE_NOT_FOUND_BODY",
    "V1_API_VERSION_NOT_ALLOWED_BODY",
    "V1_API_VERSION_UNSUPPORTED_BODY",
    "BadJsonBody",
    "ConfiguredAnswer",
    "DeploymentNotFound",
    "FoundryError",
    "InvalidKey",
    "KeyAuthDisabled",
    "MissingParameter",
    "NoModelName",
    "OperationNotSupported",
    "PermissionDenied",
    "ProjectNotFound",
    "ProjectPermissionDenied",
    "PublicAccessDisabled",
    "RegionalTokenRefused",
    "ResourceNotFound",
    "StreamNotSupported",
    "TenantMismatch",
    "TokenRejected",
    "UnknownModel",
    "V1ApiVersionNotAllowed",
    "V1ApiVersionUnsupported",
    "error_code_of",
    "tenant_mismatch_body",
    "token_rejected_body",
    "unknown_model_body",
]

# --- fixed bodies ---------------------------------------------------------------------------------

INVALID_KEY_BODY = (
    '{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API '
    "endpoint. Make sure to provide a valid key for an active subscription and use a correct "
    'regional API endpoint for your resource."}}'
)
PERMISSION_DENIED_BODY = (
    '{"error":{"code":"PermissionDenied","message":"Principal does not have access to '
    'API/Operation."}}'
)
RESOURCE_NOT_FOUND_BODY = '{"error":{"code":"404","message": "Resource not found"}}'
DEPLOYMENT_NOT_FOUND_BODY = (
    '{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does '
    "not exist. If you created the deployment within the last 5 minutes, please wait a moment "
    'and try again."}}'
)
KEY_AUTH_DISABLED_BODY = (
    '{"error":{"code":"AuthenticationTypeDisabled","message": "Key based authentication is '
    'disabled for this resource."}}'
)
PUBLIC_ACCESS_DISABLED_BODY = (
    '{"error":{"code":"403","message": "Public access is disabled. Please configure private '
    'endpoint."}}'
)
REGIONAL_TOKEN_BODY = (
    '{"error":{"code":"BadRequest","message": "Please provide a custom subdomain for token '
    "authentication, otherwise API key is required. (Please see "
    'https://aka.ms/cogsvc-authenticatewithtoken)"}}'
)
_NO_MODEL_TEXT = (
    "No model specified in request. Please provide a model name in the request body or as a "
    "x-ms-model-mesh-model-name header."
)
NO_MODEL_NAME_BODY = compact_json(
    {"error": {"code": "no_model_name", "message": _NO_MODEL_TEXT, "details": _NO_MODEL_TEXT}}
)
V1_API_VERSION_NOT_ALLOWED_BODY = (
    '{"error":{"code":"BadRequest","message":"api-version query parameter is not allowed when '
    'using /v1 path"}}'
)
V1_API_VERSION_UNSUPPORTED_BODY = (
    '{"error":{"code":"BadRequest","message":"API version not supported"}}'
)
# The code is not documented; "ResourceNotFound" is what a public report shows for this text
# (microsoft/microsoft-foundry-for-vscode#99).
PROJECT_NOT_FOUND_BODY = (
    '{"error":{"code":"ResourceNotFound","message":"The project does not exist."}}'
)


def _text(value: str) -> str:
    """``value`` as the inside of a JSON string (escaped, without the quotes)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def token_rejected_body(audience_text: str) -> str:
    """Shape 2: the gateway rejected the bearer token (or found none, or found a key there)."""
    return (
        '{"statusCode":401,"message":"Unauthorized. Access token is missing, invalid, audience '
        f'is incorrect ({_text(audience_text)}), or have expired."}}'
    )


def tenant_mismatch_body(token_tenant: str) -> str:
    """400: the token was issued by another tenant than the resource's."""
    return (
        '{"error":{"code":"Tenant provided in token does not match resource token","message":'
        f'"Token tenant {_text(token_tenant)} does not match resource tenant."}}}}'
    )


def unknown_model_body(model: str) -> str:
    """``/models`` with a model name that no deployment has."""
    text = f"Unknown model: {model}"
    return compact_json({"error": {"code": "unknown_model", "message": text, "details": text}})


def error_code_of(body: str) -> str | None:
    """The ``error.code`` of a shape-1 body, ``None`` for shape 2 or anything else."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict) and error.get("code") is not None:
            return str(error["code"])
    return None


# --- the answers ------------------------------------------------------------------------------


class FoundryError(ServiceError):
    """An error answer of the data plane. A subclass with a fixed body sets
    :attr:`fixed_body`; the others build theirs in :meth:`body`."""

    fixed_body: ClassVar[str] = ""

    def body(self) -> str:
        return self.fixed_body

    def error_code(self) -> str | None:
        return error_code_of(self.body())


class ResourceNotFound(FoundryError):
    """404 ``Resource not found``: an unknown path or operation, an api-version the route does
    not serve, a route the host family does not serve. ``outcome`` says which."""

    status = 404
    outcome = "path-not-found"
    fixed_body = RESOURCE_NOT_FOUND_BODY


class PublicAccessDisabled(FoundryError):
    """403: public network access is off; answered before anything else is looked at."""

    status = 403
    outcome = "public-network-disabled"
    fixed_body = PUBLIC_ACCESS_DISABLED_BODY

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("policy-id", "ThrowExceptionDueToTrafficDenied"),)


class KeyAuthDisabled(FoundryError):
    status = 403
    outcome = "key-auth-disabled"
    fixed_body = KEY_AUTH_DISABLED_BODY


class InvalidKey(FoundryError):
    status = 401
    outcome = "invalid-key"
    fixed_body = INVALID_KEY_BODY


class TokenRejected(FoundryError):
    """401 shape 2: no usable bearer token for this route family (``outcome`` says why)."""

    status = 401
    outcome = "token-rejected"

    def __init__(self, audience_text: str, *, outcome: str) -> None:
        super().__init__(outcome=outcome)
        self.audience_text = audience_text

    def body(self) -> str:
        return token_rejected_body(self.audience_text)


class TenantMismatch(FoundryError):
    status = 400
    outcome = "token-wrong-tenant"

    def __init__(self, token_tenant: str) -> None:
        super().__init__()
        self.token_tenant = token_tenant

    def body(self) -> str:
        return tenant_mismatch_body(self.token_tenant)


class RegionalTokenRefused(FoundryError):
    """400: a token (any ``Authorization``) on a regional endpoint."""

    status = 400
    outcome = "token-on-regional-endpoint"
    fixed_body = REGIONAL_TOKEN_BODY


class ConfiguredAnswer(FoundryError):
    """An answer whose status and body are world settings (no credential at all; a retired
    API), because the real answer is not documented or has changed over time."""

    outcome = "configured"

    def __init__(self, status: int, body: str, *, outcome: str) -> None:
        super().__init__(outcome=outcome)
        self.status = status
        self.configured_body = body

    def body(self) -> str:
        return self.configured_body


class PermissionDenied(FoundryError):
    """401 ``PermissionDenied``: the token holds no role that opens this operation."""

    status = 401
    outcome = "permission-denied"
    fixed_body = PERMISSION_DENIED_BODY


class ProjectPermissionDenied(FoundryError):
    """401 on project endpoints: names the principal, the missing data action and the route."""

    status = 401
    outcome = "permission-denied"

    def __init__(self, principal: str, data_action: str, operation: str) -> None:
        super().__init__()
        self.principal, self.data_action, self.operation = principal, data_action, operation

    def body(self) -> str:
        message = (
            f"The principal `{self.principal}` lacks the required data action "
            f"`{self.data_action}` to perform `{self.operation}` operation. For instructions on "
            "granting the necessary permissions, see https://aka.ms/FoundryPermissions."
        )
        return compact_json({"error": {"code": "PermissionDenied", "message": message}})


class DeploymentNotFound(FoundryError):
    status = 404
    outcome = "deployment-not-found"
    fixed_body = DEPLOYMENT_NOT_FOUND_BODY


class ProjectNotFound(FoundryError):
    status = 404
    outcome = "project-not-found"
    fixed_body = PROJECT_NOT_FOUND_BODY


class NoModelName(FoundryError):
    status = 400
    outcome = "no-model-name"
    fixed_body = NO_MODEL_NAME_BODY


class UnknownModel(FoundryError):
    """``/models`` with a model no deployment has (status: ``World.unknown_model_status``)."""

    outcome = "unknown-model"

    def __init__(self, model: str, status: int) -> None:
        super().__init__()
        self.model = model
        self.status = status

    def body(self) -> str:
        return unknown_model_body(self.model)


class V1ApiVersionNotAllowed(FoundryError):
    status = 400
    outcome = "api-version-not-allowed"
    fixed_body = V1_API_VERSION_NOT_ALLOWED_BODY


class V1ApiVersionUnsupported(FoundryError):
    status = 400
    outcome = "api-version-unsupported"
    fixed_body = V1_API_VERSION_UNSUPPORTED_BODY


class OperationNotSupported(FoundryError):
    """400: a chat call on an embeddings deployment, or the reverse."""

    status = 400
    outcome = "operation-not-supported"

    def __init__(self, operation: str, model: str) -> None:
        super().__init__()
        self.operation, self.model = operation, model

    def body(self) -> str:
        message = (
            f"The {self.operation} operation does not work with the specified model, "
            f"{self.model}. Please choose different model and try again. You can learn more "
            "about which models can be used with each operation here: "
            "https://go.microsoft.com/fwlink/?linkid=2197993."
        )
        return compact_json({"error": {"code": "OperationNotSupported", "message": message}})


class MissingParameter(FoundryError):
    """400: a required JSON member is missing (``model`` on ``/openai/v1``)."""

    status = 400
    outcome = "no-model-name"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def body(self) -> str:
        return compact_json(
            {
                "error": {
                    "code": "missing_required_parameter",
                    "message": f"Missing required parameter: '{self.name}'.",
                    "param": self.name,
                    "type": "invalid_request_error",
                }
            }
        )


class BadJsonBody(FoundryError):
    """400: the request body is not a JSON object (the emulator's wording)."""

    status = 400
    outcome = "bad-body"

    def body(self) -> str:
        return compact_json(
            {"error": {"code": "BadRequest", "message": "The request body must be a JSON object."}}
        )


class StreamNotSupported(FoundryError):
    """400: a streamed Responses call, which the emulator does not serve (its own wording)."""

    status = 400
    outcome = "stream-not-supported"

    def body(self) -> str:
        return compact_json(
            {
                "error": {
                    "code": "BadRequest",
                    "message": "The emulator does not stream the Responses API.",
                }
            }
        )
