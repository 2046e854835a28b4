from __future__ import annotations

import json

from rule_facts import TOKEN_401, facts, texts

from foundry_doctor.rules import token_expired

RULE = token_expired.RULE
AOAI = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
GOOD = "https://cognitiveservices.azure.com"


def test_expired_at_the_time_of_the_call() -> None:
    finding = RULE.check(
        facts(
            client="openai.AzureOpenAI",
            endpoint="https://myres.openai.azure.com",
            url=AOAI,
            bearer="jwt",
            claims={"aud": GOOD, "exp": 1_700_000_000},
            now=1_700_000_600,
            body=TOKEN_401,
        )
    )
    assert finding is not None
    assert finding.code == "FD103"
    assert finding.score >= 85
    assert "10 minutes before the call" in finding.explanation
    assert "2023-11-14 22:13:20 UTC" in texts(finding)
    assert "azure_ad_token_provider=get_bearer_token_provider" in finding.fix[0]


def test_still_valid_token_is_not_expired() -> None:
    assert (
        RULE.check(
            facts(
                url=AOAI,
                bearer="jwt",
                claims={"aud": GOOD, "exp": 1_700_000_600},
                now=1_700_000_000,
                body=TOKEN_401,
            )
        )
        is None
    )


def test_without_the_call_time_the_current_time_is_used_with_less_confidence() -> None:
    finding = RULE.check(
        facts(url=AOAI, bearer="jwt", claims={"aud": GOOD, "exp": 1_000_000_000}, body=TOKEN_401)
    )
    assert finding is not None
    assert finding.score < 85
    assert finding.missing_facts == ("the time of the failed call",)


def test_message_that_says_expired() -> None:
    body = json.dumps(
        {"error": {"code": "401", "message": "Lifetime validation failed. The token is expired."}}
    )
    finding = RULE.check(facts(auth_known=False, body=body))
    assert finding is not None


def test_not_without_an_exp_claim_or_a_token() -> None:
    assert RULE.check(facts(url=AOAI, bearer="jwt", claims={"aud": GOOD}, body=TOKEN_401)) is None
    assert RULE.check(facts(url=AOAI, credential="none", now=2e9, body=TOKEN_401)) is None
