"""FD203 api-version-unsupported: the route does not serve the api-version sent (or none).

What each route takes is in the service tables (:mod:`foundry_doctor.knowledge.routes` and
:mod:`foundry_doctor.knowledge.api_versions`); the request's api-version is judged against its
nearest route (missing where required, dated on the v1 path, never published for the route,
older than the operation, a model version, a v1 value on a dated route), and the service's own
message, when it names the problem, is taken at its word.
"""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.knowledge import api_versions
from foundry_doctor.knowledge.matching import Difference
from foundry_doctor.knowledge.routes import Surface
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import DEFAULT_API_VERSION, intended_url
from foundry_doctor.rules.meaning import Meaning, minimum_version_in

_SURE = frozenset(
    {
        "api-version-missing",
        "api-version-dated-on-v1",
        "api-version-v1-value",
        "api-version-model-version",
        "api-version-unknown",
    }
)


def _advice(ctx: RuleContext, surface: Surface | None, difference: Difference | None) -> list[str]:
    name = surface.name if surface is not None else None
    kind = difference.kind if difference is not None else None
    lines: list[str] = []
    if name in ("v1", "project-v1") or kind == "api-version-dated-on-v1":
        lines.append(
            "send no api-version on /openai/v1/ ('preview' only for preview features)"
        )
        if ctx.client == "openai.AzureOpenAI":
            lines.append(
                "AzureOpenAI always adds one: call the v1 path with the OpenAI class, "
                'OpenAI(base_url="https://<resource>.openai.azure.com/openai/v1/", api_key=...)'
            )
        return lines
    if name == "models-api":
        return [
            f"use api-version={api_versions.MODELS_API_DEFAULT} (what azure-ai-inference sends "
            "by default) - though the Model Inference API itself is retired"
        ]
    if name in ("dated-resource", "project-dated", "agent-application") and surface is not None:
        version = surface.default_version or DEFAULT_API_VERSION
        lines.append(f"use api-version={version}")
        if name == "dated-resource":
            lines.append(
                "or the v1 API, which needs none: "
                "https://<resource>.openai.azure.com/openai/v1/responses with the OpenAI class"
            )
        return lines
    lines.append(
        f"use a current api-version such as {DEFAULT_API_VERSION}, or move to the v1 API "
        "(https://<resource>.openai.azure.com/openai/v1/), which needs none"
    )
    return lines


def _from_route(ctx: RuleContext) -> Finding | None:
    """An api-version the nearest route does not take."""
    info = ctx.request
    if info is None:
        return None
    differences = info.match.version_differences
    if not differences:
        return None
    first = differences[0]
    generic_404 = ctx.status in (None, 404) and ctx.only_not_found
    refused_400 = ctx.status in (None, 400) and ctx.says(Meaning.API_VERSION_REJECTED)
    if first.kind == "api-version-dated-on-v1":
        if not (refused_400 or ctx.status in (None, 400) or generic_404):
            return None
    elif not (generic_404 or refused_400):
        return None
    tier = Tier.STRONG if first.kind in _SURE else Tier.LIKELY
    if refused_400:
        tier = Tier.CERTAIN
    explanation = f"The api-version does not fit the route: {first.detail}."
    if first.kind == "api-version-missing" and ctx.status == 404:
        explanation += (
            " Without one the service answers 404, as if the path did not exist."
        )
    elif first.kind == "api-version-model-version":
        explanation += (
            " A model version and an api-version are different things: the deployment fixes the "
            "model version; api-version picks the version of the REST API."
        )
    elif generic_404:
        explanation += " The service answers 404 for versions a route does not serve."
    intended = intended_url(ctx)
    fix = _advice(ctx, info.match.surface, first)
    if intended and info.match.surface is not None and info.match.surface.name not in ("v1",):
        fix.insert(0, f"the request should go to {intended}")
    return _finding(ctx, explanation, tier, fix, sent=info.api_version)


