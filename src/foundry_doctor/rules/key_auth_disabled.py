"""FD300 key-auth-disabled: the resource accepts Entra ID only."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.knowledge.roles import least_privileged
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_line, role_assignment_lines, scope_statement
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    if not ctx.says(Meaning.KEY_AUTH_DISABLED):
        return None
    resource = ctx.resource or "the resource"
    family = ctx.model_family
    role = least_privileged(
        "openai-models" if family is None or family.publisher == "openai" else "any-model"
    )
    explanation = (
        f"Key authentication is turned off on {resource} (its 'disableLocalAuth' setting, "
        "often enforced by an Azure Policy), so any API key is refused however valid it is. "
        "Only Entra ID tokens are accepted."
    )
    statement = scope_statement(ctx)
    if statement:
        explanation += " " + statement
    return RULE.finding(
        explanation,
        tier=Tier.CERTAIN,
        evidence=(
            Evidence("api-key header", "sent") if ctx.api_key_sent else None,
            ctx.message_evidence(),
        ),
        fix=(
            "switch to Entra ID: " + client_line(ctx, auth="token"),
            "give the calling identity a data-plane role: "
            + role_assignment_lines(ctx, role)[0],
            "only if policy allows keys again: az resource update --ids <resource id> "
            "--set properties.disableLocalAuth=false",
        ),
        actions=(actions.USE_ENTRA, actions.ROLE_ASSIGNMENT),
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
        "Authenticate with Entra ID (a token for https://ai.azure.com/.default or "
        "https://cognitiveservices.azure.com/.default, and a data-plane role such as Cognitive "
        "Services OpenAI User or Foundry User), or re-enable local auth where policy allows."
    ),
    example=(
        "AzureOpenAI(api_key=...) against a resource created with disableLocalAuth=true -> "
        "403 'Key based authentication is disabled for this resource.'"
    ),
    detect=detect,
    claims=claims(401, 403, meanings=(Meaning.KEY_AUTH_DISABLED,)),
    docs_url="https://learn.microsoft.com/azure/ai-services/disable-local-auth",
)
