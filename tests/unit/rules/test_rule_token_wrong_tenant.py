from __future__ import annotations

import json

from rule_facts import TID, TOKEN_401, facts

from foundry_doctor.rules import token_wrong_tenant

RULE = token_wrong_tenant.RULE
BODY = json.dumps(
    {
        "error": {
            "code": "Tenant provided in token does not match resource token",
            "message": f"Token tenant {TID} does not match resource tenant.",
        }
    }
)


def test_tenant_mismatch_names_the_token_tenant_and_az_login() -> None:
    finding = RULE.check(
        facts(
            url="https://myres.openai.azure.com/openai/deployments/x/chat/completions",
            status=400,
            bearer="jwt",
            body=BODY,
        )
    )
    assert finding is not None
    assert finding.code == "FD104"
    assert any(e.actual == TID for e in finding.evidence)
    assert finding.fix[0].startswith("az login --tenant ")
    assert "myres" in finding.fix[0]


def test_signed_in_name_only_on_opt_in() -> None:
    claims = {"tid": TID, "upn": "alex@contoso.com"}
    plain = RULE.check(facts(status=400, bearer="jwt", claims=claims, body=BODY))
    personal = RULE.check(
        facts(status=400, bearer="jwt", claims=claims, body=BODY), include_personal=True
    )
    assert plain is not None
    assert personal is not None
    assert all("alex@contoso.com" not in e.actual for e in plain.evidence)
    assert any(e.actual == "alex@contoso.com" for e in personal.evidence)


def test_not_for_other_messages() -> None:
    assert RULE.check(facts(status=400, body=TOKEN_401)) is None
