"""The emulator's answers: exact error bodies and the reply value the proxy writes out.

Error bodies are kept as raw JSON text, byte for byte as the service sends them (the real
gateway writes some of them with a space after ``"message":``, others without; the SDKs and
foundry-doctor only see the parsed values, but the lengths and the raw text stay realistic).
Sources for each text are in ``../shared/knowledge/wire.md`` (section A.2) and the public cases.

Two body shapes exist:

* shape 1, the Cognitive Services ``error`` envelope: ``{"error":{"code":..,"message":..}}``;
* shape 2, the gateway's token check: ``{"statusCode":401,"message":..}`` with no code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "AUDIENCE_TEXT_COGNITIVE_SERVICES",
    "AUDIENCE_TEXT_MODELS",
    "AUDIENCE_TEXT_PROJECTS",
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
    "Reply",
    "bad_json_body",
    "error_code_of",
    "missing_parameter_body",
    "operation_not_supported_body",
    "project_permission_denied_body",
    "request_too_large_body",
    "tenant_mismatch_body",
    "token_rejected_body",
    "unknown_model_body",
]

# --- audience texts inside the shape-2 message, per endpoint family (wire.md A.1/A.2) ---------

#: classic deployment route and ``/openai/v1`` on a resource
AUDIENCE_TEXT_COGNITIVE_SERVICES = "https://cognitiveservices.azure.com"
#: the Azure AI Model Inference API (``/models/**``)
AUDIENCE_TEXT_MODELS = "https://cognitiveservices.azure.com/ or https://ai.azure.com/"
#: Foundry project endpoints (``/api/projects/<p>/**``)
AUDIENCE_TEXT_PROJECTS = "https://ai.azure.com"

# --- fixed bodies -------------------------------------------------------------------------------

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
NO_MODEL_NAME_BODY = json.dumps(
    {"error": {"code": "no_model_name", "message": _NO_MODEL_TEXT, "details": _NO_MODEL_TEXT}},
    separators=(",", ":"),
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


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


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
    return _compact({"error": {"code": "unknown_model", "message": text, "details": text}})


def project_permission_denied_body(principal: str, data_action: str, operation: str) -> str:
    """401 on project endpoints: names the principal, the missing data action and the route."""
    message = (
        f"The principal `{principal}` lacks the required data action `{data_action}` to perform "
        f"`{operation}` operation. For instructions on granting the necessary permissions, see "
        "https://aka.ms/FoundryPermissions."
    )
    return _compact({"error": {"code": "PermissionDenied", "message": message}})


def operation_not_supported_body(operation: str, model: str) -> str:
    """400: a chat call on an embeddings deployment, or the reverse."""
    message = (
        f"The {operation} operation does not work with the specified model, {model}. Please "
        "choose different model and try again. You can learn more about which models can be "
        "used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993."
    )
    return _compact({"error": {"code": "OperationNotSupported", "message": message}})


def missing_parameter_body(name: str) -> str:
    """400: a required JSON member is missing (``model`` on ``/openai/v1``)."""
    return _compact(
        {
            "error": {
                "code": "missing_required_parameter",
                "message": f"Missing required parameter: '{name}'.",
                "param": name,
                "type": "invalid_request_error",
            }
        }
    )


def bad_json_body() -> str:
    """400: the request body is not a JSON object."""
    return _compact(
        {"error": {"code": "BadRequest", "message": "The request body must be a JSON object."}}
    )


def request_too_large_body(limit: int) -> str:
    """413: the request body is larger than the emulator reads."""
    return _compact(
        {
            "error": {
                "code": "RequestTooLarge",
                "message": f"The request body is larger than {limit} bytes.",
            }
        }
    )


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


@dataclass(frozen=True, slots=True)
class Reply:
    """What the emulator answers to one request.

    Exactly one of ``body`` (sent with ``Content-Length``) and ``stream`` (sent with chunked
    transfer encoding, one chunk per item, each flushed on its own) is used. ``headers`` are the
    reply-specific headers; the proxy adds the ones every reply carries. ``outcome`` is a short
    slug naming the emulator's decision (kept in the request log, never sent).
    """

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"
    stream: Iterable[bytes] | None = field(default=None, repr=False, compare=False)
    error_code: str | None = None
    outcome: str = "ok"

    @classmethod
    def error(
        cls,
        status: int,
        body: str,
        *,
        outcome: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Reply:
        """An error reply with a raw JSON body; ``error_code`` is read from the body."""
        return cls(
            status=status,
            body=body.encode("utf-8"),
            headers=headers,
            error_code=error_code_of(body),
            outcome=outcome,
        )

    @classmethod
    def json(cls, payload: object, *, outcome: str = "ok") -> Reply:
        """A 200 reply with a JSON payload."""
        return cls(status=200, body=_compact(payload).encode("utf-8"), outcome=outcome)

    @classmethod
    def sse(cls, events: Iterable[object], *, outcome: str = "ok") -> Reply:
        """A 200 ``text/event-stream`` reply: one ``data:`` event per payload, then ``[DONE]``."""

        def chunks() -> Iterator[bytes]:
            for event in events:
                yield b"data: " + _compact(event).encode("utf-8") + b"\n\n"
            yield b"data: [DONE]\n\n"

        return cls(
            status=200,
            content_type="text/event-stream",
            stream=chunks(),
            outcome=outcome,
        )
