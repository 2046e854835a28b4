"""The exact lines a fix consists of, built from the facts of one call and the knowledge tables.

Rules share these so that every diagnosis says the same thing the same way: the construction
of *this* client kind (from its :class:`~foundry_doctor.knowledge.clients.ClientSpec`) with the
right endpoint and token scope, the scope that is right for *this* endpoint, the
``az role assignment create`` line for *this* principal on *this* resource with the role named
by its ID. Unknown parts become placeholders in angle brackets that say what belongs there.
"""

from __future__ import annotations

from typing import Literal

from foundry_doctor.facts.endpoints import EndpointInfo, normalize_audience
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.knowledge import api_versions
from foundry_doctor.knowledge.clients import ClientSpec, client_spec, expected_endpoint
from foundry_doctor.knowledge.hosts import cloud_spec
from foundry_doctor.knowledge.roles import Role
from foundry_doctor.knowledge.routes import AI_AUDIENCE
from foundry_doctor.rules.context import RuleContext

__all__ = [
    "DEFAULT_API_VERSION",
    "header_label",
    "client_endpoint",
    "client_line",
    "intended_url",
    "principal_argument",
    "recommended_audience",
    "resource_label",
    "role_assignment_lines",
    "scope_of",
    "scope_statement",
]

#: The newest generally available api-version of the dated Azure OpenAI data-plane API.
DEFAULT_API_VERSION = api_versions.LATEST_DATED_STABLE

Auth = Literal["token", "key"]

_HEADER_LABELS = {
    "api-key": "'api-key: <key>'",
    "x-api-key": "'x-api-key: <key>'",
    "authorization": "'Authorization: Bearer <key>'",
    "ocp-apim-subscription-key": "'Ocp-Apim-Subscription-Key: <key>'",
}


def header_label(name: str) -> str:
    """A key header as it goes out on the wire, ``'api-key: <key>'``."""
    return _HEADER_LABELS.get(name, f"'{name}'")


def scope_of(audience: str) -> str:
    """The ``/.default`` scope that yields a token for ``audience``."""
    return audience.rstrip("/") + "/.default"


def resource_label(ctx: RuleContext) -> str:
    """The resource's name, or a placeholder."""
    return ctx.resource or "<your Foundry / Azure OpenAI resource>"


def recommended_audience(ctx: RuleContext) -> str:
    """The audience to ask for on this endpoint: ``https://ai.azure.com`` where it is accepted
    and the resource is known to be a Foundry one (a ``services.ai.azure.com`` host, a project
    route, or the service's own answer listing it); otherwise the Cognitive Services audience
    of the resource's cloud, which every account route takes."""
    accepted = ctx.accepted_audiences()
    cognitive = cloud_spec(ctx.cloud).cognitive_audience
    if not accepted:
        return cognitive
    if AI_AUDIENCE in accepted and (
        len(accepted) == 1 or ctx.family == "foundry" or bool(ctx.body_audiences)
    ):
        return AI_AUDIENCE
    return cognitive if cognitive in accepted else accepted[0]


def scope_statement(ctx: RuleContext) -> str:
    """What is true of scopes for this endpoint beyond the list of audiences, in one sentence:
    which one Microsoft recommends where both are taken, or that only ai.azure.com is."""
    accepted = ctx.accepted_audiences()
    if accepted == (AI_AUDIENCE,):
        return "Project, agent and application endpoints take only https://ai.azure.com tokens."
    if AI_AUDIENCE not in accepted or len(accepted) < 2:
        return ""
    if recommended_audience(ctx) == AI_AUDIENCE:
        return (
            "Both work here; https://ai.azure.com/.default is the scope Microsoft now recommends."
        )
    return (
        "https://ai.azure.com/.default is the scope Microsoft now recommends for Foundry "
        "resources; the Cognitive Services scope works on every resource."
    )


def client_endpoint(ctx: RuleContext, spec: ClientSpec | None = None) -> str:
    """The endpoint to put in a client construction: the configured one when it has the shape
    the client expects and nothing wrong with it, else the one the client expects for this
    resource."""
    spec = spec or ctx.spec
    configured = ctx.configured
    if configured is not None and spec.kind == ctx.client and _fits(configured, spec):
        return safe_url(configured.url)
    return expected_endpoint(
        spec,
        ctx.resource,
        ctx.cloud,
        deployment=ctx.deployment,
        project=ctx.project if spec.endpoint_shape in ("project", "v1-base") else None,
        prefer_deployment=ctx.on("dated-deployment"),
    )


