"""The tables the access check reads: data actions per operation, the RBAC matching rule, the
Resource Manager facts, and the control-plane actions recorded for the roles."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from foundry_doctor.knowledge import arm, data_actions, roles
from foundry_doctor.knowledge.sources import Source


class _Block(NamedTuple):
    data_actions: tuple[str, ...]
    not_data_actions: tuple[str, ...] = ()


CHAT = "Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action"


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("Microsoft.CognitiveServices/*", CHAT, True),
        ("microsoft.cognitiveservices/accounts/openai/*", CHAT, True),
        ("Microsoft.CognitiveServices/accounts/OpenAI/*/read", CHAT, False),
        (
            "Microsoft.CognitiveServices/accounts/OpenAI/*/read",
            "Microsoft.CognitiveServices/accounts/OpenAI/models/read",
            True,
        ),
        ("*/read", "Microsoft.Authorization/roleAssignments/read", True),
        ("*", "Microsoft.Authorization/roleAssignments/write", True),
        ("Microsoft.Authorization/*/read", "Microsoft.Authorization/roleAssignments/read", True),
        ("Microsoft.CognitiveServices/*", data_actions.MAAS_ACTIONS, True),
        ("Microsoft.CognitiveServices/accounts/OpenAI/*", data_actions.MAAS_ACTIONS, False),
        ("Microsoft.CognitiveServices/accounts/MaaS/*", data_actions.MAAS_ACTIONS, True),
        ("", CHAT, False),
        ("*" * 40 + "x", "a" * 200, False),
    ],
)
def test_the_matching_rule(pattern: str, action: str, expected: bool) -> None:
    assert data_actions.covers(pattern, action) is expected


def test_not_data_actions_take_away_only_from_their_own_role() -> None:
    narrowed = _Block(("Microsoft.CognitiveServices/*",), (CHAT,))
    assert not data_actions.grants([narrowed], CHAT)
    assert data_actions.grants([narrowed, _Block((CHAT,))], CHAT)
    assert not data_actions.grants([], CHAT)


def test_needs_per_operation_and_publisher() -> None:
    chat = data_actions.need_for("v1", "chat/completions", "POST", "openai")
    assert chat is not None
    assert chat.action == CHAT
    assert chat.access == "openai-models"
    assert chat.settled
    maas = data_actions.need_for("v1", "chat/completions", "POST", "other")
    assert maas is not None
    assert maas.action == data_actions.MAAS_ACTIONS
    assert maas.access == "any-model"
    dated = data_actions.need_for("dated-deployment", "embeddings", "POST", None)
    assert dated is not None
    assert dated.action.endswith("/deployments/embeddings/action")
    project = data_actions.need_for("project-v1", "responses", "POST", "openai")
    assert project is not None
    assert project.action == "Microsoft.CognitiveServices/accounts/AIServices/agents/write"
    assert project.access == "project"
    reading = data_actions.need_for("project", "agents/a1", "GET")
    assert reading is not None
    assert reading.action.endswith("/agents/read")
    assert data_actions.need_for("anthropic", "messages", "POST", "anthropic") is None
    assert data_actions.need_for("v1", "chat/completions", "POST", "anthropic") is None
    assert data_actions.need_for("openai-platform", "chat/completions") is None
    assert data_actions.need_for(None, None) is None
    base = data_actions.need_for("v1", "", "POST", "openai")
    assert base is not None
    assert base.action == CHAT
    responses = data_actions.need_for("v1", "responses", "POST", "openai")
    assert responses is not None
    assert not responses.settled


def _role_grants(role: roles.Role, action: str) -> bool:
    return data_actions.grants([_Block(role.data_actions, role.not_data_actions)], action)


def test_the_roles_grant_what_roles_md_section_4_says() -> None:
    """What each role ``opens`` follows from its data actions, for every kind of access."""
    needs = {
        "openai-models": data_actions.need_for("v1", "chat/completions", "POST", "openai"),
        "any-model": data_actions.need_for("v1", "chat/completions", "POST", "other"),
        "project": data_actions.need_for("project-v1", "responses", "POST"),
        "agent-endpoint": data_actions.need_for("agent-endpoint", "openai/responses", "POST"),
        "application": data_actions.need_for("agent-application", "openai/responses", "POST"),
    }
    for access, need in needs.items():
        assert need is not None
        assert need.access == access
        for role in roles.ROLES:
            assert _role_grants(role, need.action) == (access in role.opens), (role.name, access)


def test_openai_user_has_no_stored_completions() -> None:
    """The published notDataAction of Cognitive Services OpenAI User takes the read away."""
    role = roles.COGNITIVE_SERVICES_OPENAI_USER
    assert _role_grants(role, "Microsoft.CognitiveServices/accounts/OpenAI/models/read")
    stored = "Microsoft.CognitiveServices/accounts/OpenAI/stored-completions/read"
    assert not _role_grants(role, stored)


def test_who_may_read_role_assignments() -> None:
    def reads(role: roles.Role) -> bool:
        return data_actions.allows(role.actions, role.not_actions, arm.ROLE_ASSIGNMENTS_READ)

    assert reads(roles.READER)
    assert reads(roles.COGNITIVE_SERVICES_OPENAI_USER)
    assert not reads(roles.FOUNDRY_USER)
    assert not reads(roles.COGNITIVE_SERVICES_USER)
    contributor = roles.role_named("Contributor")
    assert contributor is not None
    assert reads(contributor)
    assert not data_actions.allows(
        contributor.actions,
        contributor.not_actions,
        "Microsoft.Authorization/roleAssignments/write",
    )
    assert roles.AZURE_AI_DEVELOPER.legacy
    assert not roles.FOUNDRY_USER.legacy


def test_resource_manager_facts() -> None:
    public = arm.arm_cloud("public")
    assert (public.host, public.scope) == (
        "management.azure.com",
        "https://management.azure.com/.default",
    )
    assert arm.arm_cloud("usgov").scope.startswith("https://management.core.usgovcloudapi.net")
    for source in (*arm.SOURCES, *data_actions.MATCHING_SOURCES, *arm.API_VERSIONS.sources):
        assert isinstance(source, Source)
        assert source.where
    assert arm.PROPAGATION_SECONDS < arm.PROPAGATION_UPPER_SECONDS
