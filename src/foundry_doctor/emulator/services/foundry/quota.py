"""The deployments' rate limits at work: requests and tokens per minute over a sliding
window, and "the next N calls are throttled" (:class:`~.world.Quota`)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from foundry_doctor.emulator.services.foundry.world import Quota

__all__ = ["WINDOW_SECONDS", "QuotaKeeper"]

#: the window the per-minute limits are counted over
WINDOW_SECONDS = 60.0


class QuotaKeeper:
    """Decides when a deployment's call is over its quota, counting in the quota's window."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()

    def admit(self, quota: Quota | None, tokens: int) -> int | None:
        """Record a call of ``tokens`` tokens against ``quota``, or refuse it: the
        milliseconds the 429 announces, ``None`` when admitted."""
        if quota is None:
            return None
        with self._lock:
            if quota.throttle_next > 0:
                quota.throttle_next -= 1
                return quota.retry_after_ms
            now = self._clock()
            window = quota.usage
            while window and window[0][0] <= now - WINDOW_SECONDS:
                window.popleft()
            wait = self._wait(window, quota, tokens, now)
            if wait is not None:
                return wait
            window.append((now, tokens))
            return None

    @staticmethod
    def _wait(
        window: deque[tuple[float, int]], quota: Quota, tokens: int, now: float
    ) -> int | None:
        over_requests = (
            quota.requests_per_minute is not None and len(window) >= quota.requests_per_minute
        )
        over_tokens = (
            quota.tokens_per_minute is not None
            and sum(used for _, used in window) + tokens > quota.tokens_per_minute
        )
        if not (over_requests or over_tokens):
            return None
        oldest = window[0][0] if window else now
        return max(1, math.ceil((oldest + WINDOW_SECONDS - now) * 1000))
