from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from foundry_doctor.cli import main

PUBLIC = Path(__file__).resolve().parents[2].parent / "shared" / "cases" / "public.jsonl"
RECORD = {
    "id": "cli-1",
    "client": "openai.AzureOpenAI",
    "endpoint": "https://myres.openai.azure.com",
    "request": {
        "url": "https://myres.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
        "auth": {"authorization": None, "api_key": True, "claims": None},
    },
    "response": {
        "status": 404,
        "body": '{"error":{"code":"DeploymentNotFound",'
        '"message":"The API deployment for this resource does not exist."}}',
    },
}


def test_one_record_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(RECORD, indent=2), encoding="utf-8")
    assert main(["explain", "--case", str(case)]) == 1
    out = capsys.readouterr().out
    assert "== cli-1 ==" in out
    assert "[FD202 deployment-not-found]" in out
    assert "gpt4o" in out


def test_json_lines_with_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    second = dict(
        RECORD,
        id="cli-2",
        response={
            "status": 403,
            "body": '{"error":{"code":"AuthenticationTypeDisabled","message":"x"}}',
        },
    )
    case = tmp_path / "cases.jsonl"
    case.write_text(json.dumps(RECORD) + "\n\n" + json.dumps(second) + "\n", encoding="utf-8")
    assert main(["explain", "--case", str(case), "--json"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first, other = (json.loads(line) for line in lines)
    assert {"id", "rule", "code", "title", "secondary"} <= set(first)
    assert (first["id"], first["rule"], first["code"]) == ("cli-1", "deployment-not-found", "FD202")
    assert other["rule"] == "key-auth-disabled"
    assert isinstance(other["secondary"], list)


def test_json_array_and_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps([RECORD, RECORD])))
    assert main(["explain", "--case", "-", "--json"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 2


@pytest.mark.skipif(not PUBLIC.exists(), reason="the shared case corpus is not present")
def test_the_public_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--case", str(PUBLIC), "--json"]) == 1
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = [
        json.loads(line) for line in PUBLIC.read_text(encoding="utf-8").splitlines() if line
    ]
    assert [r["rule"] for r in results] == [e["expected"] for e in expected]


def test_pasted_text(capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "Error code: 401 - {'error': {'code': 'PermissionDenied', 'message': "
        "'Principal does not have access to API/Operation.'}}"
    )
    assert main(["explain", text]) == 1
    out = capsys.readouterr().out
    assert "[FD106 missing-data-plane-role]" in out
    assert "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd" in out  # Cognitive Services OpenAI User, by ID


def test_pasted_text_from_stdin_as_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("Operation returned an invalid status 'Not Found'")
    )
    assert main(["explain", "-", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "unknown"
    assert data["status"] == 404
    assert data["missing_facts"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no case records"),
        ("   \n", "no case records"),
        ("{not json", "line 1: not valid JSON"),
        ('{"id": 1}\n[1, 2]\n', "line 2: a case record must be a JSON object"),
        ("[1, 2]", "must hold only objects"),
        ("42", "must be a JSON object"),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_bad_case_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    case = tmp_path / "bad.jsonl"
    case.write_text(content, encoding="utf-8")
    assert main(["explain", "--case", str(case)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain"]) == 2
    assert "nothing to explain" in capsys.readouterr().err
    assert main(["explain", "--case", str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["explain", "--case", str(tmp_path), "text"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["explain", "   "]) == 2
    assert "empty" in capsys.readouterr().err
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    assert main(["explain", "--case", str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["explain", "--case", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_personal_claims_only_with_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {
        "request": {
            "auth": {"authorization": "jwt", "claims": {"tid": "t", "upn": "alex@contoso.com"}}
        },
        "response": {
            "status": 400,
            "body": '{"error":{"code":"x",'
            '"message":"Token tenant t does not match resource tenant."}}',
        },
    }
    case = tmp_path / "c.json"
    case.write_text(json.dumps(record), encoding="utf-8")
    assert main(["explain", "--case", str(case)]) == 1
    assert "alex@contoso.com" not in capsys.readouterr().out
    assert main(["explain", "--case", str(case), "--include-personal"]) == 1
    assert "alex@contoso.com" in capsys.readouterr().out


_CHAIN = (
    "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
    "Attempted credentials:\n"
    "        EnvironmentCredential: EnvironmentCredential authentication unavailable. "
    "Environment variables are not fully configured.\nVisit "
    "https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to "
    "troubleshoot.this issue.\n"
    "        ManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, "
    "no response from the IMDS endpoint.\n"
    "        AzureCliCredential: ERROR: AADSTS50020: User account 'pat.person@outlook.example' "
    "from identity provider 'live.com' does not exist in tenant 'Contoso'.\n"
    "        AzurePowerShellCredential: PowerShell is not installed"
)


def test_a_pasted_token_failure(capsys: pytest.CaptureFixture[str]) -> None:
    """A chain quoted with its tabs as spaces: the link that tried and failed is named, no
    HTTP status is invented, and the account's name appears only with the flag."""
    assert main(["explain", _CHAIN]) == 1
    out = capsys.readouterr().out
    assert "[FD504 user-not-in-tenant]" in out
    assert "link to fix: AzureCliCredential" in out
    assert "pat.person@outlook.example" not in out
    assert main(["explain", _CHAIN, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["rule"], data["status"]) == ("user-not-in-tenant", None)
    assert main(["explain", _CHAIN, "--include-personal"]) == 1
    assert "pat.person@outlook.example" in capsys.readouterr().out


def test_the_token_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = PUBLIC.with_name("public-token.jsonl")
    if not corpus.exists():
        pytest.skip(f"{corpus} is not present")
    assert main(["explain", "--case", str(corpus), "--json"]) == 1
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(g["id"], g["rule"], g["status"]) for g in got] == [
        (r["id"], r["expected"], None) for r in records
    ]
