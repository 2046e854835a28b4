"""Success-path overhead of foundry-doctor per SDK, measured side by side in one run.

Each client is built several ways, all used in the same process, interleaved in rounds whose
order rotates (``benchmarks/_timing.py``):

* ``bare``, and a second bare client (``bare, 2nd client``: the noise floor — any ratio of it
  other than 1 is measurement noise, not cost);
* ``instrument()``: ``foundry_doctor.instrument(client)`` (for azure-ai-inference also
  ``DiagnosticsPolicy``: ``per_call_policies=[foundry_doctor.DiagnosticsPolicy()]``);
* a peer middleware for scale: azure-core's own ``HttpLoggingPolicy`` added per call
  (azure-ai-inference), a minimal response event hook (``openai.AzureOpenAI``).

Two settings:

* the **in-process transport** (``benchmarks/_inprocess.py``): the SDK's whole pipeline, no
  sockets, so our cost is not hidden behind the network's;
* the bundled **emulator**: real HTTPS through its proxy on 127.0.0.1, the emulator in a child
  process so its threads do not share our GIL (``benchmarks/_emulated.py``).

Figures per variant (see ``../shared/knowledge/measuring.md``): the **instruction ratio**
against bare, counted with valgrind's callgrind around the measured calls only (repeatable to
~0.05 %; the figure the ≤ 1.01 goal is judged by; needs valgrind and a C compiler, else the
wall-time ratio is judged), the **wall-time ratio** (what a user feels; several per cent of noise
on these shared machines) and, on the emulator, the calling thread's **CPU-time ratio**. Ratios
are medians of per-round paired ratios (variant / bare of the same round) with their
interquartile range. "Added µs" is the cost per call: the added instructions times the bare
client's wall time per instruction where counted, else the median per-round wall-time
difference.

    python benchmarks/success_overhead.py             # full run, under a minute
    python benchmarks/success_overhead.py --quick     # smoke run, wall time only, a few seconds
    python benchmarks/success_overhead.py --no-instructions --no-emulator --rounds 31
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _emulated as emulated
from _callgrind import InstructionCounter, Region
from _inprocess import inference_client, openai_client
from _report import Figure, parser, verdict, write_figures
from _timing import Paired, interleaved, looped, looped_with_cpu, paired, round_order

GOAL_RATIO = 1.01
#: environment variable that hands the emulator's key to a callgrind child
KEY_ENV = "FOUNDRY_DOCTOR_BENCH_KEY"

#: a variant: builds its client and returns the zero-argument call to time
Factory = Callable[[], Callable[[], Any]]

BARE = "bare"
CONTROL = "bare, 2nd client"
INSTRUMENT = "instrument()"
POLICY = "DiagnosticsPolicy"
LOGGING = "HttpLoggingPolicy"
HOOK = "peer event hook"

GROUPS = ("azure-ai-inference", "openai.AzureOpenAI", "openai.OpenAI")
#: the peer middleware each group is compared with
PEERS = {"azure-ai-inference": LOGGING, "openai.AzureOpenAI": HOOK}


# --- the variants -------------------------------------------------------------------------------


def _inference_call(client: Any) -> Callable[[], Any]:
    from azure.ai.inference.models import UserMessage

    messages = [UserMessage("hi")]
    return lambda: client.complete(model="gpt-4o", messages=messages)


def _openai_call(client: Any) -> Callable[[], Any]:
    messages = [{"role": "user", "content": "hi"}]
    return lambda: client.chat.completions.create(model="gpt-4o", messages=messages)


def _with_peer_hook(client: Any) -> Any:
    """The cheapest useful response hook: look at the status."""

    def peer(response: Any) -> None:
        if response.status_code >= 400:
            response.read()

    client._client.event_hooks["response"].append(peer)
    return client


def inprocess_variants(group: str) -> dict[str, Factory]:
    """The variants of ``group`` on the in-process transport."""
    import foundry_doctor

    if group == "azure-ai-inference":
        from azure.core.pipeline.policies import HttpLoggingPolicy

        return {
            BARE: lambda: _inference_call(inference_client()),
            CONTROL: lambda: _inference_call(inference_client()),
            INSTRUMENT: lambda: _inference_call(foundry_doctor.instrument(inference_client())),
            POLICY: lambda: _inference_call(inference_client(foundry_doctor.DiagnosticsPolicy())),
            LOGGING: lambda: _inference_call(inference_client(HttpLoggingPolicy())),
        }
    kind = group.removeprefix("openai.")
    variants: dict[str, Factory] = {
        BARE: lambda: _openai_call(openai_client(kind=kind)),
        CONTROL: lambda: _openai_call(openai_client(kind=kind)),
        INSTRUMENT: lambda: _openai_call(openai_client(foundry_doctor.instrument, kind=kind)),
    }
    if group in PEERS:
        variants[HOOK] = lambda: _openai_call(openai_client(_with_peer_hook, kind=kind))
    return variants


def emulator_variants(group: str, key: str) -> dict[str, Factory]:
    """The variants of ``group`` against the emulator (build them inside its routed block)."""
    import foundry_doctor

    if group == "azure-ai-inference":
        from azure.core.pipeline.policies import HttpLoggingPolicy

        def inference(*policies: Any) -> Any:
            return emulated.inference_client(key, *policies)

        return {
            BARE: lambda: _inference_call(inference()),
            CONTROL: lambda: _inference_call(inference()),
            INSTRUMENT: lambda: _inference_call(foundry_doctor.instrument(inference())),
            LOGGING: lambda: _inference_call(inference(HttpLoggingPolicy())),
        }
    kind = group.removeprefix("openai.")

    def client() -> Any:
        return emulated.openai_client(key, kind)

    variants: dict[str, Factory] = {
        BARE: lambda: _openai_call(client()),
        CONTROL: lambda: _openai_call(client()),
        INSTRUMENT: lambda: _openai_call(foundry_doctor.instrument(client())),
    }
    if group in PEERS:
        variants[HOOK] = lambda: _openai_call(_with_peer_hook(client()))
    return variants


# --- instruction counts (callgrind) -------------------------------------------------------------

#: calls per region and interleaved rounds counted per variant, by setting
INSTRUCTION_PLAN = {"inprocess": (5, 3), "emulator": (2, 3)}
#: one callgrind child per SDK (each pays the SDK's import once), two at a time
CHILDREN = {"azure": ("azure-ai-inference",), "openai": ("openai.AzureOpenAI", "openai.OpenAI")}


def _variants(setting: str, group: str, key: str) -> dict[str, Factory]:
    if setting == "emulator":
        return emulator_variants(group, key)
    return inprocess_variants(group)


def _child(jobs: list[str]) -> None:
    """Runs under callgrind. Each job is ``SETTING:GROUP:CALLS:ROUNDS``: builds its variants,
    warms them up uninstrumented, then counts ``ROUNDS`` interleaved regions of ``CALLS`` calls
    per variant, labelled ``JOB.VARIANT`` (indexes)."""
    key = os.environ.get(KEY_ENV, "")
    plans = []
    for job in jobs:
        setting, group, calls, rounds = job.split(":")
        built = [build() for build in _variants(setting, group, key).values()]
        for call in built:
            for _ in range(3):
                call()
        plans.append((built, int(calls), int(rounds)))
    region = Region()
    gc.collect()
    gc.disable()
    for job_index, (built, per_region, job_rounds) in enumerate(plans):
        order = [str(variant) for variant in range(len(built))]
        for index in range(job_rounds):
            for variant in map(int, round_order(order, index)):
                call = built[variant]
                region.begin()
                for _ in range(per_region):
                    call()
                region.end(f"{job_index}.{variant}")


def instructions(
    counter: InstructionCounter, settings: list[str], groups: list[str], key: str = ""
) -> dict[tuple[str, str], dict[str, Paired]]:
    """Per (setting, group) and variant: instructions per call against bare."""
    children = []
    for family in CHILDREN.values():
        jobs = [
            (setting, group, *INSTRUCTION_PLAN[setting])
            for group in family
            if group in groups
            for setting in settings
        ]
        if jobs:
            children.append(jobs)

    def count(jobs: list[tuple[str, str, int, int]]) -> dict[tuple[str, str], dict[str, Paired]]:
        argv = [sys.executable, __file__, "--child", *(":".join(map(str, job)) for job in jobs)]
        counts = counter.count(argv, env={**os.environ, KEY_ENV: key})
        result = {}
        for job_index, (setting, group, calls, _) in enumerate(jobs):
            names = list(_variants(setting, group, key))
            by_name = {name: counts[f"{job_index}.{index}"] for index, name in enumerate(names)}
            result[setting, group] = paired(by_name, BARE, calls)
        return result

    merged: dict[tuple[str, str], dict[str, Paired]] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for result in pool.map(count, sorted(children, key=len, reverse=True)):
            merged.update(result)
    return merged


# --- wall time ----------------------------------------------------------------------------------


def _per_round(group: str, calls: int) -> int:
    # an openai call costs about three times an azure-ai-inference call in-process
    return calls if group == "azure-ai-inference" else max(1, calls // 3)


def wall_inprocess(group: str, rounds: int, calls: int) -> dict[str, Paired]:
    variants = {name: looped(build()) for name, build in inprocess_variants(group).items()}
    per_round = _per_round(group, calls)
    times = interleaved(variants, rounds=rounds, per_round=per_round, warmup=20)
    return paired(times, BARE, per_round)


def wall_emulator(
    group: str, key: str, rounds: int, calls: int
) -> tuple[dict[str, Paired], dict[str, Paired]]:
    """Wall time and the calling thread's CPU time against the (running, routed) emulator."""
    cpu: dict[str, list[int]] = {}
    batches = {}
    for name, build in emulator_variants(group, key).items():
        cpu[name] = []
        batches[name] = looped_with_cpu(build(), cpu[name])
    wall = interleaved(batches, rounds=rounds, per_round=calls, warmup=5)
    cpu = {name: log[1:] for name, log in cpu.items()}  # without the warm-up batch
    return paired(wall, BARE, calls), paired(cpu, BARE, calls)


