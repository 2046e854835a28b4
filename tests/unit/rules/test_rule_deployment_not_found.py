from __future__ import annotations

import json

from rule_facts import DEPLOYMENT_404, NOT_FOUND_404, facts, texts

from foundry_doctor.rules import deployment_not_found

RULE = deployment_not_found.RULE


def test_names_the_deployment_and_the_listing_command() -> None:
    url = "https://myres.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"
    finding = RULE.check(facts(url=url, status=404, body=DEPLOYMENT_404))
    assert finding is not None
    assert finding.code == "FD202"
    assert "There is no deployment 'gpt4o' on myres." in finding.explanation
    assert "'gpt-4o'" in finding.explanation  # the near-miss hint
    assert "az cognitiveservices account deployment list --name myres" in finding.fix[0]


def test_unknown_model_on_models_route_uses_the_body_model() -> None:
    body = json.dumps({"error": {"code": "unknown_model", "message": "Unknown model: my-llama"}})
    finding = RULE.check(
        facts(
            url="https://myres.services.ai.azure.com/models/chat/completions",
            model="my-llama",
            status=404,
            body=body,
        )
    )
    assert finding is not None
    assert any(e.actual == "my-llama" for e in finding.evidence)
    assert "as model= in the call" in texts(finding)


def test_name_unknown_is_a_missing_fact() -> None:
    finding = RULE.check(facts(status=404, body=DEPLOYMENT_404))
    assert finding is not None
    assert finding.missing_facts == ("the deployment name the request used",)


def test_not_for_a_generic_not_found() -> None:
    assert RULE.check(facts(status=404, body=NOT_FOUND_404)) is None


NO_MODEL_400 = json.dumps(
    {
        "error": {
            "code": "no_model_name",
            "message": "No model specified in request. Please provide a model name in the "
            "request body or as a x-ms-model-mesh-model-name header.",
        }
    }
)


def test_a_request_that_named_no_deployment_is_told_to_pass_one() -> None:
    finding = RULE.check(
        facts(
            url="https://myres.services.ai.azure.com/models/chat/completions",
            status=400,
            body=NO_MODEL_400,
        )
    )
    assert finding is not None
    assert "named no deployment" in finding.explanation
    assert "model=" in finding.fix[0]
    assert finding.missing_facts == ()


def test_the_unnamed_model_is_recognised_from_the_wording_alone() -> None:
    body = json.dumps({"message": "Bad request: no model was specified in the request."})
    finding = RULE.check(
        facts(
            url="https://myres.services.ai.azure.com/models/chat/completions", status=400, body=body
        )
    )
    assert finding is not None
    assert "named no deployment" in finding.explanation
