"""``foundry-doctor emulator``: the printed environment and a real foreground run."""

from __future__ import annotations

import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from foundry_doctor.cli import main


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "foundry_doctor", "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


def _stop(process: subprocess.Popen[str], sig: int = signal.SIGINT) -> tuple[str, str]:
    """``(the rest of stdout, stderr)`` once the emulator has stopped on ``sig``."""
    process.send_signal(sig)
    return process.communicate(timeout=30)


def _chat_status(port: int, ca_file: str, authorization: str) -> int:
    context = ssl.create_default_context(cafile=ca_file)
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    connection.set_tunnel("myres.openai.azure.com", 443)
    connection.request(
        "POST",
        "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        body=json.dumps({"messages": [{"role": "user", "content": "hi"}]}),
        headers={"Authorization": authorization, "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_print_env_as_documented_prints_only_the_variables_and_serves(tmp_path: Path) -> None:
    """``foundry-doctor emulator --print-env`` (no port) picks a free port, prints only the
    NAME=value lines, and serves on it until SIGTERM."""
    process = _start("--print-env", "--ca-dir", str(tmp_path))
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().rstrip("\n") for _ in range(6)]
        names = [line.split("=", 1)[0] for line in lines]
        assert names == [
            "HTTPS_PROXY",
            "https_proxy",
            "NO_PROXY",
            "no_proxy",
            "SSL_CERT_FILE",
            "REQUESTS_CA_BUNDLE",
        ]
        env = dict(line.split("=", 1) for line in lines)
        ca_file = str(tmp_path / "ca.pem")
        assert env["SSL_CERT_FILE"] == env["REQUESTS_CA_BUNDLE"] == ca_file
        proxy = env["HTTPS_PROXY"]
        assert proxy.startswith("http://127.0.0.1:")
        port = int(proxy.rsplit(":", 1)[1])
        assert port > 0
        # it is serving: the service answers (401: no valid credential)
        assert _chat_status(port, ca_file, "Bearer not-a-token") == 401
    finally:
        rest, err = _stop(process, signal.SIGTERM)
    assert process.returncode == 0, err
    assert rest == ""  # nothing but the variables


def test_print_env_keeps_a_given_port(tmp_path: Path) -> None:
    process = _start("--print-env", "--port", "0", "--ca-dir", str(tmp_path))
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("HTTPS_PROXY=http://127.0.0.1:")
    finally:
        _stop(process)
    assert process.returncode == 0


def test_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--port", "70000"]) == 2
    assert capsys.readouterr().err.startswith("foundry-doctor emulator: ")


def test_serves_in_the_foreground_until_interrupted(tmp_path: Path) -> None:
    process = _start("--json", "--ca-dir", str(tmp_path))
    try:
        assert process.stdout is not None
        summary = json.loads(process.stdout.readline())
        assert summary["ca_file"] == str(tmp_path / "ca.pem")
        assert summary["env"]["HTTPS_PROXY"] == summary["proxy_url"]
        myres = next(item for item in summary["resources"] if item["name"] == "myres")
        assert "https://myres.services.ai.azure.com" in myres["endpoints"]
        assert {item["name"] for item in myres["deployments"]} >= {"gpt-4o", "DeepSeek-R1"}
        alice = next(item for item in summary["principals"] if item["name"] == "alice")
        assert alice["roles"]["myres"] == ["Cognitive Services User", "Foundry User"]
        arm_roles = {
            item["name"]: [
                (entry["role"], entry["scope"], entry["via_group"], entry["state"])
                for entry in item["resource_manager_roles"]
            ]
            for item in summary["principals"]
        }
        assert arm_roles["alice"] == [("Reader", "resource group rg-foundry", None, "active")]
        assert arm_roles["frank"] == [("Foundry User", "myres/projects/myproject", None, "active")]
        assert arm_roles["grace"] == [("Cognitive Services User", "myres", None, "recent")]
        assert arm_roles["heidi"] == [("Foundry User", "myres", "ai-platform", "active")]
        assert arm_roles["ivan"] == [("Foundry User", "myres", None, "eligible")]
        assert arm_roles["bob"] == []
        chat = next(item for item in summary["apps"] if item["name"] == "chat-backend")
        assert [secret["expired"] for secret in chat["secrets"]] == [False, True]
        assert summary["authority_hosts"][0] == "https://login.microsoftonline.com"
        vm = next(item for item in summary["platforms"] if item["name"] == "vm")
        imds = vm["env"]["AZURE_POD_IDENTITY_AUTHORITY_HOST"]
        assert imds.startswith(summary["proxy_url"])

        port = int(summary["proxy_url"].rsplit(":", 1)[1])
        token = alice["tokens"]["https://cognitiveservices.azure.com/.default"]
        assert _chat_status(port, summary["ca_file"], f"Bearer {token}") == 200

        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        path = imds.removeprefix(summary["proxy_url"]) + "/metadata/identity/oauth2/token"
        plain.request(
            "GET",
            f"{path}?api-version=2018-02-01&resource=https://cognitiveservices.azure.com",
            headers={"Metadata": "true"},
        )
        answer = plain.getresponse()
        assert answer.status == 200
        assert json.loads(answer.read())["token_type"] == "Bearer"
        plain.close()
    finally:
        _stop(process)
    assert process.returncode == 0