def _fits(configured: EndpointInfo, spec: ClientSpec) -> bool:
    """Whether a configured endpoint has the shape ``spec``'s client expects."""
    found = configured.match
    if any(item.about_path and item.kind != "missing-operation" for item in found.differences):
        return False
    surface = found.surface.name if found.surface is not None else None
    shape = spec.endpoint_shape
    if shape == "resource":
        return surface is None and configured.is_azure_resource
    if shape == "v1-base":
        return found.base_only and surface in ("v1", "project-v1")
    if shape == "models-base":
        return found.base_only and surface in ("models-api", "dated-deployment")
    if shape == "project":
        return found.base_only and surface == "project"
    if shape == "anthropic-base":
        return configured.path.strip("/").lower() in ("anthropic", "anthropic/v1")
    return True


def client_line(
    ctx: RuleContext,
    *,
    auth: Auth = "token",
    scope: str | None = None,
    spec: ClientSpec | None = None,
    endpoint: str | None = None,
) -> str:
    """How to construct this client kind (or ``spec``'s) for this resource, authenticating
    with a token for ``scope`` (the recommended one by default) or with a key."""
    spec = spec or ctx.spec
    endpoint = endpoint or client_endpoint(ctx, spec)
    scope = scope or scope_of(recommended_audience(ctx))
    if not spec.endpoint_argument:
        return _http_line(ctx, auth, scope, endpoint)
    arguments = [f'{spec.endpoint_argument}="{endpoint}"']
    if auth == "key" and spec.key_argument:
        arguments.append(spec.key_argument)
    else:
        arguments.append(spec.token_argument.format(scope=scope))
    if spec.version_argument:
        version = ctx.api_version if _served_dated(ctx.api_version) else DEFAULT_API_VERSION
        arguments.append(spec.version_argument.format(version=version))
    line = f"{spec.name}({', '.join(arguments)})"
    if spec.kind == "azure-ai-projects" and scope_of(AI_AUDIENCE) != scope:
        line += f"  # requests {scope_of(AI_AUDIENCE)} by itself"
    return line


def _served_dated(version: str | None) -> bool:
    return api_versions.classify(version) in ("dated-stable", "dated-preview")


def _http_line(ctx: RuleContext, auth: Auth, scope: str, endpoint: str) -> str:
    if auth == "key":
        header = ctx.site.host_family.key_headers[0] if ctx.site is not None else "api-key"
        if header == "authorization":
            return "send the key as 'Authorization: Bearer <key>'"
        return f"send the key in an '{header}: <key>' header"
    return (
        f'send "Authorization: Bearer <token>" with a token for {scope}: in Python '
        f'DefaultAzureCredential().get_token("{scope}").token on each call (or '
        f'get_bearer_token_provider(DefaultAzureCredential(), "{scope}")), from a shell '
        f"az account get-access-token --scope {scope} --query accessToken -o tsv"
    )


def intended_url(ctx: RuleContext) -> str | None:
    """The URL the request would have had without the differences from its nearest route."""
    info = ctx.request
    if info is None or info.match.intended is None:
        return None
    return f"{info.origin}{info.match.intended}"


def principal_argument(ctx: RuleContext) -> str:
    """The principal's object id for ``--assignee-object-id``, or a placeholder."""
    principal = ctx.principal_id
    if principal and not principal.startswith("<"):
        return principal
    return "<object id of the calling identity>"


def _principal_type(ctx: RuleContext) -> str:
    claims = ctx.claims
    if claims is not None and claims.idtyp:
        return "ServicePrincipal" if claims.idtyp.lower() == "app" else "User"
    if ctx.principal_is_app:
        return "ServicePrincipal"
    if claims is not None and claims.scp:
        return "User"
    return "<User|ServicePrincipal>"


def _account_scope(ctx: RuleContext) -> str:
    if ctx.resource:
        return (
            f"$(az cognitiveservices account list --query \"[?name=='{ctx.resource}'].id\" -o tsv)"
        )
    return "<resource id of your Foundry resource>"


def role_assignment_lines(ctx: RuleContext, role: Role, *, on_project: bool = False) -> list[str]:
    """The role assignment command for this principal on this resource (or project), the role
    named by its ID with its names in a comment, and how to find the principal when neither
    the token nor the message said."""
    scope = _account_scope(ctx)
    if on_project:
        scope = f'"{scope}/projects/{ctx.project or "<project>"}"'
    lines = [
        f"az role assignment create --assignee-object-id {principal_argument(ctx)} "
        f"--assignee-principal-type {_principal_type(ctx)} --role {role.id} --scope {scope}"
        f"  # {role.label}"
    ]
    if principal_argument(ctx).startswith("<"):
        lines.append(
            "the calling identity's object id: for you, az ad signed-in-user show --query id "
            "-o tsv; for an app or managed identity, az ad sp show --id <client id> --query id "
            "-o tsv"
        )
    return lines


def audience_label(audience: str) -> str:
    """An audience as the service writes it, normalised."""
    return normalize_audience(audience)
