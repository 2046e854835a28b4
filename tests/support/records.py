"""The log records foundry-doctor wrote during a test."""

from __future__ import annotations

import logging

import pytest

__all__ = ["ours"]


def ours(caplog: pytest.LogCaptureFixture, level: int = logging.WARNING) -> list[logging.LogRecord]:
    """The records of the ``foundry_doctor`` logger at ``level`` or above (WARNING: the
    diagnoses)."""
    return [r for r in caplog.records if r.name == "foundry_doctor" and r.levelno >= level]
