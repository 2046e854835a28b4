"""Hypothesis settings profiles for the unit tests.

``HYPOTHESIS_PROFILE=fuzz`` selects the long run: many more examples for the property tests
marked ``slow`` (``tests/unit/test_engine_properties.py``)::

    HYPOTHESIS_PROFILE=fuzz python -m pytest tests/unit -m slow -p no:cacheprovider

Without the variable, Hypothesis' default profile applies (or the one ``--hypothesis-profile``
names).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: health checks that complain about what these tests do on purpose: large and slow inputs
_EXPECTED = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
    HealthCheck.filter_too_much,
]

settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=_EXPECTED, print_blob=True
)

_PROFILE = os.environ.get("HYPOTHESIS_PROFILE")
if _PROFILE:
    settings.load_profile(_PROFILE)
