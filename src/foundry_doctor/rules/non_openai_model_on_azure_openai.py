"""FD204 non-openai-model-on-azure-openai: a non-OpenAI model called through the Azure OpenAI
deployment route."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import cloud_tld
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.rules.base import STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning
from foundry_doctor.rules.model_names import is_non_openai_model

_ELSEWHERE = frozenset({"serverless", "managed-compute", "github-models", "openai-platform"})


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (400, 404):
        return None
    if not (ctx.body_is_silent or ctx.meanings <= {Meaning.RESOURCE_NOT_FOUND}):
        return None
    if ctx.family in _ELSEWHERE:
        return None
    on_deployment_route = ctx.route == "deployments" or (
        ctx.route is None and ctx.client == "openai.AzureOpenAI"
    )
    if not on_deployment_route:
        return None
    return _finding(ctx)


def static(ctx: RuleContext) -> Finding | None:
    """AzureOpenAI (the deployment route) configured for a model of another provider."""
    if ctx.family in _ELSEWHERE or ctx.route != "deployments":
        return None
    return _finding(ctx)


def _finding(ctx: RuleContext) -> Finding | None:
    model = ctx.deployment or ctx.facts.model
    if not is_non_openai_model(model):
        return None
    resource = ctx.resource or "<resource>"
    tld = cloud_tld(ctx.site.cloud) if ctx.site is not None else "com"
    host = (
        ctx.site.host
        if ctx.site is not None and ctx.site.is_azure_resource
        else f"{resource}.services.ai.azure.{tld}"
    )
    return RULE.finding(
        f"{model} is not an OpenAI model. The classic Azure OpenAI route "
        "(/openai/deployments/<name>/..., what AzureOpenAI and 'Azure OpenAI' providers call) "
        "serves OpenAI models only, so the service does not find the path. Models from other "
        "providers deployed on a Foundry resource are reached through the v1 API (or the "
        "retired Model Inference API under /models).",
        score=STRONG + 2,
        evidence=(
            Evidence("model", model or "unknown", expected="an OpenAI model on this route"),
            Evidence("request URL", safe_url(ctx.request.raw)) if ctx.request else None,
            ctx.message_evidence(),
        ),
        fix=(
            f'OpenAI(base_url="https://{host}/openai/v1/", api_key=...) and '
            f'model="{model}" in the call',
            "in other tools: pick an OpenAI-compatible provider with that base URL instead of "
            "the Azure OpenAI provider",
        ),
    )


RULE = Rule(
    code="FD204",
    slug="non-openai-model-on-azure-openai",
    title="A non-OpenAI model was called through the Azure OpenAI route",
    meaning=(
        "Foundry resources host models from many providers (DeepSeek, Llama, Mistral, Phi, "
        "Cohere, ...), but the classic Azure OpenAI deployment route and the AzureOpenAI class "
        "serve OpenAI models only. Other models are called through the v1 API "
        "(https://<resource>.services.ai.azure.com/openai/v1/) with the deployment as 'model'."
    ),
    detection=(
        "A 404 (or 400) with no specific cause for an /openai/deployments/<name> request (or an "
        "AzureOpenAI client) whose deployment or model name belongs to a non-OpenAI family."
    ),
    remedy=(
        "Use the OpenAI class with base_url=https://<resource>.services.ai.azure.com/openai/v1/ "
        "and model=<deployment name>."
    ),
    example=(
        "POST https://myres.services.ai.azure.com/openai/deployments/DeepSeek-V3/chat/"
        "completions?api-version=2024-10-21 -> 404 'Resource not found'."
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/endpoints",
    static=static,
)
