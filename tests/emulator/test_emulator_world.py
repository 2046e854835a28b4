"""The world model and the preset scenarios as data (no network)."""

from __future__ import annotations

import pytest

from foundry_doctor.emulator import Deployment, Resource, World, default_world
from foundry_doctor.emulator.roles import BUILT_IN_ROLES, RoleDefinition
from foundry_doctor.emulator.services.foundry.access import Identity
from foundry_doctor.emulator.services.foundry.spec import PROJECT_OPERATIONS
from foundry_doctor.emulator.world import DEFAULT_TENANT, FOREIGN_TENANT
from support.scenarios import (
    CLIENT_KINDS,
    RULES,
    SCENARIOS,
    scenario,
    scenarios_for,
)


def test_default_world_resources() -> None:
    world = default_world()
    assert sorted(world.resources) == ["keyless", "myres", "private"]
    myres = world.resource("myres")
    assert myres.hosts == (
        "myres.openai.azure.com",
        "myres.services.ai.azure.com",
        "myres.cognitiveservices.azure.com",
    )
    assert (myres.tenant_id, myres.region, myres.local_auth, myres.public_network) == (
        DEFAULT_TENANT,
        "eastus",
        True,
        True,
    )
    families = {name: item.family for name, item in myres.deployments.items()}
    assert families == {
        "gpt-4o": "openai",
        "gpt-4o-mini": "openai",
        "text-embedding-3-small": "openai",
        "Llama-3.3-70B-Instruct": "maas",
        "DeepSeek-R1": "maas",
        "Cohere-embed-v3-english": "maas",
    }
    assert set(myres.projects) == {"myproject"}
    assert not world.resource("keyless").local_auth
    assert not world.resource("private").public_network
    assert world.regional_hosts() == ("eastus.api.cognitive.microsoft.com",)
    assert myres.resource_id.endswith("/providers/Microsoft.CognitiveServices/accounts/myres")


def test_default_world_principals_and_roles() -> None:
    world = default_world()
    assert world.roles("alice") == {"Cognitive Services User", "Foundry User"}
    assert world.roles("bob") == {"Cognitive Services OpenAI User"}
    assert world.roles("carol") == {"Owner"}
    assert world.roles("dave") == frozenset()
    assert world.roles("app") == {"Cognitive Services User"}
    assert world.principal("app").idtyp == "app"
    assert world.principal("eve").tid == FOREIGN_TENANT
    assert len({principal.oid for principal in world.principals.values()}) == len(world.principals)


def test_keys_are_fresh_per_world() -> None:
    assert default_world().resource("myres").keys != default_world().resource("myres").keys


def _identity(*roles: str) -> Identity:
    world = default_world()
    return Identity("token", roles=tuple(world.role(role) for role in roles))


_AGENTS_WRITE = next(op for op in PROJECT_OPERATIONS if op.name == "agents/create").data_action
_ENDPOINT = next(op for op in PROJECT_OPERATIONS if op.name == "endpoint/responses").data_action


@pytest.mark.parametrize(
    ("roles", "openai_model", "maas_model", "project", "agent_endpoint"),
    [
        (("Cognitive Services User",), True, True, True, True),
        (("Cognitive Services OpenAI User",), True, False, False, False),
        (("Cognitive Services OpenAI Contributor",), True, False, False, False),
        (("Foundry User",), True, True, True, True),
        (("Azure AI User",), True, True, True, True),  # the former name of Foundry User
        (("Foundry Project Manager",), True, True, True, True),
        (("Foundry Agent Consumer",), False, False, False, True),
        (("Azure AI Developer",), True, False, False, False),
        (("Foundry Account Owner",), False, False, False, False),
        (("Owner",), False, False, False, False),
        (("Contributor",), False, False, False, False),
        (("Reader",), False, False, False, False),
        ((), False, False, False, False),
    ],
)
def test_roles_grant_by_data_action(
    roles: tuple[str, ...],
    openai_model: bool,
    maas_model: bool,
    project: bool,
    agent_endpoint: bool,
) -> None:
    """roles.md §4: which role opens which surface."""
    identity = _identity(*roles)
    assert identity.may_call("chat/completions", "openai") is openai_model
    assert identity.may_call("chat/completions", "maas") is maas_model
    assert _AGENTS_WRITE is not None
    assert _ENDPOINT is not None
    assert identity.grants(_AGENTS_WRITE) is project
    assert identity.grants(_ENDPOINT) is agent_endpoint