# --- reporting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupResult:
    group: str
    setting: str
    wall: dict[str, Paired]
    cpu: dict[str, Paired] | None = None
    instr: dict[str, Paired] | None = None

    def ratio(self, variant: str) -> tuple[float, str]:
        """The judged ratio against bare and what it counts."""
        if self.instr is not None:
            return self.instr[variant].ratio, "instructions"
        return self.wall[variant].ratio, "wall time"

    def added_us(self, variant: str) -> float:
        """Added µs per call: from instructions when counted, else from wall time."""
        if self.instr is not None:
            ns_per_instruction = self.wall[BARE].per_op_ns / self.instr[BARE].per_op_ns
            return self.instr[variant].added_ns * ns_per_instruction / 1000
        return self.wall[variant].added_ns / 1000


def _ratio_text(figure: Paired, digits: int) -> str:
    return (
        f"{figure.ratio:.{digits}f} [{figure.ratio_low:.{digits}f}-{figure.ratio_high:.{digits}f}]"
    )


def _print_group(result: GroupResult) -> None:
    print(f"\n{result.group} — {result.setting}")
    columns = [f"  {'variant':<19} {'µs/call':>8} {'wall ratio [IQR]':>21}"]
    if result.cpu is not None:
        columns.append(f"{'client CPU ratio [IQR]':>21}")
    if result.instr is not None:
        columns.append(f"{'instr/call':>10} {'instr ratio [IQR]':>25}")
    columns.append(f"{'added µs':>8}")
    print(" ".join(columns))
    for variant, wall in result.wall.items():
        cells = [f"  {variant:<19} {wall.per_op_ns / 1000:>8.1f} {_ratio_text(wall, 3):>21}"]
        if result.cpu is not None:
            cells.append(f"{_ratio_text(result.cpu[variant], 3):>21}")
        if result.instr is not None:
            instr = result.instr[variant]
            cells.append(f"{instr.per_op_ns:>10,.0f} {_ratio_text(instr, 5):>25}")
        cells.append(f"{result.added_us(variant):>8.2f}")
        print(" ".join(cells))


