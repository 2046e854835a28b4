"""Every real-world case names its known root cause (and its known secondary finding).

The public corpora live next to the repository (``../shared/cases/public.jsonl`` and
``public-2026.jsonl``); the extra held-out cases written for this test suite live in
``tests/unit/cases_extra.jsonl`` (each with a ``notes`` field naming the knowledge-file fact it
rests on), and a second, independent held-out set in ``tests/unit/cases_heldout_2.jsonl``,
written from the knowledge files and SDK sources before the rules were read. The
token-acquisition corpus (``public-token.jsonl``) is held to the same: each
record names its cause, invents no HTTP status (nothing reached the service), and its
credential's text alone - pasted, as ``diagnose_text`` reads it - never makes a tenant mismatch
of Entra ID's boilerplate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foundry_doctor.diagnosis import diagnose, diagnose_text
from foundry_doctor.rules import SLUGS

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "cases"
PUBLIC = SHARED / "public.jsonl"
PUBLIC_2026 = SHARED / "public-2026.jsonl"
TOKEN = SHARED / "public-token.jsonl"
EXTRA = REPO / "tests" / "unit" / "cases_extra.jsonl"
#: a second held-out set, written from the knowledge files and SDK sources before the rules were
#: read (each record's ``notes`` names its fact, and says so where a case was corrected)
HELDOUT_2 = REPO / "tests" / "unit" / "cases_heldout_2.jsonl"


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _params(path: Path) -> list[Any]:
    records = _load(path)
    if not records:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{path} is not present"))]
    return [pytest.param(record, id=record["id"]) for record in records]


def _check(record: dict[str, Any]) -> None:
    diagnosis = diagnose(record)
    assert diagnosis.rule in SLUGS
    assert diagnosis.case_id == record["id"]
    assert diagnosis.rule == record["expected"], diagnosis.render()
    secondary = record.get("expected_secondary")
    if secondary is not None:
        assert secondary in diagnosis.secondary_rules, diagnosis.render()


@pytest.mark.parametrize("record", _params(PUBLIC))
def test_public_case(record: dict[str, Any]) -> None:
    _check(record)


@pytest.mark.parametrize("record", _params(PUBLIC_2026))
def test_public_2026_case(record: dict[str, Any]) -> None:
    _check(record)


@pytest.mark.parametrize("record", _params(EXTRA))
def test_extra_case(record: dict[str, Any]) -> None:
    _check(record)


@pytest.mark.parametrize("record", _params(HELDOUT_2))
def test_heldout_2_case(record: dict[str, Any]) -> None:
    _check(record)


@pytest.mark.parametrize("record", _params(TOKEN))
def test_token_case(record: dict[str, Any]) -> None:
    _check(record)
    diagnosis = diagnose(record)
    assert diagnosis.status is None, diagnosis.render()
    text = (record.get("response") or {}).get("body") or ""
    pasted = diagnose_text(text)
    assert pasted.status is None, pasted.render()
    assert pasted.rule != "token-wrong-tenant"


def test_extra_cases_cover_every_rule() -> None:
    expected = {record["expected"] for record in _load(EXTRA)}
    assert expected == set(SLUGS)
