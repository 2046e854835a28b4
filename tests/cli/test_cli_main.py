"""What every command shares: ``--json``; one-line errors with exit code 2, also when an optional
package is missing; a quiet end (exit code 141) when the reader of the output goes away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from foundry_doctor.cli import BROKEN_PIPE, COMMANDS, build_parser, main


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_offers_json(command: str) -> None:
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    assert "--json" in sub.format_help()


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_flag_is_one_line_and_exit_2(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([command, "--no-such-flag"])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("foundry-doctor: unrecognized arguments: --no-such-flag")
    assert captured.err.count("\n") == 1


def test_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["nope"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_no_command_shows_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err


# --- a reader that goes away, and what a plain install lacks ------------------------------------

SRC = str(Path(__file__).resolve().parents[2] / "src")
#: a case file that is always there (the shared corpus next to the repository may not be)
CASES = Path(__file__).resolve().parents[1] / "unit" / "cases_extra.jsonl"

#: one invocation per command that prints more than a line
_TALKATIVE = {
    "demo": ["demo"],
    "check": ["check", "--endpoint", "https://myres.openai.azure.com", "--auth", "entra"],
    "probe": [
        "probe",
        "--emulator",
        "--client",
        "AzureOpenAI",
        "--endpoint",
        "https://myres.openai.azure.com",
        "--auth",
        "key",
        "--model",
        "gpt-4o",
    ],
    "explain": ["explain", "--case", str(CASES)],
    "rules": ["rules"],
    "emulator": ["emulator"],
    "access": [
        "access",
        "--emulator",
        "--principal",
        "bob",
        "--endpoint",
        "https://myres.openai.azure.com",
        "--model",
        "DeepSeek-R1",
    ],
}


def test_every_command_has_a_talkative_invocation() -> None:
    assert set(_TALKATIVE) == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_reader_that_went_away_ends_the_command_quietly(command: str, tmp_path: Path) -> None:
    """``foundry-doctor COMMAND | head``: the pipe's reader is gone before the first write (so
    the write fails for sure); no traceback, exit code 141."""
    reader, writer = os.pipe()
    os.close(reader)
    env = {**os.environ, "PYTHONPATH": SRC, "TMPDIR": str(tmp_path)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "foundry_doctor", *_TALKATIVE[command]],
            stdout=writer,
            stderr=subprocess.PIPE,
            env=env,
            timeout=300,
            check=False,
        )
    finally:
        os.close(writer)
    errors = done.stderr.decode()
    assert "Traceback" not in errors
    assert "BrokenPipeError" not in errors
    assert done.returncode == BROKEN_PIPE, errors


def _main_in(argv: list[str], *, prelude: str = "", isolated: bool = False) -> tuple[int, str]:
    """``main(argv)`` in a fresh interpreter: with ``isolated``, one that sees the standard
    library and foundry-doctor alone (a plain ``pip install foundry-doctor``); ``prelude`` runs
    first (e.g. to hide a package)."""
    code = f"import sys\nsys.path.insert(0, {SRC!r})\n{prelude}\n"
    code += f"from foundry_doctor.cli import main\nsys.exit(main({argv!r}))\n"
    flags = ["-I", "-S"] if isolated else []
    done = subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stderr + done.stdout


_HIDE_AZURE = """
class _Hidden:
    def find_spec(self, name, path=None, target=None):
        if name == "azure" or name.startswith("azure."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _Hidden())
"""

_NEEDS_EXTRAS = [
    (["demo"], "[inference,openai,emulator,identity]"),
    (_TALKATIVE["probe"], "[openai,emulator]"),
    (["emulator"], "[emulator]"),
    (_TALKATIVE["access"], "[emulator]"),
    (["access", "--endpoint", "https://myres.openai.azure.com"], "[identity]"),
    (
        [
            "probe",
            "--client",
            "AIProjectClient",
            "--endpoint",
            "https://myres.services.ai.azure.com/api/projects/myproject",
            "--auth",
            "entra",
        ],
        "[identity,projects]",
    ),
]


@pytest.mark.parametrize(("argv", "extras"), _NEEDS_EXTRAS)
def test_a_plain_install_says_once_which_extra_to_install(argv: list[str], extras: str) -> None:
    code, shown = _main_in(argv, isolated=True)
    assert code == 2, shown
    assert shown.count("\n") == 1, shown
    assert f"pip install 'foundry-doctor{extras}'" in shown
    assert "Traceback" not in shown


def test_with_some_extras_the_demo_names_the_missing_one_once() -> None:
    code, shown = _main_in(["demo"], prelude=_HIDE_AZURE)
    assert code == 2, shown
    assert shown.count("\n") == 1, shown
    assert "azure.ai.inference" in shown
    assert "pip install 'foundry-doctor[" in shown
    assert "No module named" not in shown
