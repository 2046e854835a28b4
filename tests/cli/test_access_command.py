"""``foundry-doctor access``: the command against the bundled emulator (``--emulator
--principal``, its default world) and against the test session's emulator with a Resource
Manager token (``--token-env``, for worlds a test changes); the verdict, the fix and the exit
code in text and in JSON for each situation of the issue; usage errors exit 2."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from foundry_doctor.cli import main
from foundry_doctor.emulator import Deployment, Emulator

pytestmark = pytest.mark.azure

AOAI = "https://myres.openai.azure.com"
ACCOUNT = (
    "/subscriptions/cccccccc-0000-0000-0000-000000000001/resourceGroups/rg-foundry/providers/"
    "Microsoft.CognitiveServices/accounts/myres"
)
ARM_SCOPE = "https://management.azure.com/.default"
FOUNDRY_USER = "53ca6127-db72-4b80-b1b0-d745d6d5456d"
OPENAI_USER = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AZURE_OPENAI_ENDPOINT",
        "AZURE_AI_ENDPOINT",
        "AZURE_AI_PROJECT_ENDPOINT",
        "OPENAI_BASE_URL",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_TENANT_ID",
    ):
        monkeypatch.delenv(name, raising=False)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["access", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def both(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, dict[str, Any]]:
    """The command in text and in JSON; both must agree on the exit code."""
    code, text, _ = _run(capsys, *args)
    json_code, out, _ = _run(capsys, *args, "--json")
    assert code == json_code
    report = json.loads(out)
    assert report["exit_code"] == code
    return code, text, report


def verdict(report: dict[str, Any], code: str) -> dict[str, Any]:
    found = [item for item in report["verdicts"] if item["code"] == code]
    assert found, [item["code"] for item in report["verdicts"]]
    return found[0]


def emulated(*args: str) -> list[str]:
    return ["--emulator", "--endpoint", AOAI, *args]


# --- the default world, through --emulator --------------------------------------------------


def test_every_right(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, report = both(capsys, *emulated("--principal", "alice", "--deployment", "gpt-4o"))
    assert code == 0
    assert "Result: the call should work." in text
    assert "[access-granted]" in text
    assert "* gpt-4o: OpenAI gpt-4o 2024-11-20, GenerallyAvailable" in text
    assert report["granted"] is True
    assert report["account"]["id"] == ACCOUNT
    assert report["problems"] == []
    assert {item["role_id"] for item in report["assignments"]} >= {FOUNDRY_USER, READER}


def test_none(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, report = both(capsys, *emulated("--principal", "dave", "--deployment", "gpt-4o"))
    assert code == 1
    assert "PROBLEM: [no-role]" in text
    fix = verdict(report, "no-role")["fix"][0]
    assert f"--role {OPENAI_USER}" in fix
    assert "--assignee-object-id bbbbbbbb-0000-0000-0000-000000000004" in fix
    assert fix in text


def test_a_role_too_narrow_for_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, report = both(
        capsys, *emulated("--principal", "bob", "--deployment", "DeepSeek-R1")
    )
    assert code == 1
    assert "[role-too-narrow]" in text
    fix = verdict(report, "role-too-narrow")["fix"][0]
    assert f"--role {FOUNDRY_USER}" in fix
    assert f'--scope "{ACCOUNT}"' in fix
    assert report["data_action"] == "Microsoft.CognitiveServices/accounts/MaaS/*"


def test_a_role_on_the_project_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, report = both(capsys, *emulated("--principal", "frank", "--model", "gpt-4o"))
    assert code == 1
    assert "[wrong-scope]" in text
    assert "project myproject" in verdict(report, "wrong-scope")["detail"]
    project = "https://myres.services.ai.azure.com/api/projects/myproject"
    code, _, report = both(capsys, "--emulator", "--principal", "frank", "--endpoint", project)
    assert code == 0
    assert report["target_scope"] == f"{ACCOUNT}/projects/myproject"


def test_an_assignment_made_a_minute_ago(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, report = both(
        capsys, *emulated("--principal", "alice", "--principal-id", "grace", "--model", "gpt-4o")
    )
    assert code == 1
    assert "[too-recent]" in text
    assert "wait until" in verdict(report, "too-recent")["fix"][0]
    assert report["principal"]["object_id"] == "bbbbbbbb-0000-0000-0000-00000000000d"


def test_a_caller_who_cannot_read_assignments(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, report = both(
        capsys, *emulated("--principal", "app", "--principal-id", "uami-batch", "--model", "gpt-4o")
    )
    assert code == 3
    assert "Result: could not be checked." in text
    assert "could not read:" in text
    unread = verdict(report, "assignments-unreadable")
    assert f"--role {READER}" in unread["fix"][0]
    assert any(
        item["right"] == "Microsoft.Authorization/roleAssignments/read" for item in report["unread"]
    )


def test_a_misspelled_deployment(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, report = both(capsys, *emulated("--principal", "alice", "--deployment", "gpt4o"))
    assert code == 1
    assert "Did you mean 'gpt-4o'" in text
    assert verdict(report, "deployment-not-found")["fix"][0] == "use deployment 'gpt-4o'"


def test_pim_and_groups(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = _run(capsys, *emulated("--principal", "ivan", "--model", "gpt-4o"))
    assert code == 1
    assert "[pim-eligible]" in text
    code, text, _ = _run(capsys, *emulated("--principal", "heidi", "--model", "gpt-4o"))
    assert code == 0


# --- changed worlds, through the session's emulator and --token-env -------------------------


@pytest.fixture
def arm_token(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    def sign_in(principal: str) -> None:
        monkeypatch.setenv("ARM_TOKEN", emu.token(principal, ARM_SCOPE))

    return sign_in


def test_a_renamed_role(emu: Emulator, arm_token: Any, capsys: pytest.CaptureFixture[str]) -> None:
    arm_token("alice")
    with emu.modified_world({"arm.role_names": "former"}):
        code, text, report = both(
            capsys, "--endpoint", AOAI, "--token-env", "ARM_TOKEN", "--model", "gpt-4o"
        )
    assert code == 0
    assert "note: [role-renamed] Azure AI User is now called Foundry User" in text
    assert "Foundry User (shown here as Azure AI User)" in text
    assert verdict(report, "role-renamed")["severity"] == "note"


def test_a_retired_model_version(
    emu: Emulator, arm_token: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    arm_token("alice")
    with emu.modified_world() as world:
        world.resource("myres").add_deployment(
            Deployment("chat-legacy", "gpt-35-turbo", model_version="0125")
        )
        code, text, report = both(
            capsys, "--endpoint", AOAI, "--token-env", "ARM_TOKEN", "--deployment", "chat-legacy"
        )
    assert code == 1
    assert "[model-retired]" in text
    assert "chat-legacy: OpenAI gpt-35-turbo 0125, Deprecated" in text
    retired = verdict(report, "model-retired")
    assert retired["fix"] == [
        "deploy gpt-4o-mini 2024-07-18 and point the calls at that deployment"
    ]


def test_the_endpoint_from_the_environment_and_a_pasted_error(
    emu: Emulator,
    arm_token: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arm_token("alice")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", AOAI)
    pasted = (
        'Error code: 401 - {"error":{"code":"PermissionDenied","message":"Principal does not '
        'have access to API/Operation."}}'
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted))
    code, _, report = _run_json(
        capsys, "--token-env", "ARM_TOKEN", "--model", "gpt-4o", "--error", "-"
    )
    assert code == 0
    assert report["endpoint"] == AOAI


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, dict[str, Any]]:
    code, out, err = _run(capsys, *args, "--json")
    return code, err, json.loads(out)


# --- usage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--emulator"], "give the endpoint"),
        (
            ["--emulator", "--endpoint", "https://eastus.api.cognitive.microsoft.com"],
            "--account-id",
        ),
        (["--emulator", "--endpoint", AOAI, "--principal", "nobody"], "knows no 'nobody'"),
        (["--emulator", "--endpoint", AOAI, "--principal-id", "someone"], "object id"),
        (["--emulator", "--endpoint", AOAI, "--timeout", "0"], "--timeout"),
        (["--token-env", "NOT_SET_ANYWHERE", "--endpoint", AOAI], "no access token"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- probe offers it -------------------------------------------------------------------------

PROBE = [
    "probe",
    "--emulator",
    "--client",
    "OpenAI",
    "--endpoint",
    f"{AOAI}/openai/v1/",
    "--auth",
    "entra",
    "--scope",
    "https://ai.azure.com/.default",
]


@pytest.mark.openai
def test_probe_hints_at_the_access_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*PROBE, "--principal", "bob", "--model", "DeepSeek-R1"]) == 1
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == (
        "hint: see which roles the identity holds and what the call needs: foundry-doctor "
        "access --emulator --principal bob --endpoint "
        "https://myres.openai.azure.com/openai/v1/chat/completions --model DeepSeek-R1"
    )
    assert main([*PROBE, "--principal", "alice", "--model", "gpt-4o"]) == 0
    assert "hint:" not in capsys.readouterr().out


@pytest.mark.openai
def test_probe_checks_access_after_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*PROBE, "--principal", "bob", "--model", "DeepSeek-R1", "--check-access"]) == 1
    out = capsys.readouterr().out
    assert "\naccess check:\n" in out
    assert "PROBLEM: [role-too-narrow]" in out
    assert (
        main([*PROBE, "--principal", "frank", "--model", "gpt-4o", "--check-access", "--json"]) == 1
    )
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert result["access"]["problems"] == ["wrong-scope"]
    assert (
        main([*PROBE, "--principal", "alice", "--model", "gpt-4o", "--check-access", "--json"]) == 0
    )
    assert "access" not in json.loads(capsys.readouterr().out)  # only after a failure
