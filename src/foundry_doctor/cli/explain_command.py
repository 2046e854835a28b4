"""``foundry-doctor explain``: diagnose a failed call after the fact, from a case record or from
an error message pasted from a log. Exit code 1: a failure was diagnosed (every input is one);
2 for bad input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from foundry_doctor.cli import UsageError
from foundry_doctor.diagnosis import Diagnosis, diagnose, diagnose_text

NAME = "explain"
HELP = (
    "Explain a failed call from a case record (--case FILE) or a pasted error message "
    "(exit code 1: a failure was diagnosed)."
)

_STDIN = "-"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "text",
        nargs="?",
        metavar="ERROR_TEXT",
        help="the error message as copied from a log or terminal ('-' reads it from stdin)",
    )
    parser.add_argument(
        "--case",
        metavar="FILE",
        help="case records: one JSON object, a JSON array of objects, or JSON lines "
        "('-' reads stdin)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per diagnosis, one per line"
    )
    parser.add_argument(
        "--include-personal",
        action="store_true",
        help="let diagnoses name the signed-in person (upn, name) found in token claims",
    )


def run(args: argparse.Namespace) -> int:
    if args.case is not None and args.text is not None:
        raise UsageError("give either --case FILE or an error text, not both")
    if args.case is None and args.text is None:
        raise UsageError("nothing to explain: give --case FILE or the error text")
    personal = bool(args.include_personal)
    if args.case is not None:
        records = _records(_read(args.case), args.case)
        diagnoses = [diagnose(record, include_personal=personal) for record in records]
    else:
        text = sys.stdin.read() if args.text == _STDIN else str(args.text)
        if not text.strip():
            raise UsageError("the error text is empty")
        diagnoses = [diagnose_text(text, include_personal=personal)]
    _print(diagnoses, as_json=bool(args.json))
    return 1  # each is a diagnosed failure


def _read(source: str) -> str:
    if source == _STDIN:
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {source}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror or error}") from None


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _records(text: str, source: str) -> list[Mapping[str, Any]]:
    name = "stdin" if source == _STDIN else source
    if not text.strip():
        raise UsageError(f"no case records in {name}")
    try:
        whole = _loads(text)
    except ValueError:
        whole = None
    else:
        if isinstance(whole, Mapping):
            return [whole]
        if isinstance(whole, list):
            if whole and all(isinstance(item, Mapping) for item in whole):
                return list(whole)
            raise UsageError(f"{name}: a JSON array of case records must hold only objects")
        raise UsageError(f"{name}: a case record must be a JSON object")
    records: list[Mapping[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = _loads(line)
        except ValueError as error:
            raise UsageError(f"{name}, line {number}: not valid JSON ({error})") from None
        if not isinstance(value, Mapping):
            raise UsageError(f"{name}, line {number}: a case record must be a JSON object")
        records.append(value)
    return records


def _print(diagnoses: list[Diagnosis], *, as_json: bool) -> None:
    if as_json:
        for diagnosis in diagnoses:
            print(json.dumps(diagnosis.to_dict(), ensure_ascii=False))
        return
    several = len(diagnoses) > 1
    for index, diagnosis in enumerate(diagnoses):
        if index:
            print()
        if several or diagnosis.case_id:
            print(f"== {diagnosis.case_id or f'record {index + 1}'} ==")
        print(diagnosis.render())
