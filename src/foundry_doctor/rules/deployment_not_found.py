"""FD202 deployment-not-found: no deployment of that name on the resource."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.knowledge.models import near_model_name
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import resource_label
from foundry_doctor.rules.meaning import Meaning, model_in


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.says(Meaning.MODEL_UNNAMED) and not ctx.deployment:
        return _unnamed(ctx)
    if not ctx.says(Meaning.DEPLOYMENT_MISSING):
        return None
    name = ctx.model or model_in(ctx.body.message)
    resource = resource_label(ctx)
    first = (
        f"There is no deployment '{name}' on {resource}."
        if name
        else f"The deployment the request named does not exist on {resource}."
    )
    explanation = (
        f"{first} Requests name a deployment - the name "
        "chosen when the model was deployed - which need not equal the model's name. A "
        "deployment created in the last few minutes may not be reachable yet."
    )
    near = near_model_name(name)
    if near:
        explanation += f" '{name}' looks like the model name '{near}' written differently."
    fix = [
        "list the deployments: az cognitiveservices account deployment list --name "
        f"{ctx.resource or '<resource>'} --resource-group <resource-group> --query "
        '"[].{name:name, model:properties.model.name}" -o table',
        "use the deployment's name exactly (case and separators included)"
        + (" in the URL / as model=" if ctx.on("dated-deployment") else " as model= in the call"),
        "if you created it just now, wait about 5 minutes and retry",
    ]
    if ctx.on("models-api", "v1", "project-v1"):
        fix.append("the deployment must be on this resource, not on another one you own")
    return RULE.finding(
        explanation,
        tier=Tier.CERTAIN,
        evidence=(
            Evidence("deployment", name) if name else None,
            Evidence("resource", ctx.resource) if ctx.resource else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        missing_facts=() if name else ("the deployment name the request used",),
        actions=(actions.DEPLOYMENT,),
    )


def _unnamed(ctx: RuleContext) -> Finding:
    """The request chose no deployment at all (``/models`` reads it from the body)."""
    resource = resource_label(ctx)
    explanation = (
        f"The request to {resource} named no deployment. On the shared /models route the "
        "service picks the deployment from the JSON body's 'model' field (or the "
        "x-ms-model-mesh-model-name header); with neither it cannot route the call. "
        "Clients built for a single-model endpoint leave the field out unless told."
    )
    return RULE.finding(
        explanation,
        tier=Tier.CERTAIN,
        evidence=(
            Evidence("deployment", "(none in the request)"),
            Evidence("resource", ctx.resource) if ctx.resource else None,
            ctx.message_evidence(),
        ),
        fix=[
            "pass the deployment's name on every call, e.g. client.complete(model="
            "'<deployment>', messages=...), or once as ChatCompletionsClient(..., model="
            "'<deployment>')",
            "list the deployments: az cognitiveservices account deployment list --name "
            f"{ctx.resource or '<resource>'} --resource-group <resource-group> -o table",
        ],
        actions=(actions.DEPLOYMENT,),
    )


RULE = Rule(
    code="FD202",
    slug="deployment-not-found",
    title="No deployment of that name exists on the resource",
    meaning=(
        "Calls name a deployment, not a model: the name given when the model was deployed on "
        "the resource. A typo, a model name used in its place, a deployment on another "
        "resource, or one created moments ago all give this 404."
    ),
    detection=(
        "A 404 (or 400) with code DeploymentNotFound / unknown_model, or a message saying the "
        "deployment or model does not exist; also a 400 no_model_name, where the request "
        "named no deployment at all."
    ),
    remedy=(
        "List the resource's deployments (az cognitiveservices account deployment list) and "
        "use one of their names; wait ~5 minutes after creating one."
    ),
    example=(
        "client.chat.completions.create(model='gpt4o', ...) on a resource whose deployment is "
        "named 'gpt-4o' -> 404 DeploymentNotFound."
    ),
    detect=detect,
    claims=claims(
        400, 404, meanings=(Meaning.DEPLOYMENT_MISSING, Meaning.MODEL_UNNAMED, Meaning.RESOURCE_NOT_FOUND)
    ),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/how-to/create-resource",
)
