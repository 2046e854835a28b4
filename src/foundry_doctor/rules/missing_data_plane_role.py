"""FD106 missing-data-plane-role: authenticated, but the identity has no data-plane role."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.rules.base import CERTAIN, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import principal_argument, resource_label, role_assignment_lines
from foundry_doctor.rules.meaning import Meaning, data_action_in, operation_in
from foundry_doctor.rules.model_names import is_non_openai_model

USER_ROLE = "Cognitive Services User"
PROJECT_ROLE = "Azure AI User"
OPENAI_ONLY_ROLE = "Cognitive Services OpenAI User"


def _needs_project_role(ctx: RuleContext, action: str | None) -> bool:
    if action and "/aiservices/" in action.lower():
        return True
    return any(
        info is not None and info.route == "project" for info in (ctx.request, ctx.configured)
    )


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (401, 403) or not ctx.says(Meaning.PERMISSION_DENIED):
        return None
    if ctx.says(Meaning.KEY_AUTH_DISABLED, Meaning.NETWORK_DENIED, Meaning.TENANT_MISMATCH):
        return None
    message = ctx.body.message
    action = data_action_in(message)
    operation = operation_in(message)
    project = _needs_project_role(ctx, action)
    role = PROJECT_ROLE if project else USER_ROLE
    model = ctx.deployment if ctx.route != "models" else ctx.facts.model or ctx.deployment
    non_openai = is_non_openai_model(model)
    resource = resource_label(ctx)
    explanation = (
        "The call was authenticated - the token was accepted - but the identity holds no role "
        f"that allows this data-plane operation on {resource}. "
    )
    if project:
        explanation += (
            f"Foundry project endpoints need '{PROJECT_ROLE}' (or a role with the same data "
            "actions). "
        )
    else:
        explanation += (
            f"Calling models with Entra ID needs '{USER_ROLE}' on the resource. "
            f"'{OPENAI_ONLY_ROLE}' covers OpenAI models only. "
        )
    if non_openai:
        explanation += (
            f"{model} is not an OpenAI model, so '{OPENAI_ONLY_ROLE}' is not enough for it. "
        )
    explanation += (
        "Owner and Contributor manage the resource but grant no data-plane access, so having "
        "them does not help. A new assignment takes effect after a few minutes."
    )
    who = ctx.identity_label()
    fix = role_assignment_lines(ctx, role)
    fix.append("wait about 5 minutes after the assignment before calling again")
    fix.append(
        f"check: az role assignment list --assignee {principal_argument(ctx)} --all -o table "
        "(or in the portal: the resource > Access control (IAM) > Check access)"
    )
    return RULE.finding(
        explanation,
        score=CERTAIN,
        evidence=(
            Evidence("principal (object id)", ctx.principal_id) if ctx.principal_id else None,
            Evidence("signed in as", who) if who else None,
            Evidence("missing data action", action) if action else None,
            Evidence("operation", operation) if operation else None,
            Evidence("model", model) if model and non_openai else None,
            Evidence("token audience", ctx.claims.aud)
            if ctx.claims is not None and ctx.claims.aud
            else None,
            ctx.message_evidence(),
        ),
        fix=fix,
    )


RULE = Rule(
    code="FD106",
    slug="missing-data-plane-role",
    title="The identity has no data-plane role on the resource",
    meaning=(
        "Entra ID sign-in worked, but calling models is a data-plane action that needs its own "
        "role on the Foundry resource: 'Cognitive Services User' (all models), or 'Azure AI "
        "User' for project endpoints. 'Cognitive Services OpenAI User' covers OpenAI models "
        "only. Owner, Contributor and other control-plane roles grant no data-plane access. "
        "Assignments take a few minutes to apply."
    ),
    detection=(
        "A 401 (or 403) with code PermissionDenied, or a message saying the principal does not "
        "have access or lacks a required data action."
    ),
    remedy=(
        'az role assignment create --assignee <object id> --role "Cognitive Services User" '
        '--scope <resource id> ("Azure AI User" for project endpoints), then wait ~5 minutes.'
    ),
    example=(
        "A developer with Contributor on the resource calls it with DefaultAzureCredential -> "
        "401 'Principal does not have access to API/Operation.'"
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/concepts/rbac-azure-ai-foundry",
)
