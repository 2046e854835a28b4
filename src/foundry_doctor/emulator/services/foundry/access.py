"""Who called (a key, or a token's principal with its role definitions), and what that lets
them do: every decision is by data action (see
:mod:`~foundry_doctor.emulator.roles`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from foundry_doctor.emulator.roles import RoleDefinition
from foundry_doctor.emulator.services.foundry.spec import ModelFamily, model_action

__all__ = ["Identity"]

#: the model families a call that names no deployment yet may be for
_ANY_FAMILY: tuple[ModelFamily, ...] = ("openai", "maas")


@dataclass(frozen=True, slots=True)
class Identity:
    """The caller: a resource key (``via="key"``: roles are not consulted), a token whose
    principal (``oid``) holds ``roles`` on the resource, or a project call whose project-level
    data action was already checked (``via="project"``: the models behind it are covered)."""

    via: Literal["key", "token", "project"]
    oid: str = ""
    roles: tuple[RoleDefinition, ...] = ()

    def grants(self, action: str) -> bool:
        """Whether the caller may perform the data action ``action``."""
        return self.via != "token" or any(role.grants(action) for role in self.roles)

    def may_call(self, operation: str, family: ModelFamily | None) -> bool:
        """Whether the caller may run ``operation`` on a deployment of ``family`` (``None``:
        on some deployment, before the request's deployment is known)."""
        families = _ANY_FAMILY if family is None else (family,)
        return any(self.grants(model_action(each, operation)) for each in families)
