"""FD502 app-not-in-tenant: the client id names no application in the tenant, or the tenant
does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.rules.token_request import TokenAttempt

#: MSAL's failed discovery of an unknown tenant, which comes without a code (entra.md 3)
_NO_AUTHORITY = "unable to get authority configuration"


def _tenant_missing(attempt: TokenAttempt) -> bool:
    refused = attempt.refused
    return (
        attempt.states(90002)
        or _NO_AUTHORITY in attempt.text
        or (refused is not None and refused.marker == "invalid tenant id provided")
    )


def _ids_refused(attempt: TokenAttempt) -> bool:
    return attempt.refused is not None and attempt.refused.cause == "app-not-in-tenant"


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None
    from foundry_doctor.rules.token_request import (
        attempt_evidence,
        client_argument,
        tenant_argument,
    )

    tenant = tenant_argument(attempt)
    client = client_argument(attempt)
    if _tenant_missing(attempt):
        explanation = (
            f"The tenant {attempt.failure.tenant_id or 'the credential was given'} does not exist "
            "in the cloud it was asked in: a typo in AZURE_TENANT_ID or tenant_id, a domain "
            "that is not registered, or a tenant of a sovereign cloud asked through the public "
            "authority (or the reverse). No token can be issued until the tenant is right."
        )
        fix: tuple[str, ...] = (
            "use the Directory (tenant) ID of the resource's subscription: az account show "
            "--query tenantId -o tsv (signed in there), then tenant_id=... or AZURE_TENANT_ID",
            "for the US Government or China clouds, also the cloud's authority: "
            "authority=AzureAuthorityHosts.AZURE_GOVERNMENT (or AZURE_CHINA), or "
            "AZURE_AUTHORITY_HOST",
        )
        tier = Tier.CERTAIN if attempt.states(90002) else Tier.STRONG
    elif attempt.states(700016) or _ids_refused(attempt):
        explanation = (
            f"Entra ID found no application with the client id {client} in tenant {tenant}: "
            "the id is the app's object id rather than its Application (client) ID, belongs to "
            "an app registered in another tenant (a multi-tenant app needs consent here first), "
            "or the app was deleted. The message's 'wrong tenant' sentence is Entra ID's "
            "standard wording: the token request went to this tenant, which does not know the "
            "app."
        )
        fix = (
            "use the app's Application (client) ID: az ad app list --display-name <app name> "
            '--query "[].appId" -o tsv (AZURE_CLIENT_ID, or client_id=...)',
            f"check that the app has a service principal in the resource's tenant: az ad sp show "
            f"--id {client} (signed in to tenant {tenant}); for an app of another tenant, an "
            f"administrator of this one adds it: az ad sp create --id {client}",
        )
        tier = Tier.CERTAIN if attempt.states(700016) else Tier.STRONG
    else:
        return None
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=attempt_evidence(ctx, attempt),
        fix=fix,
        actions=(actions.APP_REGISTRATION,),
    )


RULE = Rule(
    code="FD502",
    slug="app-not-in-tenant",
    title="The app registration or tenant the credential names does not exist there",
    meaning=(
        "A service principal's credential names a tenant and an application (client) id. "
        "Entra ID refuses the token when that tenant has no such application (AADSTS700016: an "
        "object id in place of the client id, an app of another tenant, a deleted app) or when "
        "the tenant itself does not exist in that cloud (AADSTS90002, or MSAL's 'Unable to get "
        "authority configuration' before any token request). Entra ID's text adds that the "
        "request may have gone to the wrong tenant; that is its standard wording, not a "
        "tenant mismatch of the resource."
    ),
    detection=(
        "A failed token request with AADSTS700016 or AADSTS90002, MSAL's authority-discovery "
        "failure, or azure-identity's refusal of a malformed client or tenant id."
    ),
    remedy=(
        "Give the credential the app's Application (client) ID and the Directory (tenant) ID "
        "of the tenant the app (and the resource) lives in."
    ),
    example=(
        "ClientSecretCredential(tenant, '<object id of the app>', secret) -> AADSTS700016: "
        "Application with identifier '...' was not found in the directory '...'."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
)
