"""The world model and the preset scenarios as data (no network)."""

from __future__ import annotations

import pytest

from foundry_doctor.emulator import Deployment, Resource, World, default_world
from foundry_doctor.emulator.services.foundry.spec import grants_model, grants_project
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
    assert myres.projects == {"myproject"}
    assert not world.resource("keyless").local_auth
    assert not world.resource("private").public_network
    assert world.regional_hosts() == ("eastus.api.cognitive.microsoft.com",)
    assert myres.resource_id.endswith("/providers/Microsoft.CognitiveServices/accounts/myres")


def test_default_world_principals_and_roles() -> None:
    world = default_world()
    assert world.roles("alice") == {"Cognitive Services User", "Azure AI User"}
    assert world.roles("bob") == {"Cognitive Services OpenAI User"}
    assert world.roles("carol") == {"Owner"}
    assert world.roles("dave") == frozenset()
    assert world.roles("app") == {"Cognitive Services User"}
    assert world.principal("app").idtyp == "app"
    assert world.principal("eve").tid == FOREIGN_TENANT
    assert len({principal.oid for principal in world.principals.values()}) == len(world.principals)


def test_keys_are_fresh_per_world() -> None:
    assert default_world().resource("myres").keys != default_world().resource("myres").keys


@pytest.mark.parametrize(
    ("roles", "openai_model", "maas_model", "project"),
    [
        ({"Cognitive Services User"}, True, True, False),
        ({"Cognitive Services OpenAI User"}, True, False, False),
        ({"Cognitive Services OpenAI Contributor"}, True, False, False),
        ({"Azure AI User"}, True, True, True),
        ({"Azure AI Developer"}, True, True, True),
        ({"Owner"}, False, False, False),
        ({"Contributor"}, False, False, False),
        (set(), False, False, False),
    ],
)
def test_role_semantics(
    roles: set[str], openai_model: bool, maas_model: bool, project: bool
) -> None:
    assert grants_model(roles, "openai") is openai_model
    assert grants_model(roles, "maas") is maas_model
    assert grants_project(roles) is project


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