def test_openai_user_has_no_stored_completions() -> None:
    """The published notDataAction of Cognitive Services OpenAI User wins over its reads."""
    role = default_world().role("Cognitive Services OpenAI User")
    assert role.grants("Microsoft.CognitiveServices/accounts/OpenAI/models/read")
    assert not role.grants("Microsoft.CognitiveServices/accounts/OpenAI/stored-completions/read")


def test_roles_are_named_by_id_current_or_former_name() -> None:
    world = default_world()
    by_id = world.role("53ca6127-db72-4b80-b1b0-d745d6d5456d")
    assert by_id is world.role("Foundry User") is world.role("azure ai user")
    scoped = "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/" + by_id.role_id
    assert world.role(scoped) is by_id
    world.assign("dave", "Azure AI User")
    assert world.roles("dave") == {"Foundry User"}
    world.unassign("dave", "53ca6127-db72-4b80-b1b0-d745d6d5456d")
    assert world.roles("dave") == frozenset()
    assert len(BUILT_IN_ROLES) == len({role.name for role in BUILT_IN_ROLES.values()})


def test_an_unknown_role_fails_loudly() -> None:
    world = default_world()
    with pytest.raises(KeyError, match="no role 'Cognitive Service User'"):
        world.assign("dave", "Cognitive Service User")
    assert world.roles("dave") == frozenset()


def test_a_custom_role_grants_its_data_actions() -> None:
    world = default_world()
    world.define_role(
        RoleDefinition(
            "99999999-0000-0000-0000-000000000001",
            "MaaS Caller",
            data_actions=("Microsoft.CognitiveServices/accounts/MaaS/*",),
        )
    )
    world.assign("dave", "MaaS Caller")
    dave = world.principal("dave").oid
    identity = Identity("token", roles=world.data_plane_roles(dave, world.resource("myres")))
    assert identity.may_call("chat/completions", "maas")
    assert not identity.may_call("chat/completions", "openai")


def test_resource_manager_assignments_name_known_roles() -> None:
    world = default_world()
    account = world.resource("myres").resource_id
    with pytest.raises(KeyError, match="no role 'Foundry Users'"):
        world.assign_at("dave", "Foundry Users", account)
    added = world.assign_at("dave", "Azure AI User", f"{account}/projects/myproject")
    assert added.role == "Azure AI User"
    dave = world.principal("dave").oid
    assert world.data_plane_roles(dave, world.resource("myres")) == ()
    in_project = world.data_plane_roles(dave, world.resource("myres"), "myproject")
    assert [role.name for role in in_project] == ["Foundry User"]


def test_a_deployment_runs_the_catalogues_default_version() -> None:
    world = default_world()
    myres = world.resource("myres")
    assert world.deployed_model(myres.deployments["gpt-4o"]).version == "2024-11-20"
    assert world.deployed_model(myres.deployments["DeepSeek-R1"]).format == "DeepSeek"
    unlisted = Deployment("custom", "my-fine-tune", model_version="7")
    assert (world.deployed_model(unlisted).version, world.retired_answer(unlisted)) == ("7", None)


def test_match_host() -> None:
    world = default_world()
    match = world.match_host("MyRes.Services.AI.Azure.com")
    assert match is not None
    assert match.resource is world.resource("myres")
    assert match.family == "services"
    regional = world.match_host("eastus.api.cognitive.microsoft.com")
    assert regional is not None
    assert regional.regional
    assert regional.region == "eastus"
    assert world.match_host("westus.api.cognitive.microsoft.com") is None
    assert world.match_host("myres.openai.azure.us") is None


