"""What an access check found, as data: who asked and about whom, the account, the data action
the call needs, the role assignments seen, the deployments, the verdicts with their fixes,
what could not be read (and the right that would allow it), and the limits of the check.

Exit codes (:attr:`AccessReport.exit_code`): 0 the call should work, 1 a problem was found,
3 nothing decisive could be checked (no rights, no token, no network). Nothing here holds a
token, a key or a person's name: identities are object ids, URLs went through ``safe_url``,
service messages through the redaction of :mod:`foundry_doctor.facts.redaction`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from foundry_doctor.access.scopes import Placement

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_UNCHECKED",
    "AccessReport",
    "AccountInfo",
    "AssignmentInfo",
    "DeploymentInfo",
    "Identity",
    "Severity",
    "Unread",
    "Verdict",
]

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_UNCHECKED = 3

#: ``ok``: the call should work for this reason; ``problem``: the call fails (or will) for
#: this reason; ``note``: worth knowing, changes nothing; ``unknown``: could not be checked
Severity = Literal["ok", "problem", "note", "unknown"]


@dataclass(frozen=True)
class Verdict:
    """One finding: a stable ``code``, its ``severity``, a title, the explanation, and the
    fix as commands or steps (shell commands are complete lines; comments start with #)."""

    code: str
    severity: Severity
    title: str
    detail: str
    fix: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identity:
    """A principal by object id; ``kind`` ``user`` / ``app`` (service principal, managed
    identity, agent identity) when known; ``is_caller`` for the identity running the check."""

    object_id: str | None
    tenant_id: str | None = None
    kind: str | None = None
    app_id: str | None = None
    is_caller: bool = False


@dataclass(frozen=True)
class AccountInfo:
    """The Foundry / Azure OpenAI account behind the endpoint, as Resource Manager shows it."""

    id: str
    name: str
    kind: str | None
    location: str | None
    subscription_id: str
    resource_group: str
    custom_subdomain: str | None
    hosts: tuple[str, ...]
    disable_local_auth: bool | None
    public_network_access: str | None
    network_default_action: str | None
    projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssignmentInfo:
    """A role assignment of the principal (or of a group it is in) seen at, above or below the
    account. ``role_name`` is the name foundry-doctor knows, ``live_role_name`` what this
    tenant calls it (when read); ``grants`` whether it grants the call's data action (``None``:
    its definition could not be read)."""

    role_id: str
    role_name: str | None
    live_role_name: str | None
    scope: str
    placement: Placement
    principal_id: str
    principal_type: str | None
    via_group: bool
    created_on: str | None
    age_seconds: float | None
    conditional: bool
    grants: bool | None
    data_plane: bool | None


@dataclass(frozen=True)
class DeploymentInfo:
    """A deployment on the account with its model and the model version's lifecycle."""

    name: str
    model: str | None
    format: str | None
    version: str | None
    lifecycle: str | None = None
    inference_until: str | None = None
    replacement: str | None = None


@dataclass(frozen=True)
class Unread:
    """Something the check could not read: what, at which scope, and the right it needs."""

    what: str
    scope: str
    right: str
    status: int | None = None


@dataclass(frozen=True)
class AccessReport:
    """The result of :func:`foundry_doctor.access.check_access`."""

    endpoint: str
    operation: str | None
    data_action: str | None
    need_settled: bool
    target_scope: str | None
    caller: Identity | None
    principal: Identity | None
    account: AccountInfo | None
    granted: bool | None
    verdicts: tuple[Verdict, ...]
    assignments: tuple[AssignmentInfo, ...] = ()
    deployments: tuple[DeploymentInfo, ...] = ()
    deployment: str | None = None
    unread: tuple[Unread, ...] = ()
    limits: tuple[str, ...] = ()
    arm_calls: int = 0
    auth: str = "entra"
    checked_at: str | None = field(default=None, compare=False)

    @property
    def problems(self) -> tuple[Verdict, ...]:
        return tuple(item for item in self.verdicts if item.severity == "problem")

    @property
    def exit_code(self) -> int:
        """0 the call should work, 1 a problem found, 3 the access could not be decided."""
        if self.problems:
            return EXIT_PROBLEM
        if self.granted is None:
            return EXIT_UNCHECKED
        return EXIT_OK

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK

    def verdict(self, code: str) -> Verdict | None:
        """The verdict with this code, if any."""
        return next((item for item in self.verdicts if item.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (what ``--json`` prints)."""
        data = asdict(self)
        data["exit_code"] = self.exit_code
        data["ok"] = self.ok
        data["problems"] = [item.code for item in self.problems]
        return data

    def render(self) -> str:
        """The report for people (see :mod:`foundry_doctor.access.render`)."""
        from foundry_doctor.access.render import render

        return render(self)
