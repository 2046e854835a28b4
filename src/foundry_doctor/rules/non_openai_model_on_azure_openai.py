"""FD204 non-openai-model-on-azure-openai: a model called through a route that does not serve
it - another publisher's model on the Azure OpenAI routes, Claude anywhere but /anthropic."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.knowledge.hosts import cloud_spec
from foundry_doctor.knowledge.models import ModelFamily
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning

_OPENAI_ROUTES = ("dated-deployment", "dated-resource")
_OPENAI_SHAPED = ("dated-deployment", "dated-resource", "v1", "models-api", "project-v1")


def _host(ctx: RuleContext) -> str:
    if ctx.site is not None and ctx.site.is_azure_resource:
        return ctx.site.host
    return f"{ctx.resource or '<resource>'}.services.ai.azure.{cloud_spec(ctx.cloud).tld}"


def _fix(ctx: RuleContext, family: ModelFamily | None, model: str | None) -> list[str]:
    name = model or "<deployment name>"
    if family is not None and family.publisher == "anthropic":
        return [
            f"call Claude on its own route: https://{_host(ctx)}/anthropic/v1/messages with "
            "'anthropic-version: 2023-06-01' - AnthropicFoundry(resource='<resource>', "
            f"api_key=...) from the anthropic SDK builds it; model=\"{name}\"",
        ]
    return [
        f'OpenAI(base_url="https://{_host(ctx)}/openai/v1/", api_key=...) and '
        f'model="{name}" in client.chat.completions.create(...)',
        "in other tools: pick an OpenAI-compatible provider with that base URL instead of the "
        "Azure OpenAI provider",
    ]


def _stated(ctx: RuleContext) -> Finding | None:
    """The service says the API does not serve the deployment's model."""
    if not ctx.says(Meaning.API_NOT_FOR_MODEL):
        return None
    model = ctx.model
    family = ctx.model_family
    route = ctx.surface
    where = f"the route {route.template}" if route is not None and route.template else "this API"
    explanation = (
        f"The service says {where} does not serve the model behind "
        + (f"'{model}'" if model else "this deployment")
        + ". Models are not served on every route: the Azure OpenAI routes serve OpenAI's "
        "models, the Responses API serves some models only, and Claude is served only on "
        "/anthropic/v1/messages."
    )
    if family is None:
        explanation += (
            " If this is a Claude deployment, its route is /anthropic/v1/messages; other "
            "publishers' models take /openai/v1/chat/completions."
        )
    fix = _fix(ctx, family, model)
    if family is None:
        fix = [*_fix(ctx, _anthropic(), model), *fix]
    return RULE.finding(
        explanation,
        tier=Tier.STRONG,
        evidence=(
            Evidence("model", model) if model else None,
            Evidence("request URL", safe_url(ctx.request.url)) if ctx.request else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.MODEL_ROUTE,),
    )


def _anthropic() -> ModelFamily:
    from foundry_doctor.knowledge.models import FAMILIES

    return next(item for item in FAMILIES if item.publisher == "anthropic")


def _on_openai_route(ctx: RuleContext) -> Finding | None:
    """Another publisher's model (or Claude) on a route that serves only OpenAI's."""
    family = ctx.model_family
    if family is None or family.publisher == "openai":
        return None
    claude = family.publisher == "anthropic"
    routes = _OPENAI_SHAPED if claude else _OPENAI_ROUTES
    on_route = ctx.on(*routes) or (ctx.surface is None and ctx.client == "openai.AzureOpenAI")
    if not on_route or not ctx.only_not_found:
        return None
    if ctx.family in ("serverless", "managed-compute", "github-models", "openai-platform"):
        return None
    return _finding(ctx, family, Tier.STRONG)


def _finding(ctx: RuleContext, family: ModelFamily, tier: Tier, *, after: str = "") -> Finding:
    model = ctx.model
    if family.publisher == "anthropic":
        explanation = (
            f"{model} is a Claude model. Foundry serves Claude only through its Messages route, "
            "/anthropic/v1/messages (Anthropic's API shape); the OpenAI-shaped routes "
            "(/openai/deployments, /openai/v1, /models) do not find it."
        )
    else:
        explanation = (
            f"{model} is not an OpenAI model ({family.name}). The classic Azure OpenAI route "
            "(/openai/deployments/<name>/..., what AzureOpenAI and 'Azure OpenAI' providers "
            "call) serves OpenAI models only, so the service does not find the path. Models "
            "from other publishers deployed on a Foundry resource are reached through the v1 "
            "API."
        )
    explanation += after
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=(
            Evidence("model", model or "unknown", expected="a model this route serves"),
            Evidence("request URL", safe_url(ctx.request.url)) if ctx.request else None,
            ctx.message_evidence(),
        ),
        fix=_fix(ctx, family, model),
        actions=(actions.MODEL_ROUTE,),
    )


def _behind_the_role(ctx: RuleContext) -> Finding | None:
    """No role *and* the wrong route: the role comes first, then this route fails too."""
    if not ctx.says(Meaning.PERMISSION_DENIED):
        return None
    family = ctx.model_family
    if family is None or family.publisher == "openai" or not ctx.on(*_OPENAI_ROUTES):
        return None
    return _finding(
        ctx,
        family,
        Tier.NOTE,
        after=(
            " The service checked the role first; once the role is in place this route will "
            "fail next."
        ),
    )


def detect(ctx: RuleContext) -> Finding | None:
    return _stated(ctx) or _behind_the_role(ctx) or _on_openai_route(ctx)


def static(ctx: RuleContext) -> Finding | None:
    """AzureOpenAI (the deployment route) configured for a model of another publisher."""
    family = ctx.model_family
    if family is None or family.publisher == "openai" or not ctx.on(*_OPENAI_ROUTES):
        return None
    return _finding(ctx, family, Tier.STRONG)


RULE = Rule(
    code="FD204",
    slug="non-openai-model-on-azure-openai",
    title="The model was called through a route that does not serve it",
    meaning=(
        "Foundry resources host models from many publishers (DeepSeek, Llama, Mistral, Phi, "
        "Cohere, Grok, Kimi, Claude, ...), but not every route serves every model: the classic "
        "Azure OpenAI deployment route and the AzureOpenAI class serve OpenAI models only; "
        "other publishers' models are called through the v1 API "
        "(https://<resource>.services.ai.azure.com/openai/v1/) with the deployment as 'model'; "
        "Claude only through /anthropic/v1/messages; the Responses API refuses some models."
    ),
    detection=(
        "A 404 (or 400) with no specific cause for an /openai/deployments/<name> request (or an "
        "AzureOpenAI client) whose deployment or model name belongs to another publisher; a "
        "Claude model on any OpenAI-shaped route; a message saying the API does not support the "
        "model; next to a missing role, a note that this route fails next."
    ),
    remedy=(
        "Use the OpenAI class with base_url=https://<resource>.services.ai.azure.com/openai/v1/ "
        "and model=<deployment name>; for Claude, the Anthropic SDK's AnthropicFoundry."
    ),
    example=(
        "POST https://myres.services.ai.azure.com/openai/deployments/DeepSeek-V3/chat/"
        "completions?api-version=2024-10-21 -> 404 'Resource not found'."
    ),
    detect=detect,
    claims=claims(
        400,
        401,
        403,
        404,
        meanings=(
            Meaning.API_NOT_FOR_MODEL,
            Meaning.RESOURCE_NOT_FOUND,
            Meaning.PERMISSION_DENIED,
        ),
    ),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/endpoints",
    static=static,
)