def test_world_is_mutable_for_tests() -> None:
    world = default_world()
    world.add_resource(Resource("other", region="swedencentral", host_families=("services",)))
    world.resource("other").add_deployment(
        Deployment("phi-4", "Phi-4", "maas", provider="Microsoft")
    )
    world.assign("dave", "Cognitive Services User", "other")
    assert world.roles("dave", "other") == {"Cognitive Services User"}
    world.unassign("dave", "Cognitive Services User", "other")
    assert world.roles("dave", "other") == frozenset()
    assert "swedencentral.api.cognitive.microsoft.com" in world.hosts()
    assert "other.openai.azure.com" not in world.hosts()


def test_apply_changes() -> None:
    world = default_world()
    world.apply({"models_api_retired": True, "resources.myres.public_network": False})
    assert world.models_api_retired
    assert not world.resource("myres").public_network
    for bad in ("nope", "resources.myres.nope", "resources.nope.local_auth", "_secret"):
        with pytest.raises(KeyError):
            world.apply({bad: True})


def test_copy_is_deep() -> None:
    world = default_world()
    copy = world.copy()
    copy.resource("myres").deployments.clear()
    assert world.resource("myres").deployments
    assert isinstance(copy, World)


# --- scenarios as data ----------------------------------------------------------------------


def test_scenario_names_are_unique_and_rules_known() -> None:
    assert len({item.name for item in SCENARIOS}) == len(SCENARIOS)
    for item in SCENARIOS:
        assert item.expected_rule in (*RULES, None)
        assert (item.expected_rule is None) == item.succeeds, item.name
        assert item.description.endswith("."), item.name
        if not item.succeeds:
            assert item.expected_message, item.name


def test_every_client_kind_has_failures_and_successes() -> None:
    for kind in CLIENT_KINDS:
        assert scenarios_for(kind, failures=True)
        assert scenarios_for(kind, failures=False)


def test_world_changes_are_valid() -> None:
    for item in SCENARIOS:
        default_world().apply(item.world_changes)


@pytest.mark.parametrize(
    ("name", "status", "rule"),
    [
        ("inference-default-scope-models", 401, "token-wrong-audience"),
        ("missing-role-inference", 401, "missing-data-plane-role"),
        ("openai-role-maas-model-inference", 401, "missing-data-plane-role"),
        ("owner-only-azure-openai", 401, "missing-data-plane-role"),
        ("key-as-bearer-azure-openai", 401, "credential-in-wrong-header"),
        ("token-as-key-azure-openai", 401, "credential-in-wrong-header"),
        ("invalid-key-azure-openai", 401, "invalid-api-key"),
        ("missing-auth-azure-openai", 401, "token-missing"),
        ("expired-token-azure-openai", 401, "token-expired"),
        ("wrong-tenant-azure-openai", 400, "token-wrong-tenant"),
        ("regional-endpoint-token", 400, "entra-needs-custom-subdomain"),
        ("deployment-not-found-azure-openai", 404, "deployment-not-found"),
        ("unknown-model-inference", 404, "deployment-not-found"),
        ("missing-model-inference", 400, "deployment-not-found"),
        ("wrong-path-azure-openai", 404, "endpoint-path-wrong"),
        ("unserved-api-version-azure-openai", 404, "api-version-unsupported"),
        ("openai-v1-dated-api-version", 400, "api-version-unsupported"),
        ("key-auth-disabled-azure-openai", 403, "key-auth-disabled"),
        ("public-access-disabled-azure-openai", 403, "network-access-denied"),
        ("azure-openai-on-models-endpoint", 404, "client-endpoint-mismatch"),
        ("azure-openai-non-openai-model", 404, "non-openai-model-on-azure-openai"),
        ("project-missing-azure-ai-user", 401, "missing-data-plane-role"),
        ("retired-models-api", 404, "retired-api"),
    ],
)
def test_required_scenarios_exist(name: str, status: int, rule: str) -> None:
    item = scenario(name)
    assert (item.expected_status, item.expected_rule) == (status, rule)


def test_scenario_rejects_unknown_rule() -> None:
    base = scenario("invalid-key-azure-openai")
    with pytest.raises(ValueError, match="unknown rule"):
        type(base)(
            "x",
            "x.",
            base.clients,
            base.endpoint,
            base.credential,
            None,
            401,
            None,
            "no-such-rule",
        )
