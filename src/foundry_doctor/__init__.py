"""foundry-doctor: names the root cause of 401/403/404 failures from Microsoft Foundry and
Azure OpenAI, and the exact fix, in the exception you already catch.

    client = foundry_doctor.instrument(client)

Importing this package is cheap: the SDK integrations (azure-core, openai, httpx) are loaded
only when one of their names is first used.
"""

from __future__ import annotations

import importlib

from foundry_doctor._version import __version__

# ``typing`` costs more to import than the whole package: the usual guard, spelled without it
# (type checkers treat any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from foundry_doctor.access import AccessReport, check_access
    from foundry_doctor.diagnosis import Diagnosis, Evidence, Finding, diagnose, diagnose_text
    from foundry_doctor.diagnosis.checkup import Checkup, check_configuration
    from foundry_doctor.facts import Facts, TokenClaims
    from foundry_doctor.facts.configuration import Configuration
    from foundry_doctor.integrations.azure_core import (
        AsyncDiagnosticsPolicy,
        DiagnosticsPolicy,
    )
    from foundry_doctor.integrations.check import check
    from foundry_doctor.integrations.explain import explain
    from foundry_doctor.integrations.httpx_hooks import (
        async_response_hook,
        install_hooks,
        response_hook,
    )
    from foundry_doctor.integrations.instrument import instrument

# public name -> module that defines it; imported on first use (PEP 562)
_LAZY = {
    "AccessReport": "foundry_doctor.access",
    "check_access": "foundry_doctor.access",
    "Diagnosis": "foundry_doctor.diagnosis",
    "Evidence": "foundry_doctor.diagnosis",
    "Finding": "foundry_doctor.diagnosis",
    "diagnose": "foundry_doctor.diagnosis",
    "Facts": "foundry_doctor.facts",
    "Configuration": "foundry_doctor.facts.configuration",
    "Checkup": "foundry_doctor.diagnosis.checkup",
    "check_configuration": "foundry_doctor.diagnosis.checkup",
    "check": "foundry_doctor.integrations.check",
    "TokenClaims": "foundry_doctor.facts",
    "DiagnosticsPolicy": "foundry_doctor.integrations.azure_core",
    "AsyncDiagnosticsPolicy": "foundry_doctor.integrations.azure_core",
    "instrument": "foundry_doctor.integrations.instrument",
    "explain": "foundry_doctor.integrations.explain",
    "diagnose_text": "foundry_doctor.diagnosis",
    "response_hook": "foundry_doctor.integrations.httpx_hooks",
    "async_response_hook": "foundry_doctor.integrations.httpx_hooks",
    "install_hooks": "foundry_doctor.integrations.httpx_hooks",
}

__all__ = [
    "AccessReport",
    "AsyncDiagnosticsPolicy",
    "Checkup",
    "Configuration",
    "Diagnosis",
    "DiagnosticsPolicy",
    "Evidence",
    "Facts",
    "Finding",
    "TokenClaims",
    "__version__",
    "async_response_hook",
    "check",
    "check_access",
    "check_configuration",
    "diagnose",
    "diagnose_text",
    "explain",
    "install_hooks",
    "instrument",
    "response_hook",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'foundry_doctor' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
