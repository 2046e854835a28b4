"""FD506 conditional-access-blocked: a Conditional Access policy refused the token."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None
    from foundry_doctor.rules.token_request import attempt_evidence

    if attempt.states(53003, 530084):
        tier = Tier.CERTAIN
    elif "conditional access" in attempt.text and "block" in attempt.text:
        tier = Tier.STRONG
    else:
        return None
    tenant = attempt.failure.tenant_id
    explanation = (
        f"A Conditional Access policy{' of tenant ' + tenant if tenant else ''} blocked the "
        "token. The policy decides (the device's compliance, the network or location, the "
        "sign-in's risk, the app), not the code: the same request succeeds once the policy "
        "allows it."
    )
    if attempt.states(530084):
        explanation += (
            " This one is a token-protection policy: it takes only sign-ins bound to the "
            "device through the broker."
        )
    spec = attempt.failing_spec
    if spec is not None and spec.kind in ("service-principal", "workload-identity", "environment"):
        explanation += (
            " The caller is an application: the tenant's Conditional Access for workload "
            "identities applies to it."
        )
    correlation = attempt.failure.correlation_id
    fix = [
        "ask the tenant's administrator which policy blocked it: Entra ID's sign-in logs show "
        "it" + (f" (correlation id {correlation})" if correlation else ""),
        "for a person: sign in from a compliant device or an allowed network; for an app: have "
        "the policy allow it, or run it as a managed identity on an Azure host",
    ]
    if attempt.states(530084):
        fix.append(
            "sign in through the broker (InteractiveBrowserBrokerCredential, az / azd with WAM)"
        )
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=attempt_evidence(ctx, attempt),
        fix=fix,
        actions=(actions.ACCESS_POLICY,),
    )


RULE = Rule(
    code="FD506",
    slug="conditional-access-blocked",
    title="A Conditional Access policy blocked the token",
    meaning=(
        "Tenants gate token issuance with Conditional Access policies (device compliance, "
        "location, risk, token protection). A request they do not allow gets AADSTS53003 (or "
        "AADSTS530084 for token protection); nothing in the code changes the outcome."
    ),
    detection="A failed token request with AADSTS53003 or AADSTS530084.",
    remedy=(
        "Ask the tenant's administrator (the sign-in logs name the policy); sign in from an "
        "allowed device or network, or use an identity the policy allows."
    ),
    example=(
        "AADSTS53003: Access has been blocked by Conditional Access policies. The access policy "
        "does not allow token issuance."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://learn.microsoft.com/entra/identity/conditional-access/overview",
)
