"""An access report as text for people: the verdict first, then what it rests on."""

from __future__ import annotations

from foundry_doctor.access.report import AccessReport, AssignmentInfo, DeploymentInfo, Verdict
from foundry_doctor.access.scopes import scope_name

__all__ = ["render"]

_MARKS = {"ok": "OK", "problem": "PROBLEM", "note": "note", "unknown": "not checked"}


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 120:
        return f", made {max(0, int(seconds))} s ago"
    if seconds < 2 * 3600:
        return f", made {int(seconds // 60)} min ago"
    if seconds < 3 * 86400:
        return f", made {int(seconds // 3600)} h ago"
    return f", made {int(seconds // 86400)} days ago"


def _assignment(item: AssignmentInfo, account: str | None) -> str:
    name = item.role_name or item.live_role_name or "custom role"
    if item.live_role_name and item.role_name and item.live_role_name != item.role_name:
        name = f"{item.role_name} (shown here as {item.live_role_name})"
    via = f", through group {item.principal_id}" if item.via_group else ""
    grants = {True: "grants it", False: "does not grant it", None: "unknown"}[item.grants]
    extra = ", with a condition" if item.conditional else ""
    where = scope_name(item.scope, account)
    return (
        f"  - {name} [{item.role_id}] on {where} ({item.placement}){via}"
        f"{_age(item.age_seconds)}{extra}: {grants}"
    )


def _deployment(item: DeploymentInfo, named: str | None) -> str:
    mark = "*" if named is not None and item.name == named else "-"
    model = " ".join(part for part in (item.format, item.model, item.version) if part)
    life = f", {item.lifecycle}" if item.lifecycle else ""
    until = f" (inference until {item.inference_until[:10]})" if item.inference_until else ""
    return f"  {mark} {item.name}: {model}{life}{until}"


def _verdict(item: Verdict) -> list[str]:
    lines = [f"{_MARKS[item.severity]}: [{item.code}] {item.title}"]
    lines.extend(f"    {line}" for line in item.detail.splitlines())
    if item.fix:
        lines.append("    fix:")
        lines.extend(f"      {line}" for line in item.fix)
    return lines


def render(report: AccessReport) -> str:
    lines = [f"endpoint:  {report.endpoint}"]
    if report.account is not None:
        account = report.account
        lines.append(
            f"account:   {account.name} ({account.kind or 'unknown kind'}, {account.location})"
        )
        lines.append(f"           {account.id}")
    if report.operation:
        lines.append(f"call:      {report.operation}")
    if report.data_action:
        settled = "" if report.need_settled else " (not published for this operation: nearest)"
        lines.append(f"needs:     {report.data_action}{settled}")
    if report.target_scope:
        account_id = report.account.id if report.account is not None else None
        lines.append(f"at scope:  {scope_name(report.target_scope, account_id)}")
    if report.caller is not None:
        lines.append(
            f"caller:    {report.caller.object_id} ({report.caller.kind or 'unknown type'})"
        )
    if report.principal is not None and not report.principal.is_caller:
        lines.append(f"principal: {report.principal.object_id}")
    lines.append("")
    verdict = {0: "the call should work", 1: "a problem was found", 3: "could not be checked"}
    lines.append(f"Result: {verdict[report.exit_code]}.")
    ordered = sorted(
        report.verdicts, key=lambda v: ("problem", "unknown", "ok", "note").index(v.severity)
    )
    for item in ordered:
        lines.extend(_verdict(item))
    if report.assignments:
        lines.append("")
        lines.append("role assignments seen:")
        account_id = report.account.id if report.account is not None else None
        lines.extend(_assignment(item, account_id) for item in report.assignments)
    if report.deployments:
        lines.append("")
        lines.append("deployments:")
        lines.extend(_deployment(item, report.deployment) for item in report.deployments)
    if report.unread:
        lines.append("")
        lines.append("could not read:")
        account_id = report.account.id if report.account is not None else None
        for unread in report.unread:
            where = scope_name(unread.scope, account_id)
            lines.append(f"  - {unread.what} on {where}: needs {unread.right}")
    if report.limits:
        lines.append("")
        lines.append("limits of this check:")
        lines.extend(f"  - {limit}" for limit in report.limits)
    lines.append("")
    lines.append(f"({report.arm_calls} Resource Manager requests)")
    return "\n".join(lines)
