"""The scenario catalogue: one record per known data-plane failure (and per kind of success)
against the emulator's default world, with what the service answers and which diagnosis rule
should name it. Test data, so it lives with the tests (the emulator knows nothing of rules).

Records are data only: which clients a scenario applies to, how that client is configured
(endpoint, credential, api-version), what it calls, the world changes it needs, and the
expected status, service error code (``None`` for the gateway's ``statusCode`` body) and
message, and ``expected_rule`` (a diagnosis slug, ``None`` for a success). Builders that turn a
record into a real client live with the tests (``tests/support/clients.py``).

How a client uses :attr:`Scenario.endpoint`: azure-ai-inference ``endpoint=``,
``openai.AzureOpenAI`` ``azure_endpoint=``, ``openai.OpenAI`` ``base_url=``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from foundry_doctor.emulator.services.foundry import errors as _bodies
from foundry_doctor.emulator.services.foundry.spec import ROUTES
from foundry_doctor.rules.catalogue import SLUGS

__all__ = [
    "CLIENT_KINDS",
    "RULES",
    "SCENARIOS",
    "ClientKind",
    "CredentialKind",
    "Operation",
    "Scenario",
    "ScenarioCredential",
    "scenario",
    "scenarios_for",
]

ClientKind = Literal["azure-ai-inference", "openai.AzureOpenAI", "openai.OpenAI"]
CLIENT_KINDS: tuple[ClientKind, ...] = ("azure-ai-inference", "openai.AzureOpenAI", "openai.OpenAI")

#: ``key``: a resource key where the client expects one; ``invalid-key``: a key no resource has;
#: ``token``: an Entra token for ``principal`` / ``scope``; ``key-as-token``: a resource key
#: handed over as a bearer token; ``token-as-key``: a token handed over as the API key;
#: ``none``: no credential header at all.
CredentialKind = Literal["key", "invalid-key", "token", "key-as-token", "token-as-key", "none"]
Operation = Literal["chat", "embeddings", "model-info", "models", "responses"]

#: the diagnosis rule slugs a scenario may expect: the catalogue's
RULES = SLUGS

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
AI_SCOPE = "https://ai.azure.com/.default"
ML_SCOPE = "https://ml.azure.com/.default"
MANAGEMENT_SCOPE = "https://management.azure.com/.default"

_INFERENCE: tuple[ClientKind, ...] = ("azure-ai-inference",)
_AZURE_OPENAI: tuple[ClientKind, ...] = ("openai.AzureOpenAI",)
_OPENAI: tuple[ClientKind, ...] = ("openai.OpenAI",)

MODELS_ENDPOINT = "https://myres.services.ai.azure.com/models"
AOAI_ENDPOINT = "https://myres.openai.azure.com"
V1_ENDPOINT = "https://myres.openai.azure.com/openai/v1/"
SERVICES_ENDPOINT = "https://myres.services.ai.azure.com"
PROJECT_V1_ENDPOINT = "https://myres.services.ai.azure.com/api/projects/myproject/openai/v1/"
REGIONAL_ENDPOINT = "https://eastus.api.cognitive.microsoft.com"
GPT4O_DEPLOYMENT_ENDPOINT = "https://myres.openai.azure.com/openai/deployments/gpt-4o"


@dataclass(frozen=True, slots=True)
class ScenarioCredential:
    """How the client authenticates. ``scope=None`` means the client's default scope (for
    azure-ai-inference ``https://ml.azure.com/.default``; openai has none, builders then use
    the Cognitive Services scope). ``lifetime`` is in seconds, negative for an expired token."""

    kind: CredentialKind
    resource: str | None = None
    key_index: int = 1
    principal: str | None = None
    scope: str | None = None
    lifetime: int = 3600


def _key(resource: str = "myres", index: int = 1) -> ScenarioCredential:
    return ScenarioCredential("key", resource=resource, key_index=index)


def _token(
    principal: str, scope: str | None = COGNITIVE_SERVICES_SCOPE, lifetime: int = 3600
) -> ScenarioCredential:
    return ScenarioCredential("token", principal=principal, scope=scope, lifetime=lifetime)


_INVALID_KEY = ScenarioCredential("invalid-key")
_NONE = ScenarioCredential("none")


@dataclass(frozen=True, slots=True)
class Scenario:
    """One client configuration and call, and what the emulated service answers to it."""

    name: str
    description: str
    clients: tuple[ClientKind, ...]
    endpoint: str
    credential: ScenarioCredential
    model: str | None
    expected_status: int
    expected_code: str | None
    expected_rule: str | None
    expected_message: str | None = None
    operation: Operation = "chat"
    api_version: str | None = None
    world_changes: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.expected_rule is not None and self.expected_rule not in RULES:
            raise ValueError(f"unknown rule slug {self.expected_rule!r} in {self.name}")
        if not self.clients or any(kind not in CLIENT_KINDS for kind in self.clients):
            raise ValueError(f"bad client kinds in {self.name}: {self.clients!r}")

    @property
    def succeeds(self) -> bool:
        return self.expected_status == 200

    @property
    def body_shape(self) -> Literal["error", "statusCode"] | None:
        """``"error"`` for the ``{"error":{...}}`` envelope, ``"statusCode"`` for the gateway's
        token body, ``None`` for a success."""
        if self.succeeds:
            return None
        return "error" if self.expected_code is not None else "statusCode"


def _message(body: str) -> str:
    parsed = json.loads(body)
    inner = parsed.get("error", parsed)
    return str(inner["message"])


_INVALID_KEY_MESSAGE = _message(_bodies.INVALID_KEY_BODY)
_TOKEN_AOAI = _message(_bodies.token_rejected_body(ROUTES["deployments"].audience_text))
_TOKEN_MODELS = _message(_bodies.token_rejected_body(ROUTES["models"].audience_text))
_TOKEN_PROJECTS = _message(_bodies.token_rejected_body(ROUTES["project"].audience_text))
_PERMISSION_DENIED = _message(_bodies.PERMISSION_DENIED_BODY)
_RESOURCE_NOT_FOUND = _message(_bodies.RESOURCE_NOT_FOUND_BODY)
_DEPLOYMENT_NOT_FOUND = _message(_bodies.DEPLOYMENT_NOT_FOUND_BODY)
_TENANT = _message(_bodies.tenant_mismatch_body("aaaaaaaa-0000-0000-0000-000000000002"))

_FAILURES: tuple[Scenario, ...] = (
    # --- token audience -----------------------------------------------------------------------
    Scenario(
        "inference-default-scope-models",
        "azure-ai-inference keeps its default scope (ml.azure.com) against the Foundry /models "
        "endpoint, which accepts cognitiveservices.azure.com and ai.azure.com tokens only.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("alice", scope=None),
        "gpt-4o",
        401,
        None,
        "token-wrong-audience",
        _TOKEN_MODELS,
    ),
    Scenario(
        "inference-default-scope-aoai",
        "azure-ai-inference with its default scope (ml.azure.com) against an Azure OpenAI "
        "deployment URL.",
        _INFERENCE,
        GPT4O_DEPLOYMENT_ENDPOINT,
        _token("alice", scope=None),
        None,
        401,
        None,
        "token-wrong-audience",
        _TOKEN_AOAI,
    ),
    Scenario(
        "azure-openai-ml-scope",
        "AzureOpenAI with a token provider for the ml.azure.com scope.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("alice", scope=ML_SCOPE),
        "gpt-4o",
        401,
        None,
        "token-wrong-audience",
        _TOKEN_AOAI,
    ),
    Scenario(
        "azure-openai-management-scope",
        "AzureOpenAI with a token for Azure Resource Manager (management.azure.com).",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("alice", scope=MANAGEMENT_SCOPE),
        "gpt-4o",
        401,
        None,
        "token-wrong-audience",
        _TOKEN_AOAI,
    ),
    Scenario(
        "openai-v1-ml-scope",
        "OpenAI on /openai/v1 with a token for the ml.azure.com scope.",
        _OPENAI,
        V1_ENDPOINT,
        _token("alice", scope=ML_SCOPE),
        "gpt-4o",
        401,
        None,
        "token-wrong-audience",
        _TOKEN_AOAI,
    ),
    Scenario(
        "project-cognitiveservices-scope",
        "OpenAI on a project endpoint with a cognitiveservices.azure.com token; projects "
        "accept ai.azure.com tokens only.",
        _OPENAI,
        PROJECT_V1_ENDPOINT,
        _token("alice", scope=COGNITIVE_SERVICES_SCOPE),
        "gpt-4o",
        401,
        None,
        "token-wrong-audience",
        _TOKEN_PROJECTS,
    ),
    # --- roles --------------------------------------------------------------------------------
    Scenario(
        "missing-role-inference",
        "A user with no role on the resource calls /models with a good token.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("dave"),
        "gpt-4o",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _PERMISSION_DENIED,
    ),
    Scenario(
        "missing-role-azure-openai",
        "A user with no role on the resource calls a deployment with a good token.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("dave"),
        "gpt-4o",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _PERMISSION_DENIED,
    ),
    Scenario(
        "missing-role-openai-v1",
        "A user with no role on the resource calls /openai/v1 with a good token.",
        _OPENAI,
        V1_ENDPOINT,
        _token("dave"),
        "gpt-4o",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _PERMISSION_DENIED,
    ),
    Scenario(
        "openai-role-maas-model-inference",
        "Cognitive Services OpenAI User only, calling a non-OpenAI model (Llama) on /models.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("bob"),
        "Llama-3.3-70B-Instruct",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _PERMISSION_DENIED,
    ),
    Scenario(
        "openai-role-maas-model-openai-v1",
        "Cognitive Services OpenAI User only, calling a non-OpenAI model (DeepSeek) on /openai/v1.",
        _OPENAI,
        V1_ENDPOINT,
        _token("bob"),
        "DeepSeek-R1",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _PERMISSION_DENIED,
    ),
    Scenario(
        "owner-only-inference",
        "Owner of the resource (a control-plane role) calls /models with a good token.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("carol"),
        "gpt-4o",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _PERMISSION_DENIED,
    ),
    Scenario(
        "owner-only-azure-openai",
        "Owner of the resource (a control-plane role) calls a deployment with a good token.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("carol"),
        "gpt-4o",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _PERMISSION_DENIED,
    ),
    Scenario(
        "project-missing-azure-ai-user",
        "A project endpoint called by a principal without Azure AI User (OpenAI User only).",
        _OPENAI,
        PROJECT_V1_ENDPOINT,
        _token("bob", scope=AI_SCOPE),
        "gpt-4o",
        401,
        "PermissionDenied",
        "missing-data-plane-role",
        _message(
            _bodies.ProjectPermissionDenied(
                "bbbbbbbb-0000-0000-0000-000000000002",
                "Microsoft.CognitiveServices/accounts/AIServices/agents/write",
                "POST /api/projects/{projectName}/openai/*",
            ).body()
        ),
    ),
    # --- credential in the wrong header -------------------------------------------------------
    Scenario(
        "key-as-bearer-azure-openai",
        "A resource key passed as azure_ad_token: sent as Authorization: Bearer, read as a token.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        ScenarioCredential("key-as-token", resource="myres"),
        "gpt-4o",
        401,
        None,
        "credential-in-wrong-header",
        _TOKEN_AOAI,
    ),
    Scenario(
        "key-as-bearer-inference",
        "A resource key returned by a token credential: sent as Authorization: Bearer only.",
        _INFERENCE,
        MODELS_ENDPOINT,
        ScenarioCredential("key-as-token", resource="myres"),
        "gpt-4o",
        401,
        None,
        "credential-in-wrong-header",
        _TOKEN_MODELS,
    ),
    Scenario(
        "token-as-key-azure-openai",
        "An Entra token passed as api_key: sent in the api-key header, checked as a key.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        ScenarioCredential("token-as-key", principal="alice", scope=COGNITIVE_SERVICES_SCOPE),
        "gpt-4o",
        401,
        "401",
        "credential-in-wrong-header",
        _INVALID_KEY_MESSAGE,
    ),
    Scenario(
        "token-as-key-inference",
        "An Entra token wrapped in AzureKeyCredential: the api-key header is checked first.",
        _INFERENCE,
        MODELS_ENDPOINT,
        ScenarioCredential("token-as-key", principal="alice", scope=COGNITIVE_SERVICES_SCOPE),
        "gpt-4o",
        401,
        "401",
        "credential-in-wrong-header",
        _INVALID_KEY_MESSAGE,
    ),
    # --- keys ---------------------------------------------------------------------------------
    Scenario(
        "invalid-key-inference",
        "A key that belongs to no resource, on /models.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _INVALID_KEY,
        "gpt-4o",
        401,
        "401",
        "invalid-api-key",
        _INVALID_KEY_MESSAGE,
    ),
    Scenario(
        "invalid-key-azure-openai",
        "A key that belongs to no resource, on a deployment.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _INVALID_KEY,
        "gpt-4o",
        401,
        "401",
        "invalid-api-key",
        _INVALID_KEY_MESSAGE,
    ),
    Scenario(
        "invalid-key-openai-v1",
        "A key that belongs to no resource, as the OpenAI client's Bearer key on /openai/v1.",
        _OPENAI,
        V1_ENDPOINT,
        _INVALID_KEY,
        "gpt-4o",
        401,
        "401",
        "invalid-api-key",
        _INVALID_KEY_MESSAGE,
    ),
    Scenario(
        "other-resource-key-azure-openai",
        "The key of another resource (keyless) sent to myres.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _key("keyless"),
        "gpt-4o",
        401,
        "401",
        "invalid-api-key",
        _INVALID_KEY_MESSAGE,
    ),
    Scenario(
        "missing-auth-azure-openai",
        "No credential header at all (the default body for this is configurable).",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _NONE,
        "gpt-4o",
        401,
        "401",
        "token-missing",
        _INVALID_KEY_MESSAGE,
    ),
    Scenario(
        "missing-auth-openai-v1",
        "No credential header at all on /openai/v1.",
        _OPENAI,
        V1_ENDPOINT,
        _NONE,
        "gpt-4o",
        401,
        "401",
        "token-missing",
        _INVALID_KEY_MESSAGE,
    ),
    # --- token validity -----------------------------------------------------------------------
    Scenario(
        "expired-token-inference",
        "A token that expired ten minutes ago, on /models.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("alice", lifetime=-600),
        "gpt-4o",
        401,
        None,
        "token-expired",
        _TOKEN_MODELS,
    ),
    Scenario(
        "expired-token-azure-openai",
        "A token that expired ten minutes ago, on a deployment.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("alice", lifetime=-600),
        "gpt-4o",
        401,
        None,
        "token-expired",
        _TOKEN_AOAI,
    ),
    Scenario(
        "expired-token-openai-v1",
        "A token that expired ten minutes ago, on /openai/v1.",
        _OPENAI,
        V1_ENDPOINT,
        _token("alice", lifetime=-600),
        "gpt-4o",
        401,
        None,
        "token-expired",
        _TOKEN_AOAI,
    ),
    Scenario(
        "wrong-tenant-azure-openai",
        "A token from another tenant (eve's) for the right audience.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("eve"),
        "gpt-4o",
        400,
        "Tenant provided in token does not match resource token",
        "token-wrong-tenant",
        _TENANT,
    ),
    Scenario(
        "wrong-tenant-inference",
        "A token from another tenant (eve's) on /models.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("eve"),
        "gpt-4o",
        400,
        "Tenant provided in token does not match resource token",
        "token-wrong-tenant",
        _TENANT,
    ),
    Scenario(
        "regional-endpoint-token",
        "An Entra token sent to the regional endpoint, which accepts keys only.",
        _AZURE_OPENAI,
        REGIONAL_ENDPOINT,
        _token("alice"),
        "gpt-4o",
        400,
        "BadRequest",
        "entra-needs-custom-subdomain",
        _message(_bodies.REGIONAL_TOKEN_BODY),
    ),
    # --- deployments and models ---------------------------------------------------------------
    Scenario(
        "deployment-not-found-azure-openai",
        "A deployment name the resource does not have.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _key(),
        "gpt-35-turbo",
        404,
        "DeploymentNotFound",
        "deployment-not-found",
        _DEPLOYMENT_NOT_FOUND,
    ),
    Scenario(
        "deployment-not-found-inference",
        "azure-ai-inference on the deployment URL of a deployment that does not exist.",
        _INFERENCE,
        "https://myres.openai.azure.com/openai/deployments/gpt-35-turbo",
        _key(),
        None,
        404,
        "DeploymentNotFound",
        "deployment-not-found",
        _DEPLOYMENT_NOT_FOUND,
    ),
    Scenario(
        "unknown-model-inference",
        "/models with a model name no deployment has (status configurable, 404 by default).",
        _INFERENCE,
        MODELS_ENDPOINT,
        _key(),
        "gpt-35-turbo",
        404,
        "unknown_model",
        "deployment-not-found",
        "Unknown model: gpt-35-turbo",
    ),
    Scenario(
        "unknown-model-openai-v1",
        "/openai/v1 with a model name no deployment has (the emulator answers "
        "DeploymentNotFound; the real answer is not documented).",
        _OPENAI,
        V1_ENDPOINT,
        _key(),
        "gpt-35-turbo",
        404,
        "DeploymentNotFound",
        "deployment-not-found",
        _DEPLOYMENT_NOT_FOUND,
    ),
    Scenario(
        "missing-model-inference",
        "/models without a model name in the body or the x-ms-model-mesh-model-name header.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _key(),
        None,
        400,
        "no_model_name",
        "deployment-not-found",
        _message(_bodies.NO_MODEL_NAME_BODY),
    ),
    Scenario(
        "azure-openai-non-openai-model",
        "AzureOpenAI asked for a non-OpenAI model: the deployment route serves OpenAI models only.",
        _AZURE_OPENAI,
        SERVICES_ENDPOINT,
        _key(),
        "DeepSeek-R1",
        404,
        "404",
        "non-openai-model-on-azure-openai",
        _RESOURCE_NOT_FOUND,
    ),
    # --- endpoints and paths ------------------------------------------------------------------
    Scenario(
        "wrong-path-azure-openai",
        "AzureOpenAI with azure_endpoint ending in /openai: the path gets /openai/openai/.",
        _AZURE_OPENAI,
        "https://myres.openai.azure.com/openai",
        _key(),
        "gpt-4o",
        404,
        "404",
        "endpoint-path-wrong",
        _RESOURCE_NOT_FOUND,
    ),
    Scenario(
        "wrong-path-inference",
        "azure-ai-inference given the full operation URL as its endpoint.",
        _INFERENCE,
        "https://myres.services.ai.azure.com/models/chat/completions",
        _key(),
        "gpt-4o",
        404,
        "404",
        "endpoint-path-wrong",
        _RESOURCE_NOT_FOUND,
    ),
    Scenario(
        "inference-without-models-path",
        "azure-ai-inference on the resource root instead of .../models.",
        _INFERENCE,
        SERVICES_ENDPOINT,
        _key(),
        "gpt-4o",
        404,
        "404",
        "client-endpoint-mismatch",
        _RESOURCE_NOT_FOUND,
    ),
    Scenario(
        "azure-openai-on-models-endpoint",
        "AzureOpenAI pointed at the Model Inference endpoint (.../models).",
        _AZURE_OPENAI,
        MODELS_ENDPOINT,
        _key(),
        "gpt-4o",
        404,
        "404",
        "client-endpoint-mismatch",
        _RESOURCE_NOT_FOUND,
    ),
    Scenario(
        "azure-openai-on-v1-path",
        "AzureOpenAI pointed at /openai/v1: it still appends a dated api-version.",
        _AZURE_OPENAI,
        "https://myres.openai.azure.com/openai/v1",
        _key(),
        "gpt-4o",
        400,
        "BadRequest",
        "client-endpoint-mismatch",
        _message(_bodies.V1_API_VERSION_NOT_ALLOWED_BODY),
    ),
    Scenario(
        "openai-class-on-deployment-route",
        "The plain OpenAI class on a deployment URL: the key goes in Authorization: Bearer, "
        "which the deployment route reads as a token.",
        _OPENAI,
        GPT4O_DEPLOYMENT_ENDPOINT,
        _key(),
        "gpt-4o",
        401,
        None,
        "client-endpoint-mismatch",
        _TOKEN_AOAI,
    ),
    Scenario(
        "project-not-found",
        "A project endpoint naming a project the resource does not have.",
        _OPENAI,
        "https://myres.services.ai.azure.com/api/projects/otherproject/openai/v1/",
        _token("alice", scope=AI_SCOPE),
        "gpt-4o",
        404,
        "ResourceNotFound",
        "endpoint-path-wrong",
        _message(_bodies.PROJECT_NOT_FOUND_BODY),
    ),
    # --- api-version --------------------------------------------------------------------------
    Scenario(
        "unserved-api-version-azure-openai",
        "An api-version the deployment route no longer serves (an early preview, long retired).",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _key(),
        "gpt-4o",
        404,
        "404",
        "api-version-unsupported",
        _RESOURCE_NOT_FOUND,
        api_version="2022-03-01-preview",
    ),
    Scenario(
        "unserved-api-version-inference",
        "An api-version the Model Inference API does not serve.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _key(),
        "gpt-4o",
        404,
        "404",
        "api-version-unsupported",
        _RESOURCE_NOT_FOUND,
        api_version="2024-08-01-preview",
    ),
    Scenario(
        "openai-v1-dated-api-version",
        "A dated api-version query parameter on /openai/v1.",
        _OPENAI,
        V1_ENDPOINT,
        _key(),
        "gpt-4o",
        400,
        "BadRequest",
        "api-version-unsupported",
        _message(_bodies.V1_API_VERSION_NOT_ALLOWED_BODY),
        api_version="2024-10-21",
    ),
    # --- resource settings --------------------------------------------------------------------
    Scenario(
        "key-auth-disabled-azure-openai",
        "A key sent to a resource with key authentication disabled.",
        _AZURE_OPENAI,
        "https://keyless.openai.azure.com",
        _key("keyless"),
        "gpt-4o",
        403,
        "AuthenticationTypeDisabled",
        "key-auth-disabled",
        _message(_bodies.KEY_AUTH_DISABLED_BODY),
    ),
    Scenario(
        "key-auth-disabled-inference",
        "A key sent to /models on a resource with key authentication disabled.",
        _INFERENCE,
        "https://keyless.services.ai.azure.com/models",
        _key("keyless"),
        "gpt-4o",
        403,
        "AuthenticationTypeDisabled",
        "key-auth-disabled",
        _message(_bodies.KEY_AUTH_DISABLED_BODY),
    ),
    Scenario(
        "public-access-disabled-azure-openai",
        "Any call from the public network to a resource with public access disabled.",
        _AZURE_OPENAI,
        "https://private.openai.azure.com",
        _key("private"),
        "gpt-4o",
        403,
        "403",
        "network-access-denied",
        _message(_bodies.PUBLIC_ACCESS_DISABLED_BODY),
    ),
    Scenario(
        "public-access-disabled-inference",
        "A token call from the public network to a resource with public access disabled.",
        _INFERENCE,
        "https://private.services.ai.azure.com/models",
        _token("alice"),
        "gpt-4o",
        403,
        "403",
        "network-access-denied",
        _message(_bodies.PUBLIC_ACCESS_DISABLED_BODY),
    ),
    Scenario(
        "retired-models-api",
        "The Model Inference API after its retirement (the real answer is not known; the "
        "emulator's default is 404 Resource not found).",
        _INFERENCE,
        MODELS_ENDPOINT,
        _key(),
        "gpt-4o",
        404,
        "404",
        "retired-api",
        _RESOURCE_NOT_FOUND,
        world_changes={"models_api_retired": True},
    ),
)

_SUCCESSES: tuple[Scenario, ...] = (
    Scenario(
        "ok-inference-models-key",
        "azure-ai-inference on /models with a key.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _key(),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-inference-models-token",
        "azure-ai-inference on /models with credential_scopes set to Cognitive Services, "
        "calling a non-OpenAI model.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("alice"),
        "Llama-3.3-70B-Instruct",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-inference-models-ai-scope",
        "azure-ai-inference on /models with an ai.azure.com token.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _token("alice", scope=AI_SCOPE),
        "DeepSeek-R1",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-inference-deployment-key",
        "azure-ai-inference on an Azure OpenAI deployment URL with a key.",
        _INFERENCE,
        "https://myres.openai.azure.com/openai/deployments/gpt-4o-mini",
        _key(),
        None,
        200,
        None,
        None,
    ),
    Scenario(
        "ok-inference-embeddings",
        "azure-ai-inference EmbeddingsClient on /models.",
        _INFERENCE,
        MODELS_ENDPOINT,
        _key(),
        "Cohere-embed-v3-english",
        200,
        None,
        None,
        operation="embeddings",
    ),
    Scenario(
        "ok-inference-model-info",
        "azure-ai-inference get_model_info on /models (model named in the header).",
        _INFERENCE,
        MODELS_ENDPOINT,
        _key(),
        "DeepSeek-R1",
        200,
        None,
        None,
        operation="model-info",
    ),
    Scenario(
        "ok-azure-openai-key",
        "AzureOpenAI with a key.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _key(),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-azure-openai-secondary-key",
        "AzureOpenAI with the resource's second key.",
        _AZURE_OPENAI,
        "https://myres.cognitiveservices.azure.com",
        _key(index=2),
        "gpt-4o-mini",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-azure-openai-token",
        "AzureOpenAI with a Cognitive Services token (Cognitive Services User).",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("alice"),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-azure-openai-openai-role",
        "AzureOpenAI with a token of a principal holding Cognitive Services OpenAI User.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _token("bob"),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-azure-openai-service-principal",
        "AzureOpenAI with a service principal's token.",
        _AZURE_OPENAI,
        SERVICES_ENDPOINT,
        _token("app"),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-azure-openai-embeddings",
        "AzureOpenAI embeddings with a key.",
        _AZURE_OPENAI,
        AOAI_ENDPOINT,
        _key(),
        "text-embedding-3-small",
        200,
        None,
        None,
        operation="embeddings",
    ),
    Scenario(
        "ok-azure-openai-regional-key",
        "AzureOpenAI on the regional endpoint with a key.",
        _AZURE_OPENAI,
        REGIONAL_ENDPOINT,
        _key(),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-azure-openai-keyless-token",
        "AzureOpenAI with a token on a resource whose key authentication is disabled.",
        _AZURE_OPENAI,
        "https://keyless.openai.azure.com",
        _token("alice"),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-openai-v1-key",
        "OpenAI on /openai/v1 with a key (sent as Authorization: Bearer, accepted there).",
        _OPENAI,
        V1_ENDPOINT,
        _key(),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-openai-v1-token",
        "OpenAI on /openai/v1 with a Cognitive Services token provider as api_key.",
        _OPENAI,
        V1_ENDPOINT,
        _token("alice"),
        "DeepSeek-R1",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-openai-v1-ai-scope",
        "OpenAI on the Foundry host's /openai/v1 with an ai.azure.com token.",
        _OPENAI,
        "https://myres.services.ai.azure.com/openai/v1/",
        _token("alice", scope=AI_SCOPE),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-openai-v1-embeddings",
        "OpenAI embeddings on /openai/v1 with a key.",
        _OPENAI,
        V1_ENDPOINT,
        _key(),
        "text-embedding-3-small",
        200,
        None,
        None,
        operation="embeddings",
    ),
    Scenario(
        "ok-openai-v1-models",
        "OpenAI models.list() on /openai/v1.",
        _OPENAI,
        V1_ENDPOINT,
        _key(),
        None,
        200,
        None,
        None,
        operation="models",
    ),
    Scenario(
        "ok-project-chat",
        "OpenAI on a project endpoint with an ai.azure.com token (Azure AI User).",
        _OPENAI,
        PROJECT_V1_ENDPOINT,
        _token("alice", scope=AI_SCOPE),
        "gpt-4o",
        200,
        None,
        None,
    ),
    Scenario(
        "ok-project-responses",
        "The Responses API on a project endpoint.",
        _OPENAI,
        PROJECT_V1_ENDPOINT,
        _token("alice", scope=AI_SCOPE),
        "gpt-4o",
        200,
        None,
        None,
        operation="responses",
    ),
)

#: every preset, failures first
SCENARIOS: tuple[Scenario, ...] = _FAILURES + _SUCCESSES

_BY_NAME = {item.name: item for item in SCENARIOS}
if len(_BY_NAME) != len(SCENARIOS):  # pragma: no cover - a duplicated name is a typo
    raise RuntimeError("duplicate scenario names")


def scenario(name: str) -> Scenario:
    """The preset called ``name`` (``KeyError`` when there is none)."""
    return _BY_NAME[name]


def scenarios_for(client: ClientKind, *, failures: bool | None = None) -> tuple[Scenario, ...]:
    """The presets that apply to ``client`` (only failures / only successes when asked)."""
    return tuple(
        item
        for item in SCENARIOS
        if client in item.clients and (failures is None or failures != item.succeeds)
    )
