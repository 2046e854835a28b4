"""FD503 client-secret-invalid: the app's secret or certificate was refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.rules.token_request import TokenAttempt


def _secret_variable(attempt: TokenAttempt) -> str:
    if attempt.failing == "EnvironmentCredential":
        return "AZURE_CLIENT_SECRET"
    return "client_secret=... (AZURE_CLIENT_SECRET for EnvironmentCredential)"


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None
    from foundry_doctor.rules.token_request import attempt_evidence, client_argument

    client = client_argument(attempt)
    new_secret = (
        f"create a new secret and copy its value (shown once): az ad app credential reset "
        f"--id {client} --append --display-name foundry --years 1 (the 'password' it prints)"
    )
    if attempt.states(7000215):
        explanation = (
            f"Entra ID refused the client secret of app {client} (AADSTS7000215). The usual "
            "slip is the secret's ID (the GUID shown next to it) pasted instead of its value; "
            "a truncated value or another app's secret fail the same way."
        )
        fix: tuple[str, ...] = (
            f"set {_secret_variable(attempt)} to the secret's value, not its ID",
            new_secret,
        )
    elif attempt.states(7000222):
        explanation = (
            f"The client secret of app {client} has expired (AADSTS7000222). Every request "
            "with it fails until the app gets a new one."
        )
        fix = (
            new_secret,
            f"then set {_secret_variable(attempt)} to it; on an Azure host a managed identity "
            "needs no secret at all",
        )
    elif attempt.states(700027):
        explanation = (
            f"The certificate that signed the client assertion is not registered on app "
            f"{client}, or its key does not match the registered one (AADSTS700027)."
        )
        fix = (
            f"upload the certificate (public part) to the app: az ad app credential reset "
            f"--id {client} --cert @<certificate.pem> --append",
            "or give the credential the certificate (with its private key) that is registered",
        )
    elif attempt.states(7000218):
        explanation = (
            f"The token request carried neither a client secret nor an assertion "
            f"(AADSTS7000218): app {client}, used for an interactive or device-code sign-in, is "
            "not enabled for public-client flows."
        )
        fix = (
            f"allow public-client flows on the app: az ad app update --id {client} "
            "--is-fallback-public-client true",
            "or leave client_id out, so the credential uses azure-identity's own application",
        )
    elif attempt.refused is not None and attempt.refused.cause == "client-secret-invalid":
        explanation = (
            "azure-identity refused the secret or certificate it was given before asking "
            f"Entra ID: {attempt.refused.gist}."
        )
        fix = (
            f"pass the secret's value ({_secret_variable(attempt)}), or a PEM / PKCS12 "
            "certificate that includes its private key (certificate_path= or certificate_data=)",
        )
    else:
        return None
    return RULE.finding(
        explanation,
        tier=Tier.CERTAIN,
        evidence=attempt_evidence(ctx, attempt),
        fix=fix,
        actions=(actions.CLIENT_CREDENTIAL,),
    )


RULE = Rule(
    code="FD503",
    slug="client-secret-invalid",
    title="The app's client secret (or certificate) was refused",
    meaning=(
        "A service principal proves who it is with a client secret or a certificate. Entra ID "
        "refuses a wrong secret value - most often the secret's ID pasted in its place "
        "(AADSTS7000215) - an expired secret (AADSTS7000222), a certificate the app does not "
        "have (AADSTS700027), and a request with no secret at all from an app not enabled for "
        "public-client flows (AADSTS7000218)."
    ),
    detection=(
        "A failed token request with one of those codes, or azure-identity's own refusal of "
        "the secret or certificate it was given."
    ),
    remedy=(
        "Give the credential the secret's value (az ad app credential reset --append makes a "
        "new one) or the registered certificate; on Azure hosts prefer a managed identity."
    ),
    example=(
        "AZURE_CLIENT_SECRET set to the secret's ID -> EnvironmentCredential: Authentication "
        "failed: AADSTS7000215: Invalid client secret provided."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url=(
        "https://learn.microsoft.com/entra/identity-platform/howto-create-service-principal-portal"
    ),
)
