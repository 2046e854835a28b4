"""FD505 interactive-sign-in-required: the credential needs a person to sign in (again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.rules.token_request import TokenAttempt

_CONDITIONAL_ACCESS = (53003, 530084)


def _tier(attempt: TokenAttempt) -> Tier | None:
    sts = attempt.sts
    if sts is not None:
        return Tier.CERTAIN if sts.cause == "interactive-sign-in-required" else None
    if attempt.situation == "sign-in-needed":
        return Tier.STRONG
    if attempt.situation == "signed-out" and not _chain(attempt):
        return Tier.STRONG  # a chain of unavailable links is identity-unavailable's
    if attempt.failure.error == "interaction_required" and not attempt.states(*_CONDITIONAL_ACCESS):
        return Tier.LIKELY
    return None


def _chain(attempt: TokenAttempt) -> bool:
    """A chain's failure, its links read or not (JavaScript's aggregate error is not)."""
    return attempt.in_chain or (attempt.spec is not None and attempt.spec.kind == "chain")


def _sign_in(attempt: TokenAttempt, scope: str) -> list[str]:
    tenant = f" --tenant {attempt.failure.tenant_id}" if attempt.failure.tenant_id else ""
    spec = attempt.failing_spec
    name = spec.name if spec is not None else None
    if name == "AzureDeveloperCliCredential":
        tenant_id = f" --tenant-id {attempt.failure.tenant_id}" if attempt.failure.tenant_id else ""
        return [f"azd auth login{tenant_id}"]
    if name == "AzurePowerShellCredential":
        return ["Connect-AzAccount" + (f" -Tenant {attempt.failure.tenant_id}" if tenant else "")]
    if name == "VisualStudioCodeCredential":
        return ["sign in to Azure again in Visual Studio Code (Azure: Sign In)"]
    if spec is not None and spec.kind == "user" and name != "SharedTokenCacheCredential":
        return [
            f'sign in interactively before the call: credential.authenticate(scopes=["{scope}"])'
        ]
    return [
        f"az login --scope {scope}{tenant}",
        "if it keeps failing: az logout, then az login again",
    ]


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None
    from foundry_doctor.rules.token_request import attempt_evidence

    tier = _tier(attempt)
    if tier is None:
        return None
    who = attempt.failing or "The credential"
    scope = attempt.needed or "https://cognitiveservices.azure.com/.default"
    if attempt.sts is not None:
        explanation = (
            f"{who} cannot get a token without a new interactive sign-in: "
            f"{attempt.sts.meaning} (AADSTS{attempt.sts.code})."
        )
    elif attempt.situation == "signed-out":
        explanation = f"{who} has nobody signed in: {attempt.said.gist if attempt.said else ''}."
    else:
        explanation = f"{who} needs an interactive sign-in before it can get a token."
    explanation += " A process cannot sign in for a person; the sign-in has to be run again."
    fix = _sign_in(attempt, scope)
    if attempt.states(65001):
        fix.append(
            "or have an administrator consent for the app: az ad app permission admin-consent "
            "--id <application (client) id>"
        )
    if attempt.states(700082, 50173, 70043, 70008):
        fix.append(
            "for code that runs unattended, use an identity that needs no sign-in: a managed "
            "identity on Azure hosts, or a service principal"
        )
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=attempt_evidence(ctx, attempt),
        fix=fix,
        actions=(actions.SIGN_IN,),
    )


RULE = Rule(
    code="FD505",
    slug="interactive-sign-in-required",
    title="A new interactive sign-in is required",
    meaning=(
        "Developer sign-ins (the Azure CLI, azd, PowerShell, Visual Studio Code, the shared "
        "token cache) and interactive credentials hold a refresh token that Entra ID stops "
        "honouring: it expires after a period without use (AADSTS700082), a policy now asks "
        "for multi-factor authentication (AADSTS50076, 50079), the grant was revoked "
        "(AADSTS50173, 70008), a sign-in frequency applies (AADSTS70043) or consent is missing "
        "(AADSTS65001). Only a person signing in again fixes it."
    ),
    detection=(
        "A failed token request with one of those codes, an 'interaction_required' error, the "
        "Azure CLI's 'Interactive authentication is needed', azure-identity's "
        "AuthenticationRequiredError, or a developer tool with nobody signed in."
    ),
    remedy=(
        "Sign in again with the tool the credential uses (az login --scope <scope>, azd auth "
        "login, Connect-AzAccount), or use a managed identity or service principal for "
        "unattended code."
    ),
    example=(
        "AzureCliCredential: ERROR: AADSTS700082: The refresh token has expired due to "
        "inactivity. ... Interactive authentication is needed. Please run: az login --scope "
        "https://cognitiveservices.azure.com/.default"
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://learn.microsoft.com/cli/azure/authenticate-azure-cli",
)
