"""FD201 endpoint-path-wrong: the URL's path is not one the service has."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import (
    EndpointInfo,
    corrected_path,
    operation_of,
    suggested_endpoint,
)
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.rules.base import CERTAIN, LIKELY, STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import DEFAULT_API_VERSION
from foundry_doctor.rules.meaning import Meaning

_DOUBLINGS = {
    "double-slash": "an empty segment ('//')",
    "doubled-openai": "'/openai' twice",
    "doubled-v1": "'/v1' twice",
    "doubled-deployments": "'/deployments' twice",
    "doubled-models": "'/models' twice",
    "doubled-operation": "the operation path twice",
}


def _corrected_url(info: EndpointInfo) -> str:
    query = f"?api-version={info.api_version}" if info.api_version else ""
    return f"{info.origin}{corrected_path(info)}{query}"


_REPEATABLE = {"doubled-openai": "openai", "doubled-v1": "v1", "doubled-models": "models"}


def _endpoint_fix(ctx: RuleContext, found: list[str]) -> str:
    """The configured endpoint without the part the client adds again, when that is clear."""
    configured = ctx.configured
    if configured is not None:
        path = configured.path.rstrip("/")
        operation = operation_of(configured)
        if operation is not None and path.lower().endswith("/" + operation):
            path = path[: -len(operation) - 1]
        else:
            for anomaly, segment in _REPEATABLE.items():
                if anomaly in found and path.lower().endswith("/" + segment):
                    path = path[: -len(segment) - 1]
                    break
        if path != configured.path:
            return f"configure the endpoint as {configured.origin}{path}"
    return "configure the endpoint without the repeated part: " + suggested_endpoint(
        ctx.client, ctx.site, deployment=ctx.deployment
    )


def _cause(ctx: RuleContext, found: list[str]) -> str:
    configured = ctx.configured
    if configured is None:
        return (
            "Part of the path was added twice, usually once in the configured endpoint and "
            "once by the client."
        )
    if operation_of(configured) is not None:
        return (
            f"The configured endpoint ({safe_url(configured.raw)}) already ends with the "
            "operation path, and the client appends it again."
        )
    if "double-slash" in found and configured.raw.endswith("/"):
        return (
            f"The configured endpoint ({safe_url(configured.raw)}) ends with '/', and the client "
            "adds its own '/' before the path."
        )
    return (
        f"The configured endpoint ({safe_url(configured.raw)}) already contains a path segment "
        "the client adds itself."
    )


def _doubled(ctx: RuleContext) -> Finding | None:
    info = ctx.request or ctx.configured
    if info is None:
        return None
    found = [name for name in info.anomalies if name in _DOUBLINGS]
    if not found:
        return None
    names = [_DOUBLINGS[name] for name in found]
    shapes = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return RULE.finding(
        f"The request path contains {shapes}, which no service route has, so the service "
        f"answers 404. {_cause(ctx, found)}",
        score=STRONG + 2,
        evidence=(
            Evidence("request URL", safe_url(info.raw), expected=_corrected_url(info)),
            Evidence("configured endpoint", safe_url(ctx.configured.raw))
            if ctx.configured is not None
            else None,
            ctx.message_evidence(),
        ),
        fix=(
            _endpoint_fix(ctx, found),
            f"the request should go to {_corrected_url(info)}",
        ),
    )


def _operation_in_endpoint(ctx: RuleContext) -> Finding | None:
    configured = ctx.configured
    if configured is None or ctx.client == "http":
        return None
    operation = operation_of(configured)
    if operation is None:
        return None
    wanted = suggested_endpoint(ctx.client, ctx.site, deployment=ctx.deployment)
    return RULE.finding(
        f"The configured endpoint is a full operation URL (it ends with '/{operation}'). "
        "SDK clients take the base URL and append the operation themselves.",
        score=STRONG,
        evidence=(Evidence("configured endpoint", safe_url(configured.raw), expected=wanted),),
        fix=(f"configure the endpoint as {wanted}",),
    )


def _no_deployment_segment(ctx: RuleContext) -> Finding | None:
    request = ctx.request
    if request is None or "no-deployment-segment" not in request.anomalies:
        return None
    if ctx.client in ("azure-ai-inference", "openai.OpenAI"):
        return None  # their endpoint shapes are client-endpoint-mismatch's business
    name = ctx.facts.model or "<deployment>"
    operation = operation_of(request) or "chat/completions"
    return RULE.finding(
        f"The request went to {request.path}, a path without '/openai/deployments/<name>/'. "
        "Azure OpenAI serves the dated API only under a deployment, and the v1 API under "
        "'/openai/v1/'; a bare operation path is the OpenAI platform's shape.",
        score=LIKELY + 5,
        evidence=(Evidence("request URL", safe_url(request.raw)), ctx.message_evidence()),
        fix=(
            f"{request.origin}/openai/deployments/{name}/{operation}"
            f"?api-version={DEFAULT_API_VERSION}",
            f"or the v1 API: {request.origin}/openai/v1/{operation} with the deployment name "
            "as 'model' in the body",
        ),
    )


def _missing_project(ctx: RuleContext) -> Finding | None:
    if not ctx.says(Meaning.PROJECT_MISSING):
        return None
    project = next(
        (info.project for info in (ctx.request, ctx.configured) if info and info.project), None
    )
    return RULE.finding(
        f"The project named in the endpoint ({project or 'unknown'}) does not exist on this "
        "resource. Project endpoints carry the project's name exactly as it was created.",
        score=CERTAIN - 5,
        evidence=(Evidence("project", project) if project else None, ctx.message_evidence()),
        fix=(
            "copy the project endpoint from the project's overview page in the Foundry portal "
            "(https://<resource>.services.ai.azure.com/api/projects/<project>)",
        ),
    )


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (400, 404):
        return None
    if ctx.names_other_cause(Meaning.PROJECT_MISSING):
        return None
    return (
        _missing_project(ctx)
        or _doubled(ctx)
        or _operation_in_endpoint(ctx)
        or _no_deployment_segment(ctx)
    )


def static(ctx: RuleContext) -> Finding | None:
    """The configured endpoint already holds what the client appends."""
    return _doubled(ctx) or _operation_in_endpoint(ctx)


RULE = Rule(
    code="FD201",
    slug="endpoint-path-wrong",
    title="The URL's path is not one the service has",
    meaning=(
        "The service answers 404 for any path it does not serve, and a malformed path is the "
        "usual reason: a trailing slash that turns into '//', '/openai' or '/v1' once in the "
        "configured endpoint and once more from the client, a full operation URL given as the "
        "base URL, an operation called without '/openai/deployments/<name>', or a project name "
        "that does not exist."
    ),
    detection=(
        "The request URL's path: empty segments, doubled '/openai', '/v1', '/deployments', "
        "'/models' or operation segments, an operation path in the configured endpoint, a "
        "deployment-style operation without a deployment segment; a message saying the project "
        "does not exist."
    ),
    remedy=(
        "Configure the base endpoint the client expects (no trailing slash, no path the client "
        "adds itself, no operation); the fix shows the corrected URL."
    ),
    example=(
        "AzureOpenAI(azure_endpoint='https://myres.openai.azure.com/openai') requests "
        "/openai/openai/deployments/... -> 404 'Resource not found'."
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/reference",
    static=static,
)
