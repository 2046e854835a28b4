from __future__ import annotations

import json

import pytest

from foundry_doctor.cli import main
from foundry_doctor.rules import SLUGS


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(SLUGS)
    assert lines[0].startswith("FD000  unknown")
    assert any(line.startswith("FD102  token-wrong-audience") for line in lines)


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert [rule["slug"] for rule in rules] == list(SLUGS)
    assert all(
        {"code", "slug", "title", "meaning", "detection", "remedy", "example"} <= set(r)
        for r in rules
    )


@pytest.mark.parametrize("key", ["token-expired", "FD103", "fd103"])
def test_one_rule(capsys: pytest.CaptureFixture[str], key: str) -> None:
    assert main(["rules", key]) == 0
    out = capsys.readouterr().out
    assert out.startswith("FD103 token-expired: ")
    for heading in ("What it means:", "How it is detected:", "How to fix it:", "Example:"):
        assert heading in out


def test_one_rule_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "missing-data-plane-role", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == "FD106"


def test_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# foundry-doctor rules")
    assert out.count("\n## FD") == len(SLUGS)


def test_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "no-such-rule"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err.strip()
        == "foundry-doctor rules: no rule 'no-such-rule'; 'foundry-doctor rules' lists them"
    )


def test_docs_rules_md_is_current() -> None:
    """docs/rules.md is generated from the catalogue; regenerate it when a rule changes:
    ``foundry-doctor rules --markdown > docs/rules.md``."""
    from pathlib import Path

    from foundry_doctor.cli.rules_command import markdown
    from foundry_doctor.rules import CATALOGUE

    reference = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    assert reference.read_text(encoding="utf-8") == markdown(CATALOGUE) + "\n", (
        "docs/rules.md is stale: run foundry-doctor rules --markdown > docs/rules.md"
    )
    for rule in CATALOGUE:
        assert f"## {rule.code} `{rule.slug}`" in reference.read_text(encoding="utf-8")


def test_rule_index_is_current() -> None:
    """rules/index.py (the claims the engine chooses rules by, without importing them all) is
    generated from the catalogue; regenerate it when a rule is added or its claims change:
    ``foundry-doctor rules --index > src/foundry_doctor/rules/index.py``."""
    from pathlib import Path

    from foundry_doctor.cli.rules_command import INDEX_COMMAND, index_module
    from foundry_doctor.rules import CATALOGUE, FALLBACK

    index = Path(__file__).resolve().parents[2] / "src" / "foundry_doctor" / "rules" / "index.py"
    assert index.read_text(encoding="utf-8") == index_module(CATALOGUE, FALLBACK), (
        f"src/foundry_doctor/rules/index.py is stale: run {INDEX_COMMAND}"
    )


def test_index_option_prints_the_index(capsys: pytest.CaptureFixture[str]) -> None:
    from foundry_doctor.cli.rules_command import index_module
    from foundry_doctor.rules import CATALOGUE, FALLBACK

    assert main(["rules", "--index"]) == 0
    assert capsys.readouterr().out == index_module(CATALOGUE, FALLBACK)
