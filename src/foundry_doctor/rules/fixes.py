"""The exact lines a fix consists of, built from the facts of one call.

Rules share these so that every diagnosis says the same thing the same way: the client
construction with the right token scope for *this* client kind, the ``az role assignment create``
line for *this* principal on *this* resource, the endpoint *this* SDK wants for the resource.
Unknown parts become placeholders in angle brackets that say what belongs there.
"""

from __future__ import annotations

from foundry_doctor.facts.endpoints import suggested_endpoint
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.rules.context import RuleContext

__all__ = [
    "DEFAULT_API_VERSION",
    "client_endpoint",
    "principal_argument",
    "resource_id_argument",
    "resource_label",
    "role_assignment_lines",
    "scope_of",
    "token_client_line",
]

#: The newest generally available api-version of the dated Azure OpenAI data-plane API.
DEFAULT_API_VERSION = "2024-10-21"


def scope_of(audience: str) -> str:
    """The ``/.default`` scope that yields a token for ``audience``."""
    return audience.rstrip("/") + "/.default"


def resource_label(ctx: RuleContext) -> str:
    """The resource's name, or a placeholder."""
    return ctx.resource or "<your Foundry / Azure OpenAI resource>"


def client_endpoint(ctx: RuleContext) -> str:
    """The endpoint to put in a client construction: the configured one when it fits the
    client, else the one the client expects for this resource."""
    configured = ctx.configured
    if configured is not None and not configured.anomalies and not configured.operation:
        return safe_url(configured.raw)
    return suggested_endpoint(ctx.client, ctx.site, deployment=ctx.deployment)


def token_client_line(ctx: RuleContext, scope: str) -> str:
    """How to make this client kind ask Entra ID for a token with ``scope``."""
    endpoint = client_endpoint(ctx)
    client = ctx.client
    if client == "azure-ai-inference":
        return (
            f'ChatCompletionsClient(endpoint="{endpoint}", credential=DefaultAzureCredential(), '
            f'credential_scopes=["{scope}"])'
        )
    if client == "openai.AzureOpenAI":
        version = ctx.api_version or DEFAULT_API_VERSION
        return (
            f'AzureOpenAI(azure_endpoint="{endpoint}", azure_ad_token_provider='
            f'get_bearer_token_provider(DefaultAzureCredential(), "{scope}"), '
            f'api_version="{version}")'
        )
    if client == "openai.OpenAI":
        return (
            f'OpenAI(base_url="{endpoint}", api_key=get_bearer_token_provider('
            f'DefaultAzureCredential(), "{scope}"))'
        )
    if client == "azure-ai-projects":
        return (
            f'AIProjectClient(endpoint="{endpoint}", credential=DefaultAzureCredential())  '
            f"# requests {scope} by itself"
        )
    if client == "azure-core":
        return f'pass credential_scopes=["{scope}"] when you construct the client'
    return (
        f'send "Authorization: Bearer <token>" with a token for {scope}: in Python '
        f'DefaultAzureCredential().get_token("{scope}").token, from a shell '
        f"az account get-access-token --scope {scope} --query accessToken -o tsv"
    )


def principal_argument(ctx: RuleContext) -> str:
    """What to pass to ``az role assignment create --assignee``."""
    principal = ctx.principal_id
    if principal:
        return principal
    label = ctx.identity_label()
    if label:
        return label
    if ctx.claims is not None and ctx.claims.appid and ctx.principal_is_app:
        return ctx.claims.appid
    return "<object id of the calling identity>"


def resource_id_argument(ctx: RuleContext) -> str:
    """What to pass to ``--scope``: a command that finds the resource id by the resource's
    name, or a placeholder when the name is not known."""
    if ctx.resource:
        return (
            f"$(az cognitiveservices account list --query \"[?name=='{ctx.resource}'].id\" -o tsv)"
        )
    return "<resource id of your Foundry resource>"


def role_assignment_lines(ctx: RuleContext, role: str) -> list[str]:
    """The role assignment command for this principal and resource, with how to find the
    principal when the token did not say."""
    lines = [
        f'az role assignment create --assignee {principal_argument(ctx)} --role "{role}" '
        f"--scope {resource_id_argument(ctx)}"
    ]
    if not ctx.principal_id:
        lines.append(
            "the calling identity's object id: for you, az ad signed-in-user show --query id "
            "-o tsv; for an app or managed identity, az ad sp show --id <client id> --query id "
            "-o tsv"
        )
    return lines
