"""FD200 client-endpoint-mismatch: the endpoint is of a shape this client cannot use.

Each client builds its URLs its own way (:mod:`foundry_doctor.knowledge.clients`), so it needs
its own kind of endpoint; given another kind, it builds a URL of a route that does not exist, or
of a route another client is meant for. Also here: an Azure OpenAI route requested from a host
that does not serve it (serverless, managed compute), and OpenAI's own platform answering a key
meant for Azure.
"""

from __future__ import annotations

from typing import Literal

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.facts.endpoints import EndpointInfo
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.knowledge import api_versions
from foundry_doctor.knowledge.clients import build_url, client_spec, expected_endpoint
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import DEFAULT_API_VERSION, client_line
from foundry_doctor.rules.meaning import Meaning

#: what AzureOpenAI requests when given the v1 base URL as azure_endpoint (it appends /openai)
_V1_AS_AZURE_ENDPOINT = "/openai/v1/openai/"
_SINGLE_MODEL_FAMILIES = frozenset({"serverless", "managed-compute", "github-models"})
_PROJECT_SURFACES = frozenset(
    {"project", "project-v1", "project-dated", "agent-endpoint", "agent-application"}
)


def _why(ctx: RuleContext, endpoint: EndpointInfo) -> tuple[str, Tier] | None:
    """Why this client cannot use this endpoint, and how sure that is."""
    surface = endpoint.match.surface
    name = surface.name if surface is not None else None
    if ctx.client == "openai.AzureOpenAI":
        if name == "v1":
            return _azure_openai_on_v1(ctx)
        if _v1_version(ctx):
            sure = Tier.CERTAIN if ctx.status == 400 else Tier.STRONG
            return (
                "The api-version 'v1' / 'preview' belongs to the v1 API (base URL "
                ".../openai/v1/), but this AzureOpenAI client calls the dated routes "
                "(/openai/deployments/<model>/...), which take dated api-versions only.",
                sure,
            )
        if name == "models-api":
            return (
                "AzureOpenAI appends /openai/deployments/<model>/... to the endpoint it is given, "
                "so with a '/models' endpoint (the retired Model Inference API's) it builds a "
                "path the service does not have. It wants the bare resource URL.",
                Tier.STRONG,
            )
        if name in _PROJECT_SURFACES:
            return (
                "AzureOpenAI appends /openai/deployments/<model>/... to the endpoint it is given; "
                "a Foundry project endpoint has no such route. Give AzureOpenAI the resource URL, "
                "or call the project's OpenAI-compatible API with the OpenAI class "
                "(base_url=<project endpoint>/openai/v1).",
                Tier.STRONG,
            )
        if name == "anthropic":
            return (
                "AzureOpenAI builds Azure OpenAI routes; the /anthropic base URL is Claude's, "
                "for the Anthropic SDK (AnthropicFoundry).",
                Tier.STRONG,
            )
        return None
    if ctx.client == "openai.OpenAI":
        if name in client_spec("openai.OpenAI").surfaces:
            return None
        if name is None and not endpoint.is_azure_resource:
            return None
        if endpoint.family in _SINGLE_MODEL_FAMILIES or endpoint.family not in (
            "azure-openai",
            "foundry",
            "cognitive-services",
            "apim",
        ):
            return None
        return (
            "The OpenAI class posts to <base_url>/<operation> with the key as a bearer token "
            "and no api-version. On an Azure resource only the v1 API takes requests of that "
            "shape (base URL .../openai/v1/); a resource root, deployment, /openai or /models "
            "URL does not (those are AzureOpenAI's and azure-ai-inference's).",
            Tier.STRONG,
        )
    if ctx.client == "azure-ai-inference":
        if name in ("models-api", "dated-deployment", "serverless", "managed-compute"):
            return None
        if endpoint.family in _SINGLE_MODEL_FAMILIES:
            return None
        if endpoint.is_azure_resource or name is not None:
            return (
                "azure-ai-inference appends only the operation (/chat/completions) to its "
                "endpoint, so the endpoint must already name the route: "
                "https://<resource>.services.ai.azure.com/models (the retired Model Inference "
                "API), or https://<resource>.openai.azure.com/openai/deployments/<deployment> "
                "for one Azure OpenAI deployment.",
                Tier.STRONG,
            )
        return None
    if ctx.client == "azure-ai-projects":
        if name == "project" and endpoint.match.base_only:
            return None
        return (
            "AIProjectClient works on a Foundry project endpoint, "
            "https://<resource>.services.ai.azure.com/api/projects/<project>, not on a resource "
            "or model endpoint.",
            Tier.STRONG,
        )
    return None