def _figures(results: list[GroupResult]) -> list[Figure]:
    figures = []
    for result in results:
        ratio, how = result.ratio(INSTRUMENT)
        control = result.ratio(CONTROL)[0]
        where = "in-process" if result.setting == "in-process transport" else "emulator"
        measured = f"{ratio:.4f} (bare/bare {control:.4f})"
        goal_met: bool | None = ratio <= GOAL_RATIO
        if how != "instructions":  # wall time on these shared machines cannot judge 1 %
            goal_met = None
        figures.append(
            Figure(
                f"success path: {result.group}, {where}, instrumented / bare ({how})",
                measured,
                f"≤ {GOAL_RATIO}",
                goal_met,
            )
        )
        if where != "in-process":
            continue
        ours = result.added_us(INSTRUMENT)
        peer = PEERS.get(result.group)
        if peer is None:
            figures.append(
                Figure(f"success path: {result.group}, µs added per call", f"{ours:.2f} µs")
            )
            continue
        theirs = result.added_us(peer)
        noise_us = abs(result.added_us(CONTROL))
        fraction = (
            f"ours = {ours / theirs:.2f} of theirs"
            if theirs > 3 * noise_us
            else "theirs within noise"
        )
        figures.append(
            Figure(
                f"success path: {result.group}, µs added per call, ours vs {peer}",
                f"{ours:.2f} vs {theirs:.2f} µs ({fraction})",
            )
        )
    return figures


