"""The commands an access report prints: role assignments by role-definition ID (names change,
IDs do not: ``roles.md`` section 5), for the principal by object id and type, at the exact
scope; and the commands someone with more rights can run to see what this check could not."""

from __future__ import annotations

from foundry_doctor.knowledge.roles import READER, Role

__all__ = [
    "PRINCIPAL_TYPE_PLACEHOLDER",
    "assign_command",
    "list_command",
    "principal_type",
    "reader_command",
    "role_label",
]

#: stands in for the principal type when it is not known (shell-safe, as azd does)
PRINCIPAL_TYPE_PLACEHOLDER = "PRINCIPAL_TYPE"


def role_label(role: Role) -> str:
    """``Foundry User, formerly Azure AI User``."""
    return f"{role.name}, formerly {role.former_name}" if role.former_name else role.name


def principal_type(kind: str | None) -> str | None:
    """The ``--assignee-principal-type`` for an identity kind (``user`` / ``app``), or for a
    principal type ARM reported."""
    if kind in ("User", "ServicePrincipal", "Group", "ForeignGroup"):
        return kind
    return {"user": "User", "app": "ServicePrincipal"}.get(kind or "")


def assign_command(object_id: str, kind: str | None, role: Role, scope: str) -> str:
    """``az role assignment create ... --role <GUID> --scope "<scope>"  # <name>``."""
    typed = principal_type(kind) or PRINCIPAL_TYPE_PLACEHOLDER
    note = role_label(role)
    if typed == PRINCIPAL_TYPE_PLACEHOLDER:
        note += f"; {PRINCIPAL_TYPE_PLACEHOLDER}: User or ServicePrincipal"
    return (
        f"az role assignment create --assignee-object-id {object_id} "
        f'--assignee-principal-type {typed} --role {role.id} --scope "{scope}"  # {note}'
    )


def reader_command(object_id: str, kind: str | None, scope: str) -> str:
    """Reader for the caller, so that it can read role assignments at ``scope``."""
    return assign_command(object_id, kind, READER, scope)


def list_command(object_id: str, scope: str) -> str:
    """What someone allowed to read role assignments can run instead."""
    return (
        f'az role assignment list --assignee {object_id} --scope "{scope}" '
        "--include-inherited --include-groups --output table"
    )
