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
from collections.abc import Mapping
from typing import ClassVar

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.services.foundry.spec import PERMISSIONS_HELP
from foundry_doctor.emulator.services.foundry.world import NetworkAnswer, Refusal
from foundry_doctor.emulator.wire.messages import compact_json

__all__ = [
    "API_NOT_SUPPORTED_BODY",
    "DEPLOYMENT_NOT_FOUND_BODY",
    "FIREWALL_BODY",
    "INVALID_KEY_BODY",
    "KEY_AUTH_DISABLED_BODY",
    "MODEL_DEPRECATED_BODY",
    "NETWORK_REFUSALS",
    "NGINX_403_PAGE",
    "NO_MODEL_NAME_BODY",
    "PERMISSION_DENIED_BODY",
    "PROJECT_NOT_FOUND_BODY",
    "PUBLIC_ACCESS_DISABLED_BODY",
    "REGIONAL_TOKEN_BODY",
    "RESOURCE_NOT_FOUND_BODY",
    "V1_API_VERSION_NOT_ALLOWED_BODY",
    "V1_API_VERSION_UNSUPPORTED_BODY",
    "VIRTUAL_NETWORK_BODY",
    "AnthropicError",
    "ApiNotSupported",
    "ApiVersionNotSpecified",
    "BadJsonBody",
    "ConfiguredAnswer",
    "DeploymentNotFound",
    "FoundryError",
    "InvalidKey",
    "KeyAuthDisabled",
    "MissingParameter",
    "ModelApiVersionTooOld",
    "ModelDeprecated",
    "NoModelName",
    "OperationNotSupported",
    "PermissionDenied",
    "ProjectNotFound",
    "ProjectPermissionDenied",
    "Refused",
    "RegionalTokenRefused",
    "ResourceNotFound",
    "ResponsesApiVersionTooOld",
    "ResponsesNotSupported",
    "TenantMismatch",
    "Throttled",
    "TokenRejected",
    "UnknownModel",
    "V1ApiVersionNotAllowed",
    "V1ApiVersionUnsupported",
    "V1PreviewMode",
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


# "Selected networks" without the caller's address (wire.md A.2; foundry-vscode#29)
FIREWALL_BODY = (
    '{"error":{"code":"403","message": "Access denied due to Virtual Network/Firewall rules."}}'
)
# a virtual network configured on the resource: no ``error`` wrapper (continue#12547)
VIRTUAL_NETWORK_BODY = (
    '{"code":"403","message":"A Virtual Network is configured for this resource. Please use the '
    'correct endpoint for making requests. Check https://aka.ms/cogsvc-vnet for more details."}'
)
# the nginx 403 page a proxy in front of the service sends (azure-sdk-for-python#39887; its
# Content-Length 146 is the CRLF form of the quoted page)
NGINX_403_PAGE = (
    "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
    "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
# a deployment of a retired model (retirements.md §2.3; epam/ai-dial-core#4403)
MODEL_DEPRECATED_BODY = (
    '{"error": {"code": "ModelDeprecated", "message": "The model associated with the deployment '
    "is deprecated and no longer available for use. Please refer to the Azure OpenAI service "
    'documentation for more information."}}'
)
# a Claude deployment called on an OpenAI-shaped route (the Foundry Claude reports quoted in
# cases/public-2026.jsonl, claudecode66896)
_API_NOT_SUPPORTED_TEXT = "Requested API is currently not supported"
API_NOT_SUPPORTED_BODY = compact_json(
    {
        "error": {
            "code": "api_not_supported",
            "message": _API_NOT_SUPPORTED_TEXT,
            "details": _API_NOT_SUPPORTED_TEXT,
        }
    }
)


#: what a request from outside gets when a resource's public network access is off, per preset
#: (``Resource.network_answer``)
NETWORK_REFUSALS: Mapping[NetworkAnswer, Refusal] = {
    "public-access-disabled": Refusal(
        403,
        PUBLIC_ACCESS_DISABLED_BODY,
        headers=(("policy-id", "ThrowExceptionDueToTrafficDenied"),),
    ),
    "firewall": Refusal(403, FIREWALL_BODY),
    "virtual-network": Refusal(403, VIRTUAL_NETWORK_BODY),
    "proxy-html": Refusal(403, NGINX_403_PAGE, content_type="text/html"),
}


def _bad_request(message: str) -> str:
    """Shape 1 with code ``BadRequest`` (the code of the quoted api-version 400s)."""
    return compact_json({"error": {"code": "BadRequest", "message": message}})


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


class Refused(FoundryError):
    """A whole-resource answer configured in the world (:class:`~.world.Refusal`): network
    rules, a suspended resource. ``outcome`` says which."""

    def __init__(self, refusal: Refusal, *, outcome: str) -> None:
        super().__init__(outcome=outcome)
        self.refusal = refusal
        self.status = refusal.status
        self.content_type = refusal.content_type
        self.reason = refusal.reason

    def body(self) -> str:
        return self.refusal.body

    def headers(self) -> tuple[tuple[str, str], ...]:
        return self.refusal.headers


class KeyAuthDisabled(FoundryError):
    status = 403
    outcome = "key-auth-disabled"
    fixed_body = KEY_AUTH_DISABLED_BODY


class InvalidKey(FoundryError):
    """401: a key no resource of this endpoint has (``code``: ``"401"``, or ``"Unauthorized"``
    as seen in vercel/chatbot#588 with the same message)."""

    status = 401
    outcome = "invalid-key"

    def __init__(self, code: str = "401") -> None:
        super().__init__()
        self.code = code

    def body(self) -> str:
        if self.code == "401":
            return INVALID_KEY_BODY
        return INVALID_KEY_BODY.replace('"code":"401"', f'"code":{json.dumps(self.code)}', 1)


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
    """401 on project endpoints: names the principal, the missing data action and the route.

    ``help_target`` ends the message (``For instructions on granting the necessary
    permissions, see <help_target>.``); ``None`` leaves that sentence out. ``status`` 403 is
    the answer to ``x-ms-user-identity`` without the impersonation action, whose body is not
    published (the emulator uses the same template).
    """

    status = 401
    outcome = "permission-denied"

    def __init__(
        self,
        principal: str,
        data_action: str,
        operation: str,
        help_target: str | None = PERMISSIONS_HELP,
        *,
        status: int = 401,
    ) -> None:
        super().__init__(outcome="permission-denied" if status == 401 else "impersonation-denied")
        self.principal, self.data_action, self.operation = principal, data_action, operation
        self.help_target = help_target
        self.status = status

    def body(self) -> str:
        message = (
            f"The principal `{self.principal}` lacks the required data action "
            f"`{self.data_action}` to perform `{self.operation}` operation."
        )
        if self.help_target is not None:
            message += (
                f" For instructions on granting the necessary permissions, see {self.help_target}."
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


class ModelApiVersionTooOld(FoundryError):
    """400 on a dated route: the deployment's model is enabled only from a later api-version.
    ``{modelName}`` stays literal, as the service sends it (routes.md §2.5)."""

    status = 400
    outcome = "api-version-too-old-for-model"

    def __init__(self, minimum: str) -> None:
        super().__init__()
        self.minimum = minimum

    def body(self) -> str:
        return _bad_request(
            f"Model {{modelName}} is enabled only for api versions {self.minimum} and later"
        )


class ResponsesApiVersionTooOld(FoundryError):
    """400: the dated Responses route with a dated api-version older than the Responses API
    (the message of aider#4029; its code is not quoted)."""

    status = 400
    outcome = "api-version-too-old-for-responses"

    def __init__(self, minimum: str) -> None:
        super().__init__()
        self.minimum = minimum

    def body(self) -> str:
        return _bad_request(
            f"Azure OpenAI Responses API is enabled only for api-version {self.minimum} and later"
        )


class ApiVersionNotSpecified(FoundryError):
    """400: an application route without api-version (the text of azure-sdk-for-net#54426;
    the rest of the body is not quoted)."""

    status = 400
    outcome = "api-version-missing"
    fixed_body = _bad_request("api-version not specified")


class V1PreviewMode(FoundryError):
    """400 of the v1 preview era (``World.v1_preview_mode``): v1 without
    ``api-version=preview`` (the text of mindsdb/mindshub#11285; the JSON is not quoted)."""

    status = 400
    outcome = "api-version-preview-required"
    fixed_body = _bad_request("API in preview mode, please use api-version=preview")


class ResponsesNotSupported(FoundryError):
    """400: the Responses API for a model it does not serve (the message of opencode#12949;
    status and code are not quoted)."""

    status = 400
    outcome = "responses-not-supported"
    fixed_body = _bad_request("This model is not supported by the Responses API")


class ApiNotSupported(FoundryError):
    """404 ``api_not_supported``: a Claude deployment called on an OpenAI-shaped route."""

    status = 404
    outcome = "api-not-supported"
    fixed_body = API_NOT_SUPPORTED_BODY


class ModelDeprecated(FoundryError):
    """410 ``ModelDeprecated``: a deployment whose model version is retired."""

    status = 410
    outcome = "model-retired"
    fixed_body = MODEL_DEPRECATED_BODY


class Throttled(FoundryError):
    """429: the deployment is over its quota. Carries ``retry-after`` (whole seconds, rounded
    up) and ``retry-after-ms`` (troubleshoot-errors.md via wire.md A.3). The body is not quoted
    in the knowledge base: ``message`` is the world's template, ``{seconds}`` the wait."""

    status = 429
    outcome = "throttled"

    def __init__(self, retry_after_ms: int, message: str, *, outcome: str) -> None:
        super().__init__(outcome=outcome)
        self.retry_after_ms = max(0, retry_after_ms)
        self.message = message

    @property
    def seconds(self) -> int:
        return -(-self.retry_after_ms // 1000)

    def body(self) -> str:
        text = self.message.replace("{seconds}", str(self.seconds))
        return compact_json({"error": {"code": "429", "message": text}})

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("retry-after", str(self.seconds)), ("retry-after-ms", str(self.retry_after_ms)))


class AnthropicError(FoundryError):
    """An error in Anthropic's own shape (``{"type":"error","error":{"type":..,"message":..}}``),
    for what the Claude backend decides (an unknown model, a body it cannot read)."""

    def __init__(self, status: int, error_type: str, message: str, *, outcome: str) -> None:
        super().__init__(outcome=outcome)
        self.status, self.error_type, self.message = status, error_type, message

    def body(self) -> str:
        return compact_json(
            {"type": "error", "error": {"type": self.error_type, "message": self.message}}
        )

    def error_code(self) -> str | None:
        return self.error_type
