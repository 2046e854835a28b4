"""FD200 client-endpoint-mismatch: the endpoint is of a shape this client cannot use."""

from __future__ import annotations

from dataclasses import dataclass

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import EndpointInfo, suggested_endpoint
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.rules.base import CERTAIN, STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import DEFAULT_API_VERSION
from foundry_doctor.rules.meaning import Meaning

_NON_AOAI_FAMILIES = frozenset({"serverless", "managed-compute", "github-models"})
_CLASS = {
    "openai.AzureOpenAI": "AzureOpenAI",
    "openai.OpenAI": "OpenAI",
    "azure-ai-inference": "azure-ai-inference",
    "azure-ai-projects": "AIProjectClient",
}


@dataclass(frozen=True, slots=True)
class _Mismatch:
    why: str
    score: int = STRONG + 2


def _construction(ctx: RuleContext, endpoint: str) -> str:
    if ctx.client == "openai.AzureOpenAI":
        return (
            f'AzureOpenAI(azure_endpoint="{endpoint}", api_version="{DEFAULT_API_VERSION}", '
            "api_key=... or azure_ad_token_provider=...)"
        )
    if ctx.client == "openai.OpenAI":
        return f'OpenAI(base_url="{endpoint}", api_key=<key or token provider>)'
    if ctx.client == "azure-ai-inference":
        return f'ChatCompletionsClient(endpoint="{endpoint}", credential=...)'
    if ctx.client == "azure-ai-projects":
        return f'AIProjectClient(endpoint="{endpoint}", credential=DefaultAzureCredential())'
    return f"use the endpoint {endpoint}"


def _azure_openai(endpoint: EndpointInfo) -> _Mismatch | None:
    if endpoint.route == "models":
        return _Mismatch(
            "AzureOpenAI appends /openai/deployments/<model>/... to the endpoint it is given, "
            "so with a '/models' endpoint (the Model Inference API's, for azure-ai-inference) "
            "it builds a path the service does not have. It wants the bare resource URL."
        )
    if endpoint.route == "project":
        return _Mismatch(
            "AzureOpenAI appends /openai/deployments/<model>/... to the endpoint it is given; a "
            "Foundry project endpoint has no such route. Give AzureOpenAI the resource URL, or "
            "call the project's OpenAI-compatible API with the OpenAI class "
            "(base_url=<project endpoint>/openai/v1)."
        )
    if endpoint.route == "openai-v1":
        return _Mismatch(
            "AzureOpenAI cannot call the v1 API: it always adds '?api-version=...' and "
            "'/deployments/<model>' to the endpoint. The /openai/v1/ base URL is for the plain "
            "OpenAI class.",
            score=CERTAIN,
        )
    return None


def _openai(endpoint: EndpointInfo) -> _Mismatch | None:
    if endpoint.route in ("openai-v1", "project", "v1") or endpoint.family in (
        *_NON_AOAI_FAMILIES,
        "openai-platform",
    ):
        return None
    if endpoint.route in ("deployments", "models") or endpoint.is_azure_resource:
        return _Mismatch(
            "The OpenAI class posts to <base_url>/chat/completions with the key as a bearer "
            "token and no api-version. On Azure only the v1 API takes requests of that shape; "
            "a deployment, /models or bare resource URL does not (those are for AzureOpenAI and "
            "azure-ai-inference)."
        )
    return None


def _inference(endpoint: EndpointInfo) -> _Mismatch | None:
    if endpoint.route in ("models", "deployments") or endpoint.family in _NON_AOAI_FAMILIES:
        return None
    if endpoint.is_azure_resource or endpoint.route in ("openai-v1", "openai-other", "project"):
        return _Mismatch(
            "azure-ai-inference appends only the operation (/chat/completions) to its endpoint, "
            "so the endpoint must already name the route: "
            "https://<resource>.services.ai.azure.com/models for Foundry models, or "
            "https://<resource>.openai.azure.com/openai/deployments/<deployment> for one Azure "
            "OpenAI deployment."
        )
    return None


def _projects(endpoint: EndpointInfo) -> _Mismatch | None:
    if endpoint.route == "project":
        return None
    return _Mismatch(
        "AIProjectClient works on a Foundry project endpoint, "
        "https://<resource>.services.ai.azure.com/api/projects/<project>, not on a resource or "
        "model endpoint."
    )


_SHAPE_CHECKS = {
    "openai.AzureOpenAI": _azure_openai,
    "openai.OpenAI": _openai,
    "azure-ai-inference": _inference,
    "azure-ai-projects": _projects,
}


