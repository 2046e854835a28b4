"""Every real-world case names its known root cause (and its known secondary finding).

The public corpus lives next to the repository (``../shared/cases/public.jsonl``); the extra
held-out cases written for this test suite live in ``tests/unit/cases_extra.jsonl``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foundry_doctor.diagnosis import diagnose
from foundry_doctor.rules import SLUGS

REPO = Path(__file__).resolve().parents[1]
PUBLIC = REPO.parent / "shared" / "cases" / "public.jsonl"
EXTRA = REPO / "tests" / "unit" / "cases_extra.jsonl"


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


@pytest.mark.parametrize("record", _params(EXTRA))
def test_extra_case(record: dict[str, Any]) -> None:
    _check(record)


def test_extra_cases_cover_every_rule() -> None:
    expected = {record["expected"] for record in _load(EXTRA)}
    assert expected == set(SLUGS)
