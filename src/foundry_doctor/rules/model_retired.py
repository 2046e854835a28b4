"""FD402 model-retired: the deployment runs a model version that was retired.

Deployments of a retired model answer every call with an error (``retirements.md``): a generic
404 that cannot be told from a wrong path by its body, a 400 saying the operation does not work
with the model, or a 410 ``ModelDeprecated``. The deployment name is evidence of the model
(names usually keep it); the retired-models table says which versions are gone and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning, model_in

if TYPE_CHECKING:
    from foundry_doctor.knowledge.retirements import ModelRetirement


def detect(ctx: RuleContext) -> Finding | None:
    stated = ctx.says(Meaning.MODEL_RETIRED, Meaning.OPERATION_NOT_FOR_MODEL)
    quiet = ctx.status in (None, 404) and ctx.only_not_found
    if not (stated or quiet):
        return None
    from foundry_doctor.knowledge.retirements import retired_model  # loaded when first needed

    name = ctx.model or model_in(ctx.body.message)
    found = retired_model(name, now=ctx.now)
    if ctx.says(Meaning.MODEL_RETIRED):
        return _finding(ctx, name, found, Tier.CERTAIN)
    if ctx.says(Meaning.OPERATION_NOT_FOR_MODEL):
        if found is None and _kind_mismatch(ctx.body.text, name):
            return None  # an embeddings call to a chat model, or the reverse: not a retirement
        return _finding(ctx, name, found, Tier.STRONG if found else Tier.POSSIBLE)
    if found is None or not quiet:
        return None
    match = ctx.match
    if match is None:
        # no URL at all (a wrapper quoted only the message): a path problem is as likely as
        # anything, so only a name that pins a retired version ('gpt-35-turbo-0613') is a lead
        if found[0].scheduled or found[1] is None:
            return None
        return _finding(ctx, name, found, Tier.POSSIBLE)
    if match.surface is None or match.differences:
        return None  # a path or version problem explains a generic 404 better
    if not ctx.on("dated-deployment", "v1", "dated-resource"):
        return None
    tier = Tier.POSSIBLE if found[0].scheduled else Tier.LIKELY
    return _finding(ctx, name, found, tier)


def _kind_mismatch(text: str, name: str | None) -> bool:
    """Whether the message's operation cannot suit the model's kind at all (embeddings asked of
    a chat model, chat of an embedding model)."""
    embedding_model = "embed" in (name or "").lower()
    embeddings_call = "embedding" in text.split("operation does not work", 1)[0]
    return embedding_model != embeddings_call


def _finding(
    ctx: RuleContext,
    name: str | None,
    found: tuple[ModelRetirement, str | None] | None,
    tier: Tier,
) -> Finding:
    deployment = ctx.deployment or name or "<deployment>"
    resource = ctx.resource or "<resource>"
    if found is not None:
        retirement, pinned = found
        versions = ", ".join(retirement.versions)
        when = "is scheduled to retire" if retirement.scheduled else "was retired"
        explanation = (
            f"The deployment '{deployment}' runs {retirement.model}"
            + (f" {pinned}" if pinned else "")
            + f", which {when} on {retirement.retired}"
            + ("" if pinned or not versions else f" (versions {versions})")
            + ". Deployments of a retired model answer every call with an error - often a bare "
            "404, as if the path did not exist. Redeploy with a current model "
            f"({retirement.replacement})."
        )
    else:
        explanation = (
            "The service says the deployment's model cannot serve this call"
            + (f" ('{name}')" if name else "")
            + ": that is what a deployment of a retired (or deprecated) model version answers. "
            "The same message has also been seen on live deployments that needed re-saving, "
            "so check the deployment's model version first."
        )
    fix = [
        f"see the model behind it: az cognitiveservices account deployment show --name "
        f"{resource} --resource-group <resource-group> --deployment-name {deployment} --query "
        "properties.model",
        f"see which versions are current: az cognitiveservices account list-models --name "
        f"{resource} --resource-group <resource-group> --query \"[?lifecycleStatus!='Deprecated']"
        '.{name:name, version:version}" -o table',
        "deploy a current model (or version) and use the new deployment's name; if the model is "
        "current, re-save the deployment in the portal",
    ]
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=(
            Evidence("deployment", deployment),
            Evidence("retired", f"{found[0].model} on {found[0].retired}") if found else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        missing_facts=()
        if tier >= Tier.STRONG
        else ("the deployment's model and version (az cognitiveservices account deployment show)",),
        actions=(actions.REDEPLOY,),
    )


RULE = Rule(
    code="FD402",
    slug="model-retired",
    title="The deployment runs a retired model version",
    guess_title="Possibly a deployment of a retired model version",
    meaning=(
        "Azure OpenAI and Foundry retire model versions on published dates (gpt-35-turbo and "
        "gpt-4 0613 in 2025, gpt-4.5-preview on 2025-07-14, other publishers' models too). A "
        "deployment of a retired version stays listed but answers every call with an error: a "
        "generic 404, a 400 'The chatCompletion operation does not work with the specified "
        "model', or a 410 ModelDeprecated."
    ),
    detection=(
        "A message saying the model is deprecated or retired, or that the operation does not "
        "work with the model; or a generic 404 on a valid route and api-version whose "
        "deployment is named after a model version the retirement tables list as retired by "
        "the time of the call (with no URL quoted at all, a possible cause when the name pins "
        "the retired version)."
    ),
    remedy=(
        "Deploy a current model (or version) and call the new deployment; check a deployment's "
        "model with az cognitiveservices account deployment show."
    ),
    example=(
        "A deployment of gpt-35-turbo 0613 after 2025-02-13 -> 404 'Resource not found' on "
        "/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-10-21."
    ),
    detect=detect,
    claims=claims(
        400,
        404,
        410,
        meanings=(
            Meaning.MODEL_RETIRED,
            Meaning.OPERATION_NOT_FOR_MODEL,
            Meaning.RESOURCE_NOT_FOUND,
            Meaning.RETIRED,
        ),
    ),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements",
)
