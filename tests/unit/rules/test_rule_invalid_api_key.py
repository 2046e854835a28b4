from __future__ import annotations

from rule_facts import KEY_401, TOKEN_401, facts, texts

from foundry_doctor.rules import invalid_api_key

RULE = invalid_api_key.RULE
URL = "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"


def test_refused_key_names_the_resource_in_the_fix() -> None:
    finding = RULE.check(facts(url=URL, credential="api-key", api_key=True, body=KEY_401))
    assert finding is not None
    assert finding.code == "FD105"
    assert "az cognitiveservices account keys list --name contoso" in finding.fix[0]
    assert "contoso.openai.azure.com" in texts(finding)


def test_inference_client_gets_the_key_rotation_caveat() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            url=URL,
            credential="api-key",
            bearer="opaque",
            api_key=True,
            body=KEY_401,
        )
    )
    assert finding is not None
    assert "AzureKeyCredential.update" in texts(finding)


def test_not_when_a_token_went_into_the_key_header_or_nothing_was_sent() -> None:
    assert RULE.check(facts(url=URL, credential="token", api_key=True, body=KEY_401)) is None
    assert RULE.check(facts(url=URL, credential="api-key", body=KEY_401)) is None


def test_not_at_api_openai_com_or_for_token_messages() -> None:
    assert (
        RULE.check(facts(endpoint="https://api.openai.com/v1", bearer="opaque", body=KEY_401))
        is None
    )
    assert RULE.check(facts(url=URL, api_key=True, body=TOKEN_401)) is None


def test_not_when_only_a_token_went_out() -> None:
    assert RULE.check(facts(url=URL, bearer="jwt", body=KEY_401)) is None
