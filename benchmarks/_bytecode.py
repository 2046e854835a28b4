"""An environment for child interpreters with a warm bytecode cache.

Sandboxes often set ``PYTHONDONTWRITEBYTECODE=1``; with an editable install the source tree then
has no ``__pycache__`` and every fresh interpreter compiles our modules again, which is not
what an installed wheel (byte-compiled at install) costs. Children run with this environment
write and read their ``.pyc`` files under a temporary ``PYTHONPYCACHEPREFIX`` instead (never
in the source tree); run a child once to warm it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

__all__ = ["cached_bytecode_env"]


@contextlib.contextmanager
def cached_bytecode_env() -> Iterator[dict[str, str]]:
    """A copy of ``os.environ`` that caches bytecode under a temporary directory (removed
    afterwards)."""
    cache = tempfile.mkdtemp(prefix="fd-bench-pycache-")
    try:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        yield env
    finally:
        shutil.rmtree(cache, ignore_errors=True)