def _azure_openai_on_v1(ctx: RuleContext) -> tuple[str, Tier] | None:
    """AzureOpenAI given the v1 base URL: a working set-up for the operations it does not route
    through a deployment (the Responses API with api_version="preview", agent-framework's
    default), not for those it does, nor with a dated api-version (``OPENAI_AZURE_PATHS``)."""
    request = ctx.request
    if request is not None and _V1_AS_AZURE_ENDPOINT in request.path:
        return (
            "AzureOpenAI appends '/openai/...' to its azure_endpoint, so given the v1 base URL "
            "(.../openai/v1/) as azure_endpoint it calls a path below it that does not exist. "
            "Give AzureOpenAI the resource URL as azure_endpoint, or the v1 URL as base_url= "
            "(for the Responses API), or use the plain OpenAI class on the v1 URL.",
            Tier.CERTAIN,  # the request path shows it: /openai/v1/openai/...
        )
    match = request.match if request is not None and ctx.on("v1") else None
    if match is not None and match.has("mixed-families"):
        return (
            "AzureOpenAI puts '/deployments/<model>' in front of chat/completions, embeddings, "
            "completions, audio and images calls when its base URL has none, so on the v1 base "
            "URL (.../openai/v1/) it calls .../openai/v1/deployments/<model>/..., a path the v1 "
            "API does not have. Other calls (the Responses API) work on that base URL; for "
            "these, use the plain OpenAI class on it, or AzureOpenAI on the resource URL.",
            Tier.CERTAIN if ctx.status == 404 else Tier.STRONG,
        )
    version = match.api_version if match is not None else ctx.api_version
    if api_versions.classify(version) in ("v1", "preview", "latest", "absent"):
        return None  # what AzureOpenAI sends there is a request the v1 API serves
    return (
        f"AzureOpenAI sends its api_version on every request, and the v1 API (base URL "
        f".../openai/v1/) takes only 'v1' or 'preview' there, not {version!r}.",
        Tier.CERTAIN if ctx.status == 400 else Tier.STRONG,
    )


def _v1_fix(ctx: RuleContext) -> list[str]:
    """The fix for AzureOpenAI on the v1 base URL: the plain OpenAI class there, or the same
    base URL with a v1 api-version (the Responses API), or the dated routes."""
    openai_spec = client_spec("openai.OpenAI")
    v1 = expected_endpoint(openai_spec, ctx.resource, ctx.cloud)
    resource = expected_endpoint(ctx.spec, ctx.resource, ctx.cloud)
    auth = _auth(ctx)
    return [
        client_line(ctx, spec=openai_spec, endpoint=v1, auth=auth) + ' - then model="<deployment>"',
        f'or, for the Responses API: AzureOpenAI(base_url="{v1}", api_version="preview", ...)',
        "or AzureOpenAI on the resource URL: " + client_line(ctx, endpoint=resource, auth=auth),
    ]


def _v1_version(ctx: RuleContext) -> bool:
    """An AzureOpenAI client configured with a v1 api-version (``preview``, ``v1``): it was
    meant for the v1 API, which it cannot call."""
    return api_versions.classify(ctx.api_version) in ("v1", "preview") and ctx.on(
        "dated-deployment", "dated-resource"
    )


