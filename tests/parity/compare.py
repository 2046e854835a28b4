"""Compare the outcome reports of ``nox -s parity`` (:mod:`foundry_doctor_parity`): print the
counts of each run and every test whose outcome differs from the bare run; exit 1 if any does.

    python tests/parity/compare.py bare.json instrument.json hooks.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def _load(path: str) -> tuple[str, dict[str, str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return str(data["mode"]), dict(data["outcomes"])


def main(paths: list[str]) -> int:
    if len(paths) < 2:
        sys.stderr.write("usage: compare.py BARE.json OTHER.json [OTHER.json ...]\n")
        return 2
    runs = [_load(path) for path in paths]
    (bare_mode, bare), others = runs[0], runs[1:]
    differing = 0
    for mode, outcomes in runs:
        counts = Counter(outcomes.values())
        shown = ", ".join(f"{counts[name]} {name}" for name in sorted(counts))
        sys.stdout.write(f"{mode}: {len(outcomes)} tests ({shown})\n")
    for mode, outcomes in others:
        changed = sorted(
            (node, bare.get(node, "absent"), outcomes.get(node, "absent"))
            for node in set(bare) | set(outcomes)
            if bare.get(node) != outcomes.get(node)
        )
        differing += len(changed)
        sys.stdout.write(f"{mode} vs {bare_mode}: {len(changed)} tests differ\n")
        for node, before, after in changed:
            sys.stdout.write(f"  {node}: {before} -> {after}\n")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
