from __future__ import annotations

import json

from rule_facts import OID, ROLE_401, TOKEN_401, facts, texts

from foundry_doctor.rules import missing_data_plane_role

RULE = missing_data_plane_role.RULE
MODELS = (
    "https://myres.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview"
)
PROJECT_BODY = json.dumps(
    {
        "error": {
            "code": "PermissionDenied",
            "message": (
                f"The principal `{OID}` lacks the required data action "
                "`Microsoft.CognitiveServices/accounts/AIServices/agents/read` to perform "
                "`GET /api/projects/{projectName}/assistants` operation."
            ),
        }
    }
)


def test_role_assignment_line_for_this_principal_and_resource() -> None:
    finding = RULE.check(facts(url=MODELS, bearer="jwt", claims={"oid": OID}, body=ROLE_401))
    assert finding is not None
    assert finding.code == "FD106"
    assert finding.fix[0] == (
        f'az role assignment create --assignee {OID} --role "Cognitive Services User" '
        "--scope $(az cognitiveservices account list --query \"[?name=='myres'].id\" -o tsv)"
    )
    assert any("5 minutes" in step for step in finding.fix)
    assert "Owner and Contributor" in finding.explanation


def test_non_openai_model_explains_that_openai_user_is_not_enough() -> None:
    finding = RULE.check(
        facts(url=MODELS, model="Llama-3.3-70B-Instruct", bearer="jwt", body=ROLE_401)
    )
    assert finding is not None
    assert "Llama-3.3-70B-Instruct is not an OpenAI model" in finding.explanation


def test_project_endpoint_needs_azure_ai_user_and_names_the_action() -> None:
    url = "https://myres.services.ai.azure.com/api/projects/p1/assistants?api-version=2025-05-01"
    finding = RULE.check(facts(url=url, bearer="jwt", body=PROJECT_BODY))
    assert finding is not None
    assert '--role "Azure AI User"' in finding.fix[0]
    assert f"--assignee {OID}" in finding.fix[0]
    assert "Microsoft.CognitiveServices/accounts/AIServices/agents/read" in texts(finding)


def test_unknown_principal_and_resource_become_placeholders() -> None:
    finding = RULE.check(facts(bearer="jwt", body=ROLE_401))
    assert finding is not None
    assert "--assignee <object id of the calling identity>" in finding.fix[0]
    assert "--scope <resource id of your Foundry resource>" in finding.fix[0]
    assert "az ad signed-in-user show" in finding.fix[1]


def test_a_upn_in_the_message_stays_hidden_without_opt_in() -> None:
    body = json.dumps(
        {
            "error": {
                "code": "PermissionDenied",
                "message": "The principal `alex@contoso.com` lacks the required data action "
                "`x/y` to perform `GET /a` operation.",
            }
        }
    )
    plain = RULE.check(facts(bearer="jwt", body=body))
    assert plain is not None
    assert "alex@contoso.com" not in texts(plain)
    personal = RULE.check(facts(bearer="jwt", body=body), include_personal=True)
    assert personal is not None
    assert "--assignee alex@contoso.com" in personal.fix[0]


def test_not_for_authentication_failures() -> None:
    assert RULE.check(facts(bearer="jwt", body=TOKEN_401)) is None