def _client_shape(ctx: RuleContext) -> Finding | None:
    if ctx.host_kind != "azure":
        return None
    endpoint = ctx.configured
    if endpoint is None:
        if ctx.client != "openai.OpenAI" or ctx.request is None:
            return None  # a request URL alone does not show what the client was given
        endpoint = ctx.request
    found = _why(ctx, endpoint)
    if found is None:
        return None
    why, tier = found
    spec = ctx.spec
    wanted = expected_endpoint(
        spec,
        ctx.resource,
        ctx.cloud,
        deployment=ctx.deployment,
        project=ctx.project if ctx.on_project else None,
    )
    lines = []
    if ctx.client == "azure-ai-inference":
        lines.append(_migration_line(ctx))
    if (
        ctx.client == "openai.AzureOpenAI"
        and endpoint.match.surface is not None
        and (endpoint.match.surface.name == "v1")
    ):
        lines.extend(_v1_fix(ctx))
    else:
        lines.append(client_line(ctx, endpoint=wanted, auth=_auth(ctx)))
        operation = "chat/completions" if ctx.client != "azure-ai-projects" else ""
        url = build_url(spec, wanted, operation, deployment=ctx.deployment) if operation else None
        if url and ctx.client != "azure-ai-inference":
            lines.append(f"it then calls {url.replace('<api-version>', DEFAULT_API_VERSION)}")
    acted = {actions.ENDPOINT}
    if ctx.client == "azure-ai-inference":
        acted |= {actions.migrate("models-api"), actions.migrate("azure-ai-inference")}
    return RULE.finding(
        why,
        tier=tier,
        evidence=(
            Evidence("client", spec.name),
            Evidence("endpoint", safe_url(endpoint.url), expected=wanted),
            Evidence("request URL", safe_url(ctx.request.url)) if ctx.request else None,
            ctx.message_evidence(),
        ),
        fix=lines,
        actions=acted,
    )


def _auth(ctx: RuleContext) -> Literal["token", "key"]:
    if ctx.credential == "api-key" or (
        ctx.auth_known and ctx.auth.key_headers and ctx.bearer != "jwt"
    ):
        return "key"
    return "token"


def _migration_line(ctx: RuleContext) -> str:
    from foundry_doctor.knowledge.retirements import retirement  # when first needed

    retired = retirement("models-api")
    v1 = expected_endpoint(client_spec("openai.OpenAI"), ctx.resource, ctx.cloud)
    return (
        f"azure-ai-inference was retired {retirement('azure-ai-inference').when()} and the "
        f'/models API {retired.when()}: use OpenAI(base_url="{v1}", api_key=...) with '
        'model="<deployment name>" instead'
    )


def _openai_platform(ctx: RuleContext) -> Finding | None:
    if not ctx.openai_platform or ctx.status not in (None, 401):
        return None
    sent = (ctx.auth_known and not ctx.sent_nothing) or (
        not ctx.auth_known
        and (ctx.credential in ("api-key", "token") or ctx.says(Meaning.KEY_REJECTED))
    )
    if not sent or not (ctx.says(Meaning.KEY_REJECTED) or ctx.body_is_silent):
        return None
    resource = ctx.resource or "<resource>"
    return RULE.finding(
        "The request went to OpenAI's own platform (api.openai.com), not to an Azure resource, "
        "and OpenAI refused the key. An Azure OpenAI / Foundry key is only valid on the Azure "
        "resource that issued it: the client was left on its default OpenAI endpoint instead "
        "of being pointed at Azure.",
        tier=Tier.STRONG,
        evidence=(
            Evidence("endpoint host", "api.openai.com", expected="<resource>.openai.azure.com")
            if ctx.family == "openai-platform"
            else Evidence(
                "answered by",
                "OpenAI's platform (its message points to platform.openai.com)",
                expected="the Azure resource",
            ),
            ctx.message_evidence(),
        ),
        fix=(
            f'OpenAI(base_url="https://{resource}.openai.azure.com/openai/v1/", api_key=...)',
            f'or AzureOpenAI(azure_endpoint="https://{resource}.openai.azure.com", '
            f'api_version="{DEFAULT_API_VERSION}", api_key=...)',
            "in other tools: choose the Azure OpenAI provider and give it the resource's "
            "endpoint and deployment name",
        ),
        actions=(actions.ENDPOINT,),
    )


