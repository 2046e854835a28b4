"""Azure Resource Manager's part of the emulated world: subscriptions, directory groups, the
role assignments beyond the data plane's own, deny assignments, PIM eligibilities, the model
catalogue and the settings where ARM's real behaviour is open. Role definitions (built-in and
custom) are the world's ``role_definitions`` (:mod:`~foundry_doctor.emulator.roles`).

**One view of the role assignments.** The data plane keeps each resource's direct assignments
(``Resource.role_assignments``: object id -> role names). Everything else lives here:
assignments at other scopes (a project, the resource group, the subscription), to groups,
with a creation time or a condition. :func:`role_assignments` joins both into the assignments
ARM lists, and :func:`data_plane_roles` is the one place that says which of them the data
plane honours for a principal on a resource or project (transitively over groups, once older
than :attr:`ArmSettings.propagation_delay`, never PIM eligibilities).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from foundry_doctor.emulator.roles import RoleDefinition, UnknownRole
from foundry_doctor.emulator.services.arm.spec import EVERYONE, MODEL_CATALOGUE, CatalogueModel

if TYPE_CHECKING:
    from foundry_doctor.emulator.services.foundry.world import Resource
    from foundry_doctor.emulator.world import World

__all__ = [
    "BASELINE_CREATED_ON",
    "ArmSettings",
    "ArmState",
    "AssignmentView",
    "DenyAssignment",
    "Eligibility",
    "Group",
    "RoleAssignment",
    "Subscription",
    "account_models",
    "applies_at",
    "data_plane_roles",
    "groups_of",
    "project_scope",
    "role_assignments",
    "role_definition",
    "scope_contains",
]

#: when the data plane's own assignments were made, as ARM reports them (2025-06-02 09:14 UTC)
BASELINE_CREATED_ON = 1_748_855_667.0
_NAMESPACE = uuid.UUID("6f1e2b3c-0d4a-4e5f-8a9b-0c1d2e3f4a5b")

PrincipalType = Literal["User", "ServicePrincipal", "Group", "ForeignGroup"]


def stable_id(*parts: str) -> str:
    """A GUID that depends only on ``parts`` (so assignment IDs stay the same per world)."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


@dataclass
class Subscription:
    """A subscription and the tenant it trusts."""

    subscription_id: str
    tenant_id: str
    display_name: str
    state: str = "Enabled"

    @property
    def scope(self) -> str:
        return f"/subscriptions/{self.subscription_id}"


@dataclass
class Group:
    """A directory group: its object id and its members' object ids (users, service
    principals or other groups: membership is transitive)."""

    name: str
    oid: str
    members: set[str] = field(default_factory=set)


@dataclass
class RoleAssignment:
    """A role assignment ARM knows beyond the data plane's direct ones.

    ``principal`` and ``role`` may be names (a principal, a group; a role's current or former
    name) or ids; ``created_on`` is epoch seconds (default: long ago,
    :data:`BASELINE_CREATED_ON`)."""

    principal: str
    role: str
    scope: str
    created_on: float | None = None
    condition: str | None = None
    description: str | None = None


@dataclass
class DenyAssignment:
    """A deny assignment: who (object ids; :data:`~.spec.EVERYONE` for all) may not perform
    which actions at ``scope`` (and below, unless ``do_not_apply_to_children``)."""

    name: str
    scope: str
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    principals: tuple[str, ...] = (EVERYONE,)
    exclude_principals: tuple[str, ...] = ()
    do_not_apply_to_children: bool = False
    system_protected: bool = True

    @property
    def deny_id(self) -> str:
        return stable_id("deny", self.scope, self.name)


@dataclass
class Eligibility:
    """A PIM eligibility: ``principal`` may activate ``role`` at ``scope``; until then it
    grants nothing."""

    principal: str
    role: str
    scope: str
    start: float | None = None
    end: float | None = None


