"""Check access: who is calling, what they hold, what the call needs.

:func:`check_access` asks Azure Resource Manager, with the caller's credential, about one
data-plane call: the account behind the endpoint, the data action the call needs, the caller's
effective permissions there (or, for another principal, its role assignments, transitively
over groups), deny assignments and PIM eligibilities where readable, and the account's
deployments with their model lifecycle; it names what is wrong and how to fix it, and says
what it could not read. It sends a few throttled ARM requests, so it is never part of
``instrument()``: call it explicitly (``foundry-doctor access``).
"""

from __future__ import annotations

from foundry_doctor.access.check import check_access
from foundry_doctor.access.report import AccessReport, Verdict

__all__ = ["AccessReport", "Verdict", "check_access"]
