"""Diagnosis: what we tell the user about a failed call.

The model (:class:`Diagnosis`, :class:`Finding`, :class:`Evidence`) loads with the package; the
engine (:func:`diagnose`, :func:`diagnose_text`) on first use, because the rules it runs build
on the model themselves.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from foundry_doctor.diagnosis.model import Diagnosis, Evidence, Finding

if TYPE_CHECKING:
    from foundry_doctor.diagnosis.engine import diagnose
    from foundry_doctor.diagnosis.text import diagnose_text

__all__ = ["Diagnosis", "Evidence", "Finding", "diagnose", "diagnose_text"]

_LAZY = {
    "diagnose": "foundry_doctor.diagnosis.engine",
    "diagnose_text": "foundry_doctor.diagnosis.text",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'foundry_doctor.diagnosis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
