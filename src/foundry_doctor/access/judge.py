"""The verdicts: from what Resource Manager showed (the caller's effective permissions, the
principal's role assignments with their definitions, deny assignments, PIM eligibilities), say
whether the call's data action is granted and, when it is not, why, with the fix.

Evaluation follows Azure RBAC (:mod:`foundry_doctor.knowledge.data_actions`): one permission
block per role, ``dataActions`` minus that role's own ``notDataActions``; a control-plane
``*`` never grants a data action; an assignment counts at its scope and below it; deny
assignments take precedence. What the permissions API cannot show (which role, where, since
when) comes from the role assignments, when the caller may read them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from foundry_doctor.access.fixes import assign_command, list_command, reader_command
from foundry_doctor.access.report import AssignmentInfo, Identity, Verdict
from foundry_doctor.access.scopes import placement, scope_name
from foundry_doctor.knowledge.arm import (
    EVERYONE,
    PROPAGATION_SECONDS,
    PROPAGATION_UPPER_SECONDS,
    ROLE_ASSIGNMENTS_READ,
)
from foundry_doctor.knowledge.data_actions import Need, allows
from foundry_doctor.knowledge.roles import Role, least_privileged
from foundry_doctor.knowledge.roles import role as known_role

__all__ = ["Block", "RoleView", "Seen", "block_of", "judge", "may"]


@dataclass(frozen=True)
class Block:
    """One role's permissions (a role definition block, or a ``permissions`` API entry)."""

    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()


def _strings(value: object) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def block_of(raw: Mapping[str, Any]) -> Block:
    return Block(
        _strings(raw.get("actions")),
        _strings(raw.get("notActions")),
        _strings(raw.get("dataActions")),
        _strings(raw.get("notDataActions")),
    )


def may(blocks: Iterable[Block], action: str) -> bool:
    """Whether any block allows the control-plane ``action``."""
    return any(allows(block.actions, block.not_actions, action) for block in blocks)


def _grants(blocks: Iterable[Block], action: str) -> bool:
    return any(allows(block.data_actions, block.not_data_actions, action) for block in blocks)


@dataclass(frozen=True)
class RoleView:
    """A role by ID: what foundry-doctor knows of it and, when read, its live definition."""

    role_id: str
    live_name: str | None = None
    live_blocks: tuple[Block, ...] | None = None
    custom: bool = False

    @property
    def known(self) -> Role | None:
        try:
            return known_role(self.role_id)
        except KeyError:
            return None

    @property
    def name(self) -> str | None:
        return self.known.name if self.known is not None else self.live_name

    @property
    def label(self) -> str:
        known = self.known
        return known.label if known is not None else (self.live_name or self.role_id)

    def grants(self, action: str) -> bool | None:
        if self.live_blocks is not None:
            return _grants(self.live_blocks, action)
        known = self.known
        if known is None:
            return None
        return allows(known.data_actions, known.not_data_actions, action)

    @property
    def data_plane(self) -> bool | None:
        if self.live_blocks is not None:
            return any(block.data_actions for block in self.live_blocks)
        known = self.known
        return known.grants_data_plane if known is not None else None

    @property
    def renamed(self) -> bool:
        """The tenant shows a name other than the current one (the former name, during the
        2026 rollout)."""
        known = self.known
        return bool(known and self.live_name and self.live_name.lower() != known.name.lower())


@dataclass
class Seen:
    """What the check read. ``None`` means "could not be read"; an empty list "nothing"."""

    need: Need | None
    target: str
    account_scope: str
    principal: Identity
    caller: Identity | None
    caller_blocks: list[Block] | None = None
    caller_rights: list[Block] | None = None
    project_grants: dict[str, bool] = field(default_factory=dict)
    assignments: list[AssignmentInfo] | None = None
    roles: dict[str, RoleView] = field(default_factory=dict)
    denies: list[Mapping[str, Any]] | None = None
    eligible: list[tuple[str, str]] | None = None
    now: float = 0.0
    deployment_label: str | None = None
    publisher: str | None = None
    project_endpoint: str | None = None


