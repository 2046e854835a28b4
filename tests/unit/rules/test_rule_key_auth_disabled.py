from __future__ import annotations

import json

from rule_facts import KEY_401, facts

from foundry_doctor.rules import key_auth_disabled

RULE = key_auth_disabled.RULE
BODY = json.dumps(
    {
        "error": {
            "code": "AuthenticationTypeDisabled",
            "message": "Key based authentication is disabled for this resource.",
        }
    }
)


def test_key_disabled_points_to_entra_and_the_role() -> None:
    finding = RULE.check(
        facts(
            client="openai.AzureOpenAI",
            endpoint="https://myres.openai.azure.com",
            api_key=True,
            status=403,
            body=BODY,
        )
    )
    assert finding is not None
    assert finding.code == "FD300"
    assert "azure_ad_token_provider=get_bearer_token_provider" in finding.fix[0]
    assert '--role "Cognitive Services User"' in finding.fix[1]
    assert "disableLocalAuth=false" in finding.fix[-1]


def test_meaning_not_wording() -> None:
    body = json.dumps(
        {
            "error": {
                "code": "Forbidden",
                "message": "Local authentication is disabled for this account.",
            }
        }
    )
    assert RULE.check(facts(api_key=True, status=403, body=body)) is not None


def test_not_for_an_invalid_key() -> None:
    assert RULE.check(facts(api_key=True, status=401, body=KEY_401)) is None
