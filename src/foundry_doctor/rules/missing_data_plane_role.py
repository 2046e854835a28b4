"""FD106 missing-data-plane-role: authenticated, but the identity has no data-plane role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import principal_argument, resource_label, role_assignment_lines
from foundry_doctor.rules.meaning import Meaning, data_action_in, operation_in

if TYPE_CHECKING:
    from foundry_doctor.knowledge.roles import Access


def _access(ctx: RuleContext, action: str | None) -> Access:
    """What the call needed access to: a project (or agent, or application) route, another
    publisher's model, or an OpenAI model on an account route."""
    lowered = (action or "").lower()
    if "/endpoints/interact/" in lowered or ctx.on("agent-endpoint"):
        return "agent-endpoint"
    if "/applications/" in lowered or ctx.on("agent-application"):
        return "application"
    if "/aiservices/" in lowered or ctx.on_project:
        return "project"
    family = ctx.model_family
    if family is not None and family.publisher != "openai":
        return "any-model"
    if "/maas/" in lowered:
        return "any-model"
    return "openai-models"


def detect(ctx: RuleContext) -> Finding | None:
    if not ctx.says(Meaning.PERMISSION_DENIED) or ctx.key_refusal_labelled_permission:
        return None
    from foundry_doctor.knowledge.roles import (  # the roles table, loaded when first needed
        AZURE_AI_DEVELOPER,
        COGNITIVE_SERVICES_OPENAI_USER,
        FOUNDRY_AGENT_CONSUMER,
        FOUNDRY_USER,
        least_privileged,
    )

    message = ctx.body.message or ctx.body.text
    action = data_action_in(message)
    operation = operation_in(message)
    access = _access(ctx, action)
    role = least_privileged(access)
    model = ctx.model
    family = ctx.model_family
    resource = resource_label(ctx)
    explanation = (
        "The call was authenticated - the token was accepted - but the identity holds no role "
        f"that allows this data-plane operation on {resource}. "
    )
    if access in ("project", "agent-endpoint", "application"):
        explanation += (
            f"Foundry project routes need {FOUNDRY_USER.label} or a role with the same data "
            f"actions; {COGNITIVE_SERVICES_OPENAI_USER.name} and {AZURE_AI_DEVELOPER.name} have "
            "none of the AIServices actions these routes check. "
        )
        if access == "agent-endpoint":
            explanation += (
                f"Callers that only invoke agents can instead hold {FOUNDRY_AGENT_CONSUMER.name}. "
            )
        if "managed identity" in (message or "").lower():
            explanation += (
                "The principal here is the project's managed identity, not the person who "
                "deployed it: it needs the role itself. "
            )
    elif access == "any-model":
        explanation += (
            f"{model or 'The model'} is not an OpenAI model, so "
            f"{COGNITIVE_SERVICES_OPENAI_USER.name} (OpenAI models only) is not enough; "
            f"{FOUNDRY_USER.label} covers every model on the resource. "
        )
    else:
        explanation += (
            f"For OpenAI models the least-privileged role is {COGNITIVE_SERVICES_OPENAI_USER.name}"
            f"; {FOUNDRY_USER.label} also covers other publishers' models and project routes. "
        )
    explanation += (
        "Owner, Contributor and Foundry Account Owner manage the resource but grant no "
        "data-plane access, so having them does not help. A new assignment takes effect after a "
        "few minutes."
    )
    who = ctx.identity_label()
    on_project = access in ("project", "agent-endpoint", "application") and bool(ctx.project)
    fix = role_assignment_lines(ctx, role, on_project=on_project)
    fix.append("wait about 5 minutes after the assignment, then get a fresh token and call again")
    fix.append(
        f"check: az role assignment list --assignee {principal_argument(ctx)} --all -o table "
        "(or in the portal: the resource > Access control (IAM) > Check access)"
    )
    return RULE.finding(
        explanation,
        tier=Tier.CERTAIN,
        evidence=(
            Evidence("principal (object id)", ctx.principal_id) if ctx.principal_id else None,
            Evidence("signed in as", who) if who else None,
            Evidence("missing data action", action) if action else None,
            Evidence("operation", operation) if operation else None,
            Evidence("model", model)
            if model and family is not None and family.publisher != "openai"
            else None,
            Evidence("token audience", ctx.claims.aud)
            if ctx.claims is not None and ctx.claims.aud
            else None,
            Evidence("role to assign", f"{role.label} ({role.id})"),
            ctx.message_evidence(),
        ),
        fix=fix,
        actions=(actions.ROLE_ASSIGNMENT,),
    )


RULE = Rule(
    code="FD106",
    slug="missing-data-plane-role",
    title="The identity has no data-plane role on the resource",
    meaning=(
        "Entra ID sign-in worked, but calling models and agents is a data-plane action that "
        "needs its own role on the Foundry resource or project. Least privilege: Cognitive "
        "Services OpenAI User (5e0bd9bd-7b93-4f28-af87-19fc36ad61bd) where only OpenAI models "
        "are called; Foundry User, formerly Azure AI User "
        "(53ca6127-db72-4b80-b1b0-d745d6d5456d), for other publishers' models and for project, "
        "agent and application routes. Owner, Contributor, Foundry Account Owner and (for "
        "projects) Azure AI Developer grant no such access. Assignments take a few minutes to "
        "apply; roles are best named by ID, because display names changed in 2026."
    ),
    detection=(
        "A 401 (or 403) with code PermissionDenied, or a message saying the principal does not "
        "have access or lacks a required data action; the route, the data action named and the "
        "model decide which role to suggest."
    ),
    remedy=(
        "az role assignment create --assignee-object-id <object id> --assignee-principal-type "
        "User|ServicePrincipal --role <role id> --scope <resource or project id>, then wait "
        "~5 minutes and get a fresh token."
    ),
    example=(
        "A developer with Contributor on the resource calls it with DefaultAzureCredential -> "
        "401 'Principal does not have access to API/Operation.'"
    ),
    detect=detect,
    claims=claims(401, 403, meanings=(Meaning.PERMISSION_DENIED,)),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/concepts/rbac-azure-ai-foundry",
)
