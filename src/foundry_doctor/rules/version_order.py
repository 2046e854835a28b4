"""Ordering release numbers without third-party packages.

Enough of PEP 440 and SemVer for the SDKs we track: ``1.35.10``, ``1.0.0b4``, ``2.0.0rc1``,
``1.0.0-beta.1`` (npm / NuGet), ``0.27``. Anything unreadable sorts as unknown (``None``).
"""

from __future__ import annotations

import functools
import re

__all__ = ["VersionKey", "version_key"]

# release tuple, pre-release rank (a < b < rc < final), pre-release number, post-release number
VersionKey = tuple[tuple[int, ...], int, int, int]

_VERSION = (
    r"^\s*v?(?P<release>\d+(?:\.\d+){0,4})"
    r"(?:[-._]?(?P<pre>a|alpha|b|beta|c|rc|pre|preview)[-._]?(?P<pre_n>\d+)?)?"
    r"(?:[-._]?(?:post|r)[-._]?(?P<post>\d+))?"
    r"(?:[-._]?dev[-._]?\d*)?(?:\+[\w.]+)?\s*$"
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_FINAL = 3


def version_key(text: object) -> VersionKey | None:
    """A sortable key for a release number; ``None`` when it cannot be read."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    return _parsed(text)


@functools.lru_cache(maxsize=256)  # the same few installed versions are compared on each call
def _parsed(text: str) -> VersionKey | None:
    match = re.match(_VERSION, text, re.IGNORECASE)  # compiled on first use (re's cache)
    if match is None:
        return None
    release = tuple(int(part) for part in match.group("release").split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    pre = match.group("pre")
    rank = _PRE_RANK[pre.lower()] if pre else _FINAL
    pre_n = int(match.group("pre_n") or 0)
    post = int(match.group("post") or 0)
    return release, rank, pre_n, post
