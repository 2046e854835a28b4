from __future__ import annotations

import json

from rule_facts import KEY_401, facts

from foundry_doctor.rules import entra_needs_custom_subdomain

RULE = entra_needs_custom_subdomain.RULE
REGIONAL = "https://westus2.api.cognitive.microsoft.com/"


def test_service_asks_for_a_custom_subdomain() -> None:
    body = json.dumps(
        {
            "error": {
                "code": "BadRequest",
                "message": "Please provide a custom "
                "subdomain for token authentication, otherwise API key is required.",
            }
        }
    )
    finding = RULE.check(facts(endpoint=REGIONAL, status=400, bearer="jwt", body=body))
    assert finding is not None
    assert finding.code == "FD107"
    assert finding.score >= 95
    assert any(e.actual == "westus2" for e in finding.evidence)
    assert "--custom-domain" in finding.fix[1]


def test_token_to_a_regional_host_without_a_message() -> None:
    finding = RULE.check(facts(endpoint=REGIONAL, bearer="jwt", body=None))
    assert finding is not None


def test_not_for_keys_on_regional_hosts_or_tokens_on_resource_hosts() -> None:
    assert RULE.check(facts(endpoint=REGIONAL, api_key=True, body=KEY_401)) is None
    assert (
        RULE.check(facts(endpoint="https://myres.cognitiveservices.azure.com", bearer="jwt"))
        is None
    )


def test_key_message_from_a_regional_host_answering_a_token() -> None:
    finding = RULE.check(facts(endpoint=REGIONAL, bearer="jwt", body=KEY_401))
    assert finding is not None
