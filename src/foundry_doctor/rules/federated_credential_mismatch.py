"""FD509 federated-credential-mismatch: the external token matches no federated credential
of the app (or has expired)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.rules.token_request import TokenAttempt

_AUDIENCE = "api://AzureADTokenExchange"
_NO_MATCH = "no matching federated identity record"
#: what Entra ID's texts quote of the assertion (entra.md section 6, the quoted bodies)
_CLAIM = re.compile(
    r"(?:assertion (issuer|subject)|Assertion (Issuer|Subject|Audience):) '([^'\s]{1,512})'",
    re.I,
)


def _claims(attempt: TokenAttempt) -> dict[str, str]:
    message = attempt.link.message if attempt.link is not None else attempt.failure.message
    found: dict[str, str] = {}
    for match in _CLAIM.finditer(message or ""):
        name = (match.group(1) or match.group(2)).lower()
        found.setdefault(name, match.group(3))
    return found


def _what(attempt: TokenAttempt, claims_: dict[str, str]) -> str:
    from foundry_doctor.rules.token_request import client_argument

    client = client_argument(attempt)
    if attempt.states(700024):
        return (
            "The client assertion - the external token in AZURE_FEDERATED_TOKEN_FILE - is "
            "outside its valid time range (AADSTS700024): the projected token is not being "
            "refreshed, or a long-running process holds an old one."
        )
    if attempt.states(7002138):
        return (
            f"The token's subject {claims_.get('subject', '')!s} matches a federated "
            f"credential of app {client} only when case is ignored; Entra ID compares it "
            "exactly (AADSTS7002138)."
        ).replace("subject  matches", "subject matches")
    if attempt.states(700211):
        what = f"issuer {claims_['issuer']}" if "issuer" in claims_ else "issuer"
        return (
            f"No federated credential of app {client} trusts the token's {what} "
            "(AADSTS700211): the cluster's (or CI's) OIDC issuer URL differs from the one "
            "registered."
        )
    if attempt.states(700213, 7002137):
        what = f"subject {claims_['subject']}" if "subject" in claims_ else "subject"
        return (
            f"No federated credential of app {client} has the token's {what}: the pod runs "
            "under another namespace or service account (system:serviceaccount:<namespace>:"
            "<service account>), or the CI job's subject differs."
        )
    return (
        f"No federated credential of app {client} matches the token's issuer, subject and "
        f"audience together (audience {claims_.get('audience', 'expected ' + _AUDIENCE)})."
    )


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None
    from foundry_doctor.rules.token_request import attempt_evidence, client_argument

    sts = attempt.sts
    if sts is not None and sts.cause == "federated-credential-mismatch":
        tier = Tier.CERTAIN
    elif _NO_MATCH in attempt.text:
        tier = Tier.STRONG
    else:
        return None
    client = client_argument(attempt)
    found = _claims(attempt)
    subject = found.get("subject", "system:serviceaccount:<namespace>:<service account>")
    if attempt.states(700024):
        fix: tuple[str, ...] = (
            "check that the pod's projected service-account token is mounted and refreshed "
            "(the kubelet rotates it; restart the pod if it went stale)",
            "ask for tokens when needed instead of keeping an old assertion in a long job",
        )
    else:
        fix = (
            f"compare with what the app trusts: az ad app federated-credential list --id {client}",
            f"add (or correct) the federated credential: az ad app federated-credential create "
            f'--id {client} --parameters \'{{"name": "foundry", "issuer": "<issuer: az aks '
            f"show --name <cluster> --resource-group <group> --query oidcIssuerProfile.issuerUrl "
            f'-o tsv>", "subject": "{subject}", "audiences": ["{_AUDIENCE}"]}}\'',
            "for a user-assigned managed identity: az identity federated-credential create "
            "--name foundry --identity-name <identity> --resource-group <group> --issuer "
            f"<issuer> --subject {subject} --audiences {_AUDIENCE}",
        )
    evidence = attempt_evidence(ctx, attempt)
    evidence[1:1] = [Evidence(f"token {name}", value) for name, value in found.items()]
    return RULE.finding(
        _what(attempt, found),
        tier=tier,
        evidence=evidence,
        fix=fix,
        actions=(actions.FEDERATED_CREDENTIAL,),
    )


RULE = Rule(
    code="FD509",
    slug="federated-credential-mismatch",
    title="The external token matches no federated credential of the app",
    meaning=(
        "Workload identity (AKS, GitHub Actions, other OIDC issuers) trades an external token "
        "for an Entra ID token, which Entra ID issues only when a federated identity credential "
        "of the app names the token's issuer, subject and audience (api://AzureADTokenExchange) "
        "exactly (AADSTS70021, 700211, 700213, 7002137, 7002138), and the token is current "
        "(AADSTS700024)."
    ),
    detection=(
        "A failed token request with one of those codes, or 'No matching federated identity "
        "record'."
    ),
    remedy=(
        "Make the app's federated credential name the cluster's OIDC issuer, the pod's "
        "service account (system:serviceaccount:<namespace>:<name>) and "
        "api://AzureADTokenExchange, and keep the projected token fresh."
    ),
    example=(
        "WorkloadIdentityCredential in a pod of another namespace -> AADSTS700213: No matching "
        "federated identity record found for presented assertion subject "
        "'system:serviceaccount:other:chat-backend'."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
)
