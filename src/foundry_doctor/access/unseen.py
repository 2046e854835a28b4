"""When the caller sees no subscription at all: it holds no active role anywhere in its
tenant. Then the account cannot be found, but the verdict is still clear, unless a PIM
eligibility (listed for the caller at the root scope with ``asTarget()``) explains it."""

from __future__ import annotations

from foundry_doctor.access.arm_client import ArmClient, ArmError
from foundry_doctor.access.deployments import publisher_of
from foundry_doctor.access.fixes import assign_command
from foundry_doctor.access.judge import RoleView
from foundry_doctor.access.limits import limits
from foundry_doctor.access.reads import AUTHORIZATION
from foundry_doctor.access.report import AccessReport, Identity, Verdict
from foundry_doctor.facts.endpoints import EndpointInfo
from foundry_doctor.knowledge.arm import API_VERSIONS
from foundry_doctor.knowledge.data_actions import Need, need_for
from foundry_doctor.knowledge.roles import least_privileged

__all__ = ["nothing_anywhere"]


def nothing_anywhere(
    client: ArmClient,
    info: EndpointInfo,
    shown: str,
    surface: str,
    op: str,
    method: str,
    caller: Identity,
    principal: Identity,
    asked_for_other: bool,
    named: str | None,
) -> AccessReport:
    """The caller sees no subscription at all: it holds no role anywhere in its tenant."""
    publisher = publisher_of(None, named)
    need = need_for(surface, op, method, publisher)  # type: ignore[arg-type]
    label = info.host.split(".", 1)[0]
    if need is not None and not asked_for_other:
        eligible = _eligible_anywhere(client, label, need)
        if eligible is not None:
            return AccessReport(
                endpoint=shown,
                operation=op,
                data_action=need.action,
                need_settled=need.settled,
                target_scope=None,
                caller=caller,
                principal=principal,
                account=None,
                granted=False,
                verdicts=(eligible,),
                limits=limits(principal, surface, asked_for_other, None),
                arm_calls=client.calls,
            )
    lookup = (
        '"$(az cognitiveservices account list --query '
        f'"[?properties.customSubDomainName==\'{label}\'].id" --output tsv)"'
    )
    fix: tuple[str, ...] = ()
    if need is not None and caller.object_id and not asked_for_other:
        role = least_privileged(need.access)
        command = assign_command(caller.object_id, caller.kind, role, "SCOPE")
        fix = (command.replace('"SCOPE"', lookup), "(run by someone who can see the account)")
    tenant = caller.tenant_id or "its tenant"
    if asked_for_other:
        verdict = Verdict(
            "account-not-found",
            "unknown",
            f"The caller sees nothing in tenant {tenant}",
            "Resource Manager lists no subscription for the identity running the check, so it "
            "can neither find the account nor read anyone's role assignments.",
        )
        granted = None
    else:
        verdict = Verdict(
            "no-role",
            "problem",
            f"The caller ({caller.object_id}) holds no role anywhere in tenant {tenant}",
            "Resource Manager lists no subscription for it: it has no role assignment on any "
            "subscription, resource group or resource of this tenant, so none on the account "
            f"behind {info.host} either (if the account lives in another tenant, sign in to "
            "that one). A call with an Entra ID token needs a role whose data actions include "
            f"{need.action if need else 'the call'}.",
            fix,
        )
        granted = False
    return AccessReport(
        endpoint=shown,
        operation=op,
        data_action=need.action if need else None,
        need_settled=need.settled if need else False,
        target_scope=None,
        caller=caller,
        principal=principal,
        account=None,
        granted=granted,
        verdicts=(verdict,),
        limits=limits(principal, surface, asked_for_other, None),
        arm_calls=client.calls,
    )


def _eligible_anywhere(client: ArmClient, label: str, need: Need) -> Verdict | None:
    """The caller's own PIM eligibilities anywhere in the tenant (``asTarget()`` at the root
    scope): one on an account named like the host's subdomain, or above it, that would grant
    the call."""
    try:
        rows = client.list(
            f"/{AUTHORIZATION}/roleEligibilityScheduleInstances",
            API_VERSIONS.pim,
            {"$filter": "asTarget()"},
        )
    except ArmError:
        return None
    for row in rows:
        properties = row.get("properties") if isinstance(row.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        scope = str(properties.get("scope") or "")
        role_id = str(properties.get("roleDefinitionId") or "").rsplit("/", 1)[-1].lower()
        lowered = scope.lower().rstrip("/")
        on_account = lowered.endswith(f"/accounts/{label.lower()}")
        above = "/providers/" not in lowered
        view = RoleView(role_id)
        if (on_account or above) and view.grants(need.action):
            return Verdict(
                "pim-eligible",
                "problem",
                f"{view.label} is eligible through PIM, not active",
                f"The caller holds no active role in this tenant, but may activate {view.label} "
                f"on {scope} in Privileged Identity Management; until then it grants nothing.",
                (
                    "activate it (Azure portal: Privileged Identity Management, My roles, "
                    "Azure resources, Eligible assignments, Activate), then get a new token",
                ),
            )
    return None