@dataclass
class ArmSettings:
    """Where ARM's behaviour is open or varies (``arm.md`` section 10), the choice of this
    world.

    ``page_size``: items per page of every list (``nextLink`` beyond it).
    ``propagation_delay``: seconds before a new assignment counts on the data plane (ARM
    lists it at once). ``role_names``: ``"current"`` or ``"former"`` display names of the
    renamed roles. ``permissions_without_role``: ``"empty"`` (``{"value":[]}``) or
    ``"forbidden"`` (403) for a caller with no role at the scope. ``assignments_without_right``:
    ``"forbidden"`` (403 ``AuthorizationFailed``) or ``"empty"`` when a caller lists role
    assignments without ``roleAssignments/read``. ``list_without_right``: ``"filtered"`` (a
    subscription's account list shows what the caller can read) or ``"forbidden"``.
    ``own_pim_readable``: whether ``asTarget()`` (one's own PIM schedule instances) works
    without ``roleAssignments/read`` (arm.md leaves it open; on by default, since the portal's
    PIM "My roles" page shows eligible users their roles when they hold nothing else).
    ``list_retired_models``: whether an account's model list keeps retired versions.
    ``throttle``: the next this many requests get ``429 SubscriptionRequestsThrottled``
    (``throttle_retry_after`` seconds in ``Retry-After``)."""

    page_size: int = 100
    propagation_delay: float = 300.0
    role_names: Literal["current", "former"] = "current"
    permissions_without_role: Literal["empty", "forbidden"] = "empty"
    assignments_without_right: Literal["forbidden", "empty"] = "forbidden"
    list_without_right: Literal["filtered", "forbidden"] = "filtered"
    own_pim_readable: bool = True
    list_retired_models: bool = True
    throttle: int = 0
    throttle_retry_after: int = 1


@dataclass
class ArmState:
    """Everything Resource Manager knows beyond the data plane's resources."""

    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    role_assignments: list[RoleAssignment] = field(default_factory=list)
    deny_assignments: list[DenyAssignment] = field(default_factory=list)
    eligibilities: list[Eligibility] = field(default_factory=list)
    models: list[CatalogueModel] = field(default_factory=lambda: list(MODEL_CATALOGUE))
    settings: ArmSettings = field(default_factory=ArmSettings)
    built_at: float = field(default_factory=time.time)

    def add_group(self, group: Group) -> Group:
        self.groups[group.name] = group
        return group

    def assign(self, assignment: RoleAssignment) -> RoleAssignment:
        self.role_assignments.append(assignment)
        return assignment


# --- scopes ----------------------------------------------------------------------------------


def _segments(scope: str) -> list[str]:
    return [part.lower() for part in scope.split("/") if part]


def scope_contains(outer: str, inner: str) -> bool:
    """Whether ``inner`` is ``outer`` or below it (segment-aligned, any case; ``/`` is the
    root)."""
    head = _segments(outer)
    return _segments(inner)[: len(head)] == head


def applies_at(assignment_scope: str, scope: str, *, below: bool = False) -> bool:
    """Whether an assignment at ``assignment_scope`` counts for ``scope``: at or above it,
    or (``below``) also under it."""
    return scope_contains(assignment_scope, scope) or (
        below and scope_contains(scope, assignment_scope)
    )


def project_scope(resource: Resource, project: str) -> str:
    return f"{resource.resource_id}/projects/{project}"


# --- who is who --------------------------------------------------------------------------------


def _oid_of(world: World, name: str) -> str:
    known = world.principals.get(name)
    if known is not None:
        return known.oid
    group = world.arm.groups.get(name)
    return group.oid if group is not None else name


def groups_of(world: World, oid: str) -> set[str]:
    """The object ids of every group ``oid`` is in, directly or through other groups."""
    found: set[str] = set()
    frontier = {oid.lower()}
    while frontier:
        added = {
            group.oid.lower()
            for group in world.arm.groups.values()
            if {member.lower() for member in group.members} & frontier
        } - found
        found |= added
        frontier = added
    return found


def principal_type(world: World, oid: str) -> PrincipalType:
    lowered = oid.lower()
    if any(group.oid.lower() == lowered for group in world.arm.groups.values()):
        return "Group"
    known = world.principal_by(oid=oid)
    if known is not None and known.idtyp == "user":
        return "User"
    return "ServicePrincipal"


def role_definition(world: World, key: str) -> RoleDefinition | None:
    """A role of the world (built-in or custom) by ID or (current or former) name; ``None``
    when it has none (such an assignment grants nothing anywhere)."""
    try:
        return world.role(key)
    except UnknownRole:
        return None


# --- the assignments ARM lists ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssignmentView:
    """One role assignment as ARM lists it."""

    assignment_id: str
    scope: str
    principal_id: str
    principal_type: PrincipalType
    role: RoleDefinition
    created_on: float
    condition: str | None = None
    description: str | None = None
    data_plane_own: bool = False


def _resource_assignments(world: World, resource: Resource) -> Iterator[AssignmentView]:
    for oid, roles in resource.role_assignments.items():
        for key in sorted(roles):
            role = role_definition(world, key)
            if role is None:
                continue  # a name ARM does not know grants nothing anywhere
            yield AssignmentView(
                stable_id("assignment", resource.resource_id, oid.lower(), role.role_id),
                resource.resource_id,
                oid,
                principal_type(world, oid),
                role,
                BASELINE_CREATED_ON,
                data_plane_own=True,
            )


