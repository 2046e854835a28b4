"""The service tables: every entry cites a source, the lookups, and the route matcher."""

from __future__ import annotations

import pytest

from foundry_doctor.knowledge import (
    api_versions,
    clients,
    entra,
    hosts,
    matching,
    models,
    retirements,
    roles,
    routes,
    sdk_issues,
)
from foundry_doctor.knowledge.sources import Source

_TABLES = (
    hosts.CLOUDS,
    hosts.FAMILIES,
    routes.SURFACES,
    clients.CLIENTS,
    models.FAMILIES,
    roles.ROLES,
    retirements.SURFACE_RETIREMENTS,
    retirements.MODEL_RETIREMENTS,
    sdk_issues.SDK_ISSUES,
    entra.STS_CODES,
    entra.CREDENTIALS,
    entra.CREDENTIAL_TEXTS,
    entra.ARGUMENT_TEXTS,
    entra.IDENTITY_HOSTS,
    (entra.IMDS_HOST,),
    entra.KNOWN_RESOURCES,
)


def test_every_entry_cites_a_source() -> None:
    for table in _TABLES:
        for entry in table:
            sources = entry.sources
            if entry in (
                hosts.family("local"),
                hosts.family("unknown"),
                clients.client_spec("http"),
            ):
                continue  # no service behind them: nothing to cite
            assert sources, entry
            assert all(isinstance(source, Source) and source.where for source in sources), entry
    for version_set in (api_versions.DATED_STABLE, api_versions.DATED_PREVIEW, api_versions.V1):
        assert version_set.sources


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, "absent"),
        ("2024-10-21", "dated-stable"),
        ("2025-04-01-preview", "dated-preview"),
        ("2024-05-13", "model-version"),
        ("0613", "model-version"),
        ("preview", "preview"),
        ("v1", "v1"),
        ("latest", "latest"),
        ("2031-01-01", "dated-unpublished"),
        ("banana", "other"),
    ],
)
def test_api_version_kinds(value: str | None, kind: str) -> None:
    assert api_versions.classify(value) == kind


@pytest.mark.parametrize(
    ("name", "publisher"),
    [
        ("gpt-4o", "openai"),
        ("o3-mini", "openai"),
        ("text-embedding-3-small", "openai"),
        ("DeepSeek-R1", "other"),
        ("Llama-3.3-70B-Instruct", "other"),
        ("Phi-4", "other"),
        ("claude-opus-4-6", "anthropic"),
        ("Kimi-K2.5", "other"),
        ("mydeployment", None),
    ],
)
def test_model_families(name: str, publisher: str | None) -> None:
    family = models.family_of_model(name)
    assert (family.publisher if family else None) == publisher


NOW = 1_796_083_200.0  # 2026-12-01


@pytest.mark.parametrize(
    ("name", "model", "version"),
    [
        ("gpt-35-turbo", "gpt-35-turbo", None),
        ("gpt-35-turbo-0613", "gpt-35-turbo", "0613"),
        ("gpt-35-turbo-16k", "gpt-35-turbo-16k", None),
        ("gpt-4-0613", "gpt-4", "0613"),
        ("gpt-4o-2024-05-13", "gpt-4o", "2024-05-13"),
        ("gpt-4.5-preview", "gpt-4.5-preview", None),
    ],
)
def test_retired_models(name: str, model: str, version: str | None) -> None:
    found = retirements.retired_model(name, now=NOW)
    assert found is not None
    assert (found[0].model, found[1]) == (model, version)


@pytest.mark.parametrize(
    "name", ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4-turbo", "o1", "DeepSeek-V3-0324", None]
)
def test_models_not_asserted_retired(name: str | None) -> None:
    assert retirements.retired_model(name, now=NOW) is None


def test_retired_before_its_date_is_not_retired() -> None:
    assert retirements.retired_model("gpt-4.5-preview", now=1_700_000_000) is None


def test_the_sdk_keeps_both_published_dates() -> None:
    sdk = retirements.retirement("azure-ai-inference")
    assert [day for day, _ in sdk.dates] == ["2026-05-30", "2026-08-26"]
    assert sdk.when().startswith("in 2026 (")


