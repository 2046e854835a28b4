"""FD401 retired-api: the call used the retired Azure AI Model Inference API (or its SDK)."""

from __future__ import annotations

import datetime

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import cloud_tld
from foundry_doctor.rules.base import AGGRAVATING, CERTAIN, LIKELY, SECONDARY_MIN, STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning

#: The Azure AI Model Inference API (/models/**) and azure-ai-inference were retired this day.
RETIREMENT = datetime.datetime(2026, 8, 26, tzinfo=datetime.timezone.utc)
_RETIREMENT_DAY = RETIREMENT.strftime("%Y-%m-%d")


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (400, 401, 403, 404, 410):
        return None
    on_models = ctx.route == "models"
    inference_sdk = ctx.client == "azure-ai-inference"
    if not (on_models or inference_sdk):
        return None
    retired = ctx.now >= RETIREMENT.timestamp()
    stated = ctx.says(Meaning.RETIRED)
    quiet_404 = ctx.status in (404, 410) and (
        ctx.body_is_silent or ctx.meanings <= {Meaning.RESOURCE_NOT_FOUND}
    )
    if stated:
        score = CERTAIN
    elif retired and on_models and quiet_404:
        score = LIKELY
    elif retired:
        score = AGGRAVATING
    else:
        score = SECONDARY_MIN
    return _finding(ctx, score, retired=retired or stated)


def static(ctx: RuleContext) -> Finding | None:
    """A configuration that uses the Model Inference API or azure-ai-inference at all."""
    if not (ctx.route == "models" or ctx.client == "azure-ai-inference"):
        return None
    retired = ctx.now >= RETIREMENT.timestamp()
    return _finding(ctx, STRONG if retired else SECONDARY_MIN, retired=retired)


def _finding(ctx: RuleContext, score: int, *, retired: bool) -> Finding:
    on_models = ctx.route == "models"
    inference_sdk = ctx.client == "azure-ai-inference"
    resource = ctx.resource or "<resource>"
    tld = cloud_tld(ctx.site.cloud) if ctx.site is not None else "com"
    model = ctx.facts.model or "<deployment name>"
    what = "the Model Inference API (/models)" if on_models else "the azure-ai-inference SDK"
    if retired:
        explanation = (
            f"This call used {what}, which Microsoft retired on {_RETIREMENT_DAY}. Retired "
            "routes stop answering (or answer 404) and get no fixes; move to the v1 API."
        )
    else:
        explanation = (
            f"This call used {what}, which is deprecated and retires on {_RETIREMENT_DAY}. "
            "Plan the move to the v1 API."
        )
    return RULE.finding(
        explanation,
        score=score,
        evidence=(
            Evidence("route", "/models") if on_models else None,
            Evidence("client", "azure-ai-inference") if inference_sdk else None,
            Evidence("retirement date", _RETIREMENT_DAY),
        ),
        fix=(
            f'OpenAI(base_url="https://{resource}.openai.azure.{tld}/openai/v1/", api_key=...) '
            f'and model="{model}" in client.chat.completions.create(...)',
            "for Entra ID: api_key=get_bearer_token_provider(DefaultAzureCredential(), "
            '"https://cognitiveservices.azure.com/.default")',
        ),
    )


RULE = Rule(
    code="FD401",
    slug="retired-api",
    title="The call used the retired Model Inference API",
    meaning=(
        "The Azure AI Model Inference API (https://<resource>.services.ai.azure.com/models/...) "
        "and the azure-ai-inference SDK built on it were retired on 2026-08-26. The OpenAI v1 "
        "API on the same resource serves the same deployments, OpenAI and other models alike."
    ),
    detection=(
        "A request to the /models route or from azure-ai-inference: the main cause when the "
        "service says the API is retired or a /models call gets a bare 404 after the "
        "retirement date; otherwise a note next to the real cause."
    ),
    remedy=(
        "Use the OpenAI class with base_url=https://<resource>.openai.azure.com/openai/v1/ and "
        "model=<deployment name> (Entra ID: get_bearer_token_provider with the "
        "cognitiveservices scope)."
    ),
    example=(
        "POST https://myres.services.ai.azure.com/models/chat/completions"
        "?api-version=2024-05-01-preview after 2026-08-26 -> 404."
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle",
    static=static,
)
