"""Side-by-side timing: interleaved rounds, paired ratios, medians.

Every variant runs once per round; the order rotates from round to round (ABC, BCA, CAB, then
reversed: CBA, ACB, BAC, …), so slow drift (CPU frequency, a neighbour on the shared machine)
and any effect of running first or last hit every variant alike. A round's
figure for a variant is compared with the baseline's figure *of the same round*; the median of
those paired ratios / differences is the result. The garbage collector is collected before and
disabled during each batch, so a collection triggered by one variant is not billed to another
(the objects that exist before the first round are frozen, so those collections stay short).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Batch",
    "Paired",
    "interleaved",
    "looped",
    "looped_with_cpu",
    "paired",
    "round_order",
]

#: ``batch(n)`` performs ``n`` operations and returns the nanoseconds they took
Batch = Callable[[int], int]


def looped(call: Callable[[], object], clock: Callable[[], int] = time.perf_counter_ns) -> Batch:
    """A batch that times ``n`` calls of ``call`` as one loop."""

    def batch(n: int) -> int:
        start = clock()
        for _ in range(n):
            call()
        return clock() - start

    return batch


def looped_with_cpu(call: Callable[[], object], cpu_log: list[int]) -> Batch:
    """Like :func:`looped` (wall time), also appending the calling thread's CPU time of each
    batch to ``cpu_log``: on a busy machine, wall time includes the time the scheduler gave
    our core to someone else; thread CPU time does not."""

    def batch(n: int) -> int:
        cpu_start, start = time.thread_time_ns(), time.perf_counter_ns()
        for _ in range(n):
            call()
        wall, cpu = time.perf_counter_ns() - start, time.thread_time_ns() - cpu_start
        cpu_log.append(cpu)
        return wall

    return batch


def interleaved(
    batches: Mapping[str, Batch],
    *,
    rounds: int,
    per_round: int,
    warmup: int = 3,
    between: Callable[[], None] | None = None,
) -> dict[str, list[int]]:
    """Nanoseconds per round for each variant (``per_round`` operations each), interleaved."""
    for batch in batches.values():
        batch(warmup)
    names = list(batches)
    result: dict[str, list[int]] = {name: [] for name in names}
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.freeze()  # what exists now is never garbage: keeps the collections between batches short
    try:
        for index in range(rounds):
            for name in round_order(names, index):
                gc.collect()
                gc.disable()
                try:
                    result[name].append(batches[name](per_round))
                finally:
                    gc.enable()
            if between is not None:
                between()
    finally:
        gc.unfreeze()
        if not gc_was_enabled:
            gc.disable()
    return result


def round_order(names: Sequence[str], index: int) -> list[str]:
    """Round ``index``'s order: rotated by one per round, reversed every other pass, so each
    variant runs in each position equally often (ABC, BCA, CAB, then CBA, ACB, BAC, …)."""
    count = len(names)
    shift = index % count
    rotated = [*names[shift:], *names[:shift]]
    return rotated[::-1] if (index // count) % 2 else rotated


@dataclass(frozen=True)
class Paired:
    """One variant against the baseline, from per-round paired figures."""

    ratio: float  # median of per-round time ratios variant / baseline
    ratio_low: float  # first quartile of those ratios
    ratio_high: float  # third quartile
    added_ns: float  # median of per-round (variant - baseline) / operations
    per_op_ns: float  # median time of one operation of the variant


def _quartiles(values: Sequence[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def paired(times: Mapping[str, Sequence[int]], baseline: str, per_round: int) -> dict[str, Paired]:
    """Paired statistics of every variant in ``times`` against ``baseline``."""
    base = times[baseline]
    result = {}
    for name, values in times.items():
        ratios = [value / reference for value, reference in zip(values, base, strict=True)]
        added = [
            (value - reference) / per_round for value, reference in zip(values, base, strict=True)
        ]
        low, high = _quartiles(ratios)
        result[name] = Paired(
            ratio=statistics.median(ratios),
            ratio_low=low,
            ratio_high=high,
            added_ns=statistics.median(added),
            per_op_ns=statistics.median(values) / per_round,
        )
    return result