def test_roles_by_id_and_by_either_name() -> None:
    user = roles.role("53ca6127-db72-4b80-b1b0-d745d6d5456d")
    assert (user.name, user.former_name) == ("Foundry User", "Azure AI User")
    assert roles.role_named("azure ai user") is user
    assert roles.role_named("Foundry Account Owner") is not None
    assert not roles.role_named("Owner").grants_data_plane  # type: ignore[union-attr]
    assert roles.least_privileged("openai-models").name == "Cognitive Services OpenAI User"
    assert roles.least_privileged("project") is user
    assert roles.least_privileged("any-model") is user


def test_client_specs_build_urls() -> None:
    azure = clients.client_spec("openai.AzureOpenAI")
    assert (
        clients.build_url(
            azure,
            "https://r.openai.azure.com/",
            "chat/completions",
            deployment="d",
            api_version="2024-10-21",
        )
        == "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
    )
    assert (
        clients.build_url(
            azure, "https://r.openai.azure.com", "responses", api_version="2025-04-01-preview"
        )
        == "https://r.openai.azure.com/openai/responses?api-version=2025-04-01-preview"
    )
    inference = clients.client_spec("azure-ai-inference")
    assert clients.build_url(inference, "https://r.services.ai.azure.com/models", "embeddings") == (
        "https://r.services.ai.azure.com/models/embeddings?api-version=2024-05-01-preview"
    )
    assert clients.build_url(  # a query or fragment in an endpoint is no part of the base URL
        clients.client_spec("openai.OpenAI"), "https://r/openai/v1/?api-version=v1#x", "responses"
    ) == ("https://r/openai/v1/responses")
    assert (
        clients.build_url(clients.client_spec("azure-ai-projects"), "https://x", "agents") is None
    )
    assert clients.client_spec("something else").kind == "http"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("openai.AzureOpenAI", "https://r.openai.azure.com"),
        ("openai.OpenAI", "https://r.openai.azure.com/openai/v1/"),
        ("azure-ai-inference", "https://r.services.ai.azure.com/models"),
        ("azure-ai-projects", "https://r.services.ai.azure.com/api/projects/<project>"),
        ("anthropic.AnthropicFoundry", "https://r.services.ai.azure.com/anthropic"),
    ],
)
def test_expected_endpoints(kind: str, expected: str) -> None:
    assert clients.expected_endpoint(clients.client_spec(kind), "r") == expected


def _match(
    url_path: str, host: str = "myres.openai.azure.com", query: str = "", method: str | None = None
) -> matching.RouteMatch:
    family, _, _ = hosts.family_of(host)
    values = dict(pair.split("=", 1) for pair in query.split("&") if "=" in pair)
    return matching.match(family, url_path, values, method)


