"""The limits of an access check: what Resource Manager cannot tell, said with every report
(``arm.md`` section 7.3)."""

from __future__ import annotations

from foundry_doctor.access.judge import Seen
from foundry_doctor.access.report import Identity
from foundry_doctor.knowledge.arm import PROPAGATION_UPPER_SECONDS

__all__ = ["limits"]


def limits(
    principal: Identity, surface: str, asked_for_other: bool, seen: Seen | None
) -> tuple[str, ...]:
    found = [
        "ABAC conditions on role assignments are evaluated neither by Resource Manager's "
        "permissions API nor by this check.",
        "A guest user is another object (another object id) in the resource's tenant; "
        "assignments made to the home tenant's object never apply.",
        f"Role changes reach the data plane after about 5 minutes (up to "
        f"{PROPAGATION_UPPER_SECONDS // 60}; hours for managed identities in groups).",
    ]
    if not asked_for_other:
        found.insert(
            0,
            f"This checked the identity running the check ({principal.object_id}). The one "
            "failing in production (an app's managed identity, a pipeline's service principal, "
            "an agent identity) is often another: pass its object id (from the 401 body or its "
            "token) as principal / --principal-id.",
        )
    if surface in ("agent-endpoint", "agent-application"):
        found.append(
            "Agent identities get their permissions inside Foundry, not as Resource Manager "
            "role assignments; none may be visible here."
        )
    if seen is not None and seen.assignments is not None:
        found.append(
            "Role assignments made by a managing tenant (Azure Lighthouse) are not listed."
        )
    return tuple(found)