def _client_shape(ctx: RuleContext) -> Finding | None:
    check = _SHAPE_CHECKS.get(ctx.client)
    endpoint = ctx.configured or ctx.request
    if check is None or endpoint is None:
        return None
    if ctx.configured is None and ctx.client != "openai.OpenAI":
        return None  # a request URL alone does not show what the client was given
    mismatch = check(endpoint)
    if mismatch is None:
        return None
    wanted = suggested_endpoint(ctx.client, ctx.site, deployment=ctx.deployment)
    return RULE.finding(
        mismatch.why,
        score=mismatch.score,
        evidence=(
            Evidence("client", _CLASS.get(ctx.client, ctx.client)),
            Evidence("endpoint", safe_url(endpoint.raw), expected=wanted),
            Evidence("request URL", safe_url(ctx.request.raw)) if ctx.request else None,
            ctx.message_evidence(),
        ),
        fix=(_construction(ctx, wanted),),
    )


def _openai_platform(ctx: RuleContext) -> Finding | None:
    if ctx.family != "openai-platform" or ctx.status != 401:
        return None
    sent = (ctx.auth_known and not ctx.sent_nothing) or (
        not ctx.auth_known and ctx.credential in ("api-key", "token")
    )
    if not sent or not (ctx.says(Meaning.KEY_REJECTED) or ctx.body_is_silent):
        return None
    resource = ctx.resource or "<resource>"
    return RULE.finding(
        "The request went to OpenAI's own platform (api.openai.com), not to an Azure resource, "
        "and OpenAI refused the key. An Azure OpenAI / Foundry key is only valid on the Azure "
        "resource that issued it: the client was left on its default OpenAI endpoint instead "
        "of being pointed at Azure.",
        score=STRONG + 2,
        evidence=(
            Evidence("endpoint host", "api.openai.com", expected="<resource>.openai.azure.com"),
            ctx.message_evidence(),
        ),
        fix=(
            f'OpenAI(base_url="https://{resource}.openai.azure.com/openai/v1/", api_key=...)',
            f'or AzureOpenAI(azure_endpoint="https://{resource}.openai.azure.com", '
            f'api_version="{DEFAULT_API_VERSION}", api_key=...)',
            "in other tools: choose the Azure OpenAI provider and give it the resource's "
            "endpoint and deployment name",
        ),
    )


def _openai_route_elsewhere(ctx: RuleContext) -> Finding | None:
    request = ctx.request
    if request is None or request.family not in _NON_AOAI_FAMILIES:
        return None
    if request.route not in ("deployments", "openai-other", "openai-v1"):
        return None
    return RULE.finding(
        f"The client called the Azure OpenAI route ({request.path}) on a "
        f"{request.family} endpoint ({request.host}). Those endpoints serve one model through "
        "an OpenAI-compatible API of their own (/chat/completions, with the key as a bearer "
        "token); they have no /openai/deployments routes. The client was set up for Azure "
        "OpenAI while the model is deployed elsewhere.",
        score=STRONG + 2,
        evidence=(
            Evidence("endpoint family", request.family, expected="azure-openai"),
            Evidence("request URL", safe_url(request.raw)),
            ctx.message_evidence(),
        ),
        fix=(
            f'OpenAI(base_url="https://{request.host}", api_key=<the endpoint key>) - it posts '
            "to /chat/completions with 'Authorization: Bearer <key>'",
            "in other tools: choose the OpenAI-compatible (not the Azure OpenAI) provider for "
            "this endpoint",
        ),
    )


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (400, 401, 403, 404):
        return None
    if ctx.names_other_cause(Meaning.KEY_REJECTED, Meaning.API_VERSION_REJECTED):
        return None
    return _openai_platform(ctx) or _openai_route_elsewhere(ctx) or _client_shape(ctx)


RULE = Rule(
    code="FD200",
    slug="client-endpoint-mismatch",
    title="The client is pointed at an endpoint of another shape",
    meaning=(
        "Each client builds its URLs its own way and so needs its own kind of endpoint: "
        "AzureOpenAI the bare resource URL (https://<resource>.openai.azure.com), the OpenAI "
        "class the v1 base URL (https://<resource>.openai.azure.com/openai/v1/), "
        "azure-ai-inference the /models endpoint (or one Azure OpenAI deployment's URL), "
        "AIProjectClient a project endpoint. Serverless and managed-compute endpoints have no "
        "Azure OpenAI routes at all, and api.openai.com is not Azure."
    ),
    detection=(
        "The configured endpoint's route and host family against the client kind; an Azure "
        "OpenAI route requested from a serverless, managed-compute or GitHub Models host; a "
        "key refused by api.openai.com."
    ),
    remedy="Give the client the endpoint of its own shape for the resource (shown in the fix).",
    example=(
        "AzureOpenAI(azure_endpoint='https://myres.services.ai.azure.com/models', ...) -> 404 "
        "for .../models/openai/deployments/gpt-4o/chat/completions."
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/endpoints",
    static=_client_shape,
)
