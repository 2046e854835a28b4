"""Success-path overhead of foundry-doctor, measured side by side in one run.

For each SDK (azure-ai-inference, openai) it builds the same client three ways on an
in-process transport: bare, instrumented with foundry-doctor, and (as the peer middleware)
with azure-core's own ``HttpLoggingPolicy`` (azure) / a plain response event hook (openai).
It prints two figures per variant (``../shared/knowledge/measuring.md`` explains why):

* the **instruction ratio** against bare, from valgrind's callgrind (repeatable; the figure
  to judge the ≤ 1.01 goal by), when valgrind is installed: ``(I(30) - I(10)) / 20`` calls;
* the **wall-time ratio** against bare: the median of interleaved rounds, with its spread.

    python benchmarks/success_overhead.py            # both figures
    python benchmarks/success_overhead.py --rounds 31 --calls 200 --no-instructions
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _inprocess import inference_client, openai_client


def _inference_variants() -> dict[str, Callable[[], Callable[[], Any]]]:
    from azure.ai.inference.models import UserMessage
    from azure.core.pipeline.policies import HttpLoggingPolicy

    import foundry_doctor

    messages = [UserMessage("hi")]

    def calling(client: Any) -> Callable[[], Any]:
        return lambda: client.complete(model="gpt-4o", messages=messages)

    return {
        "bare": lambda: calling(inference_client()),
        "foundry-doctor": lambda: calling(foundry_doctor.instrument(inference_client())),
        "HttpLoggingPolicy": lambda: calling(inference_client(HttpLoggingPolicy())),
    }


def _openai_variants() -> dict[str, Callable[[], Callable[[], Any]]]:
    import foundry_doctor

    messages = [{"role": "user", "content": "hi"}]

    def calling(client: Any) -> Callable[[], Any]:
        return lambda: client.chat.completions.create(model="gpt-4o", messages=messages)

    def with_peer_hook(client: Any) -> Any:
        def peer(response: Any) -> None:  # the cheapest useful hook: look at the status
            if response.status_code >= 400:
                response.read()

        client._client.event_hooks["response"].append(peer)
        return client

    return {
        "bare": lambda: calling(openai_client()),
        "foundry-doctor": lambda: calling(openai_client(foundry_doctor.instrument)),
        "peer event hook": lambda: calling(openai_client(with_peer_hook)),
    }


SDKS: dict[str, Callable[[], dict[str, Callable[[], Callable[[], Any]]]]] = {
    "azure-ai-inference": _inference_variants,
    "openai": _openai_variants,
}


def wall_ratios(sdk: str, rounds: int, calls: int) -> dict[str, tuple[float, float, float]]:
    """Median, min and max of per-round time ratios against ``bare``, rounds interleaved."""
    variants = {name: build() for name, build in SDKS[sdk]().items()}
    for call in variants.values():  # warm up every path once
        for _ in range(20):
            call()
    per_round: dict[str, list[float]] = {name: [] for name in variants}
    gc.collect()
    for index in range(rounds):
        order = list(variants)
        if index % 2:
            order.reverse()
        for name in order:
            call = variants[name]
            start = time.perf_counter()
            for _ in range(calls):
                call()
            per_round[name].append(time.perf_counter() - start)
    result = {}
    for name, times in per_round.items():
        ratios = [t / b for t, b in zip(times, per_round["bare"], strict=True)]
        result[name] = (statistics.median(ratios), min(ratios), max(ratios))
    return result


def _child(sdk: str, variant: str, calls: int) -> None:
    call = SDKS[sdk]()[variant]()
    for _ in range(5):
        call()
    gc.collect()
    gc.disable()
    for _ in range(calls):
        call()


def instructions_per_call(sdk: str, variant: str) -> float | None:
    """Instructions per call from callgrind, start-up cancelled: (I(30) - I(10)) / 20."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    counts = []
    for calls in (10, 30):
        completed = subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                __file__,
                "--child",
                sdk,
                variant,
                str(calls),
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        line = next(ln for ln in completed.stderr.splitlines() if "Collected" in ln)
        counts.append(int(line.rsplit(":", 1)[1].strip()))
    return (counts[1] - counts[0]) / 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--sdk", choices=sorted(SDKS), action="append")
    parser.add_argument("--no-instructions", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("SDK", "VARIANT", "CALLS"))
    args = parser.parse_args()
    if args.child:
        sdk, variant, calls = args.child
        _child(sdk, variant, int(calls))
        return
    for sdk in args.sdk or sorted(SDKS):
        print(f"\n{sdk}: success path, {args.rounds} interleaved rounds of {args.calls} calls")
        print(
            f"  {'variant':<20} {'wall ratio (median [min-max])':<32} {'instr/call':>12} "
            f"{'instr ratio':>11}"
        )
        walls = wall_ratios(sdk, args.rounds, args.calls)
        bare_instr = None if args.no_instructions else instructions_per_call(sdk, "bare")
        for variant, (median, low, high) in walls.items():
            instr = None
            if bare_instr is not None:
                instr = bare_instr if variant == "bare" else instructions_per_call(sdk, variant)
            instr_text = f"{instr:,.0f}" if instr is not None else "n/a"
            ratio_text = f"{instr / bare_instr:.4f}" if instr and bare_instr else "n/a"
            print(
                f"  {variant:<20} {median:.3f} [{low:.3f}-{high:.3f}]{'':<13} "
                f"{instr_text:>12} {ratio_text:>11}"
            )


if __name__ == "__main__":
    main()
