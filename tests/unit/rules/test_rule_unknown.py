from __future__ import annotations

from rule_facts import facts

from foundry_doctor.rules import unknown


def test_checklist_for_the_status_and_missing_facts() -> None:
    finding = unknown.RULE.check(facts(client=None, auth_known=False, status=404, body=None))
    assert finding is not None
    assert finding.code == "FD000"
    assert finding.rule == "unknown"
    assert any("deployment name exists" in step for step in finding.fix)
    assert "the request URL" in finding.missing_facts
    assert "the response body" in finding.missing_facts


def test_gateway_subscription_key_hint() -> None:
    body = '{"statusCode": 401, "message": "Access denied due to missing subscription key."}'
    finding = unknown.RULE.check(facts(bearer="opaque", api_key=True, body=body))
    assert finding is not None
    assert "gateway" in finding.explanation
    assert any("Ocp-Apim-Subscription-Key" in step for step in finding.fix)
