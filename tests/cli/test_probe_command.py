"""``foundry-doctor probe``: one live call against the emulator through the real SDK clients;
exit 0 when it works, 1 when it fails (with the diagnosis), 2 for bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from foundry_doctor.cli import main
from foundry_doctor.emulator import Emulator

AOAI = "https://myres.openai.azure.com"
V1 = "https://myres.openai.azure.com/openai/v1/"
MODELS = "https://myres.services.ai.azure.com/models"
CS_SCOPE = "https://cognitiveservices.azure.com/.default"
DAVE = "bbbbbbbb-0000-0000-0000-000000000004"


def _probe(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["probe", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out), out


@pytest.mark.openai
def test_a_working_key_exits_0(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = emu.key("myres")
    monkeypatch.setenv("MY_KEY", key)
    code, result, out = _probe(
        capsys, "--endpoint", V1, "--auth", "key", "--key-env", "MY_KEY", "--model", "gpt-4o"
    )
    assert code == 0
    assert result["ok"] is True
    assert result["status"] == 200
    assert result["identity"] is None
    assert result["endpoint"] == {
        "family": "azure-openai",
        "route": "openai-v1",
        "resource": "myres",
    }
    assert len(emu.requests) == 1
    assert key not in out


@pytest.mark.openai
def test_a_missing_role_exits_1_with_the_identity_and_the_fix(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = emu.token("dave", CS_SCOPE)
    monkeypatch.setenv("MY_TOKEN", token)
    code, result, out = _probe(
        capsys,
        "--client",
        "AzureOpenAI",
        "--endpoint",
        AOAI,
        "--auth",
        "entra",
        "--token-env",
        "MY_TOKEN",
        "--model",
        "gpt-4o",
    )
    assert code == 1
    assert result["ok"] is False
    assert result["status"] == 401
    assert result["diagnosis"]["rule"] == "missing-data-plane-role"
    identity = result["identity"]
    assert identity["oid"] == DAVE
    assert identity["tid"] == "aaaaaaaa-0000-0000-0000-000000000001"
    assert identity["aud"] == "https://cognitiveservices.azure.com"
    assert identity["idtyp"] == "user"
    assert "upn" not in identity
    assert f"--assignee {DAVE}" in json.dumps(result["diagnosis"]["fix"])
    assert token not in out
    assert token.rsplit(".", 1)[1] not in out
    assert len(emu.requests) == 1


@pytest.mark.azure
def test_inference_default_scope_in_text_output(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MY_TOKEN", emu.token("alice", "https://ml.azure.com/.default"))
    code = main(
        [
            "probe",
            "--endpoint",
            MODELS,
            "--auth",
            "entra",
            "--token-env",
            "MY_TOKEN",
            "--model",
            "gpt-4o",
            "--show-identity",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "audience   https://ml.azure.com" in out
    assert "FAILED with 401:" in out
    assert "[FD102 token-wrong-audience]" in out
    assert "also: [FD401 retired-api]" in out
    assert "upn        alice@" in out  # only because of --show-identity


@pytest.mark.openai
def test_the_bundled_emulator_with_a_principal(capsys: pytest.CaptureFixture[str]) -> None:
    code, result, _ = _probe(
        capsys,
        "--emulator",
        "--principal",
        "eve",
        "--client",
        "AzureOpenAI",
        "--endpoint",
        AOAI,
        "--auth",
        "entra",
        "--model",
        "gpt-4o",
    )
    assert code == 1
    assert result["diagnosis"]["rule"] == "token-wrong-tenant"
    assert result["identity"]["tid"] == "aaaaaaaa-0000-0000-0000-000000000002"


@pytest.mark.openai
def test_an_unreachable_endpoint_is_a_failure_without_diagnosis(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MY_KEY", "0123456789abcdef0123456789abcdef")
    code, result, _ = _probe(
        capsys,
        "--endpoint",
        "https://nosuchresource.openai.azure.com/openai/v1/",
        "--auth",
        "key",
        "--key-env",
        "MY_KEY",
        "--model",
        "gpt-4o",
        "--timeout",
        "5",
    )
    assert code == 1
    assert result["ok"] is False
    assert result["status"] is None
    assert result["diagnosis"] is None
    assert result["error"] == "APIConnectionError: Connection error."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--endpoint", V1, "--model", "gpt-4o"], "--auth key, --auth entra"),
        (
            ["--endpoint", V1, "--auth", "key", "--key-env", "UNSET_VAR_X", "--model", "m"],
            "no API key: set UNSET_VAR_X",
        ),
        (
            ["--endpoint", V1, "--auth", "entra", "--token-env", "UNSET_VAR_X", "--model", "m"],
            "no access token in UNSET_VAR_X",
        ),
        (["--endpoint", V1, "--auth", "none"], "needs a model"),
        (["--endpoint", V1, "--auth", "none", "--model", "m", "--timeout", "0"], "--timeout"),
        (
            [
                "--emulator",
                "--endpoint",
                V1,
                "--auth",
                "entra",
                "--principal",
                "zed",
                "--model",
                "m",
            ],
            "knows no 'zed'",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["probe", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


@pytest.mark.azure
@pytest.mark.parametrize(("principal", "code"), [("alice", 0), ("dave", 1)])
def test_a_project_endpoint(capsys: pytest.CaptureFixture[str], principal: str, code: int) -> None:
    pytest.importorskip("azure.ai.projects", reason="needs azure-ai-projects (openai 3)")
    project = "https://myres.services.ai.azure.com/api/projects/myproject"
    result_code, result, _ = _probe(
        capsys, "--emulator", "--principal", principal, "--endpoint", project, "--auth", "entra"
    )
    assert result_code == code
    assert result["configuration"]["client"] == "azure-ai-projects"
    assert result["identity"]["aud"] == "https://ai.azure.com"
    if code:
        assert result["diagnosis"]["rule"] == "missing-data-plane-role"
