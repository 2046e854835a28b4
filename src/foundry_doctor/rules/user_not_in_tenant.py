"""FD504 user-not-in-tenant: the signed-in account is not in the tenant."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None
    from foundry_doctor.rules.token_request import attempt_evidence, tenant_argument

    if attempt.states(50020, 50034):
        tier = Tier.CERTAIN
    elif "does not exist in tenant" in attempt.text and "user account" in attempt.text:
        tier = Tier.STRONG  # the same statement under another code
    else:
        return None
    tenant = tenant_argument(attempt)
    named = f" {attempt.failure.tenant_id}" if attempt.failure.tenant_id else ""
    return RULE.finding(
        f"The signed-in account is not a member of the tenant{named}: a personal Microsoft "
        "account, an account of another organisation, or a guest "
        "who was never invited. A token for the resource must come from the resource's "
        "tenant, for an account that exists there.",
        tier=tier,
        evidence=attempt_evidence(ctx, attempt),
        fix=(
            f"sign in with an account of the resource's tenant: az login --tenant {tenant} "
            "(azd auth login --tenant-id ...; tenant_id=... for the interactive credentials)",
            "or have an administrator of that tenant invite the account as a guest, then give "
            "it its role on the resource",
        ),
        actions=(actions.TENANT,),
    )


RULE = Rule(
    code="FD504",
    slug="user-not-in-tenant",
    title="The signed-in account is not in the tenant",
    meaning=(
        "A user's token is issued by the tenant asked for, and only for an account that exists "
        "there. A personal account, another organisation's account or a guest who was never "
        "invited gets AADSTS50020 / AADSTS50034 instead - typically after az login with "
        "another account, or a tenant chosen for the account by default."
    ),
    detection="A failed token request with AADSTS50020 or AADSTS50034.",
    remedy=(
        "Sign in with an account of the resource's tenant (az login --tenant), or invite the "
        "account as a guest."
    ),
    example=(
        "InteractiveBrowserCredential(tenant_id=<customer tenant>) signed in with a personal "
        "account -> AADSTS50020: User account '...' from identity provider 'live.com' does not "
        "exist in tenant '...'."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://learn.microsoft.com/cli/azure/authenticate-azure-cli",
)
