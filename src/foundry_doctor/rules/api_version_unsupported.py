"""FD203 api-version-unsupported: the route does not serve the api-version sent (or none)."""

from __future__ import annotations

import datetime

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import EndpointInfo
from foundry_doctor.rules.base import CERTAIN, LIKELY, STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import DEFAULT_API_VERSION
from foundry_doctor.rules.meaning import Meaning

#: api-versions the Azure AI Model Inference API (/models) has been published with.
MODELS_API_VERSIONS = frozenset(
    {
        "2024-04-01-preview",
        "2024-05-01-preview",
        "2025-02-01-preview",
        "2025-04-01",
        "2025-05-01",
        "2025-05-01-preview",
        "2025-05-15-preview",
    }
)
#: Operations of the Model Inference API (anything else under /models is a wrong path).
_MODELS_OPERATIONS = frozenset(
    {"chat/completions", "embeddings", "images/embeddings", "images/generations", "info"}
)
#: The first generally available version of the dated Azure OpenAI API; earlier ones are gone.
_OLDEST_DATED = datetime.date(2022, 12, 1)
#: Preview versions of the dated API retired on 2024-07-01 (Azure OpenAI preview lifecycle).
_RETIRED_PREVIEWS = frozenset(
    {
        "2023-03-15-preview",
        "2023-07-01-preview",
        "2023-08-01-preview",
        "2023-09-01-preview",
        "2023-12-01-preview",
    }
)
_PREVIEWS_RETIRED_ON = datetime.date(2024, 7, 1)


def _version_date(version: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(version[:10])
    except ValueError:
        return None


def _advice(info: EndpointInfo | None) -> str:
    route = info.route if info is not None else None
    if route == "models":
        return "use api-version=2024-05-01-preview (what azure-ai-inference sends by default)"
    if route == "openai-v1":
        return "drop api-version on /openai/v1/ (or send api-version=preview for preview features)"
    return (
        f"use a current api-version such as {DEFAULT_API_VERSION}, or move to the v1 API "
        "(https://<resource>.openai.azure.com/openai/v1/), which needs none"
    )


def _problem(
    ctx: RuleContext, info: EndpointInfo, *, static: bool = False
) -> tuple[str, int] | None:
    """What is wrong with the request's api-version; ``static`` judges a configuration, where
    the failure the version would cause is certain rather than observed."""
    version = info.api_version
    generic_404 = static or (
        ctx.status == 404 and (ctx.body_is_silent or ctx.meanings <= {Meaning.RESOURCE_NOT_FOUND})
    )
    v1_refusal = static or ctx.status == 400
    if info.route == "openai-v1" and version and info.api_version_is_dated and v1_refusal:
        return (
            f"The v1 API (/openai/v1/) takes no dated api-version, and the request sent "
            f"api-version={version}.",
            STRONG + 2,
        )
    if not generic_404:
        return None
    if info.route == "deployments" and version is None and ctx.client != "openai.OpenAI":
        return (
            "The request to the deployment route carried no api-version. The dated Azure OpenAI "
            "API requires one, and without it the service answers 404 as if the path did not "
            "exist.",
            STRONG + 2,
        )
    if (
        info.route == "models"
        and info.operation in _MODELS_OPERATIONS
        and version is not None
        and version not in MODELS_API_VERSIONS
    ):
        return (
            f"The Model Inference route (/models) was called with api-version={version}, which "
            "that API was never published with; the service answers 404 for versions it does "
            "not serve.",
            STRONG - 3,
        )
    if info.route == "deployments" and version is not None:
        if not info.api_version_is_dated:
            return (
                f"api-version={version} is not of the form YYYY-MM-DD or YYYY-MM-DD-preview that "
                "the deployment route expects; unknown versions get 404.",
                LIKELY + 5,
            )
        date = _version_date(version)
        now = datetime.datetime.fromtimestamp(ctx.now, tz=datetime.timezone.utc).date()
        if date is None or date > now:
            return (
                f"api-version={version} names a date that has not come (or does not exist); the "
                "service answers 404 for versions it does not know.",
                LIKELY + 5,
            )
        if date < _OLDEST_DATED:
            return (
                f"api-version={version} predates every version the service still serves.",
                LIKELY + 5,
            )
        if version in _RETIRED_PREVIEWS and now >= _PREVIEWS_RETIRED_ON:
            return (
                f"api-version={version} is a preview version that was retired on "
                f"{_PREVIEWS_RETIRED_ON.isoformat()}; the service no longer answers it.",
                LIKELY + 5,
            )
    return None


def static(ctx: RuleContext) -> Finding | None:
    """An api-version the route the client will call does not serve (or needs and lacks)."""
    info = ctx.request
    problem = _problem(ctx, info, static=True) if info is not None else None
    if problem is None:
        return None
    return _finding(ctx, info, *problem)


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (400, 404):
        return None
    info = ctx.request or ctx.configured
    stated = ctx.says(Meaning.API_VERSION_REJECTED)
    problem = _problem(ctx, info) if info is not None else None
    if problem is None and not stated:
        return None
    if problem is None:
        explanation = (
            "The service says it does not serve the api-version the request used"
            + (f" (api-version={ctx.api_version})" if ctx.api_version else "")
            + ". Versions are retired over time, some operations or models need a newer one, "
            "and the v1 API takes none."
        )
        score = CERTAIN
    else:
        explanation, score = problem
    return _finding(ctx, info, explanation, score)


def _finding(ctx: RuleContext, info: EndpointInfo | None, explanation: str, score: int) -> Finding:
    return RULE.finding(
        explanation,
        score=score,
        evidence=(
            Evidence("api-version", ctx.api_version or "absent"),
            Evidence("route", info.route) if info is not None else None,
            ctx.message_evidence(),
        ),
        fix=(_advice(info),),
    )


RULE = Rule(
    code="FD203",
    slug="api-version-unsupported",
    title="The route does not serve this api-version",
    meaning=(
        "The dated Azure OpenAI API needs '?api-version=YYYY-MM-DD[-preview]' and answers 404 "
        "when it is missing or unknown; the Model Inference API (/models) serves only its own "
        "few versions; the v1 API (/openai/v1/) refuses dated versions with 400; some models "
        "and operations need a recent version."
    ),
    detection=(
        "A 400/404 whose message rejects the api-version, or a generic 404 for a deployment "
        "route without api-version (or with a malformed, future or long-retired one), for "
        "/models with a version it was never published with, or a 400 for a dated version on "
        "/openai/v1/."
    ),
    remedy=(
        "Send an api-version the route serves (2024-10-21 for the dated API, "
        "2024-05-01-preview for /models), or none on the v1 API."
    ),
    example=(
        "POST https://myres.services.ai.azure.com/models/chat/completions"
        "?api-version=2024-08-01-preview -> 404 'Resource not found'."
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle",
    static=static,
)
