"""Time to first chunk of a streamed chat completion, instrumented vs bare, side by side.

For azure-ai-inference (``ChatCompletionsClient.complete(stream=True)``) and openai
(``AzureOpenAI`` / ``OpenAI`` ``chat.completions.create(stream=True)``), one operation is: make
the call and take the first chunk from the returned stream — the measurement stops there; the
rest of the stream is then read and closed, unmeasured. Variants: ``bare``, a second bare
client (``bare/bare``: the noise floor) and ``instrument()``, interleaved in rounds of rotating
order, on the in-process transport (``benchmarks/_inprocess.py``, chunks served from memory)
and against the bundled emulator (a child process, real HTTPS through its proxy, a new
connection per streamed call; ``benchmarks/_emulated.py``).

Two figures per variant: the wall-time ratio against bare (what a user feels; noisy on these
shared machines) and, when valgrind and a C compiler are available, the ratio of CPU
instructions executed from the call to the first chunk (repeatable; the figure the "≈ 1" goal
is judged by). foundry-doctor must neither buffer a successful stream nor add work before its
first chunk, so both should be ≈ 1.

    python benchmarks/streaming_ttfb.py            # full run, about 45 s (callgrind included)
    python benchmarks/streaming_ttfb.py --quick    # smoke run, wall time only
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _emulated as emulated
from _callgrind import InstructionCounter, Region
from _inprocess import inference_client, openai_client
from _report import Figure, parser, verdict, write_figures
from _timing import Batch, Paired, interleaved, paired, round_order

BARE = "bare"
CONTROL = "bare, 2nd client"
INSTRUMENT = "instrument()"
GROUPS = ("azure-ai-inference", "openai.AzureOpenAI", "openai.OpenAI")
SETTINGS = ("inprocess", "emulator")
#: "≈ 1": instructions to the first chunk may exceed bare's by at most this fraction
INSTRUCTION_TOLERANCE = 0.01
#: environment variable that hands the emulator's key to a callgrind child
KEY_ENV = "FOUNDRY_DOCTOR_BENCH_KEY"
#: per setting: rounds of one counted call per variant (callgrind)
COUNTED_ROUNDS = {"inprocess": 5, "emulator": 4}
#: one callgrind child per SDK (each pays the SDK's import once)
CHILDREN = {"azure": ("azure-ai-inference",), "openai": ("openai.AzureOpenAI", "openai.OpenAI")}

#: makes the streamed call and returns the SDK's stream (an iterator and context manager)
Opener = Callable[[], Any]


def _inference_opener(client: Any) -> Opener:
    from azure.ai.inference.models import UserMessage

    messages = [UserMessage("hi")]
    return lambda: client.complete(model="gpt-4o", messages=messages, stream=True)


def _openai_opener(client: Any) -> Opener:
    messages = [{"role": "user", "content": "hi"}]
    return lambda: client.chat.completions.create(model="gpt-4o", messages=messages, stream=True)


def openers(group: str, setting: str, key: str = "") -> dict[str, Opener]:
    """The variants of ``group`` in ``setting`` (``inprocess`` / ``emulator``), clients built."""
    import foundry_doctor

    if group == "azure-ai-inference":

        def inference() -> Any:
            if setting == "emulator":
                return emulated.inference_client(key)
            return inference_client(stream_body=True)

        return {
            BARE: _inference_opener(inference()),
            CONTROL: _inference_opener(inference()),
            INSTRUMENT: _inference_opener(foundry_doctor.instrument(inference())),
        }
    kind = group.removeprefix("openai.")

    def client() -> Any:
        if setting == "emulator":
            return emulated.openai_client(key, kind)
        return openai_client(stream=True, kind=kind)

    return {
        BARE: _openai_opener(client()),
        CONTROL: _openai_opener(client()),
        INSTRUMENT: _openai_opener(foundry_doctor.instrument(client())),
    }


def _finish(stream: Any, first: Any) -> None:
    """Read the rest of the stream and close it; check that it really streamed."""
    with stream:
        rest = list(stream)
    if not first.choices or not rest:
        raise RuntimeError("the stream did not deliver its chunks")


def first_chunk_ns(open_stream: Opener) -> int:
    """One operation, timed: nanoseconds from the call to the first chunk."""
    start = time.perf_counter_ns()
    stream = open_stream()
    first = next(iter(stream))
    elapsed = time.perf_counter_ns() - start
    _finish(stream, first)
    return elapsed


def _summed(open_stream: Opener) -> Batch:
    return lambda n: sum(first_chunk_ns(open_stream) for _ in range(n))


# --- instruction counts (callgrind) -------------------------------------------------------------


def _child(jobs: list[str]) -> None:
    """Runs under callgrind. Each job is ``SETTING:GROUP:ROUNDS``; every round counts one call
    per variant, from the call to its first chunk, labelled ``JOB.VARIANT`` (indexes)."""
    key = os.environ.get(KEY_ENV, "")
    plans = []
    for job in jobs:
        setting, group, rounds = job.split(":")
        built = list(openers(group, setting, key).values())
        for open_stream in built:
            for _ in range(3):
                first_chunk_ns(open_stream)
        plans.append((built, int(rounds)))
    region = Region()
    gc.collect()
    gc.disable()
    for job_index, (built, job_rounds) in enumerate(plans):
        order = [str(variant) for variant in range(len(built))]
        for index in range(job_rounds):
            for variant in map(int, round_order(order, index)):
                region.begin()
                stream = built[variant]()
                first = next(iter(stream))
                region.end(f"{job_index}.{variant}")
                _finish(stream, first)


def instructions(
    counter: InstructionCounter, settings: list[str], key: str
) -> dict[tuple[str, str], dict[str, Paired]]:
    """Per (setting, group): instructions from the call to the first chunk, against bare."""
    children = [
        [(setting, group, COUNTED_ROUNDS[setting]) for group in family for setting in settings]
        for family in CHILDREN.values()
    ]

    def count(jobs: list[tuple[str, str, int]]) -> dict[tuple[str, str], dict[str, Paired]]:
        argv = [sys.executable, __file__, "--child", *(":".join(map(str, job)) for job in jobs)]
        counts = counter.count(argv, env={**os.environ, KEY_ENV: key})
        names = [BARE, CONTROL, INSTRUMENT]
        result = {}
        for job_index, (setting, group, _) in enumerate(jobs):
            by_name = {name: counts[f"{job_index}.{index}"] for index, name in enumerate(names)}
            result[setting, group] = paired(by_name, BARE, 1)
        return result

    merged: dict[tuple[str, str], dict[str, Paired]] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for result in pool.map(count, sorted(children, key=len, reverse=True)):
            merged.update(result)
    return merged


# --- the run ------------------------------------------------------------------------------------


def _print(
    group: str, setting: str, wall: dict[str, Paired], counted: dict[str, Paired] | None
) -> None:
    print(f"\n{group} — {setting}")
    header = f"  {'variant':<18} {'first chunk µs':>15} {'wall ratio [IQR]':>22}"
    if counted is not None:
        header += f" {'instructions':>13} {'instr ratio [IQR]':>26}"
    print(header)
    for name, figure in wall.items():
        line = (
            f"  {name:<18} {figure.per_op_ns / 1000:>15.1f} "
            f"{figure.ratio:>7.3f} [{figure.ratio_low:.3f}-{figure.ratio_high:.3f}]"
        )
        if counted is not None:
            instr = counted[name]
            line += (
                f" {instr.per_op_ns:>13,.0f} "
                f"{instr.ratio:>8.5f} [{instr.ratio_low:.5f}-{instr.ratio_high:.5f}]"
            )
        print(line)


def _figure(
    group: str, setting: str, wall: dict[str, Paired], counted: dict[str, Paired] | None
) -> Figure:
    where = "in-process" if setting == "inprocess" else "emulator"
    mine, control = wall[INSTRUMENT], wall[CONTROL]
    measured = (
        f"wall {mine.ratio:.3f} (bare/bare {control.ratio:.3f}), {mine.per_op_ns / 1000:.0f} µs"
    )
    if counted is None:  # wall time alone cannot judge a few per cent on these machines
        return Figure(
            f"streaming: {group}, {where}, time to first chunk, instrumented / bare",
            measured,
            "≈ 1",
        )
    ratio = counted[INSTRUMENT].ratio
    return Figure(
        f"streaming: {group}, {where}, to first chunk, instrumented / bare (instructions; wall)",
        f"{ratio:.4f} (bare/bare {counted[CONTROL].ratio:.4f}); {measured}",
        f"≈ 1 (≤ {1 + INSTRUCTION_TOLERANCE})",
        ratio <= 1 + INSTRUCTION_TOLERANCE,
    )


def main() -> None:
    parser_ = parser(__doc__)
    parser_.add_argument("--no-instructions", action="store_true", help="skip callgrind")
    parser_.add_argument("--no-emulator", action="store_true", help="in-process only")
    parser_.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser_.parse_args()
    if args.child:
        _child(args.child)
        return
    started = time.perf_counter()
    quick = {"inprocess": (3, 5), "emulator": (2, 3)}
    full = {"inprocess": (9, 12), "emulator": (7, 6)}
    rounds = quick if args.quick else full
    settings = ["inprocess"] if args.no_emulator else list(SETTINGS)
    counter = None if args.quick or args.no_instructions else InstructionCounter.create()
    print(
        "time to first chunk of a streamed chat completion; ratios are medians of paired rounds "
        "("
        + "; ".join(f"{s}: {rounds[s][0]} rounds of {rounds[s][1]}" for s in settings)
        + ")"
        + (
            "; instructions: callgrind, "
            + ", ".join(f"{s} {COUNTED_ROUNDS[s]} calls per variant" for s in settings)
            if counter
            else ""
        )
    )
    walls: dict[tuple[str, str], dict[str, Paired]] = {}
    counted: dict[tuple[str, str], dict[str, Paired]] = {}
    with contextlib.ExitStack() as stack:
        key = ""
        for setting in settings:
            if setting == "emulator":
                key = stack.enter_context(emulated.served()).keys["myres"]
            for group in GROUPS:
                batches = {name: _summed(op) for name, op in openers(group, setting, key).items()}
                setting_rounds, per_round = rounds[setting]
                times = interleaved(batches, rounds=setting_rounds, per_round=per_round, warmup=5)
                walls[setting, group] = paired(times, BARE, per_round)
        if counter is not None:  # after the timed runs: the children use both cores
            counted = instructions(counter, settings, key)

    figures = []
    for (setting, group), wall in walls.items():
        _print(group, setting, wall, counted.get((setting, group)))
        figures.append(_figure(group, setting, wall, counted.get((setting, group))))
    print("\nsummary")
    for figure in figures:
        print(f"  {figure.metric}: {figure.measured} (goal {figure.goal}) {verdict(figure.ok)}")
    print(f"({time.perf_counter() - started:.0f} s)")
    write_figures(args.json_out, figures)


if __name__ == "__main__":
    main()
