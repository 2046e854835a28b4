"""``check_access``: ask Resource Manager what one data-plane call needs and whether the
principal holds it, and say what is wrong.

The reads, in order, each skipped when what came before makes it pointless (``arm.md``
section 9: a typical run is 6 to 10 requests): the caller's token (who is calling); the account
behind the host (Resource Graph, else the subscriptions' account lists); its deployments and
model lifecycle; the caller's permissions on the account (which also say whether the caller may
read role assignments, definitions and deny assignments) and on the project the call goes to;
the principal's role assignments (transitively over groups); the definitions of the roles it
holds; deny assignments; PIM eligibilities when nothing grants the call; the caller's
permissions on the account's projects when only a project could explain a refusal.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from foundry_doctor.access.arm_client import ArmClient, ArmError, ArmUnavailable
from foundry_doctor.access.deployments import (
    deployment_info,
    deployment_verdicts,
    join_lifecycle,
    publisher_of,
)
from foundry_doctor.access.fixes import assign_command
from foundry_doctor.access.judge import Block, RoleView, Seen, block_of, judge, may
from foundry_doctor.access.locate import cognitive_get, locate
from foundry_doctor.access.report import (
    AccessReport,
    AccountInfo,
    AssignmentInfo,
    DeploymentInfo,
    Identity,
    Unread,
    Verdict,
)
from foundry_doctor.access.scopes import placement
from foundry_doctor.facts.endpoints import EndpointInfo, classify_endpoint
from foundry_doctor.facts.error_body import parse_error_body
from foundry_doctor.facts.pasted_text import facts_from_text
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.facts.tokens import decode_claims
from foundry_doctor.knowledge.arm import (
    API_VERSIONS,
    DENY_ASSIGNMENTS_READ,
    PROPAGATION_UPPER_SECONDS,
    ROLE_ASSIGNMENTS_READ,
    ROLE_DEFINITIONS_READ,
)
from foundry_doctor.knowledge.data_actions import Need, allows, need_for
from foundry_doctor.knowledge.roles import least_privileged
from foundry_doctor.rules.meaning import data_action_in, principal_in

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

__all__ = ["check_access"]

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PROJECT_SURFACES = frozenset(
    {"project-v1", "project-dated", "project", "agent-endpoint", "agent-application"}
)
_AUTHZ = "providers/Microsoft.Authorization"
#: role definitions read per run (one per distinct role the principal holds)
MAX_DEFINITIONS = 6
#: projects whose permissions are read to explain a refusal on the account
MAX_PROJECTS = 3
_READ_DEPLOYMENTS = "Microsoft.CognitiveServices/accounts/deployments/read"


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


def _age(created: object, now: float) -> tuple[str | None, float | None]:
    if not isinstance(created, str) or len(created) < 19:
        return None, None
    try:
        moment = datetime.datetime.strptime(created[:19], "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=datetime.timezone.utc
        )
    except ValueError:
        return created, None
    return created, now - moment.timestamp()


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


class _Run:
    """One access check: the client, what was read, what could not be."""

    def __init__(self, client: ArmClient, account: AccountInfo, now: float) -> None:
        self.client = client
        self.account = account
        self.now = now
        self.unread: list[Unread] = []

    def read(self, what: str, scope: str, right: str, call: Any) -> Any:
        """``call()``, or ``None`` (and an :class:`Unread`) when ARM refuses it."""
        try:
            return call()
        except ArmError as error:
            if error.status in (401, 403):
                self.unread.append(Unread(what, scope, right, error.status))
                return None
            raise

    def permissions(self, scope: str) -> list[Block] | None:
        entries = self.read(
            "the caller's permissions",
            scope,
            "a role at or above the scope",
            lambda: self.client.list(f"{scope}/{_AUTHZ}/permissions", API_VERSIONS.authorization),
        )
        return None if entries is None else [block_of(item) for item in entries]

    def deployments(self) -> list[DeploymentInfo] | None:
        account_id = self.account.id
        raw = self.read(
            "the deployments",
            account_id,
            _READ_DEPLOYMENTS,
            lambda: cognitive_get(self.client, f"{account_id}/deployments", listing=True),
        )
        if raw is None:
            return None
        found = [item for item in map(deployment_info, raw) if item is not None]
        models = self.read(
            "the account's model versions",
            account_id,
            "Microsoft.CognitiveServices/accounts/models/read",
            lambda: cognitive_get(self.client, f"{account_id}/models", listing=True),
        )
        return join_lifecycle(found, models or ())


def _assignments(
    run: _Run,
    rows: list[Mapping[str, Any]],
    oid: str,
    target: str,
    need: Need | None,
    roles: Mapping[str, RoleView],
) -> list[AssignmentInfo]:
    found = []
    for row in rows:
        properties = row.get("properties") if isinstance(row.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        definition = str(properties.get("roleDefinitionId") or "")
        role_id = definition.rsplit("/", 1)[-1].lower()
        scope = str(properties.get("scope") or "")
        principal_id = str(properties.get("principalId") or "")
        created, age = _age(properties.get("createdOn"), run.now)
        view = roles.get(role_id) or RoleView(role_id)
        found.append(
            AssignmentInfo(
                role_id=role_id,
                role_name=view.known.name if view.known is not None else None,
                live_role_name=view.live_name,
                scope=scope,
                placement=placement(scope, target),
                principal_id=principal_id,
                principal_type=(
                    str(properties["principalType"]) if properties.get("principalType") else None
                ),
                via_group=principal_id.lower() != oid.lower(),
                created_on=created,
                age_seconds=age,
                conditional=bool(properties.get("condition")),
                grants=view.grants(need.action) if need is not None else None,
                data_plane=view.data_plane,
            )
        )
    order = {"here": 0, "above": 1, "below": 2, "elsewhere": 3}
    return sorted(found, key=lambda item: (order[item.placement], item.scope, item.role_id))


def _role_views(run: _Run, rows: list[Mapping[str, Any]], readable: bool) -> dict[str, RoleView]:
    ids: list[str] = []
    for row in rows:
        properties = row.get("properties") if isinstance(row.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        role_id = str(properties.get("roleDefinitionId") or "").rsplit("/", 1)[-1].lower()
        if role_id and role_id not in ids:
            ids.append(role_id)
    views = {role_id: RoleView(role_id) for role_id in ids}
    if not readable:
        return views
    for role_id in ids[:MAX_DEFINITIONS]:
        path = f"{run.account.id}/{_AUTHZ}/roleDefinitions/{role_id}"
        try:
            body = run.client.get(path, API_VERSIONS.authorization)
        except ArmError:
            continue
        properties = body.get("properties") if isinstance(body.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        blocks = tuple(
            block_of(item) for item in properties.get("permissions") or () if isinstance(item, dict)
        )
        name = properties.get("roleName")
        views[role_id] = RoleView(
            role_id,
            live_name=name if isinstance(name, str) else None,
            live_blocks=blocks,
            custom=properties.get("type") == "CustomRole",
        )
    return views


def _eligible(run: _Run, oid: str, own: bool) -> list[tuple[str, str]] | None:
    query = {"$filter": "asTarget()" if own else f"assignedTo('{oid}')"}
    path = f"{run.account.id}/{_AUTHZ}/roleEligibilityScheduleInstances"
    rows = run.read(
        "PIM eligibilities",
        run.account.id,
        ROLE_ASSIGNMENTS_READ,
        lambda: run.client.list(path, API_VERSIONS.pim, query),
    )
    if rows is None:
        return None
    found = []
    for row in rows:
        properties = row.get("properties") if isinstance(row.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        role_id = str(properties.get("roleDefinitionId") or "").rsplit("/", 1)[-1].lower()
        scope = properties.get("scope")
        if role_id and isinstance(scope, str):
            found.append((role_id, scope))
    return found


def _network(account: AccountInfo, auth: str) -> list[Verdict]:
    found: list[Verdict] = []
    if auth == "key":
        if account.disable_local_auth:
            found.append(
                Verdict(
                    "key-auth-disabled",
                    "problem",
                    f"{account.name} accepts no API keys",
                    "Key authentication is disabled on the account (disableLocalAuth): every "
                    "call with a key gets 403 AuthenticationTypeDisabled. Use Entra ID tokens.",
                    (
                        "use Entra ID (DefaultAzureCredential with the scope "
                        "https://cognitiveservices.azure.com/.default or https://ai.azure.com/.default)",
                        "or, if keys are meant to work: az resource update --ids "
                        f'"{account.id}" --set properties.disableLocalAuth=false',
                    ),
                )
            )
        else:
            found.append(
                Verdict(
                    "key-auth",
                    "ok",
                    f"{account.name} accepts API keys",
                    "With a key the service does not consult role assignments; a valid key of "
                    "this account opens every route.",
                )
            )
    if account.public_network_access == "Disabled":
        found.append(
            Verdict(
                "network-closed",
                "problem",
                f"{account.name} refuses calls from public networks",
                "Public network access is disabled: only calls through a private endpoint get "
                "in; from anywhere else the service answers 403 'Public access is disabled', "
                "whatever the roles.",
                (
                    "call from a network that reaches the account's private endpoint",
                    "or, if public access is intended: az resource update --ids "
                    f'"{account.id}" --set properties.publicNetworkAccess=Enabled',
                ),
            )
        )
    elif account.network_default_action == "Deny":
        found.append(
            Verdict(
                "network-restricted",
                "note",
                f"{account.name} lets only selected networks in",
                "The account's firewall denies by default: calls from addresses and virtual "
                "networks outside its rules get 403, whatever the roles.",
            )
        )
    return found


def _limits(
    principal: Identity, surface: str, asked_for_other: bool, seen: Seen | None
) -> tuple[str, ...]:
    found = [
        "ABAC conditions on role assignments are evaluated neither by Resource Manager's "
        "permissions API nor by this check.",
        "A guest user is another object (another object id) in the resource's tenant; "
        "assignments made to the home tenant's object never apply.",
        f"Role changes reach the data plane after about 5 minutes (up to "
        f"{PROPAGATION_UPPER_SECONDS // 60}; hours for managed identities in groups).",
    ]
    if not asked_for_other:
        found.insert(
            0,
            f"This checked the identity running the check ({principal.object_id}). The one "
            "failing in production (an app's managed identity, a pipeline's service principal, "
            "an agent identity) is often another: pass its object id (from the 401 body or its "
            "token) as principal / --principal-id.",
        )
    if surface in ("agent-endpoint", "agent-application"):
        found.append(
            "Agent identities get their permissions inside Foundry, not as Resource Manager "
            "role assignments; none may be visible here."
        )
    if seen is not None and seen.assignments is not None:
        found.append(
            "Role assignments made by a managing tenant (Azure Lighthouse) are not listed."
        )
    return tuple(found)


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


def _nothing_anywhere(
    client: ArmClient,
    info: EndpointInfo,
    shown: str,
    surface: str,
    op: str,
    method: str,
    caller: Identity,
    principal: Identity,
    asked_for_other: bool,
    named: str | None,
) -> AccessReport:
    """The caller sees no subscription at all: it holds no role anywhere in its tenant."""
    publisher = publisher_of(None, named)
    need = need_for(surface, op, method, publisher)  # type: ignore[arg-type]
    label = info.host.split(".", 1)[0]
    if need is not None and not asked_for_other:
        eligible = _eligible_anywhere(client, label, need)
        if eligible is not None:
            return AccessReport(
                endpoint=shown,
                operation=op,
                data_action=need.action,
                need_settled=need.settled,
                target_scope=None,
                caller=caller,
                principal=principal,
                account=None,
                granted=False,
                verdicts=(eligible,),
                limits=_limits(principal, surface, asked_for_other, None),
                arm_calls=client.calls,
            )
    lookup = (
        '"$(az cognitiveservices account list --query '
        f'"[?properties.customSubDomainName==\'{label}\'].id" --output tsv)"'
    )
    fix: tuple[str, ...] = ()
    if need is not None and caller.object_id and not asked_for_other:
        role = least_privileged(need.access)
        command = assign_command(caller.object_id, caller.kind, role, "SCOPE")
        fix = (command.replace('"SCOPE"', lookup), "(run by someone who can see the account)")
    tenant = caller.tenant_id or "its tenant"
    if asked_for_other:
        verdict = Verdict(
            "account-not-found",
            "unknown",
            f"The caller sees nothing in tenant {tenant}",
            "Resource Manager lists no subscription for the identity running the check, so it "
            "can neither find the account nor read anyone's role assignments.",
        )
        granted = None
    else:
        verdict = Verdict(
            "no-role",
            "problem",
            f"The caller ({caller.object_id}) holds no role anywhere in tenant {tenant}",
            "Resource Manager lists no subscription for it: it has no role assignment on any "
            "subscription, resource group or resource of this tenant, so none on the account "
            f"behind {info.host} either (if the account lives in another tenant, sign in to "
            "that one). A call with an Entra ID token needs a role whose data actions include "
            f"{need.action if need else 'the call'}.",
            fix,
        )
        granted = False
    return AccessReport(
        endpoint=shown,
        operation=op,
        data_action=need.action if need else None,
        need_settled=need.settled if need else False,
        target_scope=None,
        caller=caller,
        principal=principal,
        account=None,
        granted=granted,
        verdicts=(verdict,),
        limits=_limits(principal, surface, asked_for_other, None),
        arm_calls=client.calls,
    )


def _eligible_anywhere(client: ArmClient, label: str, need: Need) -> Verdict | None:
    """The caller's own PIM eligibilities anywhere in the tenant (``asTarget()`` at the root
    scope): one on an account named like the host's subdomain, or above it, that would grant
    the call."""
    try:
        rows = client.list(
            f"/{_AUTHZ}/roleEligibilityScheduleInstances",
            API_VERSIONS.pim,
            {"$filter": "asTarget()"},
        )
    except ArmError:
        return None
    for row in rows:
        properties = row.get("properties") if isinstance(row.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        scope = str(properties.get("scope") or "")
        role_id = str(properties.get("roleDefinitionId") or "").rsplit("/", 1)[-1].lower()
        lowered = scope.lower().rstrip("/")
        on_account = lowered.endswith(f"/accounts/{label.lower()}")
        above = "/providers/" not in lowered
        view = RoleView(role_id)
        if (on_account or above) and view.grants(need.action):
            return Verdict(
                "pim-eligible",
                "problem",
                f"{view.label} is eligible through PIM, not active",
                f"The caller holds no active role in this tenant, but may activate {view.label} "
                f"on {scope} in Privileged Identity Management; until then it grants nothing.",
                (
                    "activate it (Azure portal: Privileged Identity Management, My roles, "
                    "Azure resources, Eligible assignments, Activate), then get a new token",
                ),
            )
    return None


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
        return _nothing_anywhere(
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
            limits=_limits(principal, surface, asked_for_other, None),
            arm_calls=client.calls,
            auth=auth,
        )
    account = location.account
    run = _Run(client, account, now)
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
    verdicts.extend(_network(account, auth))
    label = None
    if chosen is not None:
        label = f"{chosen.name} ({' '.join(p for p in (chosen.format, chosen.model) if p)})"
    seen = None
    granted: bool | None
    if auth == "key":
        granted = not account.disable_local_auth
    else:
        seen = _gather(run, need, target, account, caller, principal, asked_for_other, info)
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
                f"Listing the account's deployments needs {_READ_DEPLOYMENTS}.",
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
        limits=_limits(principal, surface, asked_for_other, seen),
        arm_calls=client.calls,
        auth=auth,
        checked_at=datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc).isoformat(),
    )


def _gather(
    run: _Run,
    need: Need | None,
    target: str,
    account: AccountInfo,
    caller: Identity,
    principal: Identity,
    asked_for_other: bool,
    info: EndpointInfo,
) -> Seen:
    rights = run.permissions(account.id)
    caller_blocks = rights if target == account.id else run.permissions(target)
    oid = principal.object_id or ""
    reads_assignments = rights is None or may(rights, ROLE_ASSIGNMENTS_READ)
    rows: list[Mapping[str, Any]] | None = None
    if oid and reads_assignments:
        path = f"{account.id}/{_AUTHZ}/roleAssignments"
        rows = run.read(
            f"the role assignments of {oid}",
            account.id,
            ROLE_ASSIGNMENTS_READ,
            lambda: run.client.list(
                path, API_VERSIONS.authorization, {"$filter": f"assignedTo('{oid}')"}
            ),
        )
    elif oid:
        run.unread.append(
            Unread(f"the role assignments of {oid}", account.id, ROLE_ASSIGNMENTS_READ)
        )
    roles = _role_views(run, rows or [], rights is not None and may(rights, ROLE_DEFINITIONS_READ))
    assignments = _assignments(run, rows, oid, target, need, roles) if rows is not None else None
    denies = None
    if rights is not None and may(rights, DENY_ASSIGNMENTS_READ):
        denies = run.read(
            "deny assignments",
            account.id,
            DENY_ASSIGNMENTS_READ,
            lambda: run.client.list(
                f"{account.id}/{_AUTHZ}/denyAssignments", API_VERSIONS.authorization
            ),
        )
    seen = Seen(
        need=need,
        target=target,
        account_scope=account.id,
        principal=principal,
        caller=caller,
        caller_blocks=None if asked_for_other else caller_blocks,
        caller_rights=rights,
        assignments=assignments,
        roles=roles,
        denies=denies,
        now=run.now,
        project_endpoint=_project_endpoint(account, info),
    )
    if need is not None and not _granted_already(seen, need):
        if oid and reads_assignments:
            seen.eligible = _eligible(run, oid, own=not asked_for_other)
        if not asked_for_other and assignments is None and target == account.id:
            for name in account.projects[:MAX_PROJECTS]:
                scope = f"{account.id}/projects/{name}"
                blocks = run.permissions(scope)
                if blocks is not None:
                    seen.project_grants[scope] = any(
                        b for b in blocks if _block_grants(b, need.action)
                    )
    return seen


def _block_grants(block: Block, action: str) -> bool:
    return allows(block.data_actions, block.not_data_actions, action)


def _granted_already(seen: Seen, need: Need) -> bool:
    if seen.caller_blocks is not None:
        return any(_block_grants(block, need.action) for block in seen.caller_blocks)
    return any(
        item.grants and item.placement in ("here", "above") for item in seen.assignments or ()
    )


def _project_endpoint(account: AccountInfo, info: EndpointInfo) -> str | None:
    """The v1 endpoint of the account's first project (public cloud, AIServices accounts)."""
    if not account.projects or account.kind not in ("AIServices", None) or info.cloud != "public":
        return None
    label = account.custom_subdomain or info.host.split(".", 1)[0]
    host = f"{label.lower()}.services.ai.azure.com"
    return safe_url(f"https://{host}/api/projects/{account.projects[0]}/openai/v1")
