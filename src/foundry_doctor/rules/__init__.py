"""Rules: pure functions from the facts of a failed call to a finding, one per root cause.

Each rule module declares one :class:`Rule` record (code, slug, what the cause means, how it is
detected and fixed, an example) with its ``detect`` function; :mod:`.catalogue` lists them all
(and imports them all: it loads on first use of its names here, so that the engine, which asks
only the rules that may answer a failure, see :mod:`.selection`, does not pay for the others).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from foundry_doctor.rules.base import Rule
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.rules.catalogue import CATALOGUE, FALLBACK, SLUGS, find_rule

__all__ = ["CATALOGUE", "FALLBACK", "SLUGS", "Rule", "RuleContext", "find_rule"]

#: the names :mod:`.catalogue` defines, imported on first use (PEP 562)
_FROM_CATALOGUE = frozenset({"CATALOGUE", "FALLBACK", "SLUGS", "find_rule"})


def __getattr__(name: str) -> Any:
    if name not in _FROM_CATALOGUE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.catalogue"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | _FROM_CATALOGUE)