@pytest.mark.parametrize(
    ("path", "query", "kinds", "intended"),
    [
        (
            "/openai/deployments/d/chat/completions",
            "api-version=2024-10-21",
            [],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        ("/openai/v1/chat/completions", "", [], "/openai/v1/chat/completions"),
        (
            "//openai/deployments/d/chat/completions",
            "api-version=2024-10-21",
            ["double-slash"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        (
            "/openai/openai/deployments/d/chat/completions",
            "api-version=2024-10-21",
            ["doubled-segment"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        (
            "/openai/v1/deployments/d/chat/completions",
            "",
            ["mixed-families"],
            "/openai/v1/chat/completions",
        ),
        (
            "/openai/deployments/d/v1/chat/completions",
            "api-version=2025-01-01-preview",
            ["mixed-families"],
            "/openai/deployments/d/chat/completions?api-version=2025-01-01-preview",
        ),
        (
            "/deployments/d/chat/completions",
            "api-version=2024-10-21",
            ["missing-openai"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        ("/chat/completions", "", ["missing-route"], "/openai/v1/chat/completions"),
        (
            "/openai/deployments/d/responses",
            "api-version=2025-04-01-preview",
            ["operation-elsewhere"],
            "/openai/responses?api-version=2025-04-01-preview",
        ),
        (
            "/openai/deployments/responses",
            "api-version=2025-04-01-preview",
            ["operation-elsewhere"],
            "/openai/responses?api-version=2025-04-01-preview",
        ),
        (
            "/openai/chat/completions",
            "api-version=2024-10-21",
            ["missing-deployment"],
            "/openai/deployments/<deployment>/chat/completions?api-version=2024-10-21",
        ),
        (
            "/openai/v1/openai/deployments/d/chat/completions",
            "api-version=2024-10-21",
            ["extra-segments"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        (
            "/models/chat/completions/chat/completions",
            "api-version=2024-05-01-preview",
            ["doubled-operation"],
            "/models/chat/completions?api-version=2024-05-01-preview",
        ),
        (
            "/openai/deployments/d/chat/completions",
            "",
            ["api-version-missing"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        (
            "/openai/deployments/d/chat/completions",
            "api-version=2024-05-13",
            ["api-version-model-version"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        (
            "/openai/deployments/d/chat/completions",
            "api-version=preview",
            ["api-version-v1-value"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        (
            "/openai/deployments/d/chat/completions",
            "api-version=2022-03-01-preview",
            ["api-version-too-old"],
            "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        ),
        (
            "/openai/v1/responses",
            "api-version=2025-01-01-preview",
            ["api-version-dated-on-v1"],
            "/openai/v1/responses",
        ),
        (
            "/openai/v1/responses",
            "api-version=latest",
            ["api-version-latest"],
            "/openai/v1/responses",
        ),
        (
            "/openai/responses",
            "",
            ["api-version-missing"],
            "/openai/responses?api-version=2025-04-01-preview",
        ),
        (
            "/openai/responses",
            "api-version=2024-10-21",
            ["api-version-too-old"],
            "/openai/responses?api-version=2025-04-01-preview",
        ),
    ],
)
def test_route_matching(path: str, query: str, kinds: list[str], intended: str) -> None:
    found = _match(path, query=query)
    assert [item.kind for item in found.differences] == kinds
    assert found.intended == intended


def test_route_of_another_host() -> None:
    found = _match(
        "/openai/deployments/d/chat/completions",
        host="ep.eastus2.models.ai.azure.com",
        query="api-version=2024-10-21",
    )
    assert found.has("other-host-route")


def test_project_routes_and_gateway_prefixes() -> None:
    found = _match(
        "/api/projects/p/agents/helper/endpoint/protocols/openai/responses",
        host="r.services.ai.azure.com",
        query="api-version=v1",
    )
    assert found.surface is not None
    assert found.surface.name == "agent-endpoint"
    assert (found.value("project"), found.value("agent")) == ("p", "helper")
    gateway = _match(
        "/openai2/openai/deployments/d/chat/completions",
        host="gw.azure-api.net",
        query="api-version=2024-10-21",
    )
    assert gateway.exact
    assert gateway.prefix == "openai2"


def test_methods_are_checked() -> None:
    assert _match("/openai/v1/models", method="POST").has("method")
    assert _match("/openai/v1/models", method="GET").exact


def test_audiences_per_cloud() -> None:
    dated = routes.surface("dated-deployment")
    assert routes.audiences_for(dated, "usgov") == ("https://cognitiveservices.azure.us",)
    assert routes.audiences_for(routes.surface("project-v1"), "public") == ("https://ai.azure.com",)


def test_credential_texts_are_written_as_they_are_matched() -> None:
    """Markers are in the normalized form messages are matched in (lower case, one space),
    and each one is found where it belongs: the most specific first."""
    for entry in (*entra.CREDENTIAL_TEXTS, *entra.ARGUMENT_TEXTS):
        assert entry.marker == entra.normalized(entry.marker), entry.marker
    for entry in entra.CREDENTIAL_TEXTS:
        assert entra.credential_text(entry.marker) is entry, entry.marker
        if entry.credential is not None:
            assert entra.credential(entry.credential) is not None, entry.credential
    for code in entra.STS_CODES:
        assert entra.sts_code(code.code) is code


@pytest.mark.parametrize(
    ("variables", "credential"),
    [
        ({"IDENTITY_ENDPOINT", "IDENTITY_HEADER"}, "AppServiceCredential"),
        (
            {"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT"},
            "ServiceFabricCredential",
        ),
        ({"IDENTITY_ENDPOINT", "IMDS_ENDPOINT"}, "AzureArcCredential"),
        ({"MSI_ENDPOINT", "MSI_SECRET"}, "AzureMLCredential"),
        ({"MSI_ENDPOINT"}, "CloudShellCredential"),
        (
            {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"},
            "WorkloadIdentityCredential",
        ),
        ({"AZURE_CLIENT_ID"}, None),
    ],
)
def test_identity_hosts_by_their_variables(variables: set[str], credential: str | None) -> None:
    host = entra.identity_host(frozenset(variables))
    assert (host.credential if host else None) == credential
