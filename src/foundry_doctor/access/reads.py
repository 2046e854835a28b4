"""What the access check reads from Resource Manager once it knows the account: the
deployments and model lifecycle, the caller's permissions (which also say what else it may
read), the principal's role assignments with the definitions of the roles it holds, deny
assignments, PIM eligibilities, and the caller's permissions on the account's projects when
only a project could explain a refusal. Each read that Resource Manager refuses becomes an
:class:`~foundry_doctor.access.report.Unread`, never an error."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from foundry_doctor.access.arm_client import ArmClient, ArmError
from foundry_doctor.access.deployments import deployment_info, join_lifecycle
from foundry_doctor.access.judge import Block, RoleView, Seen, block_of, may
from foundry_doctor.access.locate import cognitive_get
from foundry_doctor.access.report import (
    AccountInfo,
    AssignmentInfo,
    DeploymentInfo,
    Identity,
    Unread,
)
from foundry_doctor.access.scopes import placement
from foundry_doctor.facts.endpoints import EndpointInfo
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.knowledge.arm import (
    API_VERSIONS,
    DENY_ASSIGNMENTS_READ,
    ROLE_ASSIGNMENTS_READ,
    ROLE_DEFINITIONS_READ,
)
from foundry_doctor.knowledge.data_actions import Need, allows

__all__ = ["AUTHORIZATION", "READ_DEPLOYMENTS", "Reads", "eligible", "gather"]

#: the Authorization provider below a scope
AUTHORIZATION = "providers/Microsoft.Authorization"
#: what listing an account's deployments needs
READ_DEPLOYMENTS = "Microsoft.CognitiveServices/accounts/deployments/read"
#: role definitions read per run (one per distinct role the principal holds)
MAX_DEFINITIONS = 6
#: projects whose permissions are read to explain a refusal on the account
MAX_PROJECTS = 3


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


class Reads:
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
            lambda: self.client.list(
                f"{scope}/{AUTHORIZATION}/permissions", API_VERSIONS.authorization
            ),
        )
        return None if entries is None else [block_of(item) for item in entries]

    def deployments(self) -> list[DeploymentInfo] | None:
        account_id = self.account.id
        raw = self.read(
            "the deployments",
            account_id,
            READ_DEPLOYMENTS,
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


def assignment_infos(
    run: Reads,
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


def role_views(run: Reads, rows: list[Mapping[str, Any]], readable: bool) -> dict[str, RoleView]:
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
        path = f"{run.account.id}/{AUTHORIZATION}/roleDefinitions/{role_id}"
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


def eligible(run: Reads, oid: str, own: bool) -> list[tuple[str, str]] | None:
    query = {"$filter": "asTarget()" if own else f"assignedTo('{oid}')"}
    path = f"{run.account.id}/{AUTHORIZATION}/roleEligibilityScheduleInstances"
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


def gather(
    run: Reads,
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
        path = f"{account.id}/{AUTHORIZATION}/roleAssignments"
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
    roles = role_views(run, rows or [], rights is not None and may(rights, ROLE_DEFINITIONS_READ))
    assignments = (
        assignment_infos(run, rows, oid, target, need, roles) if rows is not None else None
    )
    denies = None
    if rights is not None and may(rights, DENY_ASSIGNMENTS_READ):
        denies = run.read(
            "deny assignments",
            account.id,
            DENY_ASSIGNMENTS_READ,
            lambda: run.client.list(
                f"{account.id}/{AUTHORIZATION}/denyAssignments", API_VERSIONS.authorization
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
            seen.eligible = eligible(run, oid, own=not asked_for_other)
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
