from __future__ import annotations

import json

from rule_facts import NOT_FOUND_404, facts

from foundry_doctor.rules import api_version_unsupported

RULE = api_version_unsupported.RULE


def test_missing_api_version_on_deployment_route() -> None:
    url = "https://myres.openai.azure.com/openai/deployments/d/chat/completions"
    finding = RULE.check(facts(url=url, status=404, body=NOT_FOUND_404))
    assert finding is not None
    assert finding.code == "FD203"
    assert any(e.actual == "absent" for e in finding.evidence)
    assert "2024-10-21" in finding.fix[0]


def test_models_route_version_it_never_had() -> None:
    url = (
        "https://myres.services.ai.azure.com/models/chat/completions?api-version=2024-08-01-preview"
    )
    finding = RULE.check(facts(url=url, status=404, body=NOT_FOUND_404))
    assert finding is not None
    assert "2024-05-01-preview" in finding.fix[0]


def test_dated_version_on_v1_route() -> None:
    url = "https://myres.openai.azure.com/openai/v1/chat/completions?api-version=2024-10-21"
    finding = RULE.check(
        facts(url=url, status=400, body='{"error":{"code":"BadRequest","message":"x"}}')
    )
    assert finding is not None
    assert "drop api-version" in finding.fix[0]


def test_future_dated_version() -> None:
    url = "https://myres.openai.azure.com/openai/deployments/d/chat/completions?api-version=2031-01-01"
    finding = RULE.check(facts(url=url, status=404, body=NOT_FOUND_404, now=1_800_000_000))
    assert finding is not None


def test_message_that_rejects_the_version() -> None:
    body = json.dumps({"error": {"code": "BadRequest", "message": "API version not supported"}})
    finding = RULE.check(facts(status=400, body=body))
    assert finding is not None
    assert finding.score >= 95


def test_not_for_served_versions() -> None:
    ok = [
        "https://myres.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21",
        "https://myres.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview",
        "https://myres.openai.azure.com/openai/v1/chat/completions?api-version=preview",
    ]
    for url in ok:
        assert RULE.check(facts(url=url, status=404, body=NOT_FOUND_404, now=1_800_000_000)) is None


def test_retired_preview_version() -> None:
    url = (
        "https://myres.openai.azure.com/openai/deployments/d/chat/completions"
        "?api-version=2023-07-01-preview"
    )
    finding = RULE.check(facts(url=url, status=404, body=NOT_FOUND_404, now=1_800_000_000))
    assert finding is not None
    assert "retired on 2024-07-01" in finding.explanation
    before = RULE.check(facts(url=url, status=404, body=NOT_FOUND_404, now=1_700_000_000))
    assert before is None
