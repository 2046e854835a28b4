"""Every rule's cases, as data: ``tests/unit/rules/cases/<slug>.jsonl``, one record per line.

A record is a failed call (``case``: the layout of ``../shared/cases``) or a configuration
(``configuration``: the keyword arguments of ``Configuration.of``), the mechanism it stands for
(``about``), and the expected outcome (``expect``), compared whole:

- ``finding``: what the rule alone makes of it (its ``detect``, or its ``static`` detector for a
  configuration), as a snapshot - rule, code, title, confidence, explanation, evidence, fix,
  missing facts - or ``null`` when the rule must stay silent;
- ``diagnosis`` (cases): the engine's verdict after arbitration - primary rule, confidence and
  secondary rules; ``check`` (configurations): the findings ``check`` reports, with severity.

The clock is fixed at :data:`NOW` for records without a ``now``. To regenerate the snapshots
after a deliberate change, run with ``FOUNDRY_DOCTOR_REGENERATE=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from foundry_doctor import Configuration, check_configuration, diagnose
from foundry_doctor.diagnosis.checkup import severity_of
from foundry_doctor.diagnosis.model import Finding
from foundry_doctor.facts import Facts
from foundry_doctor.rules import CATALOGUE, RuleContext, find_rule

CASES = Path(__file__).resolve().parent / "cases"
#: 2026-12-01 00:00 UTC: the clock for records that do not carry their own time
NOW = 1_796_083_200.0
REGENERATE = os.environ.get("FOUNDRY_DOCTOR_REGENERATE") == "1"


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _params() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.jsonl")):
        for index, record in enumerate(_load(path)):
            found.append(pytest.param(path.stem, index, id=f"{path.stem}:{record['name']}"))
    return found


def _snapshot(finding: Finding | None) -> dict[str, Any] | None:
    if finding is None:
        return None
    return {
        "rule": finding.rule,
        "code": finding.code,
        "title": finding.title,
        "confidence": finding.confidence,
        "explanation": finding.explanation,
        "evidence": [item.to_dict() for item in finding.evidence],
        "fix": list(finding.fix),
        "missing_facts": list(finding.missing_facts),
    }


def outcome(slug: str, record: dict[str, Any]) -> dict[str, Any]:
    """What the rule and the engine make of one record now."""
    rule = find_rule(slug)
    assert rule is not None, f"no rule {slug!r}"
    if "configuration" in record:
        config = Configuration.of(**record["configuration"])
        now = record.get("now", NOW)
        context = RuleContext(config.to_facts(now=now))
        finding = rule.static(context) if rule.static is not None else None
        checkup = check_configuration(config, now=now)
        return {
            "finding": _snapshot(finding),
            "check": [f"{severity_of(f)} {f.rule}" for f in checkup.findings],
        }
    case = record["case"]
    finding = rule.check(Facts.from_case(case))
    diagnosis = diagnose(case)
    return {
        "finding": _snapshot(finding),
        "diagnosis": {
            "rule": diagnosis.rule,
            "confidence": diagnosis.confidence,
            "secondary": list(diagnosis.secondary_rules),
        },
    }


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)


@pytest.mark.parametrize(("slug", "index"), _params())
def test_rule_case(slug: str, index: int) -> None:
    path = CASES / f"{slug}.jsonl"
    records = _load(path)
    record = records[index]
    actual = outcome(slug, record)
    if REGENERATE and actual != record.get("expect"):
        record["expect"] = actual
        path.write_text(
            "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in records),
            encoding="utf-8",
        )
        return
    assert actual == record.get("expect"), record["about"]


def test_every_rule_has_cases_that_fire_and_that_stay_silent() -> None:
    for rule in CATALOGUE:
        path = CASES / f"{rule.slug}.jsonl"
        assert path.exists(), f"{rule.slug} has no cases file"
        records = _load(path)
        fired = [r for r in records if r.get("expect", {}).get("finding") is not None]
        silent = [r for r in records if r.get("expect", {}).get("finding") is None]
        assert fired, f"{rule.slug}: no case where the rule fires"
        if rule.slug != "unknown":
            assert silent, f"{rule.slug}: no case where the rule stays silent"


def test_cases_files_name_rules_that_exist() -> None:
    slugs = {rule.slug for rule in CATALOGUE}
    assert {path.stem for path in CASES.glob("*.jsonl")} <= slugs
    for path in CASES.glob("*.jsonl"):
        names = [record["name"] for record in _load(path)]
        assert len(names) == len(set(names)), f"{path.name}: duplicate names"
