"""The ``foundry-doctor`` command line.

Each sub-command lives in its own module of this package and exposes ``NAME``, ``HELP``,
``configure(parser)`` and ``run(args) -> int``. Exit codes: 0 success, 1 a diagnosed failure
(or a check that found problems), 2 a usage error (a missing optional dependency included),
3 (``access``) nothing decisive could be checked, 141 when the reader of the output went away
(``foundry-doctor rules | head``). Errors in the user's input print one line to stderr, never
a traceback; what they quote of the input goes through
:func:`~foundry_doctor.facts.redaction.quote` (a mistyped flag may carry a key).
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, Protocol, cast

from foundry_doctor._version import __version__

__all__ = ["BROKEN_PIPE", "COMMANDS", "UsageError", "main"]

#: the exit code when the reader of the output went away (128 + SIGPIPE, as a shell reports it)
BROKEN_PIPE = 141

#: sub-command modules, in the order ``--help`` lists them
COMMANDS = (
    "demo",
    "check",
    "probe",
    "access",
    "explain",
    "rules",
    "emulator",
)


class UsageError(Exception):
    """Raised by a command for bad user input; printed as one line, exit code 2."""


class _Command(Protocol):
    NAME: str
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _load(name: str) -> _Command | None:
    try:
        module = importlib.import_module(f"foundry_doctor.cli.{name}_command")
    except ModuleNotFoundError as error:
        if error.name == f"foundry_doctor.cli.{name}_command":
            return None  # not built in this version
        raise
    return cast(_Command, module)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``foundry-doctor <command>: <problem>``, exit code 2
    (``--help`` still shows the usage)."""

    def error(self, message: str) -> NoReturn:
        from foundry_doctor.facts.redaction import quote

        shown = quote(_without_flag_values(message), limit=500)
        self.exit(2, f"{self.prog}: {shown} (see {self.prog} --help)\n")


def _without_flag_values(message: str) -> str:
    """argparse's message with the value after a credential-ish flag replaced
    (``unrecognized arguments: --api-key abc123``)."""
    from foundry_doctor.facts.redaction import REDACTED, names_credential

    words = message.split(" ")
    for index in range(1, len(words)):
        flag, value = words[index - 1], words[index]
        if flag.startswith("-") and not value.startswith("-") and names_credential(flag):
            words[index] = REDACTED
    return " ".join(words)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="foundry-doctor",
        description="Explain 401/403/404 failures from Microsoft Foundry and Azure OpenAI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        command = _load(name)
        if command is None:
            continue
        sub = subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        command.configure(sub)
        sub.set_defaults(_run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "_run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code = int(run(args))
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except UsageError as error:
        from foundry_doctor.facts.redaction import quote

        print(f"foundry-doctor {args.command}: {quote(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: not an error of ours
        _discard_stdout()
        return BROKEN_PIPE


def _discard_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
