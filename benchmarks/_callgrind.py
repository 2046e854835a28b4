"""Counting CPU instructions of one region of a Python program with valgrind's callgrind.

Wall time on these shared 2-core machines drifts by a few per cent between identical runs, so a
1 % goal is judged by instruction counts instead (see ``../shared/knowledge/measuring.md``).
Counting a whole run under callgrind is slow (importing openai alone costs billions of
instructions), so the child starts *uninstrumented* (``--instr-atstart=no``) and switches
instrumentation on only around the measured loop, through callgrind's client requests. Those
are issued from a tiny shared library compiled here on first use (needs ``cc`` and
``valgrind/callgrind.h``) and called through :mod:`ctypes`; outside valgrind they do nothing.

Parent side::

    counter = InstructionCounter.create()     # None when valgrind / cc / callgrind.h are missing
    counts = counter.count([sys.executable, "child.py", ...])   # {"bare": [n, n, ...], ...}

Child side (regions may repeat, in any order; the child stays instrumented after the first)::

    region = Region()          # loads the library named in the environment
    region.begin()             # zero the counters (instrument from here on)
    ...                        # the measured code
    region.end("bare")         # dump the counts since begin() under this label
"""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LIBRARY_ENV", "InstructionCounter", "Region"]

#: environment variable that tells the child where the marker library is
LIBRARY_ENV = "FOUNDRY_DOCTOR_BENCH_CALLGRIND_LIB"

_SOURCE = r"""
#include <valgrind/callgrind.h>
static int started = 0;
void fd_bench_begin(void) {
    if (!started) { CALLGRIND_START_INSTRUMENTATION; started = 1; }
    CALLGRIND_ZERO_STATS;
}
void fd_bench_end(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""

_PREFIX = "fdbench:"
_FIELDS = {
    "part": re.compile(r"^part:\s+(\d+)", re.MULTILINE),
    "label": re.compile(r"^desc: Trigger: Client Request: (.*)$", re.MULTILINE),
    "summary": re.compile(r"^summary:\s+(\d+)", re.MULTILINE),
}


@dataclass(frozen=True)
class InstructionCounter:
    """Runs a child under callgrind and returns the instructions of its marked regions."""

    valgrind: str
    library: Path

    @classmethod
    def create(cls) -> InstructionCounter | None:
        """A counter, or ``None`` when valgrind, a C compiler or callgrind.h is missing."""
        valgrind = shutil.which("valgrind")
        compiler = shutil.which("cc") or shutil.which("gcc")
        if valgrind is None or compiler is None:
            return None
        build = Path(tempfile.mkdtemp(prefix="fd-bench-callgrind-"))
        atexit.register(shutil.rmtree, build, ignore_errors=True)
        source = build / "marker.c"
        library = build / "libfdbenchmarker.so"
        source.write_text(_SOURCE)
        completed = subprocess.run(
            [compiler, "-O1", "-shared", "-fPIC", "-o", str(library), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            return None
        return cls(valgrind=valgrind, library=library)

    def count(self, argv: Sequence[str], env: dict[str, str] | None = None) -> dict[str, list[int]]:
        """Run ``argv`` under callgrind: the instructions of each marked region, by label, in
        the order they ran."""
        with tempfile.TemporaryDirectory(prefix="fd-bench-cg-out-") as out:
            completed = subprocess.run(
                [
                    self.valgrind,
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={Path(out) / 'callgrind.out'}",
                    *argv,
                ],
                capture_output=True,
                text=True,
                check=False,
                env={
                    **(env if env is not None else os.environ),
                    LIBRARY_ENV: str(self.library),
                    "PYTHONHASHSEED": "0",
                },
            )
            if completed.returncode != 0:
                raise RuntimeError(
                    f"callgrind child failed ({completed.returncode}):\n{completed.stderr[-3000:]}"
                )
            dumps: list[tuple[int, str, int]] = []
            for dump in Path(out).iterdir():
                text = dump.read_text(errors="replace")
                part, label, summary = (_FIELDS[name].search(text) for name in _FIELDS)
                if part and label and summary and label.group(1).startswith(_PREFIX):
                    dumps.append(
                        (int(part.group(1)), label.group(1)[len(_PREFIX) :], int(summary.group(1)))
                    )
        result: dict[str, list[int]] = {}
        for _, label_, instructions in sorted(dumps):
            result.setdefault(label_, []).append(instructions)
        if not result:
            raise RuntimeError("callgrind wrote no dump for a marked region")
        return result


class Region:
    """The child's side: marks the measured region (no-ops without the library)."""

    def __init__(self) -> None:
        path = os.environ.get(LIBRARY_ENV)
        self._library = ctypes.CDLL(path) if path else None

    def begin(self) -> None:
        """Zero the counters (and start instrumenting, the first time)."""
        if self._library is not None:
            self._library.fd_bench_begin()

    def end(self, label: str) -> None:
        """Dump the counts since :meth:`begin` under ``label`` (letters, digits, ``-_.()``)."""
        if self._library is not None:
            self._library.fd_bench_end(ctypes.c_char_p((_PREFIX + label).encode()))
