from __future__ import annotations

import json

from rule_facts import facts

from foundry_doctor.rules import network_access_denied

RULE = network_access_denied.RULE


def test_firewall_message() -> None:
    body = (
        '{"error":{"code":"403","message": "Access denied due to Virtual Network/Firewall rules."}}'
    )
    finding = RULE.check(facts(endpoint="https://myres.openai.azure.com", status=403, body=body))
    assert finding is not None
    assert finding.code == "FD301"
    assert "network-rule add --name myres" in finding.fix[2]
    assert "not an identity or key problem" in finding.explanation


def test_private_endpoint_only() -> None:
    body = json.dumps(
        {
            "error": {
                "code": "AccessDenied",
                "message": "Public access is disabled. Please configure private endpoint.",
            }
        }
    )
    finding = RULE.check(facts(status=403, body=body))
    assert finding is not None
    assert "private endpoint" in finding.explanation


def test_policy_header_alone() -> None:
    finding = RULE.check(
        facts(status=403, headers={"policy-id": "ThrowExceptionDueToTrafficDenied"}, body=None)
    )
    assert finding is not None


def test_not_for_other_403s() -> None:
    body = json.dumps({"error": {"code": "AccessDenied", "message": "nope"}})
    assert RULE.check(facts(status=403, body=body)) is None
