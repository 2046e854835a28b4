"""The rules the engine asks about one failure, imported when first asked.

The catalogue imports every rule module; a process that meets its first failure would pay for
all of them, while the rules that can answer a token failure, a 401 or a 404 are fewer than
half each. :data:`~foundry_doctor.rules.index.RULE_INDEX` (generated from the catalogue, and
compared with it by a test) holds each rule's claims by module, so that :func:`rules_for` can
choose by claims first and import only what it chose.
"""

from __future__ import annotations

import functools
import importlib

from foundry_doctor.rules.base import Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.index import FALLBACK_SLUG, RULE_INDEX

__all__ = ["fallback", "rule_named", "rules_for"]

_MODULES = {slug: module for module, slug, _ in RULE_INDEX}


def rules_for(ctx: RuleContext) -> tuple[Rule, ...]:
    """Every rule but the fallback whose claims admit ``ctx`` (see :meth:`Rule.applies`), in
    code order; only those rules' modules are imported."""
    return _chosen(ctx.credential_failure is not None, ctx.reached_service, ctx.status)


@functools.lru_cache(maxsize=64)  # a process meets a few kinds of failure, again and again
def _chosen(failed: bool, reached: bool, status: int | None) -> tuple[Rule, ...]:
    return tuple(
        _rule(module)
        for module, slug, claims in RULE_INDEX
        if slug != FALLBACK_SLUG and claims.admit(failed=failed, reached=reached, status=status)
    )


def fallback() -> Rule:
    """The rule that speaks when no other does (imported on first use: a diagnosis whose
    cause a rule names never needs it)."""
    return _rule(_MODULES[FALLBACK_SLUG])


def rule_named(slug: str) -> Rule | None:
    """The rule with this slug (imported on first use), ``None`` for no rule."""
    module = _MODULES.get(slug)
    return None if module is None else _rule(module)


@functools.cache
def _rule(module: str) -> Rule:
    rule = getattr(importlib.import_module(f"{__package__}.{module}"), "RULE", None)
    if not isinstance(rule, Rule):
        raise LookupError(f"{module} declares no RULE: regenerate the rule index")
    return rule
