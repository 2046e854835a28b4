"""``foundry-doctor demo``: every step fails the same way bare and instrumented, and only the
instrumented call carries the diagnosis the step is about. No secret reaches the output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from foundry_doctor.cli import main
from foundry_doctor.cli.demo_command import STEPS

#: what changes from one call to the next: Entra ID's trace and correlation ids, timestamps
_VOLATILE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[\d-]{10} [\d:]{8}Z"
)


def _same_text(text: str) -> str:
    return _VOLATILE.sub("<id>", text)


EXPECTED_RULES = [
    "token-wrong-audience",
    "missing-data-plane-role",
    "missing-data-plane-role",
    "credential-in-wrong-header",
    "deployment-not-found",
    "token-expired",
    "token-wrong-tenant",
    "client-endpoint-mismatch",
    "api-version-unsupported",
    "client-secret-invalid",
    "scope-invalid",
    "identity-unavailable",
    "retired-api",
]


def test_json_tour(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines()]
    access = records.pop()
    assert access["report"]["problems"] == ["role-too-narrow"]
    assert [r["title"] for r in records] == [step.title for step in STEPS]
    rules = []
    for record in records:
        bare, instrumented = record["attempts"]
        assert bare["instrumented"] is False
        assert bare["ok"] is False
        assert bare["diagnosis"] is None
        assert instrumented["exception"] == bare["exception"]  # same class name and module
        assert _same_text(instrumented["message"]).startswith(_same_text(bare["message"]))
        rules.append(instrumented["diagnosis"]["rule"])
        assert instrumented["diagnosis"]["secondary"] == []  # one clear cause per step
    assert rules == EXPECTED_RULES
    assert "eyJ" not in out  # no JWT (header or payload) anywhere
    assert "Bearer " not in out


def test_text_tour_is_plain_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "\033[" not in out
    assert out.count("=== ") == len(STEPS) + 1  # the steps, then one access check
    assert "PROBLEM: [role-too-narrow]" in out
    assert "foundry-doctor [FD106 missing-data-plane-role]" in out


def test_the_readme_example_is_what_the_demo_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's "What you get" block, with its ``[...]`` cuts and line wraps, is a faithful
    excerpt of the demo's output: each piece between cuts occurs in it, in that order."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What you get", 1)[1]
    example = section.split("```text\n", 1)[1].split("```", 1)[0]
    assert main(["demo"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    position = 0
    for piece in example.split("[...]"):
        words = " ".join(piece.split())
        if words:
            found = shown.find(words, position)
            assert found >= 0, words
            position = found + len(words)
