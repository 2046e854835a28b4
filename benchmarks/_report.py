"""What every benchmark script shares: its command line and the figures it hands to run_all.

Each script prints its own detailed report and, with ``--json-out PATH``, writes the headline
figures (metric, measured, goal, verdict) that ``benchmarks/run_all.py`` gathers into one
Markdown table.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Figure", "parser", "verdict", "write_figures"]


@dataclass(frozen=True)
class Figure:
    """One headline figure: ``ok`` is ``None`` for figures without a goal."""

    metric: str
    measured: str
    goal: str = "—"
    ok: bool | None = None


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes."""
    lines = (doc or "").strip().splitlines()
    result = argparse.ArgumentParser(
        description=lines[0] if lines else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    result.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    result.add_argument(
        "--json-out", type=Path, default=None, help="also write the headline figures here"
    )
    return result


def verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: ""}[ok]


def write_figures(path: Path | None, figures: list[Figure]) -> None:
    """Write ``figures`` as JSON to ``path`` (nothing when ``path`` is ``None``)."""
    if path is not None:
        path.write_text(json.dumps([asdict(figure) for figure in figures], indent=2))
