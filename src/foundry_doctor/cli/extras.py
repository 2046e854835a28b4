"""What a command needs that a plain ``pip install foundry-doctor`` does not bring, said once.

The library itself has no dependencies; the demo, the emulator and the probe need the SDKs and
the emulator's certificate tools, which come with the package's extras. :func:`require` checks
for all of a command's modules before it starts (without importing them) and raises one
:class:`~foundry_doctor.cli.UsageError` naming what is missing and the exact ``pip install``
line that brings it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

from foundry_doctor.cli import UsageError

__all__ = ["EMULATOR", "SDKS", "installed", "require"]

#: module -> the extra of ``pyproject.toml`` that brings it, for what the emulator needs (its
#: credentials are azure-core credentials)
EMULATOR: Mapping[str, str] = {
    "trustme": "emulator",
    "cryptography": "emulator",
    "azure.core": "emulator",
}
#: module -> extra, for the SDKs and azure-identity
SDKS: Mapping[str, str] = {
    "azure.ai.inference": "inference",
    "openai": "openai",
    "azure.identity": "identity",
    "azure.ai.projects": "projects",
}
#: the extras in the order ``pyproject.toml`` lists them
_EXTRA_ORDER = ("inference", "openai", "emulator", "identity", "projects")


def installed(module: str) -> bool:
    """Whether ``module`` can be imported here (found, not imported)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent package, a broken installation
        return False


def require(what: str, modules: Mapping[str, str]) -> None:
    """Raise one :class:`UsageError` if any of ``modules`` (module -> the extra that brings
    it) is missing: ``what`` needs them, and this ``pip install`` line brings them."""
    missing = [module for module in modules if not installed(module)]
    if not missing:
        return
    extras = {modules[module] for module in missing}
    ordered = ",".join(extra for extra in _EXTRA_ORDER if extra in extras)
    verb = "is" if len(missing) == 1 else "are"
    raise UsageError(
        f"{what} needs {', '.join(missing)}, which {verb} not installed: "
        f"pip install 'foundry-doctor[{ordered}]'"
    )
