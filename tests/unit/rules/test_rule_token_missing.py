from __future__ import annotations

from rule_facts import KEY_401, ROLE_401, TOKEN_401, facts, texts

from foundry_doctor.rules import token_missing

RULE = token_missing.RULE
URL = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"


def test_no_header_at_all_is_token_missing() -> None:
    finding = RULE.check(facts(url=URL, credential="none", body=TOKEN_401))
    assert finding is not None
    assert finding.rule == "token-missing"
    assert finding.code == "FD100"
    assert "https://cognitiveservices.azure.com/.default" in texts(finding)
    assert any(e.label == "Authorization header" and e.actual == "absent" for e in finding.evidence)


def test_configured_key_that_never_went_out_is_named() -> None:
    finding = RULE.check(facts(url=URL, credential="api-key", body=TOKEN_401))
    assert finding is not None
    assert "configured with an API key" in finding.explanation


def test_project_endpoint_asks_for_the_ai_scope() -> None:
    url = "https://myres.services.ai.azure.com/api/projects/p1/openai/v1/responses"
    finding = RULE.check(facts(url=url, credential="token", body=None))
    assert finding is not None
    assert "https://ai.azure.com/.default" in texts(finding)


def test_not_when_a_credential_was_sent() -> None:
    assert RULE.check(facts(url=URL, bearer="jwt", body=TOKEN_401)) is None
    assert RULE.check(facts(url=URL, api_key=True, body=KEY_401)) is None


def test_not_when_headers_were_never_seen() -> None:
    assert RULE.check(facts(url=URL, auth_known=False, body=TOKEN_401)) is None


def test_not_for_other_statuses_or_causes() -> None:
    assert RULE.check(facts(url=URL, status=404, body=TOKEN_401)) is None
    assert RULE.check(facts(url=URL, body=ROLE_401)) is None
