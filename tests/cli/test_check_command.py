"""``foundry-doctor check``: a configuration from flags or environment variables, judged without
any network call."""

from __future__ import annotations

import json
from typing import Any

import pytest

from foundry_doctor.cli import main

MODELS = "https://myres.services.ai.azure.com/models"
AOAI = "https://myres.openai.azure.com"
V1 = "https://myres.openai.azure.com/openai/v1/"
CS_SCOPE = "https://cognitiveservices.azure.com/.default"


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _rules(result: dict[str, Any]) -> list[str]:
    return [finding["rule"] for finding in result["findings"]]


def test_inference_with_entra_and_the_default_scope(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = _check(capsys, "--endpoint", MODELS, "--auth", "entra", "--model", "gpt-4o")
    assert code == 1
    assert result["ok"] is False
    assert result["client_guessed"] is True
    assert result["configuration"]["client"] == "azure-ai-inference"
    assert _rules(result) == ["token-wrong-audience", "retired-api"]
    audience = result["findings"][0]
    assert audience["severity"] == "error"
    assert audience["evidence"][0]["actual"] == "https://ml.azure.com"
    assert f'credential_scopes=["{CS_SCOPE}"]' in audience["fix"][0]


def test_the_right_scope_leaves_only_the_retirement(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = _check(
        capsys,
        "--client",
        "azure-ai-inference",
        "--endpoint",
        MODELS,
        "--auth",
        "entra",
        "--scope",
        CS_SCOPE,
    )
    assert code == 1
    assert _rules(result) == ["retired-api"]


def test_a_good_azure_openai_configuration_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", AOAI)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "not-shown-0123456789abcdef")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENT", "gpt-4o")
    code, result = _check(capsys)
    assert code == 0
    assert result["ok"] is True
    assert result["findings"] == []
    assert result["configuration"]["credential"] == "api-key"
    assert result["configuration"]["request_url"] == (
        f"{AOAI}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
    )
    assert result["sources"]["endpoint"] == "AZURE_OPENAI_ENDPOINT"
    assert "not-shown" not in json.dumps(result)


def test_text_output_names_the_sources_and_the_verdict(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", f"{AOAI}/openai/v1")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    assert main(["check", "--model", "gpt-4o"]) == 1
    out = capsys.readouterr().out
    assert "endpoint from AZURE_OPENAI_ENDPOINT" in out
    assert "ERROR [FD200 client-endpoint-mismatch]" in out
    assert f'AzureOpenAI(azure_endpoint="{AOAI}"' in out
    assert "FD201" not in out  # the path problem only repeats the mismatch


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        (["--client", "OpenAI", "--endpoint", AOAI, "--auth", "key"], "client-endpoint-mismatch"),
        (["--endpoint", f"{V1}chat/completions", "--auth", "key"], "endpoint-path-wrong"),
        (["--endpoint", V1, "--api-version", "2024-10-21"], "api-version-unsupported"),
        (
            ["--client", "AzureOpenAI", "--endpoint", AOAI, "--api-version", "2024-05-13"],
            "api-version-unsupported",
        ),
        (
            [
                "--client",
                "AzureOpenAI",
                "--endpoint",
                "https://eastus.api.cognitive.microsoft.com",
                "--auth",
                "entra",
                "--api-version",
                "2024-10-21",
            ],
            "entra-needs-custom-subdomain",
        ),
        (
            [
                "--client",
                "AzureOpenAI",
                "--endpoint",
                AOAI,
                "--model",
                "DeepSeek-R1",
                "--api-version",
                "2024-10-21",
            ],
            "non-openai-model-on-azure-openai",
        ),
        (
            [
                "--client",
                "AzureOpenAI",
                "--endpoint",
                AOAI,
                "--auth",
                "entra",
                "--api-version",
                "2024-10-21",
                "--sdk",
                "openai==1.30.0",
            ],
            "sdk-outdated",
        ),
        (
            ["--client", "AIProjectClient", "--endpoint", AOAI, "--auth", "entra"],
            "client-endpoint-mismatch",
        ),
    ],
)
def test_each_static_rule(capsys: pytest.CaptureFixture[str], args: list[str], rule: str) -> None:
    code, result = _check(capsys, *args)
    assert rule in _rules(result)
    assert code == (0 if result["ok"] else 1)
    assert code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no endpoint"),
        (["--client", "AzureOpenAI"], "AZURE_OPENAI_ENDPOINT"),
        (["--client", "nope", "--endpoint", AOAI], "unknown client 'nope'"),
        (["--endpoint", "myres.openai.azure.com"], "must be an http(s) URL"),
        (["--endpoint", AOAI, "--sdk", "openai"], "PACKAGE==VERSION"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["check", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
