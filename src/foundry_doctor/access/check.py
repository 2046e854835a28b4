"""``check_access``: ask Resource Manager what one data-plane call needs and whether the
principal holds it, and say what is wrong.

The steps, each skipped when what came before makes it pointless (``arm.md`` section 9: a
typical run is 4 to 10 requests): the input (the endpoint's route and operation, the principal
from an object id, a token or a pasted error); the caller's token (who is calling); the account
behind the host (:mod:`.locate`; :mod:`.unseen` when the caller sees nothing at all); what
Resource Manager shows about it (:mod:`.reads`); the verdicts (:mod:`.judge`,
:mod:`.deployments`, :mod:`.network`) and the limits (:mod:`.limits`).
"""

from __future__ import annotations

import datetime
import re
import time
from typing import TYPE_CHECKING, Any, Literal

from foundry_doctor.access.arm_client import ArmClient, ArmError, ArmUnavailable
from foundry_doctor.access.deployments import (
    deployment_verdicts,
    publisher_of,
)
from foundry_doctor.access.judge import judge
from foundry_doctor.access.limits import limits
from foundry_doctor.access.locate import locate
from foundry_doctor.access.network import account_verdicts
from foundry_doctor.access.reads import READ_DEPLOYMENTS, Reads, gather
from foundry_doctor.access.report import (
    AccessReport,
    Identity,
    Verdict,
)
from foundry_doctor.access.unseen import nothing_anywhere
from foundry_doctor.facts.endpoints import EndpointInfo, classify_endpoint
from foundry_doctor.facts.error_body import parse_error_body
from foundry_doctor.facts.pasted_text import facts_from_text
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.facts.tokens import decode_claims
from foundry_doctor.knowledge.data_actions import need_for
from foundry_doctor.rules.meaning import data_action_in, principal_in

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

__all__ = ["check_access"]

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PROJECT_SURFACES = frozenset(
    {"project-v1", "project-dated", "project", "agent-endpoint", "agent-application"}
)


class _Principal:
    def __init__(self, object_id: str | None, kind: str | None = None) -> None:
        self.object_id = object_id
        self.kind = kind


def _principal_of(value: str) -> _Principal:
    """An object id, a token, or a pasted error that names the principal."""
    text = value.strip()
    if _GUID.fullmatch(text):
        return _Principal(text.lower())
    token = text[7:].strip() if text.lower().startswith("bearer ") else text
    claims = decode_claims(token)
    if claims is not None and claims.oid:
        return _Principal(claims.oid.lower(), claims.idtyp)
    found = principal_in(text)
    if found and _GUID.fullmatch(found):
        return _Principal(found.lower())
    raise ValueError("the principal must be an object id, an access token, or an error naming one")