def _own_assignments(world: World) -> Iterator[AssignmentView]:
    for item in world.arm.role_assignments:
        role = role_definition(world, item.role)
        if role is None:
            continue
        oid = _oid_of(world, item.principal)
        yield AssignmentView(
            stable_id("assignment", item.scope.lower(), oid.lower(), role.role_id),
            item.scope,
            oid,
            principal_type(world, oid),
            role,
            item.created_on if item.created_on is not None else BASELINE_CREATED_ON,
            item.condition,
            item.description,
        )


def role_assignments(world: World) -> list[AssignmentView]:
    """Every role assignment of the world: the data plane's direct ones on each resource, then
    the ones only ARM holds."""
    found: list[AssignmentView] = []
    for resource in world.resources.values():
        found.extend(_resource_assignments(world, resource))
    found.extend(_own_assignments(world))
    return found


def holders(world: World, oid: str) -> set[str]:
    """``oid`` and the groups it is in (lower case): whose assignments count for it."""
    return {oid.lower(), *groups_of(world, oid)}


def eligibilities(world: World) -> Iterator[tuple[Eligibility, str, RoleDefinition]]:
    """Each PIM eligibility with its principal's object id and role."""
    for item in world.arm.eligibilities:
        role = role_definition(world, item.role)
        if role is not None:
            yield item, _oid_of(world, item.principal), role


def data_plane_roles(
    world: World,
    oid: str,
    resource: Resource,
    project: str | None = None,
    *,
    now: float | None = None,
) -> tuple[RoleDefinition, ...]:
    """The definitions of the roles the data plane honours for ``oid`` on ``resource`` (or on
    one of its projects), by name.

    Counted: the resource's direct assignments, and ARM's assignments at the resource (or the
    project) or above, to ``oid`` or a group it is in, made at least ``propagation_delay``
    seconds ago. Not counted: PIM eligibilities, assignments below the scope (a project's
    assignment does not open the account's routes), names no role definition has, deny
    assignments (Resource Manager applies them; the emulated data plane does not)."""
    now = time.time() if now is None else now
    whose = holders(world, oid)
    found: dict[str, RoleDefinition] = {}
    for holder, names in resource.role_assignments.items():
        if holder.lower() not in whose:
            continue
        for name in names:
            role = role_definition(world, name)
            if role is not None:
                found[role.role_id] = role
    scope = project_scope(resource, project) if project else resource.resource_id
    delay = world.arm.settings.propagation_delay
    for item in _own_assignments(world):
        if item.principal_id.lower() not in whose or not applies_at(item.scope, scope):
            continue
        if now - item.created_on < delay:
            continue
        found[item.role.role_id] = item.role
    return tuple(sorted(found.values(), key=lambda role: role.name))


def account_models(world: World, resource: Resource) -> list[CatalogueModel]:
    """The model versions an account lists: the world's catalogue, with each version its
    deployments run as ``World.deployed_model`` states it (a deployment can mark its version
    retired, or run one the catalogue does not list)."""
    rows = {(row.format, row.name.lower(), row.version): row for row in world.arm.models}
    for deployment in resource.deployments.values():
        row = world.deployed_model(deployment)
        rows[(row.format, row.name.lower(), row.version)] = row
    return list(rows.values())


def subscription_of(world: World, subscription_id: str) -> Subscription | None:
    """A subscription by id (any case): declared, or implied by a resource in it."""
    lowered = subscription_id.lower()
    for item in world.arm.subscriptions.values():
        if item.subscription_id.lower() == lowered:
            return item
    for resource in world.resources.values():
        if resource.subscription_id.lower() == lowered:
            return Subscription(
                resource.subscription_id, resource.tenant_id, resource.subscription_id
            )
    return None


def subscriptions(world: World) -> list[Subscription]:
    """Every subscription: declared ones, then those only resources imply."""
    found = {item.subscription_id.lower(): item for item in world.arm.subscriptions.values()}
    for resource in world.resources.values():
        key = resource.subscription_id.lower()
        if key not in found:
            found[key] = Subscription(
                resource.subscription_id, resource.tenant_id, resource.subscription_id
            )
    return list(found.values())


def resource_groups(world: World, subscription_id: str) -> Mapping[str, str]:
    """The resource groups of a subscription (lower-case name -> name, with its region)."""
    found: dict[str, str] = {}
    for resource in world.resources.values():
        if resource.subscription_id.lower() == subscription_id.lower():
            found.setdefault(resource.resource_group.lower(), resource.resource_group)
    return found