def _from_message(ctx: RuleContext) -> Finding | None:
    """The service says the api-version is the problem."""
    if not ctx.says(Meaning.API_VERSION_REJECTED):
        return None
    surface = ctx.surface
    version = ctx.api_version
    if ctx.says(Meaning.V1_VERSION_FORBIDDEN):
        explanation = (
            "The request went to the v1 path (/openai/v1/) with an api-version, which that "
            "path does not allow: it takes none (or 'preview' for preview features)."
        )
        fix = _advice(ctx, surface, Difference("api-version-dated-on-v1", ""))
        return _finding(ctx, explanation, Tier.CERTAIN, fix, sent=version or "sent")
    if ctx.says(Meaning.PREVIEW_REQUIRED):
        explanation = (
            "The service asked for api-version=preview: the v1 path answered that way during "
            "its preview (mid-2025). The generally available v1 path needs no api-version; an "
            "old client or a proxy still in the preview era sends or expects otherwise."
        )
        fix = [
            "upgrade the client, or send api-version=preview while it lasts",
            "on the current service: no api-version on /openai/v1/",
        ]
        return _finding(ctx, explanation, Tier.CERTAIN, fix, sent=version)
    minimum = minimum_version_in(ctx.body.message or ctx.body.text)
    explanation = (
        "The service says it does not serve the api-version the request used"
        + (f" (api-version={version})" if version else "")
        + ". Versions are retired over time, some operations and models need a newer one"
        + (f" (here {minimum} or later)" if minimum else "")
        + ", and the v1 API takes none."
    )
    fix = [f"use api-version={minimum} or later"] if minimum else []
    fix += _advice(ctx, surface, None)
    return _finding(ctx, explanation, Tier.CERTAIN, fix, sent=version)


def _finding(
    ctx: RuleContext, explanation: str, tier: Tier, fix: list[str], *, sent: str | None
) -> Finding:
    surface = ctx.surface
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=(
            Evidence("api-version", sent) if sent else None,
            Evidence("route", surface.template or surface.name) if surface is not None else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.API_VERSION,),
    )


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.says(Meaning.V1_VERSION_FORBIDDEN, Meaning.PREVIEW_REQUIRED):
        return _from_message(ctx)
    return _from_route(ctx) or _from_message(ctx)


def static(ctx: RuleContext) -> Finding | None:
    """An api-version the route the client will call does not serve (or needs and lacks)."""
    info = ctx.request
    if info is None or not info.match.version_differences:
        return None
    first = info.match.version_differences[0]
    return _finding(
        ctx,
        f"The api-version does not fit the route the client will call: {first.detail}.",
        Tier.STRONG if first.kind in _SURE else Tier.LIKELY,
        _advice(ctx, info.match.surface, first),
        sent=info.api_version,
    )


RULE = Rule(
    code="FD203",
    slug="api-version-unsupported",
    title="The route does not serve this api-version",
    meaning=(
        "The dated Azure OpenAI routes need '?api-version=YYYY-MM-DD[-preview]' (the last "
        "generally available one is 2024-10-21) and answer 404 when it is missing or unknown; "
        "their operations arrived in particular versions (Responses from 2025-03-01-preview); "
        "a model version such as 2024-05-13 is not an api-version; the v1 API (/openai/v1/) "
        "takes none, 'v1' or 'preview' and refuses dated versions with 400; the retired Model "
        "Inference API (/models) served only its own few versions; project application routes "
        "need 2025-11-15-preview."
    ),
    detection=(
        "The request's api-version against the versions its nearest route was published with "
        "(the service tables); a 400/404 whose message rejects the api-version, says it is not "
        "allowed on the v1 path, asks for 'preview' or names a minimum version."
    ),
    remedy=(
        "Send an api-version the route serves (the fix names one), or none on the v1 API; use "
        "the OpenAI class for /openai/v1/, since AzureOpenAI always sends one."
    ),
    example=(
        "POST https://myres.openai.azure.com/openai/v1/responses?api-version=2025-01-01-preview "
        "-> 400 'API version not supported'."
    ),
    detect=detect,
    claims=claims(
        400,
        404,
        meanings=(
            Meaning.API_VERSION_REJECTED,
            Meaning.V1_VERSION_FORBIDDEN,
            Meaning.PREVIEW_REQUIRED,
            Meaning.RESOURCE_NOT_FOUND,
        ),
    ),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle",
    static=static,
)
