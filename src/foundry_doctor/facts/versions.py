"""Which releases of the SDKs that matter here are installed.

Read from the installed distributions' metadata (``importlib.metadata``), never by importing the
SDKs themselves, and only once per process: the answer cannot change while the process runs
without a restart that would reset the cache anyway.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
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
    that are not installed are left out. Cached for the life of the process; never raises."""
    import importlib.metadata  # slow to import; needed once per process

    found: dict[str, str] = {}
    for name in TRACKED_DISTRIBUTIONS:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        except Exception:  # a broken installation must not break the caller
            logger.debug("could not read the version of %s", name, exc_info=True)
            continue
        if isinstance(version, str) and version:
            found[name] = version
    return MappingProxyType(found)
