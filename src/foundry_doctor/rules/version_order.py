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
    simple = _simple(text)
    return simple if simple is not None else _by_pattern(text)


def _by_pattern(text: str) -> VersionKey | None:
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


#: the pre-release tags :func:`_simple` reads, longest first
_SIMPLE_TAGS = ("rc", "a", "b")


def _simple(text: str) -> VersionKey | None:
    """The key of the usual forms (``1.35.10``, ``1.0.0b9``, ``2.0.0rc1``: ASCII digits and
    dots, maybe one lower-case ``a`` / ``b`` / ``rc`` tag and its number), read without
    compiling :data:`_VERSION` (a process's first diagnosis would pay for that); ``None`` for
    anything else, which the pattern then reads. Gives the key the pattern gives."""
    if not text.isascii():
        return None
    head, pre, pre_n = text, "", "0"
    for tag in _SIMPLE_TAGS:
        index = text.find(tag)
        if index > 0:
            head, pre, pre_n = text[:index], tag, text[index + len(tag) :] or "0"
            break
    parts = head.split(".")
    if len(parts) > 5 or not pre_n.isdigit() or not all(part.isdigit() for part in parts):
        return None
    release = tuple(int(part) for part in parts)
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    return release, _PRE_RANK[pre] if pre else _FINAL, int(pre_n), 0
