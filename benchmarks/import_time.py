"""Import cost of ``import foundry_doctor``, and that it loads no SDK.

Runs ``python -X importtime -c "import foundry_doctor"`` in fresh subprocesses several times
and reports the median *cumulative* cost of ``foundry_doctor`` (its own modules plus whatever
standard-library modules it is first to import), and of that how much is our own modules'.
Each subprocess also checks ``sys.modules``: no ``openai``, ``azure``, ``httpx`` or ``httpx2``
module may be loaded by the import (PASS / FAIL; the script exits non-zero on FAIL).

Three interleaved variants:

* **bytecode cache warm** (the judged figure, what an installed wheel gives): the child writes
  and reads its ``.pyc`` files under a temporary ``PYTHONPYCACHEPREFIX``, warmed up once;
* **after logging, typing**: the same, but the standard-library modules any application using
  the SDKs has already loaded (``logging``, ``typing``, ``re``, ``enum``, ``threading``,
  ``importlib``) are imported first, so what remains is what foundry-doctor itself adds;
* **environment as is**: the caller's environment unchanged. Where ``PYTHONDONTWRITEBYTECODE``
  is set and the source tree has no ``__pycache__`` (an editable install in a sandbox), our
  modules are compiled on every import, and this figure shows that cost.

    python benchmarks/import_time.py            # 11 runs per variant
    python benchmarks/import_time.py --quick    # 3 runs per variant
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bytecode import cached_bytecode_env
from _report import Figure, parser, verdict, write_figures
from _timing import round_order

GOAL_MS = 15.0
WARM = "bytecode cache warm"
PRELOADED_NAME = "after logging, typing"
AS_IS = "environment as is"
FORBIDDEN = ("openai", "azure", "httpx", "httpx2")

#: what an application using the SDKs has always imported before foundry_doctor
PRELOADED = "import logging, typing, re, enum, threading, importlib\n"

_CHILD = (
    "import sys\n"
    "{preamble}"
    "import foundry_doctor\n"
    f"forbidden = {FORBIDDEN!r}\n"
    "loaded = sorted(m for m in sys.modules if m.split('.')[0] in forbidden)\n"
    "print('LOADED=' + ','.join(loaded))\n"
)


@dataclass(frozen=True)
class Sample:
    cumulative_us: int  # foundry_doctor's cumulative import time
    own_us: int  # the self time of foundry_doctor.* modules
    forbidden: tuple[str, ...]  # SDK modules found in sys.modules
    children: dict[str, int]  # cumulative µs of each module foundry_doctor imported directly


def sample(env: dict[str, str], preamble: str = "") -> Sample:
    """One ``-X importtime`` run in a fresh interpreter (``preamble`` runs first)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _CHILD.replace("{preamble}", preamble)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tempfile.gettempdir(),  # not the repository: nothing shadows the installed package
    )
    cumulative = own = 0
    children: dict[str, int] = {}
    pending: dict[str, int] = {}  # top-level imports' direct children seen so far
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header line
        self_us, cumulative_us, name = int(fields[0]), int(fields[1]), fields[2].strip()
        depth = (len(fields[2]) - len(fields[2].lstrip()) - 1) // 2  # children come first
        if depth == 1:
            pending[name] = cumulative_us
        elif depth == 0:
            if name == "foundry_doctor":
                cumulative, children = cumulative_us, pending
            pending = {}
        if name == "foundry_doctor" or name.startswith("foundry_doctor."):
            own += self_us
    loaded = next(
        line.removeprefix("LOADED=")
        for line in completed.stdout.splitlines()
        if line.startswith("LOADED=")
    )
    return Sample(cumulative, own, tuple(name for name in loaded.split(",") if name), children)


def main() -> None:
    args = parser(__doc__).parse_args()
    runs = 3 if args.quick else 11
    with cached_bytecode_env() as warm_env:
        variants = {
            WARM: (warm_env, ""),
            PRELOADED_NAME: (warm_env, PRELOADED),
            AS_IS: (dict(os.environ), ""),
        }
        sample(warm_env)  # writes the cache
        samples: dict[str, list[Sample]] = {name: [] for name in variants}
        for index in range(runs):
            for name in round_order(list(variants), index):
                samples[name].append(sample(*variants[name]))

    print(f"import foundry_doctor: {runs} fresh interpreters per variant, interleaved")
    print(f"  {'variant':<22} {'cumulative ms (median [min-max])':>34} {'own modules ms':>15}")
    for name, values in samples.items():
        cumulative = [value.cumulative_us / 1000 for value in values]
        own = statistics.median(value.own_us for value in values) / 1000
        print(
            f"  {name:<22} {statistics.median(cumulative):>14.1f} "
            f"[{min(cumulative):.1f}-{max(cumulative):.1f}]{'':>8} {own:>15.1f}"
        )
    warm_children: dict[str, list[int]] = {}
    for value in samples[WARM]:
        for name, micros in value.children.items():
            warm_children.setdefault(name, []).append(micros)
    heaviest = sorted(
        ((statistics.median(values) / 1000, name) for name, values in warm_children.items()),
        reverse=True,
    )[:5]
    print(
        "  heaviest direct imports (bytecode cache warm, median cumulative): "
        + ", ".join(f"{name} {ms:.1f} ms" for ms, name in heaviest)
    )
    forbidden = sorted(
        {name for values in samples.values() for value in values for name in value.forbidden}
    )
    clean = not forbidden
    print(
        "  SDK modules loaded by the import: "
        + (", ".join(forbidden) if forbidden else f"none of {', '.join(FORBIDDEN)}")
        + f"  {verdict(clean)}"
    )

    def median_ms(name: str) -> float:
        return statistics.median(value.cumulative_us for value in samples[name]) / 1000

    warm_ms = median_ms(WARM)
    best_ms = min(value.cumulative_us for value in samples[WARM]) / 1000
    own_ms = statistics.median(value.own_us for value in samples[WARM]) / 1000
    figures = [
        Figure(
            "import foundry_doctor: cumulative, bytecode cached (median [best])",
            f"{warm_ms:.1f} ms [{best_ms:.1f}] (own modules {own_ms:.1f} ms)",
            f"≤ {GOAL_MS:g} ms",
            warm_ms <= GOAL_MS,
        ),
        Figure(
            "import foundry_doctor with logging, typing, re, … already loaded (median)",
            f"{median_ms(PRELOADED_NAME):.1f} ms",
        ),
        Figure("import foundry_doctor: environment as is (median)", f"{median_ms(AS_IS):.1f} ms"),
        Figure(
            "import foundry_doctor loads no openai / azure / httpx / httpx2 module",
            "none loaded" if clean else ", ".join(forbidden),
            "none",
            clean,
        ),
    ]
    print("\nsummary")
    for figure in figures:
        print(f"  {figure.metric}: {figure.measured} (goal {figure.goal}) {verdict(figure.ok)}")
    write_figures(args.json_out, figures)
    if not clean:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
