"""The catalogue: every rule, in code order, and lookups by slug or code.

Rules are discovered: every module of this package that declares a ``RULE`` is one. Adding a
rule costs its module, its cases file (``tests/unit/rules/cases/<slug>.jsonl``) and the
regenerated reference and index (``foundry-doctor rules --markdown > docs/rules.md``,
``foundry-doctor rules --index > src/foundry_doctor/rules/index.py``), nothing else.

Importing this module imports every rule; the engine does not: it asks :mod:`.selection` for
the rules that may answer one failure, and only those are imported.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Mapping

import foundry_doctor.rules as _package
from foundry_doctor.rules.base import Rule

__all__ = ["CATALOGUE", "FALLBACK", "RULES_BY_KEY", "SLUGS", "find_rule"]


def _module_names() -> Iterator[str]:
    """The package's modules: a directory listing where the package is a directory (the
    cheap, usual case), pkgutil's iteration otherwise (a zip archive)."""
    try:
        for path in _package.__path__:
            for name in sorted(os.listdir(path)):
                if name.endswith(".py") and name != "__init__.py":
                    yield name[:-3]
    except OSError:
        import pkgutil  # not a directory (a zip archive): slower, and rare

        yield from (module.name for module in pkgutil.iter_modules(_package.__path__))


def _discover() -> tuple[Rule, ...]:
    found: list[Rule] = []
    for name in _module_names():
        rule = getattr(importlib.import_module(f"{_package.__name__}.{name}"), "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    return tuple(sorted(found, key=lambda rule: rule.code))


#: Every rule, ordered by code; the fallback comes first (FD000).
CATALOGUE: tuple[Rule, ...] = _discover()

#: Every slug, in catalogue order.
SLUGS: tuple[str, ...] = tuple(rule.slug for rule in CATALOGUE)

#: Rules by slug and by code (codes upper-case).
RULES_BY_KEY: Mapping[str, Rule] = {
    **{rule.slug: rule for rule in CATALOGUE},
    **{rule.code.upper(): rule for rule in CATALOGUE},
}

#: The rule that speaks when no other does.
FALLBACK: Rule = RULES_BY_KEY["unknown"]


def find_rule(key: str) -> Rule | None:
    """The rule with this slug or code (``"token-expired"``, ``"FD103"``, ``"fd103"``)."""
    text = key.strip()
    return RULES_BY_KEY.get(text.lower()) or RULES_BY_KEY.get(text.upper())
