from __future__ import annotations

import json

from rule_facts import KEY_401, TOKEN_401, facts, texts

from foundry_doctor.rules import credential_in_wrong_header

RULE = credential_in_wrong_header.RULE
AOAI = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"


def test_key_sent_as_bearer_on_deployment_route() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            url=AOAI,
            credential="api-key",
            bearer="opaque",
            body=TOKEN_401,
        )
    )
    assert finding is not None
    assert finding.code == "FD101"
    assert "'api-key'" in finding.explanation
    assert "AzureKeyCredential" in finding.fix[0]
    assert 'base_url="https://myres.openai.azure.com/openai/v1/"' in finding.fix[1]


def test_key_as_bearer_is_fine_on_the_v1_route() -> None:
    url = "https://myres.openai.azure.com/openai/v1/chat/completions"
    assert RULE.check(facts(url=url, credential="api-key", bearer="opaque", body=TOKEN_401)) is None


def test_token_sent_in_the_key_header() -> None:
    finding = RULE.check(
        facts(
            client="openai.AzureOpenAI",
            endpoint="https://myres.openai.azure.com",
            url=AOAI,
            credential="token",
            api_key=True,
            body=KEY_401,
        )
    )
    assert finding is not None
    assert "azure_ad_token_provider=get_bearer_token_provider" in finding.fix[0]
    assert "https://cognitiveservices.azure.com/.default" in finding.fix[0]


def test_key_in_api_key_header_where_authorization_is_required() -> None:
    url = "https://ep.eastus2.models.ai.azure.com/chat/completions"
    body = json.dumps({"status": "Auth token must be passed as a header called Authorization"})
    finding = RULE.check(facts(url=url, credential="api-key", api_key=True, status=400, body=body))
    assert finding is not None
    assert "Authorization: Bearer <key>" in texts(finding)


def test_not_when_both_headers_were_sent() -> None:
    assert (
        RULE.check(
            facts(url=AOAI, credential="api-key", bearer="opaque", api_key=True, body=TOKEN_401)
        )
        is None
    )


def test_not_for_a_real_token() -> None:
    assert RULE.check(facts(url=AOAI, credential="token", bearer="jwt", body=TOKEN_401)) is None


def test_key_sent_to_a_project_endpoint() -> None:
    url = "https://myres.services.ai.azure.com/api/projects/p1/openai/v1/responses"
    finding = RULE.check(facts(url=url, credential="api-key", api_key=True, body=TOKEN_401))
    assert finding is not None
    assert "Entra ID tokens only" in finding.explanation
    assert "https://ai.azure.com/.default" in finding.fix[0]
