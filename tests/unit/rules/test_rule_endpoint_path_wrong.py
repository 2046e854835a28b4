from __future__ import annotations

import json

from rule_facts import DEPLOYMENT_404, NOT_FOUND_404, facts

from foundry_doctor.rules import endpoint_path_wrong

RULE = endpoint_path_wrong.RULE


def test_trailing_slash_double_slash_with_corrected_url() -> None:
    finding = RULE.check(
        facts(
            client="openai.AzureOpenAI",
            endpoint="https://myres.openai.azure.com/",
            url="https://myres.openai.azure.com//openai/deployments/d/chat/completions?api-version=2024-10-21",
            status=404,
            body=NOT_FOUND_404,
        )
    )
    assert finding is not None
    assert finding.code == "FD201"
    assert finding.fix[0] == "configure the endpoint as https://myres.openai.azure.com"
    assert finding.fix[1].endswith(
        "https://myres.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
    )


def test_doubled_openai_segment() -> None:
    finding = RULE.check(
        facts(
            client="openai.AzureOpenAI",
            endpoint="https://myres.openai.azure.com/openai",
            url="https://myres.openai.azure.com/openai/openai/deployments/d/chat/completions?api-version=2024-10-21",
            status=404,
            body=NOT_FOUND_404,
        )
    )
    assert finding is not None
    assert "'/openai' twice" in finding.explanation
    assert finding.fix[0] == "configure the endpoint as https://myres.openai.azure.com"


def test_operation_path_in_the_configured_endpoint() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            endpoint="https://myres.services.ai.azure.com/models/chat/completions",
            status=404,
            body=NOT_FOUND_404,
        )
    )
    assert finding is not None
    assert "https://myres.services.ai.azure.com/models" in finding.fix[0]


def test_bare_operation_path_on_an_azure_host() -> None:
    finding = RULE.check(
        facts(
            url="https://myres.openai.azure.com/chat/completions",
            model="gpt-4o",
            status=404,
            body=NOT_FOUND_404,
        )
    )
    assert finding is not None
    assert "/openai/deployments/gpt-4o/chat/completions?api-version=" in finding.fix[0]


def test_missing_project() -> None:
    body = json.dumps({"error": {"code": "NotFound", "message": "The project does not exist."}})
    finding = RULE.check(
        facts(
            url="https://myres.services.ai.azure.com/api/projects/nope/agents",
            status=404,
            body=body,
        )
    )
    assert finding is not None
    assert "(nope)" in finding.explanation


def test_not_for_clean_paths_or_missing_deployments() -> None:
    url = "https://myres.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
    assert RULE.check(facts(url=url, status=404, body=NOT_FOUND_404)) is None
    bad = "https://myres.openai.azure.com//openai/deployments/d/chat/completions"
    assert RULE.check(facts(url=bad, status=404, body=DEPLOYMENT_404)) is None
