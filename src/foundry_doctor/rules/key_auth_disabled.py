"""FD300 key-auth-disabled: the resource accepts Entra ID only."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import cognitive_audience
from foundry_doctor.rules.base import CERTAIN, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import (
    resource_id_argument,
    role_assignment_lines,
    scope_of,
    token_client_line,
)
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (401, 403) or not ctx.says(Meaning.KEY_AUTH_DISABLED):
        return None
    audiences = ctx.accepted_audiences()
    scope = scope_of(audiences[0] if audiences else cognitive_audience("public"))
    resource = ctx.resource or "the resource"
    return RULE.finding(
        f"Key authentication is turned off on {resource} (its 'disableLocalAuth' setting, "
        "often enforced by an Azure Policy), so any API key is refused however valid it is. "
        "Only Entra ID tokens are accepted.",
        score=CERTAIN,
        evidence=(
            Evidence("api-key header", "sent") if ctx.api_key_sent else None,
            ctx.message_evidence(),
        ),
        fix=(
            "switch to Entra ID: " + token_client_line(ctx, scope),
            *role_assignment_lines(ctx, "Cognitive Services User"),
            "only if policy allows keys again: az resource update --ids "
            f"{resource_id_argument(ctx)} --set properties.disableLocalAuth=false",
        ),
    )


RULE = Rule(
    code="FD300",
    slug="key-auth-disabled",
    title="Key authentication is disabled on the resource",
    meaning=(
        "A resource can refuse API keys altogether (disableLocalAuth), which organisations "
        "often enforce by policy. Every key-authenticated call then fails with 403, and only "
        "Entra ID works."
    ),
    detection="A 403 with code AuthenticationTypeDisabled or a message saying key-based "
    "(local) authentication is disabled.",
    remedy=(
        "Authenticate with Entra ID (a token for https://cognitiveservices.azure.com/.default "
        "plus the 'Cognitive Services User' role), or re-enable local auth where policy allows."
    ),
    example=(
        "AzureOpenAI(api_key=...) against a resource created with disableLocalAuth=true -> "
        "403 'Key based authentication is disabled for this resource.'"
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-services/disable-local-auth",
)