# --- helpers ------------------------------------------------------------------------------------


def _who(seen: Seen) -> str:
    principal = seen.principal
    if principal.is_caller:
        return f"The caller ({principal.object_id})"
    return f"Principal {principal.object_id}"


def _role_fix(seen: Seen, scope: str | None = None) -> tuple[Role, str]:
    assert seen.need is not None
    role = least_privileged(seen.need.access)
    oid = seen.principal.object_id or "OBJECT_ID"
    return role, assign_command(oid, _kind(seen), role, scope or seen.target)


def _kind(seen: Seen) -> str | None:
    if seen.principal.kind:
        return seen.principal.kind
    direct = [
        item.principal_type
        for item in seen.assignments or ()
        if not item.via_group and item.principal_type
    ]
    return direct[0] if direct else None


def _recent(item: AssignmentInfo) -> bool:
    return item.age_seconds is not None and item.age_seconds < PROPAGATION_SECONDS


def _applying(seen: Seen) -> list[AssignmentInfo]:
    return [item for item in seen.assignments or () if item.placement in ("here", "above")]


def _denial(seen: Seen) -> Mapping[str, Any] | None:
    """A deny assignment at or above the target naming the principal (or a group it is seen
    in, or everyone) and blocking the data action."""
    if seen.need is None or not seen.denies:
        return None
    whose = {(seen.principal.object_id or "").lower(), EVERYONE}
    whose |= {item.principal_id.lower() for item in seen.assignments or () if item.via_group}
    for deny in seen.denies:
        properties = deny.get("properties") if isinstance(deny.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        scope = properties.get("scope")
        if not isinstance(scope, str) or placement(scope, seen.target) not in ("here", "above"):
            continue
        if properties.get("doNotApplyToChildScopes") and placement(scope, seen.target) != "here":
            continue
        named = {
            str(item.get("id", "")).lower()
            for item in properties.get("principals") or ()
            if isinstance(item, dict)
        }
        excluded = {
            str(item.get("id", "")).lower()
            for item in properties.get("excludePrincipals") or ()
            if isinstance(item, dict)
        }
        if not named & whose or excluded & whose:
            continue
        blocks = [
            block_of(item) for item in properties.get("permissions") or () if isinstance(item, dict)
        ]
        if _grants(blocks, seen.need.action):
            return properties
    return None


def _verb(names: str, one: str, many: str) -> str:
    """``one`` after a single role name, ``many`` after a list of them."""
    return many if ", " in names or names.startswith("the ") else one


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _when(epoch: float) -> str:
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return f"{moment:%H:%M} UTC"


# --- the decision -------------------------------------------------------------------------------


def judge(seen: Seen) -> tuple[bool | None, list[Verdict]]:
    """``(granted, verdicts)``: ``granted`` is ``None`` when it could not be decided."""
    verdicts: list[Verdict] = []
    need = seen.need
    if need is None:
        verdicts.append(
            Verdict(
                "need-unknown",
                "unknown",
                "No source names the data action this call needs",
                "The role assignments are listed below, but without the action they cannot be "
                "compared with it.",
            )
        )
        return None, verdicts + _unread_verdicts(seen)
    applying = _applying(seen)
    granting = [item for item in applying if item.grants]
    in_force = [item for item in granting if not _recent(item)]
    denial = _denial(seen)
    granted: bool | None
    if denial is not None:
        granted = False
    elif seen.principal.is_caller and seen.caller_blocks is not None:
        granted = _grants(seen.caller_blocks, need.action)
        if granted and seen.assignments is not None and granting and not in_force:
            granted = False  # granted on paper, but only by assignments too new to count yet
    elif seen.assignments is not None:
        granted = bool(in_force)
    else:
        granted = None
    if granted is False and not need.settled and denial is None and not granting:
        verdicts.append(
            Verdict(
                "action-unpublished",
                "unknown",
                f"{need.action} is not published for {need.what}",
                "The action compared is the nearest one recorded; the service may check "
                "another one, so a missing grant is not proof.",
            )
        )
        granted = None
    if granted:
        verdicts.append(_granted(seen, in_force))
    elif granted is False:
        verdicts.extend(_why_not(seen, applying, granting, denial))
    verdicts.extend(_notes(seen, applying))
    verdicts.extend(_unread_verdicts(seen))
    return granted, verdicts


def _granted(seen: Seen, in_force: Sequence[AssignmentInfo]) -> Verdict:
    assert seen.need is not None
    if in_force:
        held = in_force[0]
        role = seen.roles.get(held.role_id)
        label = role.label if role is not None else held.role_id
        where = f"on {scope_name(held.scope, seen.account_scope)}"
        via = f" through group {held.principal_id}" if held.via_group else ""
        detail = f"{label} {where}{via} grants {seen.need.action}."
    else:
        detail = (
            f"Resource Manager's permissions API shows {seen.need.action} among the caller's "
            "data actions at this scope."
        )
    return Verdict("access-granted", "ok", f"{_who(seen)} may make this call", detail)


def _why_not(
    seen: Seen,
    applying: Sequence[AssignmentInfo],
    granting: Sequence[AssignmentInfo],
    denial: Mapping[str, Any] | None,
) -> list[Verdict]:
    assert seen.need is not None
    need = seen.need
    found: list[Verdict] = []
    if denial is not None:
        found.append(
            Verdict(
                "denied",
                "problem",
                f"A deny assignment blocks {need.action}",
                f"Deny assignment {denial.get('denyAssignmentName')!r} at {denial.get('scope')} "
                "applies to this principal and takes precedence over every role. Deny "
                "assignments are made by Azure itself (managed applications, deployment stacks) "
                "and only their owner can remove them.",
            )
        )
        return found
    recent = [item for item in granting if _recent(item)]
    if recent:
        item = recent[0]
        role = seen.roles.get(item.role_id)
        ready = seen.now - (item.age_seconds or 0) + PROPAGATION_SECONDS
        found.append(
            Verdict(
                "too-recent",
                "problem",
                f"{role.label if role else item.role_id} was assigned "
                f"{int(item.age_seconds or 0)} s ago",
                "New role assignments take about five minutes to reach the data plane (up to "
                "ten; hours for a managed identity that gets the role through a group), and a "
                "token issued before still carries the old state.",
                (
                    f"wait until {_when(ready)}, then get a new token (restart the app, or "
                    "clear the credential's cache) and call again",
                ),
            )
        )
        return found
    found.extend(_wrong_scope(seen))
    found.extend(_eligible(seen))
    if found:
        return found
    return _missing(seen, applying)


def _wrong_scope(seen: Seen) -> list[Verdict]:
    assert seen.need is not None
    elsewhere = [
        item
        for item in seen.assignments or ()
        if item.placement in ("below", "elsewhere") and item.grants
    ]
    scopes = [item.scope for item in elsewhere]
    if not scopes:
        scopes = [scope for scope, granted in seen.project_grants.items() if granted]
    if not scopes:
        return []
    _, command = _role_fix(seen)
    fix = [command]
    if seen.project_endpoint and seen.target == seen.account_scope:
        fix.append(f"or call through the project endpoint: {seen.project_endpoint}")
    names = sorted(
        {seen.roles[item.role_id].label for item in elsewhere if item.role_id in seen.roles}
    )
    held = f"{', '.join(names)} is" if names else "A role that grants it is"
    return [
        Verdict(
            "wrong-scope",
            "problem",
            "The role is assigned on another scope than the one this call needs",
            f"{held} assigned on {scope_name(scopes[0], seen.account_scope)}, but this call "
            f"goes to {scope_name(seen.target, seen.account_scope)}. A "
            "role on a project opens that project's routes (/api/projects/<name>/...), not the "
            "account's (/openai/..., the models on the resource); a role on the account opens "
            "both.",
            tuple(fix),
        )
    ]


def _eligible(seen: Seen) -> list[Verdict]:
    assert seen.need is not None
    for role_id, scope in seen.eligible or ():
        if placement(scope, seen.target) not in ("here", "above"):
            continue
        view = seen.roles.get(role_id) or RoleView(role_id)
        if view.grants(seen.need.action):
            return [
                Verdict(
                    "pim-eligible",
                    "problem",
                    f"{view.label} is eligible through PIM, not active",
                    f"{_who(seen)} may activate {view.label} on {scope} in Privileged Identity "
                    "Management, but until it is activated it grants nothing.",
                    (
                        "activate it (Azure portal: Privileged Identity Management, My roles, "
                        "Azure resources, Eligible assignments, Activate), then get a new token",
                    ),
                )
            ]
    return []


def _missing(seen: Seen, applying: Sequence[AssignmentInfo]) -> list[Verdict]:
    """No role grants the action: none at all, only control-plane ones, or too narrow ones."""
    assert seen.need is not None
    need = seen.need
    role, command = _role_fix(seen)
    views = [seen.roles.get(item.role_id) or RoleView(item.role_id) for item in applying]
    if seen.assignments is None and seen.caller_blocks is not None:
        with_data = [block for block in seen.caller_blocks if block.data_actions]
        if not seen.caller_blocks:
            return [_no_role(seen, command)]
        if not with_data:
            return [_no_data(seen, "the caller's roles", command, role)]
        return [_narrow(seen, "the caller's roles", command, role, None)]
    if not views:
        return [_no_role(seen, command)]
    data_roles = [view for view in views if view.data_plane]
    if not data_roles:
        names = ", ".join(sorted({view.label for view in views}))
        return [_no_data(seen, names, command, role)]
    legacy = [view for view in data_roles if view.known is not None and view.known.legacy]
    if legacy and need.access == "project":
        return [
            Verdict(
                "legacy-role",
                "problem",
                f"{legacy[0].label} is a legacy role without Foundry project access",
                f"{legacy[0].label} was made for hub-based projects: it carries OpenAI (and "
                "Speech, Content Safety) data actions, none under AIServices, which Foundry "
                f"projects check. The current role for this is {role.label}.",
                (command,),
            )
        ]
    names = ", ".join(sorted({view.label for view in data_roles}))
    return [_narrow(seen, names, command, role, data_roles)]


def _no_role(seen: Seen, command: str) -> Verdict:
    assert seen.need is not None
    return Verdict(
        "no-role",
        "problem",
        f"{_who(seen)} holds no role on {seen.target} or above",
        f"A call with an Entra ID token needs a role assignment whose data actions include "
        f"{seen.need.action}; without one the service answers 401 PermissionDenied.",
        (command,),
    )


def _no_data(seen: Seen, names: str, command: str, role: Role) -> Verdict:
    return Verdict(
        "no-data-access",
        "problem",
        "Only roles that manage the resource, none that use it",
        f"{_capital(names)} {_verb(names, 'grants', 'grant')} control-plane actions (managing the "
        "account, deploying, listing keys) "
        f"but no data actions, so they do not let a token call a model. A data-plane role such "
        f"as {role.label} does.",
        (command,),
    )


def _narrow(
    seen: Seen, names: str, command: str, role: Role, views: Sequence[RoleView] | None
) -> Verdict:
    assert seen.need is not None
    need = seen.need
    openai_only = views is not None and all(
        view.known is not None and view.known.opens <= {"openai-models"} for view in views
    )
    if need.access == "any-model" and (openai_only or views is None):
        model = seen.deployment_label or "this deployment"
        return Verdict(
            "role-too-narrow",
            "problem",
            f"{_capital(names)} {_verb(names, 'covers', 'cover')} OpenAI models only; {model} "
            "is another publisher's model",
            "Cognitive Services OpenAI User and Contributor carry data actions under "
            f"accounts/OpenAI only. Other publishers' models need {need.action}, which "
            f"{role.label} grants (so does Cognitive Services User).",
            (command,),
        )
    return Verdict(
        "role-too-narrow",
        "problem",
        f"{_capital(names)} {_verb(names, 'does', 'do')} not grant {need.action}",
        (
            "Project routes check data actions under accounts/AIServices, which roles made for "
            f"OpenAI models lack; {role.label} has them."
            if need.access == "project"
            else f"The roles held carry data actions, but none that covers {need.what}."
        ),
        (command,),
    )


def _notes(seen: Seen, applying: Sequence[AssignmentInfo]) -> list[Verdict]:
    notes: list[Verdict] = []
    seen_ids: set[str] = set()
    for item in seen.assignments or ():
        view = seen.roles.get(item.role_id)
        if view is None or item.role_id in seen_ids:
            continue
        seen_ids.add(item.role_id)
        known = view.known
        if view.renamed and known is not None:
            notes.append(
                Verdict(
                    "role-renamed",
                    "note",
                    f"{view.live_name} is now called {known.name}",
                    f"This tenant still shows role {known.id} as {view.live_name!r}; Microsoft "
                    f"renamed it {known.name!r} in 2026. The ID and the permissions did not "
                    "change. Scripts and docs that name the role may not find it while names "
                    "roll out: assign it by ID.",
                )
            )
        elif known is not None and known.legacy and item.grants and item in applying:
            notes.append(
                Verdict(
                    "legacy-role",
                    "note",
                    f"{view.label} is a legacy role",
                    "It works for this call, but current Foundry pages advise against it and it "
                    "opens no Foundry project routes.",
                )
            )
        if view.custom and item.grants:
            notes.append(
                Verdict(
                    "custom-role",
                    "note",
                    f"A custom role ({view.live_name or item.role_id}) grants it",
                    "Custom roles are judged by their live definition; a change to it applies "
                    "to every holder.",
                )
            )
    if any(item.conditional for item in applying):
        notes.append(
            Verdict(
                "conditional-assignment",
                "note",
                "An assignment carries a condition (ABAC)",
                "Conditions are not evaluated by the permissions API or by this check: an "
                "assignment whose condition does not hold looks like a grant here.",
            )
        )
    return notes


def _unread_verdicts(seen: Seen) -> list[Verdict]:
    if seen.assignments is not None:
        return []
    oid = seen.principal.object_id or "OBJECT_ID"
    other = not seen.principal.is_caller
    caller = seen.caller
    fix: list[str] = []
    if caller is not None and caller.object_id:
        fix.append(
            "to let this check read them: "
            + reader_command(caller.object_id, caller.kind, seen.account_scope)
        )
    fix.append("or ask someone who may read them to run: " + list_command(oid, seen.account_scope))
    detail = (
        f"Listing role assignments needs {ROLE_ASSIGNMENTS_READ} on {seen.account_scope}, which "
        "the caller does not hold (Foundry User and Cognitive Services User lack it; Reader, "
        "Cognitive Services OpenAI User and the Owner roles have it)."
    )
    if other:
        detail += (
            " The permissions API answers only for the caller, so nothing here says what "
            f"{oid} holds."
        )
    else:
        detail += (
            " Without them the check cannot tell which role grants what, where, or since when "
            f"(an assignment younger than {PROPAGATION_UPPER_SECONDS // 60} minutes may not be "
            "in force yet)."
        )
    return [
        Verdict(
            "assignments-unreadable",
            "unknown",
            f"Could not read the role assignments of {oid}",
            detail,
            tuple(fix),
        )
    ]
