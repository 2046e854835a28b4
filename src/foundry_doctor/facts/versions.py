"""Which releases of the SDKs that matter here are installed.

Read from the installed distributions' records on ``sys.path``, never by importing the SDKs
themselves, and only once per process: the answer cannot change while the process runs
without a restart that would reset the cache anyway.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from foundry_doctor._logging import logger_for

__all__ = ["TRACKED_DISTRIBUTIONS", "installed_versions"]

logger = logger_for(__name__)

#: Distributions whose versions change how a call authenticates or which URL it builds.
TRACKED_DISTRIBUTIONS = (
    "azure-ai-inference",
    "azure-core",
    "azure-identity",
    "azure-ai-projects",
    "openai",
    "httpx",
    "httpx2",
)


@functools.lru_cache(maxsize=1)
def installed_versions() -> Mapping[str, str]:
    """Installed version of each tracked distribution, keyed by distribution name; the ones
    that are not installed are left out. Cached for the life of the process; never raises.

    Read from the names of the ``<name>-<version>.dist-info`` directories on ``sys.path``
    (one directory listing per path entry, first entry wins, as for imports): the wheel
    format puts the version in that name, so no metadata file is opened or parsed, which
    ``importlib.metadata.version`` does for each name (about 1.5 ms each, on the first
    failure of a process). Names the listings cannot settle (a zip archive on the path, an
    ``.egg-info`` without a version in its name) are asked of ``importlib.metadata``."""
    try:
        found, unsettled = _from_listings(sys.path)
    except Exception:  # a strange sys.path must not break the caller
        logger.debug("could not list the distributions on sys.path", exc_info=True)
        found, unsettled = {}, True
    if unsettled:
        for name in TRACKED_DISTRIBUTIONS:
            if name not in found:
                version = _from_metadata(name)
                if version:
                    found[name] = version
    return MappingProxyType({name: found[name] for name in TRACKED_DISTRIBUTIONS if name in found})


def _normalized(name: str) -> str:
    """A distribution name compared the way installers do (PEP 503)."""
    return "-".join(name.lower().replace("_", "-").replace(".", "-").split("-"))


def _from_listings(paths: Sequence[object]) -> tuple[dict[str, str], bool]:
    """Versions of the tracked distributions found in the listings of ``paths``, and whether
    some distribution could be where a listing does not show it."""
    wanted = {_normalized(name): name for name in TRACKED_DISTRIBUTIONS}
    found: dict[str, str] = {}
    unsettled = False
    for entry in paths:
        if not isinstance(entry, str):
            continue
        try:
            names = os.listdir(entry or ".")
        except (FileNotFoundError, PermissionError):
            continue  # nothing installed there that an import could find either
        except OSError:
            unsettled = True  # a zip archive or another kind of entry
            continue
        for item in names:
            if item.endswith(".dist-info"):
                stem, egg = item[: -len(".dist-info")], False
            elif item.endswith(".egg-info"):
                stem, egg = item[: -len(".egg-info")], True
            else:
                continue
            distribution, _, version = stem.partition("-")
            name = wanted.get(_normalized(distribution))
            if name is None or name in found:
                continue
            if egg:
                version = version.split("-", 1)[0]  # <name>-<version>-py3.11.egg-info
            if version:
                found[name] = version
            else:
                unsettled = True
    return found, unsettled


def _from_metadata(name: str) -> str | None:
    import importlib.metadata  # slow to import; needed once per process, and rarely

    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None
    except Exception:  # a broken installation must not break the caller
        logger.debug("could not read the version of %s", name, exc_info=True)
        return None
    return version if isinstance(version, str) and version else None
