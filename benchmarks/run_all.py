"""Run every foundry-doctor benchmark in sequence and print one Markdown table of the figures.

Runs ``success_overhead.py``, ``error_path.py``, ``first_diagnosis.py``, ``streaming_ttfb.py``
and ``import_time.py`` (each in its own interpreter, so one's imports and warm caches do not
help another), shows their reports as they go, then prints the headline figures (metric,
measured, goal, verdict) as a Markdown table for the README. ``--quick`` is passed through to
each. Exits non-zero when a benchmark fails to run or a pass/fail check (the SDK-free import)
fails; a goal missed by a measurement is reported in the table, not turned into an exit status.

    python benchmarks/run_all.py            # the full run, a few minutes at most
    python benchmarks/run_all.py --quick    # smoke run
    python benchmarks/run_all.py --only error_path --only import_time
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import Figure, parser, verdict

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "success_overhead",
    "error_path",
    "first_diagnosis",
    "streaming_ttfb",
    "import_time",
)


def run(name: str, quick: bool, out: Path) -> tuple[int, list[Figure], float]:
    """Run one benchmark script; its exit status, figures and duration in seconds."""
    argv = [sys.executable, str(HERE / f"{name}.py"), "--json-out", str(out)]
    if quick:
        argv.append("--quick")
    print(f"\n{'=' * 100}\n$ python benchmarks/{name}.py{' --quick' if quick else ''}", flush=True)
    started = time.perf_counter()
    returncode = subprocess.run(argv, check=False).returncode
    elapsed = time.perf_counter() - started
    figures = []
    if out.exists():
        figures = [Figure(**item) for item in json.loads(out.read_text())]
    return returncode, figures, elapsed


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(rows: list[tuple[str, Figure]]) -> str:
    """The figures as a Markdown table (the script's name is in each metric already)."""
    lines = ["| metric | measured | goal | |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {_cell(figure.metric)} | {_cell(figure.measured)} | {_cell(figure.goal)} "
        f"| {verdict(figure.ok)} |"
        for _, figure in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser_ = parser(__doc__)
    parser_.add_argument("--only", choices=BENCHMARKS, action="append", help="default: all")
    args = parser_.parse_args()
    names = args.only or list(BENCHMARKS)
    rows: list[tuple[str, Figure]] = []
    failed: list[str] = []
    durations: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="fd-bench-run-all-") as directory:
        for name in names:
            returncode, figures, elapsed = run(name, args.quick, Path(directory) / f"{name}.json")
            durations[name] = elapsed
            rows += [(name, figure) for figure in figures]
            if returncode != 0:
                failed.append(f"{name} (exit status {returncode})")
    print(f"\n{'=' * 100}")
    print(
        f"foundry-doctor benchmarks{' (--quick)' if args.quick else ''}: Python "
        f"{platform.python_version()}, {platform.machine()}, "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in durations.items())
        + "\n"
    )
    print(markdown(rows))
    print(
        "\nbare/bare: a second bare client timed against the first, i.e. the noise floor. "
        "Instruction counts: valgrind callgrind, measured calls only."
    )
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
