"""What every command shares: ``--json``, and one-line errors with exit code 2."""

from __future__ import annotations

import pytest

from foundry_doctor.cli import COMMANDS, build_parser, main


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
