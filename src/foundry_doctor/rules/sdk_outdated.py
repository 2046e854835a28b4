"""FD400 sdk-outdated: an installed SDK release has a known bug behind (or next to) this
failure."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.rules.base import AGGRAVATING, LIKELY, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.known_issues import affecting


def _project_endpoint(ctx: RuleContext) -> str:
    for info in (ctx.configured, ctx.request):
        if info is not None and info.route == "project" and info.project:
            return f"{info.origin}/api/projects/{info.project}"
    return "<project endpoint>"


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (400, 401, 403, 404):
        return None
    explaining: list[str] = []
    nearby: list[str] = []
    evidence: list[Evidence] = []
    fix: list[str] = []
    for issue, version in affecting(ctx):
        matches = issue.symptom(ctx)
        if not matches and ctx.client not in issue.clients:
            continue  # installed, but not what made this call
        line = f"{issue.package} {version}: {issue.summary} (fixed in {issue.fixed})"
        (explaining if matches else nearby).append(line)
        evidence.append(Evidence(f"{issue.package} version", version, expected=f">= {issue.fixed}"))
        fix.append(f"upgrade {issue.package} to {issue.fixed} or later ({issue.reference})")
        if matches and issue.workaround:
            fix.append(issue.workaround.replace("<project endpoint>", _project_endpoint(ctx)))
    if not explaining and not nearby:
        return None
    if explaining:
        explanation = (
            "An installed SDK release has a known bug that produces exactly this failure: "
            + "; ".join(explaining)
            + "."
        )
    else:
        explanation = (
            "An installed SDK release has a known authentication bug; it is not what failed "
            "here, but upgrade it before looking further: " + "; ".join(nearby) + "."
        )
    return RULE.finding(
        explanation,
        score=LIKELY if explaining else AGGRAVATING,
        evidence=evidence,
        fix=fix,
    )


def static(ctx: RuleContext) -> Finding | None:
    """An installed release with a known bug that affects this kind of client."""
    lines: list[str] = []
    evidence: list[Evidence] = []
    fix: list[str] = []
    for issue, version in affecting(ctx):
        if ctx.client not in issue.clients:
            continue
        lines.append(f"{issue.package} {version}: {issue.summary} (fixed in {issue.fixed})")
        evidence.append(Evidence(f"{issue.package} version", version, expected=f">= {issue.fixed}"))
        fix.append(f"upgrade {issue.package} to {issue.fixed} or later ({issue.reference})")
    if not lines:
        return None
    return RULE.finding(
        "An installed SDK release has a known authentication bug that affects this kind of "
        "client: " + "; ".join(lines) + ".",
        score=LIKELY,
        evidence=evidence,
        fix=fix,
    )


RULE = Rule(
    code="FD400",
    slug="sdk-outdated",
    title="An SDK release with a known authentication bug is installed",
    meaning=(
        "Several SDK releases had bugs that break authentication: azure-ai-inference before "
        "1.0.0b5 sent keys only as a bearer token; openai before 1.35.12 kept an expired "
        "Entra token on retries; azure-ai-projects 2.0.0b1-2.0.0b2 gave get_openai_client() a "
        "token the project endpoint refuses; @azure/openai 1.0.0-beta.1 dropped the key. "
        "Microsoft's troubleshooting advice is to upgrade the SDKs before anything else."
    ),
    detection=(
        "The SDK versions in the facts against a table of known issues; a failure that looks "
        "like the issue's symptom is explained by it, any other failure of that client only "
        "gets the upgrade advice."
    ),
    remedy="Upgrade the package to the fixed release named in the finding (or later).",
    example=(
        "azure-ai-projects 2.0.0b2: project.get_openai_client().responses.create(...) -> 401 "
        "'audience is incorrect (https://ai.azure.com/)'."
    ),
    detect=detect,
    docs_url=(
        "https://learn.microsoft.com/azure/ai-foundry/foundry-models/how-to/configure-entra-id"
    ),
    static=static,
)
