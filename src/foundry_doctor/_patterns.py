"""Regular expressions compiled on first use, not when the module that defines them loads.

``re`` parses a pattern in Python: compiling one costs from 30 microseconds to more than 500
for a long alternation, and a process that meets its first failure would pay for every pattern
of every module it loads (the first diagnosis has a budget of its own), while a given failure
uses only a few of them. :func:`lazy` wraps one pattern; calling the wrapper returns the
compiled pattern, compiled the first time::

    _JWT = lazy(r"eyJ[A-Za-z0-9_-]{10,}")
    ...
    _JWT().sub("<token>", text)

A call after the first costs a cache lookup (tens of nanoseconds). Two threads may both
compile on the very first use; both get an equal pattern.
"""

import functools
import re
from collections.abc import Callable

__all__ = ["lazy"]


def lazy(source: str, flags: int = 0) -> Callable[[], "re.Pattern[str]"]:
    """``source`` (with ``flags``) compiled the first time the returned function is called."""

    @functools.cache
    def compiled() -> re.Pattern[str]:
        return re.compile(source, flags)

    return compiled