def _from_error(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(url, principal object id, data action, token kind) from a pasted error."""
    facts = facts_from_text(text)
    message = parse_error_body(facts.body).message if facts.body else None
    source = message or text
    principal = principal_in(source)
    claims = facts.auth.claims
    kind = claims.idtyp if claims is not None else None
    if (principal is None or not _GUID.fullmatch(principal)) and claims is not None:
        principal = claims.oid
    oid = principal.lower() if principal and _GUID.fullmatch(principal) else None
    return facts.url or facts.endpoint, oid, data_action_in(source), kind


def _kind(claims: Any) -> str | None:
    if claims is None:
        return None
    if claims.idtyp in ("user", "app"):
        return str(claims.idtyp)
    return "user" if claims.scp else "app"


def _surface(info: EndpointInfo, operation: str | None) -> str:
    """The route family of the call: the URL's, or for a base URL the one its clients call
    (the v1 API; a project's v1 API for a project endpoint)."""
    if info.surface is not None and (info.operation or operation or info.surface != "project"):
        return info.surface
    return "project-v1" if info.project else "v1"


def _operation(info: EndpointInfo, surface: str, operation: str | None) -> str:
    if operation:
        return operation.strip("/").lower()
    if info.surface == surface and info.operation:
        return info.operation
    return "responses" if surface in _PROJECT_SURFACES else "chat/completions"


def _unchecked(
    endpoint: str, verdict: Verdict, *, caller: Identity | None = None, calls: int = 0, **extra: Any
) -> AccessReport:
    return AccessReport(
        endpoint=endpoint,
        operation=extra.pop("operation", None),
        data_action=None,
        need_settled=False,
        target_scope=None,
        caller=caller,
        principal=extra.pop("principal", None),
        account=None,
        granted=None,
        verdicts=(verdict,),
        arm_calls=calls,
        **extra,
    )


def check_access(
    endpoint: str | None = None,
    *,
    credential: TokenCredential | None = None,
    model: str | None = None,
    deployment: str | None = None,
    principal: str | None = None,
    operation: str | None = None,
    method: str = "POST",
    auth: Literal["entra", "key"] = "entra",
    account_id: str | None = None,
    error: str | None = None,
    timeout: float = 30.0,
    transport: Any = None,
) -> AccessReport:
    """Check whether a data-plane call should work, with the caller's ``credential``
    (azure-identity's ``DefaultAzureCredential`` when not given) against Resource Manager.

    ``endpoint`` is the endpoint or request URL (``https://<name>.openai.azure.com``, a
    project endpoint, ...); ``deployment`` / ``model`` the deployment the call names;
    ``principal`` the failing principal when it is not the caller (an object id, its token,
    or the error that names it); ``operation`` what the call does (``chat/completions``,
    ``embeddings``, ``responses``, ...; default from the URL, else chat); ``auth`` whether
    the call uses Entra ID or a key; ``account_id`` the account's resource id when the host
    cannot be matched (a regional endpoint); ``error`` the failed call's error text, from
    which the URL, the principal and the data action are taken. Raises ``ValueError`` for
    unusable input; never raises for what Resource Manager answers.
    """
    error_url = error_oid = error_action = error_kind = None
    if error:
        error_url, error_oid, error_action, error_kind = _from_error(error)
    endpoint = endpoint or error_url
    info = classify_endpoint(endpoint) if endpoint else None
    if info is None:
        raise ValueError("give the endpoint (or request URL) of the call to check")
    shown = safe_url(info.url)
    if not info.is_azure_resource and not account_id:
        raise ValueError(
            f"{shown} is not a Foundry / Azure OpenAI resource's own host (such as "
            "https://<name>.openai.azure.com); give the account's resource id (account_id / "
            "--account-id)"
        )
    if auth not in ("entra", "key"):
        raise ValueError("auth is 'entra' or 'key'")
    asked = _principal_of(principal) if principal else _Principal(error_oid, error_kind)
    if credential is None:
        try:
            from azure.identity import DefaultAzureCredential
        except ImportError:
            raise ValueError(
                "checking access needs azure-identity (pip install azure-identity) or a credential"
            ) from None
        credential = DefaultAzureCredential()
    client = ArmClient(credential, cloud=info.cloud, timeout=timeout, transport=transport)
    surface = _surface(info, operation)
    op = _operation(info, surface, operation)
    try:
        claims = client.caller()
    except ArmUnavailable as failure:
        return _unchecked(shown, _unavailable(failure), calls=client.calls, operation=op)
    caller = Identity(
        claims.oid if claims else None,
        claims.tid if claims else None,
        _kind(claims),
        claims.appid if claims else None,
        is_caller=True,
    )
    asked_for_other = asked.object_id is not None and asked.object_id != (caller.object_id or "")
    target_principal = (
        Identity(asked.object_id, None, asked.kind, None, is_caller=False)
        if asked_for_other
        else caller
    )
    try:
        return _check(
            client,
            info,
            shown,
            surface,
            op,
            method,
            auth,
            account_id,
            caller,
            target_principal,
            asked_for_other,
            deployment or info.deployment or model,
            error_action,
        )
    except ArmUnavailable as failure:
        return _unchecked(
            shown,
            _unavailable(failure),
            caller=caller,
            calls=client.calls,
            operation=op,
            principal=target_principal,
        )
    except ArmError as failure:
        verdict = Verdict(
            "arm-error",
            "unknown",
            f"Resource Manager answered {failure.status} {failure.code or ''}".strip(),
            failure.message,
        )
        return _unchecked(
            shown,
            verdict,
            caller=caller,
            calls=client.calls,
            operation=op,
            principal=target_principal,
        )


def _unavailable(failure: ArmUnavailable) -> Verdict:
    if failure.reason == "credential":
        return Verdict(
            "no-token",
            "unknown",
            "Could not get a token for Resource Manager",
            f"The credential gave no token for Azure Resource Manager: {failure.detail}",
            ("sign in (az login) or give the check a credential that reaches your tenant",),
        )
    return Verdict(
        "arm-unreachable",
        "unknown",
        "Resource Manager could not be reached",
        f"No answer from Azure Resource Manager: {failure.detail}",
    )


def _check(
    client: ArmClient,
    info: EndpointInfo,
    shown: str,
    surface: str,
    op: str,
    method: str,
    auth: str,
    account_id: str | None,
    caller: Identity,
    principal: Identity,
    asked_for_other: bool,
    named: str | None,
    error_action: str | None,
) -> AccessReport:
    now = time.time()
    location = locate(client, info.host.split(":", 1)[0], account_id=account_id)
    if location.account is None and location.subscriptions == 0 and auth == "entra":
        return nothing_anywhere(
            client, info, shown, surface, op, method, caller, principal, asked_for_other, named
        )
    if location.account is None:
        where = ", ".join(location.searched) or "nothing"
        verdict = Verdict(
            "account-not-found",
            "unknown",
            f"No account answering on {info.host} was found",
            f"Searched: {where}. Resource Graph and the account lists show only accounts the "
            "caller may read (Microsoft.CognitiveServices/accounts/read), so the account may "
            "exist in a subscription or tenant this identity cannot see. A new account can take "
            "a while to appear in Resource Graph.",
            ("give the account's resource id with account_id / --account-id",),
        )
        return AccessReport(
            endpoint=shown,
            operation=op,
            data_action=None,
            need_settled=False,
            target_scope=None,
            caller=caller,
            principal=principal,
            account=None,
            granted=None,
            verdicts=(verdict,),
            unread=tuple(location.unread),
            limits=limits(principal, surface, asked_for_other, None),
            arm_calls=client.calls,
            auth=auth,
        )
    account = location.account
    run = Reads(client, account, now)
    run.unread.extend(location.unread)
    project = info.project if surface in _PROJECT_SURFACES else None
    target = f"{account.id}/projects/{project}" if project else account.id
    deployments = run.deployments()
    chosen = next((d for d in deployments or () if d.name == named), None)
    publisher = publisher_of(chosen, named)
    need = need_for(surface, op, method, publisher)  # type: ignore[arg-type]
    if error_action and need is not None and error_action.lower() != need.action.lower():
        need = need._replace(action=error_action, settled=True, what="what the service named")
    verdicts: list[Verdict] = []
    verdicts.extend(account_verdicts(account, auth))
    label = None
    if chosen is not None:
        label = f"{chosen.name} ({' '.join(p for p in (chosen.format, chosen.model) if p)})"
    seen = None
    granted: bool | None
    if auth == "key":
        granted = not account.disable_local_auth
    else:
        seen = gather(run, need, target, account, caller, principal, asked_for_other, info)
        seen.deployment_label = label
        seen.publisher = publisher
        granted, judged = judge(seen)
        verdicts.extend(judged)
    if deployments is not None:
        verdicts.extend(deployment_verdicts(named, deployments, now=now, account=account.name))
    elif named:
        verdicts.append(
            Verdict(
                "deployments-unreadable",
                "unknown",
                f"Could not check deployment {named!r}",
                f"Listing the account's deployments needs {READ_DEPLOYMENTS}.",
            )
        )
    return AccessReport(
        endpoint=shown,
        operation=op,
        data_action=need.action if need is not None else None,
        need_settled=need.settled if need is not None else False,
        target_scope=target,
        caller=caller,
        principal=principal,
        account=account,
        granted=granted,
        verdicts=tuple(verdicts),
        assignments=tuple(seen.assignments or ()) if seen is not None else (),
        deployments=tuple(deployments or ()),
        deployment=named,
        unread=tuple(dict.fromkeys(run.unread)),
        limits=limits(principal, surface, asked_for_other, seen),
        arm_calls=client.calls,
        auth=auth,
        checked_at=datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc).isoformat(),
    )
