"""The emulator's statement of the built-in roles (what its Resource Manager serves and its
permissions API computes) against foundry-doctor's role tables: same IDs, same current and
former names, and the same answer for every data action the diagnosis tables name and for
reading role assignments. The two are written apart on purpose; a wrong fact in either shows
up here as a disagreement."""

from __future__ import annotations

import pytest

from foundry_doctor.emulator.roles import BUILT_IN_ROLES
from foundry_doctor.knowledge import arm, data_actions, roles

_NEEDS = [
    data_actions.need_for(surface, operation, method, publisher)
    for surface, operation, method, publisher in (
        ("v1", "chat/completions", "POST", "openai"),
        ("v1", "chat/completions", "POST", "other"),
        ("dated-deployment", "embeddings", "POST", "openai"),
        ("dated-deployment", "audio/transcriptions", "POST", "openai"),
        ("dated-deployment", "images/generations", "POST", "openai"),
        ("project-v1", "responses", "POST", None),
        ("project", "agents", "GET", None),
        ("project", "connections", "GET", None),
        ("agent-application", "openai/responses", "POST", None),
    )
]
_CONTROL = (arm.ROLE_ASSIGNMENTS_READ, arm.ROLE_DEFINITIONS_READ)


def test_every_known_role_is_served_under_its_id_and_names() -> None:
    for role in roles.ROLES:
        served = BUILT_IN_ROLES.get(role.id)
        assert served is not None, role.name
        assert (served.name, served.former_name) == (role.name, role.former_name)


@pytest.mark.parametrize("role", roles.ROLES, ids=lambda role: role.name)
def test_both_statements_grant_the_same_data_actions(role: roles.Role) -> None:
    served = BUILT_IN_ROLES.get(role.id)
    assert served is not None
    for need in _NEEDS:
        assert need is not None
        ours = data_actions.allows(role.data_actions, (), need.action)
        theirs = served.allows(need.action, data=True)
        assert ours == theirs, f"{role.name}: {need.action}"


@pytest.mark.parametrize("role", [r for r in roles.ROLES if r.actions], ids=lambda r: r.name)
def test_both_statements_agree_on_reading_assignments(role: roles.Role) -> None:
    served = BUILT_IN_ROLES.get(role.id)
    assert served is not None
    for action in _CONTROL:
        ours = data_actions.allows(role.actions, role.not_actions, action)
        assert ours == served.allows(action, data=False), f"{role.name}: {action}"
