"""FD501 resource-principal-not-found: the tenant has no service principal for the resource."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

_SOVEREIGN = (".azure.us", ".azure.cn")


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None or attempt.sts is None:
        return None

    from foundry_doctor.rules.token_request import attempt_evidence, resource_of, tenant_argument

    if attempt.sts.cause != "resource-principal-not-found" or attempt.scope_problem is not None:
        return None  # a malformed scope is scope-invalid's
    tenant = attempt.failure.tenant_id
    in_tenant = f"tenant {tenant}" if tenant else "the tenant the token was asked from"
    named = attempt.failure.named_scopes or attempt.requested
    resource = resource_of(named[0]) if named else None
    if attempt.sts.code == 650052:
        explanation = (
            f"Entra ID refused the token because {in_tenant} lacks the service principal of a "
            "Microsoft service the app needs (AADSTS650052). A Foundry agent's sign-in exchange "
            "needs the 'Azure Machine Learning Services' enterprise application in the tenant; "
            "an administrator creates it once."
        )
    else:
        explanation = (
            f"Entra ID has no service principal for {resource or 'the resource asked for'} in "
            f"{in_tenant} (AADSTS500011). The scope is well formed, so either the token was "
            "asked from another tenant than the resource's (a personal or guest account's home "
            "tenant, an AZURE_TENANT_ID or tenant_id of another directory, the CLI's default "
            "tenant) or the resource's application is not provisioned in this tenant. The "
            "message's 'wrong tenant' sentence is Entra ID's standard wording for both."
        )
        if resource and resource.endswith(_SOVEREIGN):
            explanation += (
                f" {resource} is a sovereign cloud's audience: it exists only in tenants of "
                "that cloud, asked through that cloud's authority (AzureAuthorityHosts)."
            )
    return RULE.finding(
        explanation,
        tier=Tier.CERTAIN,
        evidence=attempt_evidence(ctx, attempt),
        fix=(
            f"ask for the token from the tenant that holds the resource: az login --tenant "
            f"{tenant_argument(attempt)}; in code tenant_id=... on the credential (or "
            "AZURE_TENANT_ID for DefaultAzureCredential)",
            "if that tenant is right: an administrator creates the missing service principal "
            "once: az ad sp create --id <application id of the resource's app>",
        ),
        actions=(actions.TENANT, actions.SERVICE_PRINCIPAL),
    )


RULE = Rule(
    code="FD501",
    slug="resource-principal-not-found",
    title="The tenant has no service principal for the resource",
    meaning=(
        "Entra ID issues a token for a resource only in a tenant that has the resource's "
        "service principal. A correct Foundry scope still fails (AADSTS500011) when the token "
        "is asked from a tenant the resource is not provisioned in - typically another tenant "
        "than the resource's - and a service exchange fails with AADSTS650052 when the tenant "
        "lacks a Microsoft service's enterprise application."
    ),
    detection=(
        "A failed token request with AADSTS500011 for a well-formed, known resource (a "
        "malformed one is scope-invalid), or AADSTS650052."
    ),
    remedy=(
        "Ask for the token from the resource's tenant (az login --tenant, tenant_id=, "
        "AZURE_TENANT_ID); otherwise an administrator creates the service principal "
        "(az ad sp create --id <app id>)."
    ),
    example=(
        "AADSTS500011: The resource principal named https://cognitiveservices.azure.com was not "
        "found in the tenant named contoso.onmicrosoft.com."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
)
