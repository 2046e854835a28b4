from __future__ import annotations

import json

from rule_facts import DEPLOYMENT_404, NOT_FOUND_404, TOKEN_401, facts

from foundry_doctor.rules import client_endpoint_mismatch

RULE = client_endpoint_mismatch.RULE


def test_azure_openai_on_a_models_endpoint() -> None:
    finding = RULE.check(
        facts(
            client="openai.AzureOpenAI",
            endpoint="https://myres.services.ai.azure.com/models",
            url="https://myres.services.ai.azure.com/models/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            status=404,
            body=NOT_FOUND_404,
        )
    )
    assert finding is not None
    assert finding.code == "FD200"
    assert finding.fix == (
        'AzureOpenAI(azure_endpoint="https://myres.services.ai.azure.com", '
        'api_version="2024-10-21", api_key=... or azure_ad_token_provider=...)',
    )


def test_openai_class_on_a_deployment_endpoint_wants_the_v1_url() -> None:
    finding = RULE.check(
        facts(
            client="openai.OpenAI",
            endpoint="https://myres.openai.azure.com/openai/deployments/gpt-4o",
            bearer="opaque",
            body=TOKEN_401,
        )
    )
    assert finding is not None
    assert 'OpenAI(base_url="https://myres.openai.azure.com/openai/v1/"' in finding.fix[0]


def test_inference_client_without_models_path() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            endpoint="https://myres.services.ai.azure.com",
            url="https://myres.services.ai.azure.com/chat/completions",
            status=404,
            body=NOT_FOUND_404,
        )
    )
    assert finding is not None
    assert 'endpoint="https://myres.services.ai.azure.com/models"' in finding.fix[0]


def test_azure_openai_route_on_a_serverless_host() -> None:
    url = "https://llama-ep.swedencentral.models.ai.azure.com/openai/deployments/llama/chat/completions?api-version=2024-10-21"
    finding = RULE.check(facts(url=url, api_key=True, status=404, body=None))
    assert finding is not None
    assert 'base_url="https://llama-ep.swedencentral.models.ai.azure.com"' in finding.fix[0]


def test_azure_key_refused_by_api_openai_com() -> None:
    body = json.dumps(
        {"error": {"code": "invalid_api_key", "message": "Incorrect API key provided."}}
    )
    finding = RULE.check(facts(endpoint="https://api.openai.com/v1", bearer="opaque", body=body))
    assert finding is not None
    assert "api.openai.com" in finding.explanation


def test_shapes_that_fit_their_client() -> None:
    fitting = [
        ("openai.AzureOpenAI", "https://myres.openai.azure.com"),
        ("openai.OpenAI", "https://myres.openai.azure.com/openai/v1/"),
        ("openai.OpenAI", "https://myres.services.ai.azure.com/api/projects/p/openai/v1"),
        ("azure-ai-inference", "https://myres.services.ai.azure.com/models"),
        ("azure-ai-inference", "https://myres.openai.azure.com/openai/deployments/gpt-4o"),
        ("azure-ai-projects", "https://myres.services.ai.azure.com/api/projects/p"),
    ]
    for client, endpoint in fitting:
        assert (
            RULE.check(facts(client=client, endpoint=endpoint, status=404, body=NOT_FOUND_404))
            is None
        )


def test_not_when_the_service_names_another_cause() -> None:
    assert (
        RULE.check(
            facts(
                client="openai.OpenAI",
                endpoint="https://myres.openai.azure.com/openai/deployments/x",
                status=404,
                body=DEPLOYMENT_404,
            )
        )
        is None
    )


def test_azure_openai_on_a_project_endpoint() -> None:
    finding = RULE.check(
        facts(
            client="openai.AzureOpenAI",
            endpoint="https://myres.services.ai.azure.com/api/projects/p1",
            status=404,
            body=NOT_FOUND_404,
        )
    )
    assert finding is not None
    assert "project endpoint" in finding.explanation
