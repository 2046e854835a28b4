"""The ``foundry-doctor`` command line.

Each sub-command lives in its own module of this package and exposes ``NAME``, ``HELP``,
``configure(parser)`` and ``run(args) -> int``. Exit codes: 0 success, 1 a diagnosed failure
(or a check that found problems), 2 a usage error, 3 (``access``) nothing decisive could be
checked. Errors in the user's input print one line to stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn, Protocol, cast

from foundry_doctor._version import __version__

__all__ = ["COMMANDS", "UsageError", "main"]

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
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


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
        return int(run(args))
    except UsageError as error:
        print(f"foundry-doctor {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
