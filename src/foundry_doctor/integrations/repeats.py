"""One WARNING record per distinct failure, not one per retry of a failure that cannot succeed.

Frameworks retry by sending the same call again: LangChain's ``.with_retry()`` three times,
LiteLLM's ``num_retries`` 1 + N times, a user's own loop. Each attempt is a new request that
fails the same way (a refused key stays refused), and each is diagnosed: the exception the
caller finally gets carries its diagnosis as always. Only the log record is held back.

Two failures are *the same* when everything that tells them apart in a diagnosis is equal:
the SDK that reports it, the request's method and URL as shown (:func:`safe_url`: no secret,
no query value but ``api-version``), the status, the rule and its code, the evidence (which
holds the principal's object id, the token's audience and tenant, the header that carried the
credential, what the service said) minus the evidence of the clock, and the secondary rules.
A request id never counts: every retry gets a new one. Retry headers cannot tell either:
a framework's retry is a fresh call (openai sends ``x-stainless-retry-count: 0`` each time).

The first failure of a kind is logged at WARNING. The same failure again within
:data:`REPEAT_WINDOW` seconds of that record gets a DEBUG record instead, naming how often it
has been seen. Once the window has passed, the next one is logged at WARNING again, and its
record carries ``diagnosis_repeats``: how many times the failure was held back since the last
WARNING (``0`` on a first record). A steady outage is therefore still visible once a window.

The memory is a digest per kind of failure (never the facts themselves), at most
:data:`MAX_KINDS` of them, the least recently seen dropped first; a lock makes it safe across
threads. :func:`forget` empties it (for tests that expect a record per failure).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.facts.redaction import safe_url

__all__ = ["MAX_KINDS", "REPEAT_WINDOW", "Seen", "clock", "failure_key", "forget", "seen"]

#: seconds during which the same failure is held back after its WARNING record; long enough
#: for a framework's retries with their back-off (LangChain's and LiteLLM's wait seconds)
REPEAT_WINDOW: Final = 60.0
#: how many kinds of failure are remembered at most
MAX_KINDS: Final = 512

#: the clock the window is measured with (seconds; a test may put its own in)
clock: Callable[[], float] = time.monotonic

#: evidence that tells only *when* a call failed, not what failed (token_expired's clock)
_CLOCK_EVIDENCE: Final = frozenset({"time of the call", "time now"})


@dataclass(frozen=True, slots=True)
class Seen:
    """What the memory says about one failure: whether to log it at WARNING, and how many
    times the same failure was held back (at WARNING: since the last WARNING record; held
    back: including this one)."""

    warn: bool
    repeats: int
    since: float


class _Entry:
    __slots__ = ("held_back", "warned_at")

    def __init__(self, warned_at: float) -> None:
        self.warned_at = warned_at
        self.held_back = 0


_lock = threading.Lock()
_kinds: OrderedDict[bytes, _Entry] = OrderedDict()


def failure_key(diagnosis: Diagnosis, *, sdk: str, call: tuple[str, str] | None) -> bytes:
    """A digest of what makes a failure this one (see the module documentation); ``call`` is
    the request's method and URL (``None`` when unknown)."""
    method, url = call if call is not None else ("", "")
    parts = [
        sdk,
        method.upper(),
        safe_url(url) if url else "",
        str(diagnosis.status),
        diagnosis.rule,
        diagnosis.code,
        *(
            f"{item.label}\x1f{item.actual}\x1f{item.expected}"
            for item in diagnosis.evidence
            if item.label not in _CLOCK_EVIDENCE
        ),
        *diagnosis.secondary_rules,
    ]
    return hashlib.blake2b("\x1e".join(parts).encode("utf-8"), digest_size=16).digest()


def seen(key: bytes) -> Seen:
    """Record one occurrence of the failure ``key`` and say whether it gets a WARNING."""
    now = clock()
    with _lock:
        entry = _kinds.get(key)
        if entry is None or now - entry.warned_at >= REPEAT_WINDOW:
            repeats = entry.held_back if entry is not None else 0
            _kinds[key] = _Entry(now)
            _kinds.move_to_end(key)
            while len(_kinds) > MAX_KINDS:
                _kinds.popitem(last=False)
            return Seen(warn=True, repeats=repeats, since=0.0)
        entry.held_back += 1
        _kinds.move_to_end(key)
        return Seen(warn=False, repeats=entry.held_back, since=now - entry.warned_at)


def forget() -> None:
    """Forget every failure seen so far: the next of each kind is logged at WARNING."""
    with _lock:
        _kinds.clear()
