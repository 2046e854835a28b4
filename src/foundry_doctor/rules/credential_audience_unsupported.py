"""FD508 credential-audience-unsupported: the host's token source issues no token for this
audience (Azure Cloud Shell's managed-identity endpoint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.rules.token_request import TokenAttempt

#: the Cloud Shell token endpoint (entra.md section 5)
_CLOUD_SHELL_ENDPOINT = "localhost:50342"


def _tier(attempt: TokenAttempt) -> Tier | None:
    from foundry_doctor.knowledge.entra import KNOWN_RESOURCES
    from foundry_doctor.rules.token_request import resource_of

    if attempt.situation == "audience-refused":
        return Tier.CERTAIN
    if attempt.situation != "msi-refused":
        return None
    # the Azure CLI's managed-identity sign-in was refused: in Cloud Shell, for a Foundry
    # audience, that is the audience list
    refused = attempt.failure.token_status == 400
    foundry_resources = {entry.uri for entry in KNOWN_RESOURCES if entry.foundry}
    foundry = any(resource_of(scope) in foundry_resources for scope in attempt.requested)
    cloud_shell = _CLOUD_SHELL_ENDPOINT in (attempt.failure.token_endpoint or "") or (
        attempt.host is not None and attempt.host.credential == "CloudShellCredential"
    )
    if refused and (foundry or cloud_shell):
        return Tier.LIKELY
    return Tier.POSSIBLE


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None
    from foundry_doctor.rules.token_request import attempt_evidence, resource_of

    tier = _tier(attempt)
    if tier is None:
        return None
    audience = (
        resource_of(attempt.failure.named_scopes[0])
        if attempt.failure.named_scopes
        else (resource_of(attempt.requested[0]) if attempt.requested else "this audience")
    )
    explanation = (
        f"The host's managed-identity endpoint issues tokens only for its own list of "
        f"audiences, and {audience} is not on it. Azure Cloud Shell's endpoint is the known "
        "case: it refuses https://cognitiveservices.azure.com and https://ai.azure.com. No "
        "code or scope change gets a Foundry token from it."
    )
    spec = attempt.failing_spec
    if spec is not None and spec.kind == "developer-tool":
        explanation += (
            f" In Cloud Shell, {spec.tool} gets its tokens from that endpoint until you sign "
            "in yourself."
        )
    if tier < Tier.CERTAIN:
        explanation += (
            " (The endpoint's refusal is inferred: the CLI only reports that the request failed.)"
        )
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=attempt_evidence(ctx, attempt),
        fix=(
            "sign in yourself inside Cloud Shell, so the tools use a real sign-in instead of "
            "its endpoint: az login --use-device-code (azd: azd auth login --use-device-code)",
            "then, in code, skip the managed identity: "
            "DefaultAzureCredential(exclude_managed_identity_credential=True) uses that sign-in",
            "or run the code somewhere else: a developer machine, or an Azure host with its "
            "own managed identity",
        ),
        actions=(actions.SIGN_IN,),
    )


RULE = Rule(
    code="FD508",
    slug="credential-audience-unsupported",
    title="The host's token source does not issue tokens for this audience",
    meaning=(
        "Some managed-identity endpoints issue tokens only for a fixed list of audiences. Azure "
        "Cloud Shell's (MSI_ENDPOINT, localhost:50342) answers 'AudienceNotSupported' for "
        "https://cognitiveservices.azure.com and https://ai.azure.com, and azure-identity's "
        "ManagedIdentityCredential (which DefaultAzureCredential tries before the Azure CLI "
        "there), the Azure CLI and azd running on its identity all fail with it."
    ),
    detection=(
        "A failed token request whose text carries the endpoint's 'is not a supported MSI "
        "token audience' (AudienceNotSupported); the Azure CLI's 'Failed to connect to MSI' "
        "with a 400 for a Foundry audience is a likely case of it."
    ),
    remedy=(
        "In Cloud Shell, sign in explicitly (az login --use-device-code) and leave the managed "
        "identity out (exclude_managed_identity_credential=True); or run elsewhere."
    ),
    example=(
        "DefaultAzureCredential in Azure Cloud Shell -> ManagedIdentityCredential: "
        "(AudienceNotSupported) Audience https://cognitiveservices.azure.com is not a supported "
        "MSI token audience."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://github.com/Azure/CloudShell/issues/351",
)
