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


def test_print_env_prints_only_the_variables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["emulator", "--print-env", "--port", "18443", "--ca-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    ca_file = str(tmp_path / "ca.pem")
    assert lines == [
        "HTTPS_PROXY=http://127.0.0.1:18443",
        "https_proxy=http://127.0.0.1:18443",
        "NO_PROXY=127.0.0.1,localhost",
        "no_proxy=127.0.0.1,localhost",
        f"SSL_CERT_FILE={ca_file}",
        f"REQUESTS_CA_BUNDLE={ca_file}",
    ]
    assert Path(ca_file).read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_print_env_needs_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--print-env"]) == 2
    assert "--port" in capsys.readouterr().err


def test_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--port", "70000"]) == 2
    assert capsys.readouterr().err.startswith("foundry-doctor emulator: ")


def test_serves_in_the_foreground_until_interrupted(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "foundry_doctor", "emulator", "--json", "--ca-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
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
        chat = next(item for item in summary["apps"] if item["name"] == "chat-backend")
        assert [secret["expired"] for secret in chat["secrets"]] == [False, True]
        assert summary["authority_hosts"][0] == "https://login.microsoftonline.com"
        vm = next(item for item in summary["platforms"] if item["name"] == "vm")
        imds = vm["env"]["AZURE_POD_IDENTITY_AUTHORITY_HOST"]
        assert imds.startswith(summary["proxy_url"])

        port = int(summary["proxy_url"].rsplit(":", 1)[1])
        context = ssl.create_default_context(cafile=summary["ca_file"])
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
        connection.set_tunnel("myres.openai.azure.com", 443)
        token = alice["tokens"]["https://cognitiveservices.azure.com/.default"]
        connection.request(
            "POST",
            "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            body=json.dumps({"messages": [{"role": "user", "content": "hi"}]}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["object"] == "chat.completion"
        connection.close()

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
        process.send_signal(signal.SIGINT)
        _, _ = process.communicate(timeout=10)
    assert process.returncode == 0
