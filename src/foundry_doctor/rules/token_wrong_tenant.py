"""FD104 token-wrong-tenant: the token comes from another Entra ID tenant."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning, tenant_in


def detect(ctx: RuleContext) -> Finding | None:
    if not ctx.says(Meaning.TENANT_MISMATCH):
        return None
    token_tenant = (ctx.claims.tid if ctx.claims is not None else None) or tenant_in(
        ctx.body.message
    )
    resource = ctx.resource or "the resource"
    who = ctx.identity_label()
    return RULE.finding(
        f"The token was issued by tenant {token_tenant or '(unknown)'}, but {resource} belongs "
        "to another Entra ID tenant. A token only opens resources of the tenant that issued "
        "it; this happens when the signed-in account (or the default credential) belongs to "
        "several tenants and picked the wrong one.",
        tier=Tier.CERTAIN,
        evidence=(
            Evidence("token tenant (tid)", token_tenant) if token_tenant else None,
            Evidence("signed in as", who) if who else None,
            ctx.message_evidence(),
        ),
        fix=(
            "az login --tenant <tenant id of the subscription that holds "
            f'{resource}> (list them: az account list --query "[].{{name:name, '
            'tenant:tenantId}" -o table)',
            "in code: DefaultAzureCredential() reads AZURE_TENANT_ID; set it to that tenant, "
            "or pass tenant_id= to the credential you use",
            "for a service principal: it must exist in the resource's tenant (a multi-tenant "
            "app needs consent there) and request its token from that tenant",
        ),
        actions=(actions.TENANT,),
    )


RULE = Rule(
    code="FD104",
    slug="token-wrong-tenant",
    title="The token comes from another tenant",
    meaning=(
        "Every Entra ID token carries the tenant that issued it ('tid'). The resource accepts "
        "only tokens from the tenant of its subscription; a token from any other tenant is "
        "rejected even when the identity has a role there under a guest account."
    ),
    detection="A 400/401 whose message says the token's tenant does not match the resource's.",
    remedy=(
        "Sign in to, or request the token from, the resource's tenant: az login --tenant, "
        "AZURE_TENANT_ID, or tenant_id= on the credential."
    ),
    example=(
        "DefaultAzureCredential picks the Azure CLI account whose default tenant is the home "
        "tenant, while the resource lives in a customer tenant -> 400 'Tenant provided in "
        "token does not match resource token'."
    ),
    detect=detect,
    claims=claims(400, 401, 403, meanings=(Meaning.TENANT_MISMATCH,)),
    docs_url="https://learn.microsoft.com/cli/azure/authenticate-azure-cli",
)
