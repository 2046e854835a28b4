from __future__ import annotations

import json

from rule_facts import DEPLOYMENT_404, TOKEN_401, facts

from foundry_doctor.rules import sdk_outdated
from foundry_doctor.rules.base import AGGRAVATING

RULE = sdk_outdated.RULE
PROJECT = "https://myres.services.ai.azure.com/api/projects/p1"


def test_projects_beta_explains_the_audience_failure_with_workaround() -> None:
    body = json.dumps(
        {
            "statusCode": 401,
            "message": "Unauthorized. Access token is missing, "
            "invalid, audience is incorrect (https://ai.azure.com/), or have expired.",
        }
    )
    finding = RULE.check(
        facts(
            client="openai.OpenAI",
            endpoint=PROJECT + "/openai",
            bearer="jwt",
            body=body,
            sdk={"azure-ai-projects": "2.0.0b2"},
        )
    )
    assert finding is not None
    assert finding.code == "FD400"
    assert finding.score > 55
    assert finding.fix[0].startswith("upgrade azure-ai-projects to 2.0.0b3")
    assert f'base_url="{PROJECT}/openai/v1"' in finding.fix[1]
    assert finding.evidence[0].actual == "2.0.0b2"


def test_inference_beta_key_as_bearer() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            credential="api-key",
            bearer="opaque",
            body=TOKEN_401,
            sdk={"azure-ai-inference": "1.0.0b4"},
        )
    )
    assert finding is not None
    assert "1.0.0b5" in finding.fix[0]


def test_openai_retry_bug_only_for_affected_versions() -> None:
    common = {
        "client": "openai.AzureOpenAI",
        "bearer": "jwt",
        "claims": {"aud": "https://cognitiveservices.azure.com", "exp": 100},
        "now": 200,
        "body": TOKEN_401,
    }
    assert RULE.check(facts(sdk={"openai": "1.35.10"}, **common)) is not None
    assert RULE.check(facts(sdk={"openai": "1.35.12"}, **common)) is None
    assert RULE.check(facts(sdk={"openai": "0.28.1"}, **common)) is None


def test_unrelated_failure_of_an_affected_client_is_only_aggravating() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            status=404,
            body=DEPLOYMENT_404,
            sdk={"azure-ai-inference": "1.0.0b3"},
        )
    )
    assert finding is not None
    assert finding.score == AGGRAVATING


def test_not_for_installed_packages_the_call_did_not_use() -> None:
    assert (
        RULE.check(
            facts(
                client="azure-ai-inference",
                status=404,
                body=DEPLOYMENT_404,
                sdk={"openai": "1.20.0"},
            )
        )
        is None
    )
    assert RULE.check(facts(sdk={})) is None
