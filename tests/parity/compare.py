"""Compare the outcome reports of ``nox -s parity`` (:mod:`foundry_doctor_parity`): print the
counts of each run and every test whose outcome differs from the bare run; exit 1 if any does.

    python tests/parity/compare.py bare.json instrument.json hooks.json [--ids differing.txt]

``--ids`` also writes the node ids that differ, one per line, for a second run of just those
(``pytest @differing.txt``): a test that flips under load in one run only is not a difference.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def _load(path: str) -> tuple[str, dict[str, str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return str(data["mode"]), dict(data["outcomes"])


def main(arguments: list[str]) -> int:
    ids_file = None
    if "--ids" in arguments:
        at = arguments.index("--ids")
        ids_file = Path(arguments[at + 1])
        arguments = arguments[:at] + arguments[at + 2 :]
    paths = arguments
    if len(paths) < 2:
        sys.stderr.write("usage: compare.py BARE.json OTHER.json [...] [--ids FILE]\n")
        return 2
    runs = [_load(path) for path in paths]
    (bare_mode, bare), others = runs[0], runs[1:]
    differing: set[str] = set()
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
        differing.update(node for node, _, _ in changed)
        sys.stdout.write(f"{mode} vs {bare_mode}: {len(changed)} tests differ\n")
        for node, before, after in changed:
            sys.stdout.write(f"  {node}: {before} -> {after}\n")
    if ids_file is not None:
        ids_file.write_text("".join(f"{node}\n" for node in sorted(differing)), encoding="utf-8")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
