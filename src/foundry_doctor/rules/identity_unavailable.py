"""FD507 identity-unavailable: no credential had an identity to get a token with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.knowledge.entra import CredentialClass, IdentityHost
    from foundry_doctor.rules.token_request import TokenAttempt

#: what a credential says when it has nothing to get a token with
_NOTHING_TO_USE = frozenset(
    {"not-configured", "tool-missing", "tool-failed", "no-identity-endpoint", "identity-missing"}
)
#: what says a sign-in or a host's endpoint tried and refused: other rules' causes
_OTHER_CAUSES = frozenset({"sign-in-needed", "audience-refused", "msi-refused"})
_MI = "ManagedIdentityCredential"


def _applies(attempt: TokenAttempt) -> bool:
    if attempt.sts is not None:
        return False
    if attempt.in_chain:
        link = attempt.link
        if link is None or link.codes or link.situation in _OTHER_CAUSES:
            return False
        return attempt.all_unavailable or link.situation == "identity-missing"
    if attempt.situation == "signed-out" and attempt.spec is not None:
        # a chain quoted in a form whose links are not read (JavaScript's aggregate error):
        # a developer tool with nobody signed in is one more link with nothing to use
        return attempt.spec.kind == "chain"
    return attempt.situation in _NOTHING_TO_USE


def _host(attempt: TokenAttempt) -> IdentityHost:
    """The managed-identity host the failure points at (IMDS when nothing says otherwise)."""
    from foundry_doctor.knowledge.entra import IMDS_HOST

    return attempt.host or IMDS_HOST


def _explanation(attempt: TokenAttempt) -> str:
    said = attempt.said
    gist = said.gist if said is not None else "it has nothing to get a token with"
    if not attempt.in_chain:
        text = f"{attempt.credential or 'The credential'} could not get a token: {gist}."
    else:
        links = attempt.failure.links
        chain = attempt.credential or "The chain"
        tried = f"{chain} tried {len(links)} credential{'s' if len(links) != 1 else ''}"
        if attempt.situation == "identity-missing":
            text = (
                f"{tried}: the host's managed identity answered that it has no identity for "
                "this request, and none of the others could even try."
            )
        elif attempt.all_unavailable:
            text = f"{tried} and none had an identity to use: each one said it could not even try."
        else:
            text = f"{chain} found no usable identity."
        if attempt.link is not None:
            reason = f" ({attempt.link_reason})" if attempt.link_reason else ""
            text += f" The one to fix is {attempt.link.name}{reason}: {gist}."
    if attempt.situation == "identity-missing":
        host = _host(attempt)
        text += (
            f" So this runs on {host.name}, whose identity endpoint answered; the identity "
            "asked for is just not there: no system-assigned identity enabled, the "
            "user-assigned one named (by client id) not attached, or several attached and "
            "none named."
        )
        if "AZURE_CLIENT_ID" in attempt.failure.environment:
            text += (
                " AZURE_CLIENT_ID is set in this process: DefaultAzureCredential passes it as "
                "the managed identity's client id, and a value left from another environment "
                "names an identity this host does not have."
            )
    return text


def _managed_identity_fix(attempt: TokenAttempt) -> list[str]:
    host = _host(attempt)
    fix = [f"give the host the identity (or attach the one you name): {host.assign}"]
    fix.append(
        'name an identity the host has: ManagedIdentityCredential(client_id="<client id>"), or '
        "AZURE_CLIENT_ID=<client id> for DefaultAzureCredential (with several user-assigned "
        "identities one must be named; managed_identity_client_id=None forces the "
        "system-assigned one)"
    )
    if "AZURE_CLIENT_ID" in attempt.failure.environment:
        fix.append(
            "AZURE_CLIENT_ID is set here: unset it, or set it to the client id of an identity "
            "attached to this host"
        )
    if host.credential == "ImdsCredential":
        fix.append(
            "on AKS, the node pool's (kubelet) identity: az aks show --name <cluster> "
            "--resource-group <group> --query identityProfile.kubeletidentity.clientId -o tsv"
        )
    if attempt.in_chain:
        fix.append(
            "AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential makes DefaultAzureCredential "
            "use only the managed identity (azure-identity 1.25.1 and later)"
        )
    return fix


def _developer_fix(attempt: TokenAttempt, spec: CredentialClass) -> list[str]:
    tenant = f" --tenant {attempt.failure.tenant_id}" if attempt.failure.tenant_id else ""
    sign_in = f"{spec.sign_in}{tenant}" if spec.sign_in == "az login" else str(spec.sign_in)
    fix = []
    if attempt.situation == "tool-missing":
        fix.append(f"install {spec.tool}, then sign in: {sign_in}")
    else:
        fix.append(f"sign in: {sign_in}")
    names = {item.name for item in attempt.failure.links}
    if attempt.in_chain and "AzureDeveloperCliCredential" not in names:
        fix.append(
            "this azure-identity's DefaultAzureCredential does not try the Azure Developer CLI: "
            "signed in with azd, upgrade azure-identity or use AzureDeveloperCliCredential "
            "directly"
        )
    elif attempt.in_chain:
        fix.append(
            "any one sign-in DefaultAzureCredential tries will do: az login, azd auth login or "
            "Connect-AzAccount"
        )
    return fix


def _fix(attempt: TokenAttempt) -> list[str]:
    spec = attempt.failing_spec
    if spec is None:
        return ["sign in with a developer tool (az login), or run where a managed identity is"]
    if spec.name == _MI or spec.kind == "managed-identity":
        fix = _managed_identity_fix(attempt)
        if attempt.situation == "no-identity-endpoint":
            assign = _host(attempt).assign
            fix = [
                f"on an Azure host, enable its managed identity: {assign}",
                "off Azure (a developer machine, CI) there is none: sign in with a developer "
                "tool (az login) or use a service principal",
            ]
        return fix
    if spec.kind == "developer-tool":
        return _developer_fix(attempt, spec)
    if spec.kind == "environment":
        return [
            "for a service principal, set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
            "AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)",
            "on a developer machine, sign in instead: az login",
        ]
    if spec.kind == "workload-identity":
        return [
            "on AKS, enable workload identity for the pod (label azure.workload.identity/use: "
            "'true', a service account annotated with the app's client id): it injects "
            "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE"
        ]
    return ["sign in with a developer tool (az login), or run where a managed identity is"]


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None or not _applies(attempt):
        return None
    from foundry_doctor.rules.token_request import attempt_evidence

    tier = Tier.CERTAIN if attempt.said is not None or attempt.all_unavailable else Tier.LIKELY
    if attempt.situation == "tool-failed":
        tier = Tier.LIKELY
    action = (
        actions.MANAGED_IDENTITY
        if attempt.failing_spec is not None and attempt.failing_spec.kind == "managed-identity"
        else actions.SIGN_IN
    )
    return RULE.finding(
        _explanation(attempt),
        tier=tier,
        evidence=attempt_evidence(ctx, attempt),
        fix=_fix(attempt),
        actions=(action,),
    )


RULE = Rule(
    code="FD507",
    slug="identity-unavailable",
    title="No credential had an identity to get a token with",
    meaning=(
        "A credential that has nothing to use says it is unavailable instead of failing: "
        "EnvironmentCredential without its variables, a managed identity where no identity "
        "endpoint answers (not an Azure host) or where the host has no identity with the "
        "client id asked for (IMDS's 'Identity not found', App Service's 'No User Assigned or "
        "Delegated Managed Identity found', several user-assigned identities and none named), "
        "a developer tool that is not installed or not signed in. DefaultAzureCredential goes "
        "on to its next credential and, when none is left, lists what each one said."
    ),
    detection=(
        "A chain whose every link said it was unavailable (the link to fix is the one the "
        "environment points at: the host's managed identity, the service principal whose "
        "variables are set, a developer tool), a chain that went past a host's managed "
        "identity refusing the client id, or one credential's own 'unavailable' text."
    ),
    remedy=(
        "Give the process an identity: enable or attach the host's managed identity and name "
        "it by client id, set the service principal's variables, or sign in with a developer "
        "tool (az login)."
    ),
    example=(
        "DefaultAzureCredential on App Service with AZURE_CLIENT_ID of another environment -> "
        "ManagedIdentityCredential: App Service managed identity configuration not found in "
        "environment. ... No User Assigned or Delegated Managed Identity found for specified "
        "ClientId/ResourceId/PrincipalId."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url="https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot",
)