def main() -> None:
    parser_ = parser(__doc__)
    parser_.add_argument("--rounds", type=int, default=None, help="interleaved rounds")
    parser_.add_argument("--calls", type=int, default=None, help="calls per round and variant")
    parser_.add_argument("--group", choices=GROUPS, action="append", help="default: all")
    parser_.add_argument("--no-instructions", action="store_true", help="skip callgrind")
    parser_.add_argument("--no-emulator", action="store_true", help="in-process only")
    parser_.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser_.parse_args()
    if args.child:
        _child(args.child)
        return
    started = time.perf_counter()
    groups: list[str] = args.group or list(GROUPS)
    rounds = args.rounds or (3 if args.quick else 15)
    calls = args.calls or (12 if args.quick else 60)
    emu_rounds, emu_calls = (2, 3) if args.quick else (9, 10)
    counter = None
    if not (args.quick or args.no_instructions):
        counter = InstructionCounter.create()
        if counter is None:
            print("(valgrind or a C compiler missing: the judged ratios are wall-time ratios)")
    settings = ["inprocess"] if args.no_emulator else ["inprocess", "emulator"]
    print("success-path overhead, variants interleaved; ratios are medians of paired rounds")
    print(
        f"  in-process transport: wall time over {rounds} rounds of {calls} calls "
        f"(azure-ai-inference) / {_per_round('openai', calls)} calls (openai)"
    )
    if "emulator" in settings:
        print(
            f"  emulator: wall and client-thread CPU time over {emu_rounds} rounds of "
            f"{emu_calls} calls"
        )
    if counter is not None:
        plan = ", ".join(
            f"{setting}: {rounds_} rounds of {calls_} calls"
            for setting, (calls_, rounds_) in INSTRUCTION_PLAN.items()
            if setting in settings
        )
        print(f"  instructions (callgrind, measured calls only): {plan}")

    walls = {group: wall_inprocess(group, rounds, calls) for group in groups}
    emulator_walls: dict[str, tuple[dict[str, Paired], dict[str, Paired]]] = {}
    instr: dict[tuple[str, str], dict[str, Paired]] = {}
    with contextlib.ExitStack() as stack:
        key = ""
        if "emulator" in settings:
            key = stack.enter_context(emulated.served()).keys["myres"]
            for group in groups:
                emulator_walls[group] = wall_emulator(group, key, emu_rounds, emu_calls)
        if counter is not None:  # after the timed runs: the children use both cores
            instr = instructions(counter, settings, groups, key)

    results = [
        GroupResult(
            group, "in-process transport", walls[group], None, instr.get(("inprocess", group))
        )
        for group in groups
    ] + [
        GroupResult(group, "emulator", wall, cpu, instr.get(("emulator", group)))
        for group, (wall, cpu) in emulator_walls.items()
    ]
    for result in results:
        _print_group(result)
    figures = _figures(results)
    print("\nsummary")
    for figure in figures:
        print(f"  {figure.metric}: {figure.measured} (goal {figure.goal}) {verdict(figure.ok)}")
    print(f"({time.perf_counter() - started:.0f} s)")
    write_figures(args.json_out, figures)


if __name__ == "__main__":
    main()