def _route_of_other_host(ctx: RuleContext) -> Finding | None:
    request = ctx.request
    if request is None or not request.match.has("other-host-route"):
        return None
    if request.family not in _SINGLE_MODEL_FAMILIES:
        return None
    route = request.match.surface.template if request.match.surface is not None else request.path
    return RULE.finding(
        f"The client called an Azure OpenAI route ({route}) on a {request.family} endpoint "
        f"({request.host}). Those endpoints serve one model through an OpenAI-compatible API "
        "of their own (/chat/completions, with the key as a bearer token); they have no "
        "/openai/deployments routes. The client was set up for Azure OpenAI while the model "
        "is deployed elsewhere.",
        tier=Tier.STRONG,
        evidence=(
            Evidence("endpoint family", request.family, expected="azure-openai"),
            Evidence("request URL", safe_url(request.url)),
            ctx.message_evidence(),
        ),
        fix=(
            f'OpenAI(base_url="https://{request.host}", api_key=<the endpoint key>) - it posts '
            "to /chat/completions with 'Authorization: Bearer <key>'",
            "in other tools: choose the OpenAI-compatible (not the Azure OpenAI) provider for "
            "this endpoint",
        ),
        actions=(actions.ENDPOINT,),
    )


def detect(ctx: RuleContext) -> Finding | None:
    return _openai_platform(ctx) or _route_of_other_host(ctx) or _client_shape(ctx)


def static(ctx: RuleContext) -> Finding | None:
    """The configured endpoint does not suit the client; or it is not an Azure endpoint."""
    found = _client_shape(ctx)
    if found is not None or ctx.configured is None or ctx.host_kind != "other":
        return found
    host = ctx.configured.host
    return RULE.finding(
        f"{host} is not an Azure AI endpoint"
        + (" (it is OpenAI's own platform)" if ctx.family == "openai-platform" else "")
        + ", so there is no Azure configuration to check. If the client is meant to call Azure, "
        "give it the resource's endpoint.",
        tier=Tier.POSSIBLE,
        title="The endpoint is not an Azure AI endpoint",
        evidence=(Evidence("endpoint host", host, expected="<resource>.openai.azure.com"),),
        fix=(client_line(ctx, endpoint=expected_endpoint(ctx.spec, None), auth=_auth(ctx)),),
        actions=(actions.ENDPOINT,),
    )


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
        "The configured endpoint's route (matched against the service tables) against the "
        "endpoint shape the client kind expects; an Azure OpenAI route requested from a "
        "serverless, managed-compute or GitHub Models host; a key refused by api.openai.com "
        "(known from the host, or from a message that is the platform's own)."
    ),
    remedy="Give the client the endpoint of its own shape for the resource (shown in the fix).",
    example=(
        "AzureOpenAI(azure_endpoint='https://myres.services.ai.azure.com/models', ...) -> 404 "
        "for .../models/openai/deployments/gpt-4o/chat/completions."
    ),
    detect=detect,
    claims=claims(
        400,
        401,
        403,
        404,
        meanings=(
            Meaning.KEY_REJECTED,
            Meaning.API_VERSION_REJECTED,
            Meaning.V1_VERSION_FORBIDDEN,
            Meaning.AUTHORIZATION_HEADER_REQUIRED,
        ),
    ),
    supersedes=frozenset(
        {"endpoint-path-wrong", "api-version-unsupported", "non-openai-model-on-azure-openai"}
    ),
    azure_only=False,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/foundry-models/concepts/endpoints",
    static=static,
)
