"""FD201 endpoint-path-wrong: the URL's path is not one the service has.

The request is matched against the service surface (:mod:`foundry_doctor.knowledge.matching`);
every path difference from the nearest real route is evidence, and the nearest route filled
with the request's own values is the URL that would have worked.
"""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.facts.endpoints import EndpointInfo
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.knowledge.matching import Difference
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_endpoint, intended_url
from foundry_doctor.rules.meaning import Meaning

#: path differences that make a route that cannot exist (the rest are softer guesses)
_SURE = frozenset(
    {
        "double-slash",
        "doubled-segment",
        "doubled-operation",
        "mixed-families",
        "missing-openai",
        "extra-segments",
        "operation-elsewhere",
    }
)
_SOFT = frozenset({"missing-route", "missing-deployment", "unknown-operation"})


def _differences(info: EndpointInfo) -> list[Difference]:
    return [item for item in info.match.path_differences if item.kind in _SURE | _SOFT]


def _cause(ctx: RuleContext, found: list[Difference]) -> str:
    configured = ctx.configured
    kinds = {item.kind for item in found}
    if configured is None or ctx.client == "http":
        if kinds & {"doubled-segment", "doubled-operation", "mixed-families", "extra-segments"}:
            return (
                " Such paths usually come from a base URL that already holds part of what the "
                "client appends itself."
            )
        return ""
    if configured.match.operation is not None and not configured.match.base_only:
        return (
            f" The configured endpoint ({safe_url(configured.url)}) already ends with an "
            "operation path, and the client appends one again."
        )
    if "double-slash" in kinds and configured.url.endswith("/"):
        return (
            f" The configured endpoint ({safe_url(configured.url)}) ends with '/', and the "
            "client adds its own '/' before the path."
        )
    return (
        f" The configured endpoint ({safe_url(configured.url)}) already contains path segments "
        "the client adds itself."
    )


def _from_request(ctx: RuleContext) -> Finding | None:
    request = ctx.request
    if request is None:
        return None
    found = _differences(request)
    if not found:
        return None
    details = [item.detail for item in found]
    shapes = details[0] if len(details) == 1 else "; ".join(details)
    sure = any(item.kind in _SURE for item in found)
    explanation = f"The request path does not match any route of the service: {shapes}."
    explanation += _cause(ctx, found)
    intended = intended_url(ctx)
    fix: list[str] = []
    if ctx.configured is not None and ctx.client != "http":
        endpoint = client_endpoint(ctx)
        if endpoint != safe_url(ctx.configured.url):
            fix.append(f"configure the endpoint as {endpoint}")
    if intended:
        fix.append(f"the request should go to {safe_url(intended)}")
        if any(item.kind == "missing-route" for item in found) and ctx.on("v1"):
            deployment = ctx.deployment or "<deployment>"
            fix.append(
                f"or the dated API: {request.origin}/openai/deployments/{deployment}/"
                f"{request.match.requested_operation}?api-version=2024-10-21"
            )
    return RULE.finding(
        explanation,
        tier=Tier.STRONG if sure else Tier.LIKELY,
        evidence=(
            Evidence("request URL", safe_url(request.url), expected=safe_url(intended or "")),
            Evidence("configured endpoint", safe_url(ctx.configured.url))
            if ctx.configured is not None
            else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.ENDPOINT,),
    )


def _operation_in_endpoint(ctx: RuleContext, *, predicted: bool = False) -> Finding | None:
    """A full operation URL configured as the base URL (judged when no request was seen, or
    when the request URL is only the one predicted from the configuration)."""
    configured = ctx.configured
    if configured is None or ctx.client == "http" or (ctx.request is not None and not predicted):
        return None
    if configured.match.operation is None or configured.match.base_only:
        return None
    wanted = client_endpoint(ctx)
    return RULE.finding(
        f"The configured endpoint is a full operation URL (it ends with "
        f"'/{configured.match.requested_operation}'). SDK clients take the base URL and append "
        "the operation themselves.",
        tier=Tier.STRONG,
        evidence=(Evidence("configured endpoint", safe_url(configured.url), expected=wanted),),
        fix=(f"configure the endpoint as {wanted}",),
        actions=(actions.ENDPOINT,),
    )


def _missing_project(ctx: RuleContext) -> Finding | None:
    if not ctx.says(Meaning.PROJECT_MISSING):
        return None
    project = ctx.project
    return RULE.finding(
        f"The project named in the endpoint ({project or 'unknown'}) does not exist on this "
        "resource. Project endpoints carry the project's name exactly as it was created.",
        tier=Tier.CERTAIN,
        evidence=(Evidence("project", project) if project else None, ctx.message_evidence()),
        fix=(
            "copy the project endpoint from the project's overview page in the Foundry portal "
            "(https://<resource>.services.ai.azure.com/api/projects/<project>)",
        ),
        actions=(actions.ENDPOINT,),
    )


def detect(ctx: RuleContext) -> Finding | None:
    return _missing_project(ctx) or _from_request(ctx) or _operation_in_endpoint(ctx)


def static(ctx: RuleContext) -> Finding | None:
    """The URL the configuration will produce has no route, or the endpoint holds an
    operation."""
    return _operation_in_endpoint(ctx, predicted=True) or _from_request(ctx)


RULE = Rule(
    code="FD201",
    slug="endpoint-path-wrong",
    title="The URL's path is not one the service has",
    meaning=(
        "The service answers 404 for any path it does not serve, and a malformed path is the "
        "usual reason: a trailing slash that turns into '//', '/openai' or '/v1' once in the "
        "configured endpoint and once more from the client, segments of the dated and the v1 "
        "routes mixed ('/openai/v1/deployments/<name>', '/openai/deployments/<name>/v1'), a "
        "dated route without '/openai', an operation under a route that does not have it "
        "('/openai/deployments/<name>/responses'), a full operation URL given as the base URL, "
        "or a project name that does not exist."
    ),
    detection=(
        "The request URL matched against the service's routes: every path difference from the "
        "nearest real route (an empty, doubled, missing or extra segment, two route families "
        "mixed, an operation of another route); a message saying the project does not exist."
    ),
    remedy=(
        "Configure the base endpoint the client expects (no trailing slash, no path the client "
        "adds itself, no operation); the fix shows the URL that would have worked."
    ),
    example=(
        "AzureOpenAI(azure_endpoint='https://myres.openai.azure.com/openai') requests "
        "/openai/openai/deployments/... -> 404 'Resource not found'."
    ),
    detect=detect,
    claims=claims(
        400,
        404,
        405,
        meanings=(
            Meaning.PROJECT_MISSING,
            Meaning.RESOURCE_NOT_FOUND,
            # a path that cannot exist stays wrong once the api-version the service names is
            # fixed: both are told
            Meaning.API_VERSION_REJECTED,
            Meaning.V1_VERSION_FORBIDDEN,
        ),
    ),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/reference",
    static=static,
)
