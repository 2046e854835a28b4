"""A pytest plugin that runs another project's test suite (openai's, from its source
distribution) with foundry-doctor on every client the tests build, for ``nox -s parity``.

Loaded with ``-p foundry_doctor_parity`` (this directory on ``PYTHONPATH``); the environment
says what to do:

* ``FOUNDRY_DOCTOR_PARITY``: ``bare`` (nothing changed: the reference run), ``instrument``
  (every ``OpenAI`` / ``AsyncOpenAI``, ``AzureOpenAI`` and the rest included, goes through
  ``foundry_doctor.instrument()`` as its construction ends) or ``hooks`` (every one gets
  ``foundry_doctor.install_hooks()`` on its http client instead);
* ``FOUNDRY_DOCTOR_PARITY_REPORT``: a file that receives the outcome of every test as JSON
  (``{"mode": ..., "outcomes": {node id: "passed" | "failed" | "error" | "skipped" |
  "xfailed" | "xpassed"}}``).

The tests themselves are not touched. Works with pytest-xdist: the workers wrap the clients,
the controller writes the report.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MODES = ("bare", "instrument", "hooks")
#: outcomes by how bad they are: a test's outcome is the worst of its phases
_RANK = {"passed": 0, "skipped": 1, "xfailed": 1, "xpassed": 2, "failed": 3, "error": 4}


def _instrument(client: Any) -> None:
    import foundry_doctor

    foundry_doctor.instrument(client)


def _hooks(client: Any) -> None:
    import foundry_doctor

    http_client = getattr(client, "_client", None)
    if isinstance(getattr(http_client, "event_hooks", None), dict):
        foundry_doctor.install_hooks(http_client)  # aiohttp and other transports have none


def _wrap_construction(after: Callable[[Any], None]) -> None:
    """Make every openai client run ``after(client)`` once its ``OpenAI`` / ``AsyncOpenAI``
    ``__init__`` is done (subclasses such as ``AzureOpenAI`` go through it too)."""
    import openai

    for cls in (openai.OpenAI, openai.AsyncOpenAI):
        original = cls.__init__

        @functools.wraps(original)
        def __init__(
            self: Any, *args: Any, __original: Callable[..., None] = original, **kwargs: Any
        ) -> None:
            __original(self, *args, **kwargs)
            after(self)

        cls.__init__ = __init__  # type: ignore[method-assign]


class _Outcomes:
    """Collects one outcome per test on the controller and writes them at the end."""

    def __init__(self, mode: str, report: Path) -> None:
        self.mode = mode
        self.report = report
        self.outcomes: dict[str, str] = {}

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.passed:
            outcome = "xpassed" if hasattr(report, "wasxfail") else "passed"
        elif report.skipped:
            outcome = "xfailed" if hasattr(report, "wasxfail") else "skipped"
        else:
            outcome = "failed" if report.when == "call" else "error"
        previous = self.outcomes.get(report.nodeid)
        if previous is None or _RANK[outcome] > _RANK[previous]:
            self.outcomes[report.nodeid] = outcome

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        data = {"mode": self.mode, "outcomes": dict(sorted(self.outcomes.items()))}
        self.report.write_text(json.dumps(data, indent=0), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    mode = os.environ.get("FOUNDRY_DOCTOR_PARITY", "bare")
    if mode not in MODES:
        raise pytest.UsageError(f"FOUNDRY_DOCTOR_PARITY must be one of {', '.join(MODES)}")
    if mode == "instrument":
        _wrap_construction(_instrument)
    elif mode == "hooks":
        _wrap_construction(_hooks)
    report = os.environ.get("FOUNDRY_DOCTOR_PARITY_REPORT")
    if report and not hasattr(config, "workerinput"):  # the xdist controller, or no xdist
        config.pluginmanager.register(_Outcomes(mode, Path(report)), "foundry_doctor_outcomes")
