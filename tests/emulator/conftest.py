"""Fixtures for the identity tests: a process environment in which the real azure-identity
credentials see only what the test sets (no identity variables from the machine, no developer
tools on ``PATH``); everything is restored after the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.identity import isolate_identity


@pytest.fixture
def identity_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No identity variable set, and an empty directory as ``PATH`` (so ``az``, ``azd`` and
    ``pwsh`` are "not installed" for the developer credentials of DefaultAzureCredential)."""
    isolate_identity(monkeypatch, tmp_path)
