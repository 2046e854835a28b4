"""Rules: pure functions from the facts of a failed call to a finding, one per root cause.

Each rule module declares one :class:`Rule` record (code, slug, what the cause means, how it is
detected and fixed, an example) with its ``detect`` function; :mod:`.catalogue` lists them.
"""

from foundry_doctor.rules.base import Rule
from foundry_doctor.rules.catalogue import CATALOGUE, FALLBACK, SLUGS, find_rule
from foundry_doctor.rules.context import RuleContext

__all__ = ["CATALOGUE", "FALLBACK", "SLUGS", "Rule", "RuleContext", "find_rule"]
