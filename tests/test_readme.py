"""The README says exactly what the project does: every ``foundry-doctor ...`` command in its
code blocks parses with the real command-line parser, every nox session it names exists, every
extra it installs is defined (and ``[all]`` brings every client the CLI can probe), and the
command table lists every command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from foundry_doctor.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
NOXFILE = (ROOT / "noxfile.py").read_text(encoding="utf-8")

_SHELL_BLOCK = re.compile(r"```(?:bash|sh|shell|console)\n(.*?)```", re.DOTALL)
_OPERATORS = frozenset({";", "&&", "||", "|", "&", ">", ">>", "<", "(", ")"})


def _commands() -> list[list[str]]:
    """Every simple command of the README's shell blocks, as words (comments dropped)."""
    found: list[list[str]] = []
    for block in _SHELL_BLOCK.findall(README):
        for line in block.splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            lexer.commenters = "#"
            words: list[str] = []
            for word in lexer:
                if word in _OPERATORS:
                    if words:
                        found.append(words)
                    words = []
                else:
                    words.append(word)
            if words:
                found.append(words)
    return found


def _extras() -> dict[str, str]:
    """The optional dependencies of ``pyproject.toml``: extra -> its requirement text."""
    section = PYPROJECT.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r"^([\w-]+) = \[(.*?)\]\n", section, flags=re.MULTILINE | re.DOTALL))


CLI_COMMANDS = [words for words in _commands() if words[0] == "foundry-doctor"]


def test_the_readme_shows_the_command_line() -> None:
    assert len(CLI_COMMANDS) >= 5
    assert {words[1] for words in CLI_COMMANDS} >= {"check", "probe", "emulator"}


@pytest.mark.parametrize("words", CLI_COMMANDS, ids=[" ".join(w[1:3]) for w in CLI_COMMANDS])
def test_every_documented_command_parses(words: list[str]) -> None:
    build_parser().parse_args(words[1:])  # argparse exits (SystemExit) on anything unknown


def test_every_nox_session_named_exists() -> None:
    named = {
        words[words.index("-s") + 1] for words in _commands() if "nox" in words and "-s" in words
    }
    named |= set(re.findall(r"`(\w+)` \(", README.split("`python3 -m nox -l`", 1)[1]))
    assert named >= {"demo"}
    for session in named:
        assert re.search(rf"^def {session}\(", NOXFILE, flags=re.MULTILINE), session


def test_every_extra_installed_is_defined() -> None:
    extras = _extras()
    installed = re.findall(r"foundry-doctor\[([\w,-]+)\]", README)
    assert installed
    for group in installed:
        for extra in group.split(","):
            assert extra in extras, extra


def test_all_brings_every_client_the_cli_can_probe() -> None:
    extras = _extras()
    brought = set(re.findall(r"foundry-doctor\[([\w,-]+)\]", extras["all"])[0].split(","))
    for extra in ("inference", "openai", "emulator", "identity", "projects"):
        assert extra in brought
    assert "azure-ai-projects" in extras["projects"]
    # the test extra (what the older-SDK sessions install) must not pull openai 3 in
    assert "projects" not in extras["test"]
    assert "[all]" not in extras["test"]


def test_the_command_table_lists_every_command() -> None:
    for command in COMMANDS:
        assert f"| `foundry-doctor {command}` |" in README, command
