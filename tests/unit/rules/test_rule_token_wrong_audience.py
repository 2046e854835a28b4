from __future__ import annotations

import json

from rule_facts import ROLE_401, TOKEN_401, facts, texts

from foundry_doctor.rules import token_wrong_audience

RULE = token_wrong_audience.RULE
MODELS = (
    "https://myres.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview"
)
AOAI = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"


def test_ml_audience_on_models_route_with_inference_scope_fix() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            endpoint="https://myres.services.ai.azure.com/models",
            url=MODELS,
            credential="token",
            bearer="jwt",
            claims={"aud": "https://ml.azure.com"},
            body=None,
        )
    )
    assert finding is not None
    assert finding.code == "FD102"
    assert finding.score >= 90
    assert 'credential_scopes=["https://cognitiveservices.azure.com/.default"]' in finding.fix[0]
    evidence = finding.evidence[0]
    assert evidence.actual == "https://ml.azure.com"
    assert evidence.expected == "https://cognitiveservices.azure.com or https://ai.azure.com"


def test_the_audience_the_service_names_wins() -> None:
    body = json.dumps(
        {
            "statusCode": 401,
            "message": "Unauthorized. Access token is missing, "
            "invalid, audience is incorrect (https://ai.azure.com), or have expired.",
        }
    )
    finding = RULE.check(
        facts(bearer="jwt", claims={"aud": "https://cognitiveservices.azure.com"}, body=body)
    )
    assert finding is not None
    assert "https://ai.azure.com/.default" in texts(finding)


def test_openai_client_gets_a_token_provider_line() -> None:
    finding = RULE.check(
        facts(
            client="openai.OpenAI",
            endpoint="https://myres.openai.azure.com/openai/v1/",
            url="https://myres.openai.azure.com/openai/v1/chat/completions",
            bearer="jwt",
            claims={"aud": "https://management.azure.com"},
            body=TOKEN_401,
        )
    )
    assert finding is not None
    assert (
        'get_bearer_token_provider(DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default")'
        in finding.fix[0]
    )
    assert "Resource Manager" in finding.explanation


def test_sovereign_cloud_audience() -> None:
    url = "https://gov.openai.azure.us/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
    finding = RULE.check(
        facts(url=url, bearer="jwt", claims={"aud": "https://cognitiveservices.azure.com"})
    )
    assert finding is not None
    assert "https://cognitiveservices.azure.us/.default" in texts(finding)


def test_trailing_slash_and_app_id_audiences_are_accepted() -> None:
    for aud in ("https://cognitiveservices.azure.com/", "7d312290-28c8-473c-a0ed-8e53749b6d6d"):
        assert (
            RULE.check(
                facts(
                    url=AOAI, bearer="jwt", claims={"aud": aud, "exp": 4102444800}, body=TOKEN_401
                )
            )
            is None
        )


def test_without_claims_the_default_inference_scope_is_judged() -> None:
    finding = RULE.check(
        facts(
            client="azure-ai-inference",
            url=MODELS,
            credential="token",
            bearer="jwt",
            body=TOKEN_401,
        )
    )
    assert finding is not None
    assert finding.missing_facts


def test_pasted_message_alone_is_a_low_confidence_guess() -> None:
    finding = RULE.check(facts(client=None, auth_known=False, body=TOKEN_401))
    assert finding is not None
    assert finding.score < 60
    assert any("aud" in fact for fact in finding.missing_facts)


def test_not_when_no_token_was_sent_or_another_cause_is_named() -> None:
    assert RULE.check(facts(url=AOAI, credential="none", body=TOKEN_401)) is None
    assert (
        RULE.check(
            facts(url=AOAI, bearer="jwt", claims={"aud": "https://ml.azure.com"}, body=ROLE_401)
        )
        is None
    )


def test_the_ml_audience_on_an_openai_client_does_not_blame_azure_ai_inference() -> None:
    from foundry_doctor import Configuration, check_configuration

    for client, blamed in (("openai.AzureOpenAI", False), ("azure-ai-inference", True)):
        config = Configuration.of(
            client,
            endpoint="https://myres.openai.azure.com/openai/deployments/gpt-4o"
            if client == "azure-ai-inference"
            else "https://myres.openai.azure.com",
            credential="token",
            scopes=["https://ml.azure.com/.default"],
            api_version="2024-10-21",
        )
        (finding,) = [
            f for f in check_configuration(config).findings if f.rule == "token-wrong-audience"
        ]
        assert ("requests unless credential_scopes" in finding.explanation) is blamed
        assert ("instead of this endpoint's" in finding.explanation) is not blamed
