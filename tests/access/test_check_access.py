"""``foundry_doctor.access.check_access`` against the emulated Resource Manager, with the
emulator's real token credentials over real sockets: one test per situation the issue names
(every right, none, a role too narrow for the model, a renamed role, a role on the project
only, an assignment made a minute ago, a caller who cannot read assignments, a misspelled
deployment, a retired model version) and the others the check tells apart (groups, PIM,
deny assignments, legacy roles, keys, networks, pasted errors, failing credentials,
throttling). Each asserts the verdict, the fix and the exit code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from foundry_doctor.access import AccessReport, check_access
from foundry_doctor.emulator import Deployment, Emulator
from foundry_doctor.emulator.services.arm.world import DenyAssignment, RoleAssignment

pytestmark = pytest.mark.azure

AOAI = "https://myres.openai.azure.com"
V1 = "https://myres.openai.azure.com/openai/v1/"
PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
SUB = "/subscriptions/cccccccc-0000-0000-0000-000000000001"
ACCOUNT = f"{SUB}/resourceGroups/rg-foundry/providers/Microsoft.CognitiveServices/accounts/myres"
FOUNDRY_USER = "53ca6127-db72-4b80-b1b0-d745d6d5456d"
OPENAI_USER = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CHAT = "Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action"


def oid(emu: Emulator, name: str) -> str:
    return emu.world.principal(name).oid


@pytest.fixture
def world(emu: Emulator) -> Iterator[Any]:
    with emu.modified_world() as changed:
        yield changed


def check(emu: Emulator, caller: str, endpoint: str = AOAI, **kwargs: Any) -> AccessReport:
    report = check_access(endpoint, credential=emu.credential(caller), **kwargs)
    json.dumps(report.to_dict())  # always serialisable
    assert report.render()
    return report


def codes(report: AccessReport) -> set[str]:
    return {item.code for item in report.verdicts}


def only_fix(report: AccessReport, code: str) -> str:
    verdict = report.verdict(code)
    assert verdict is not None, codes(report)
    assert verdict.fix, verdict
    return verdict.fix[0]


# --- the situations of the issue -------------------------------------------------------------


def test_an_identity_with_every_right(emu: Emulator) -> None:
    report = check(emu, "alice", deployment="gpt-4o")
    assert report.exit_code == 0
    assert report.granted is True
    assert report.problems == ()
    assert report.verdict("access-granted") is not None
    assert report.account is not None
    assert report.account.id == ACCOUNT
    assert report.target_scope == ACCOUNT
    assert report.data_action == CHAT
    roles = {item.role_id for item in report.assignments}
    assert roles == {FOUNDRY_USER, "a97b65f3-24c7-4388-baec-2e87135dc908", READER}
    reader = next(item for item in report.assignments if item.role_id == READER)
    assert (reader.placement, reader.grants, reader.data_plane) == ("above", False, False)
    deployment = next(item for item in report.deployments if item.name == "gpt-4o")
    assert (deployment.version, deployment.lifecycle) == ("2024-11-20", "GenerallyAvailable")
    assert report.unread == ()
    assert 5 <= report.arm_calls <= 12
    assert any("identity running the check" in limit for limit in report.limits)
    assert any("ABAC" in limit for limit in report.limits)


def test_an_identity_with_none(emu: Emulator) -> None:
    report = check(emu, "dave", deployment="gpt-4o")
    assert report.exit_code == 1
    assert report.granted is False
    fix = only_fix(report, "no-role")
    assert f"--assignee-object-id {oid(emu, 'dave')} --assignee-principal-type User" in fix
    assert f"--role {OPENAI_USER}" in fix  # the least-privileged role for an OpenAI model
    assert "customSubDomainName=='myres'" in fix  # dave cannot see the account's id himself
    given = check(emu, "dave", deployment="gpt-4o", account_id=ACCOUNT)
    assert given.exit_code == 1
    assert f'--scope "{ACCOUNT}"' in only_fix(given, "no-role")
    assert any(item.right.endswith("accounts/read") for item in given.unread)


def test_a_role_too_narrow_for_the_model(emu: Emulator) -> None:
    report = check(emu, "bob", V1, model="DeepSeek-R1")
    assert report.exit_code == 1
    verdict = report.verdict("role-too-narrow")
    assert verdict is not None
    assert "OpenAI models only" in verdict.title
    assert "DeepSeek" in verdict.title
    assert report.data_action == "Microsoft.CognitiveServices/accounts/MaaS/*"
    fix = only_fix(report, "role-too-narrow")
    assert f"--role {FOUNDRY_USER}" in fix
    assert f'--scope "{ACCOUNT}"' in fix
    assert fix.endswith("# Foundry User, formerly Azure AI User")
    assert check(emu, "bob", V1, model="gpt-4o").exit_code == 0  # an OpenAI model is fine


def test_a_renamed_role(emu: Emulator, world: Any) -> None:
    world.apply({"arm.role_names": "former"})
    report = check(emu, "alice", deployment="gpt-4o")
    assert report.exit_code == 0  # same ID, same permissions: it still works
    note = report.verdict("role-renamed")
    assert note is not None
    assert note.severity == "note"
    assert note.title == "Azure AI User is now called Foundry User"
    assert FOUNDRY_USER in note.detail
    held = next(item for item in report.assignments if item.role_id == FOUNDRY_USER)
    assert (held.role_name, held.live_role_name) == ("Foundry User", "Azure AI User")


def test_a_legacy_role_on_a_project_route(emu: Emulator, world: Any) -> None:
    world.assign("dave", "Azure AI Developer")
    # the role reads no Cognitive Services account: the check is given the account's id
    assert check(emu, "dave", PROJECT).verdict("account-not-found") is not None
    report = check(emu, "dave", PROJECT, account_id=ACCOUNT)
    assert report.exit_code == 1
    verdict = report.verdict("legacy-role")
    assert verdict is not None
    assert verdict.severity == "problem"
    assert "Azure AI Developer" in verdict.title
    fix = only_fix(report, "legacy-role")
    assert f"--role {FOUNDRY_USER}" in fix
    assert f'--scope "{ACCOUNT}/projects/myproject"' in fix
    works = check(emu, "dave", AOAI, deployment="gpt-4o", account_id=ACCOUNT)
    assert works.exit_code == 0
    assert works.verdict("legacy-role") is not None  # works, but noted


def test_a_role_on_the_project_only(emu: Emulator) -> None:
    report = check(emu, "frank", AOAI, deployment="gpt-4o")
    assert report.exit_code == 1
    verdict = report.verdict("wrong-scope")
    assert verdict is not None
    assert "project myproject" in verdict.detail
    fix = verdict.fix
    assert f'--scope "{ACCOUNT}"' in fix[0]
    assert "https://myres.services.ai.azure.com/api/projects/myproject/openai/v1" in fix[1]
    seen_by_alice = check(emu, "alice", AOAI, deployment="gpt-4o", principal=oid(emu, "frank"))
    assert seen_by_alice.exit_code == 1
    assert seen_by_alice.verdict("wrong-scope") is not None
    held = seen_by_alice.assignments[0]
    assert (held.placement, held.role_id) == ("below", FOUNDRY_USER)
    on_the_project = check(emu, "frank", PROJECT)
    assert on_the_project.exit_code == 0
    assert on_the_project.target_scope == f"{ACCOUNT}/projects/myproject"


def test_an_assignment_made_a_minute_ago(emu: Emulator, world: Any) -> None:
    # grace's assignment is made "a minute ago" when the world is built; make it so now
    world.arm.role_assignments = [
        item for item in world.arm.role_assignments if item.principal != "grace"
    ]
    world.arm.assign(
        RoleAssignment("grace", "Cognitive Services User", ACCOUNT, created_on=_now() - 60)
    )
    report = check(emu, "alice", deployment="gpt-4o", principal=oid(emu, "grace"))
    assert report.exit_code == 1, report.render()
    verdict = report.verdict("too-recent")
    assert verdict is not None
    assert "was assigned 6" in verdict.title or "was assigned 5" in verdict.title
    assert "wait until" in verdict.fix[0]
    assert "new token" in verdict.fix[0]
    held = report.assignments[0]
    assert held.age_seconds is not None
    assert held.age_seconds < 300


def _now() -> float:
    import time

    return time.time()


def test_a_caller_who_cannot_read_assignments(emu: Emulator) -> None:
    target = oid(emu, "uami-batch")
    report = check(emu, "app", deployment="gpt-4o", principal=target)
    assert report.exit_code == 3
    assert report.granted is None
    verdict = report.verdict("assignments-unreadable")
    assert verdict is not None
    assert "Microsoft.Authorization/roleAssignments/read" in verdict.detail
    assert "answers only for the caller" in verdict.detail
    assert f"--role {READER}" in verdict.fix[0]
    assert (
        f"--assignee-object-id {oid(emu, 'app')} --assignee-principal-type ServicePrincipal"
        in verdict.fix[0]
    )
    assert f"az role assignment list --assignee {target}" in verdict.fix[1]
    unread = {item.right for item in report.unread}
    assert "Microsoft.Authorization/roleAssignments/read" in unread
    assert report.principal is not None
    assert not report.principal.is_caller


def test_a_misspelled_deployment(emu: Emulator) -> None:
    report = check(emu, "alice", deployment="gpt4o")
    assert report.exit_code == 1
    verdict = report.verdict("deployment-not-found")
    assert verdict is not None
    assert verdict.detail.startswith("Did you mean 'gpt-4o'")
    assert verdict.fix[0] == "use deployment 'gpt-4o'"
    assert report.verdict("access-granted") is not None  # the roles are fine


def test_a_retired_model_version(emu: Emulator, world: Any) -> None:
    world.resource("myres").add_deployment(
        Deployment("chat-legacy", "gpt-35-turbo", model_version="0125")
    )
    report = check(emu, "alice", deployment="chat-legacy")
    assert report.exit_code == 1
    verdict = report.verdict("model-retired")
    assert verdict is not None
    assert "gpt-35-turbo 0125" in verdict.title
    assert "2025-04-30" in verdict.detail
    assert verdict.fix == ("deploy gpt-4o-mini 2024-07-18 and point the calls at that deployment",)
    listed = next(item for item in report.deployments if item.name == "chat-legacy")
    assert listed.lifecycle == "Deprecated"
    world.apply({"arm.list_retired_models": False})  # the service no longer lists the version
    fallback = check(emu, "alice", deployment="chat-legacy")
    retired = fallback.verdict("model-retired")
    assert retired is not None
    assert "2025-07-16" in retired.detail  # foundry-doctor's own retirement table


# --- the other situations ----------------------------------------------------------------------


def test_a_role_through_nested_groups(emu: Emulator) -> None:
    report = check(emu, "alice", deployment="gpt-4o", principal=oid(emu, "heidi"))
    assert report.exit_code == 0
    held = report.assignments[0]
    assert held.via_group
    assert held.principal_type == "Group"
    granted = report.verdict("access-granted")
    assert granted is not None
    assert "through group" in granted.detail
    assert check(emu, "heidi", deployment="gpt-4o").exit_code == 0


def test_pim_eligible_but_not_active(emu: Emulator) -> None:
    own = check(emu, "ivan", deployment="gpt-4o")
    assert own.exit_code == 1
    verdict = own.verdict("pim-eligible")
    assert verdict is not None
    assert "Foundry User" in verdict.title
    assert "Activate" in verdict.fix[0]
    seen = check(emu, "alice", deployment="gpt-4o", principal=oid(emu, "ivan"))
    assert seen.verdict("pim-eligible") is not None
    assert seen.exit_code == 1


def test_a_deny_assignment(emu: Emulator, world: Any) -> None:
    world.arm.deny_assignments.append(
        DenyAssignment(
            "managed-app-lock",
            ACCOUNT,
            data_actions=("Microsoft.CognitiveServices/accounts/OpenAI/*",),
            principals=(oid(emu, "bob"),),
        )
    )
    report = check(emu, "alice", deployment="gpt-4o", principal=oid(emu, "bob"))
    assert report.exit_code == 1
    verdict = report.verdict("denied")
    assert verdict is not None
    assert "managed-app-lock" in verdict.detail


def test_roles_that_manage_but_grant_no_data_access(emu: Emulator) -> None:
    report = check(emu, "carol", deployment="gpt-4o")
    assert report.exit_code == 1
    verdict = report.verdict("no-data-access")
    assert verdict is not None
    assert verdict.detail.startswith("Owner grants control-plane actions")
    assert f"--role {OPENAI_USER}" in verdict.fix[0]


def test_keys_and_networks(emu: Emulator) -> None:
    keyless = check(emu, "alice", "https://keyless.openai.azure.com", auth="key")
    assert keyless.exit_code == 1
    assert "disableLocalAuth=false" in keyless.verdict("key-auth-disabled").fix[1]  # type: ignore[union-attr]
    keyed = check(emu, "alice", AOAI, auth="key", deployment="gpt-4o")
    assert keyed.exit_code == 0
    assert keyed.verdict("key-auth") is not None
    private = check(emu, "alice", "https://private.openai.azure.com", deployment="gpt-4o")
    assert private.exit_code == 1
    assert private.verdict("network-closed") is not None
    assert private.verdict("access-granted") is not None


def test_the_principal_and_action_from_a_pasted_error(emu: Emulator) -> None:
    frank = oid(emu, "frank")
    pasted = (
        "openai.PermissionDeniedError: Error code: 401 - {'error': {'code': 'PermissionDenied', "
        f"'message': 'The principal `{frank}` lacks the required data action "
        "`Microsoft.CognitiveServices/accounts/AIServices/agents/read` to perform `GET "
        "/api/projects/{projectName}/assistants` operation.'}}"
    )
    report = check(emu, "alice", PROJECT + "/assistants", error=pasted, method="GET")
    assert report.principal is not None
    assert report.principal.object_id == frank
    assert report.data_action == "Microsoft.CognitiveServices/accounts/AIServices/agents/read"
    assert report.exit_code == 0  # Foundry User on the project grants it


def test_a_principal_given_as_its_token(emu: Emulator) -> None:
    token = emu.token("bob", "https://cognitiveservices.azure.com/.default")
    report = check(emu, "alice", V1, model="Llama-3.3-70B-Instruct", principal=token)
    assert report.principal is not None
    assert report.principal.object_id == oid(emu, "bob")
    assert report.principal.kind == "user"
    assert report.verdict("role-too-narrow") is not None
    assert token not in json.dumps(report.to_dict())


def test_a_credential_that_gives_no_token(emu: Emulator) -> None:
    from azure.identity import ClientSecretCredential

    credential = ClientSecretCredential(
        "aaaaaaaa-0000-0000-0000-000000000001", emu.world.app("chat-backend").client_id, "wrong"
    )
    report = check_access(AOAI, credential=credential, deployment="gpt-4o")
    assert report.exit_code == 3
    verdict = report.verdict("no-token")
    assert verdict is not None
    assert "AADSTS7000215" in verdict.detail
    assert report.arm_calls == 0


def test_the_real_client_secret_credential_reaches_resource_manager(emu: Emulator) -> None:
    from azure.identity import ClientSecretCredential

    credential = ClientSecretCredential(
        "aaaaaaaa-0000-0000-0000-000000000001",
        emu.world.app("chat-backend").client_id,
        emu.client_secret("chat-backend"),
    )
    report = check_access(AOAI, credential=credential, deployment="gpt-4o")
    assert report.caller is not None
    assert report.caller.kind == "app"
    assert report.caller.object_id == oid(emu, "app")
    assert report.exit_code == 0  # Cognitive Services User grants it; assignments unreadable
    assert report.verdict("assignments-unreadable") is not None


def test_throttling_is_waited_out(emu: Emulator, world: Any) -> None:
    world.apply({"arm.throttle": 1, "arm.throttle_retry_after": 1})
    emu.clear_requests()
    report = check(emu, "alice", deployment="gpt-4o")
    assert report.exit_code == 0
    statuses = [item.status for item in emu.requests if item.service == "arm"]
    assert statuses[0] == 429
    assert report.arm_calls == len(statuses)


def test_usage_errors() -> None:
    with pytest.raises(ValueError, match="endpoint"):
        check_access(None, credential=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a Foundry"):
        check_access("https://eastus.api.cognitive.microsoft.com", credential=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="object id"):
        check_access(AOAI, credential=object(), principal="somebody")  # type: ignore[arg-type]


def test_nothing_secret_and_nothing_personal(emu: Emulator) -> None:
    for caller, principal in (("alice", None), ("alice", "ivan"), ("dave", None), ("app", "bob")):
        report = check(
            emu, caller, deployment="gpt-4o", principal=oid(emu, principal) if principal else None
        )
        text = report.render() + json.dumps(report.to_dict())
        assert "eyJ" not in text
        for person in emu.world.principals.values():
            if person.upn:
                assert person.upn not in text
