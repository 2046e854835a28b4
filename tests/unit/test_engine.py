from __future__ import annotations

import logging
from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.diagnosis import Diagnosis, diagnose
from foundry_doctor.diagnosis import engine as engine_module
from foundry_doctor.facts import Facts
from foundry_doctor.rules import RuleContext
from foundry_doctor.rules.base import Rule

TOKEN_401 = (
    '{"statusCode":401,"message":"Unauthorized. Access token is missing, invalid, '
    'audience is incorrect (https://cognitiveservices.azure.com), or have expired."}'
)
AOAI = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"


def _facts(**changes: Any) -> Facts:
    base = Facts.observe(
        status=401,
        request_headers={},
        response_headers={"apim-request-id": "req-1", "x-request-id": "req-2"},
        body=TOKEN_401,
        client="openai.AzureOpenAI",
        endpoint="https://myres.openai.azure.com",
        url=AOAI,
        now=1_700_000_000,
    )
    return base.with_changes(**changes)


def test_public_api_resolves_lazily() -> None:
    assert foundry_doctor.diagnose is diagnose
    assert foundry_doctor.Diagnosis is Diagnosis
    from foundry_doctor.diagnosis import diagnose_text

    assert callable(diagnose_text)


def test_primary_secondary_and_identifiers() -> None:
    diagnosis = diagnose(
        _facts(case_id="c-7", sdk_versions={"openai": "1.30.0"}, credential="token")
    )
    assert diagnosis.rule == "token-missing"
    assert diagnosis.status == 401
    assert diagnosis.request_id == "req-1"  # apim-request-id first
    assert diagnosis.case_id == "c-7"
    assert diagnosis.confidence == "high"
    assert diagnosis.to_dict()["secondary"] == list(diagnosis.secondary_rules)


def test_x_request_id_when_no_apim_id() -> None:
    diagnosis = diagnose(_facts(headers={"x-request-id": "abc"}))
    assert diagnosis.request_id == "abc"


def test_case_record_mapping_is_accepted() -> None:
    diagnosis = diagnose(
        {"id": "r1", "response": {"status": 404, "body": '{"error":{"code":"DeploymentNotFound"}}'}}
    )
    assert diagnosis.rule == "deployment-not-found"
    assert diagnosis.case_id == "r1"


def test_nothing_known_gives_the_checklist() -> None:
    diagnosis = diagnose(Facts())
    assert diagnosis.rule == "unknown"
    assert diagnosis.code == "FD000"
    assert diagnosis.missing_facts


def test_a_failing_rule_is_skipped_and_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(ctx: RuleContext) -> None:
        raise RuntimeError("boom")

    broken = Rule(
        code="FD999",
        slug="broken",
        title="t",
        meaning="m",
        detection="d",
        remedy="r",
        example="e",
        detect=explode,
    )
    chosen = engine_module.rules_for
    monkeypatch.setattr(engine_module, "rules_for", lambda ctx: (broken, *chosen(ctx)))
    with caplog.at_level(logging.DEBUG, logger="foundry_doctor.diagnosis.engine"):
        diagnosis = diagnose(_facts())
    assert diagnosis.rule == "token-missing"
    assert any("broken" in record.getMessage() for record in caplog.records)


def test_engine_failure_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(context: RuleContext) -> Diagnosis:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine_module, "_diagnose", explode)
    diagnosis = diagnose(_facts(status=404))
    assert diagnosis.rule == "unknown"
    assert diagnosis.status == 404


def test_non_facts_input_never_raises() -> None:
    for value in (None, 3, "text", [1], object()):
        assert diagnose(value).rule == "unknown"  # type: ignore[arg-type]


def test_secondary_excludes_the_primary_and_low_scores() -> None:
    record = {
        "client": "azure-ai-inference",
        "credential": "api-key",
        "request": {"url": AOAI, "auth": {"authorization": "opaque", "api_key": False}},
        "response": {"status": 401, "body": TOKEN_401},
        "sdk_versions": {"azure-ai-inference": "1.0.0b4"},
    }
    diagnosis = diagnose(record)
    assert diagnosis.rule == "credential-in-wrong-header"
    assert "sdk-outdated" in diagnosis.secondary_rules
    assert diagnosis.rule not in diagnosis.secondary_rules
    assert all(finding.score >= 35 for finding in diagnosis.secondary)


def test_engine_imports_no_third_party_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys, foundry_doctor; from foundry_doctor.diagnosis import diagnose, diagnose_text; "
        "diagnose({}); diagnose_text('x'); import foundry_doctor.cli.explain_command, "
        "foundry_doctor.cli.rules_command; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('openai', 'azure', 'httpx', 'httpx2', 'aiohttp', 'requests')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
