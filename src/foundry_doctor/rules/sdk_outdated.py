"""FD400 sdk-outdated: an installed SDK release has a known bug behind (or next to) this
failure.

The releases and their bugs are data (:mod:`foundry_doctor.knowledge.sdk_issues`); each names
the symptom it produces, and this rule knows how each symptom shows in a failed call. A failure
that shows the symptom is explained by the bug; any other failure of a client running that
release only gets the upgrade advice, as a note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning
from foundry_doctor.rules.version_order import VersionKey, version_key

if TYPE_CHECKING:
    from foundry_doctor.knowledge.sdk_issues import SdkIssue, Symptom


def _key_went_as_bearer(ctx: RuleContext) -> bool:
    if ctx.status not in (None, 401):
        return False
    if ctx.auth_known:
        shape = ctx.bearer == "opaque" and not ctx.api_key_sent
    else:
        shape = ctx.credential == "api-key"
    return shape and (ctx.says(Meaning.TOKEN_REJECTED) or ctx.body_is_silent)


def _retry_kept_stale_token(ctx: RuleContext) -> bool:
    if ctx.status not in (None, 401):
        return False
    expired = ctx.token_expired or ctx.says(Meaning.TOKEN_EXPIRED)
    return expired and (ctx.credential in (None, "token") or ctx.bearer == "jwt")


def _project_client_scope(ctx: RuleContext) -> bool:
    return ctx.status in (None, 401) and ctx.says(Meaning.TOKEN_REJECTED) and ctx.on_project


def _credential_not_sent(ctx: RuleContext) -> bool:
    return ctx.status in (None, 401) and (ctx.sent_nothing or ctx.says(Meaning.CREDENTIAL_MISSING))


def _token_provider_as_key(ctx: RuleContext) -> bool:
    return (
        ctx.status in (None, 401)
        and ctx.credential == "token"
        and ctx.bearer == "opaque"
        and (ctx.says(Meaning.TOKEN_REJECTED, Meaning.KEY_REJECTED) or ctx.body_is_silent)
    )


_SYMPTOMS: Mapping[Symptom, Callable[[RuleContext], bool]] = {
    "key-sent-as-bearer": _key_went_as_bearer,
    "stale-token-on-retry": _retry_kept_stale_token,
    "project-client-scope": _project_client_scope,
    "credential-not-sent": _credential_not_sent,
    "token-provider-as-key": _token_provider_as_key,
}


#: an affected range as version keys, ``(introduced, fixed)``
Range = tuple[VersionKey | None, VersionKey | None]


def affects(issue: SdkIssue, version: str) -> bool:
    """Whether ``version`` of ``issue.package`` carries the bug."""
    return _in_range(version_key(version), _range(issue))


def _range(issue: SdkIssue) -> Range:
    """``(introduced, fixed)`` of an issue as version keys (``introduced`` ``None``: since
    ever)."""
    return version_key(issue.introduced) if issue.introduced else None, version_key(issue.fixed)


def _in_range(key: VersionKey | None, bounds: Range) -> bool:
    introduced, fixed = bounds
    if key is None or fixed is None or key >= fixed:
        return False
    return introduced is None or key >= introduced


#: the range of each known issue by its place in the table, read when first needed (a
#: version the fast reader cannot read compiles a pattern: only for an installed package)
_RANGES: dict[int, Range] = {}


def affecting(ctx: RuleContext) -> Iterator[tuple[SdkIssue, str]]:
    """The known issues whose affected range holds an SDK version in the facts, with that
    version."""
    versions = ctx.facts.sdk_versions
    if not versions:
        return
    lowered = {
        name.lower(): value
        for name, value in versions.items()
        if isinstance(name, str) and isinstance(value, str)
    }
    from foundry_doctor.knowledge.sdk_issues import SDK_ISSUES  # loaded when first needed

    for index, issue in enumerate(SDK_ISSUES):
        version = lowered.get(issue.package)
        if version is None:
            continue
        bounds = _RANGES.get(index)
        if bounds is None:
            bounds = _RANGES[index] = _range(issue)
        if _in_range(version_key(version), bounds):
            yield issue, version


def _project_endpoint(ctx: RuleContext) -> str:
    for info in (ctx.configured, ctx.request):
        if info is not None and info.project:
            return f"{info.origin}/api/projects/{info.project}"
    return "<project endpoint>"


def _upgrade(issue: SdkIssue) -> str:
    line = f"upgrade {issue.package} to {issue.fixed} or later ({issue.reference})"
    if issue.retired:
        from foundry_doctor.knowledge.retirements import retirement  # when first needed

        gone = retirement(issue.retired)
        line += (
            f" - a stopgap: {issue.package} was retired {gone.when()}; the lasting fix is "
            f"{gone.replacement}"
        )
    return line


def _lines(
    ctx: RuleContext, *, symptoms: bool
) -> tuple[list[str], list[str], list[Evidence], list[str], set[str]]:
    explaining: list[str] = []
    nearby: list[str] = []
    evidence: list[Evidence] = []
    fix: list[str] = []
    acted: set[str] = set()
    for issue, version in affecting(ctx):
        matches = symptoms and _SYMPTOMS[issue.symptom](ctx)
        if not matches and ctx.client not in issue.clients:
            continue  # installed, but not what made this call
        line = f"{issue.package} {version}: {issue.summary} (fixed in {issue.fixed})"
        (explaining if matches else nearby).append(line)
        evidence.append(Evidence(f"{issue.package} version", version, expected=f">= {issue.fixed}"))
        fix.append(_upgrade(issue))
        acted.add(actions.upgrade(issue.package))
        if issue.retired:
            acted.add(actions.migrate(issue.retired))
        if matches and issue.workaround:
            fix.append(issue.workaround.replace("<project endpoint>", _project_endpoint(ctx)))
    return explaining, nearby, evidence, fix, acted


def detect(ctx: RuleContext) -> Finding | None:
    explaining, nearby, evidence, fix, acted = _lines(ctx, symptoms=True)
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
        tier=Tier.LIKELY if explaining else Tier.NOTE,
        evidence=evidence,
        fix=fix,
        actions=acted,
    )


def static(ctx: RuleContext) -> Finding | None:
    """An installed release with a known bug that affects this kind of client."""
    _, nearby, evidence, fix, acted = _lines(ctx, symptoms=False)
    if not nearby:
        return None
    return RULE.finding(
        "An installed SDK release has a known authentication bug that affects this kind of "
        "client: " + "; ".join(nearby) + ".",
        tier=Tier.LIKELY,
        evidence=evidence,
        fix=fix,
        actions=acted,
    )


RULE = Rule(
    code="FD400",
    slug="sdk-outdated",
    title="An SDK release with a known authentication bug is installed",
    meaning=(
        "Several SDK releases had bugs that break authentication: azure-ai-inference before "
        "1.0.0b5 sent keys only as a bearer token; openai before 1.35.12 kept an expired "
        "Entra token on retries; openai before 1.106.0 could not take a token provider as "
        "api_key; azure-ai-projects 2.0.0b1-2.0.0b2 gave get_openai_client() a token the "
        "project endpoint refuses; @azure/openai 1.0.0-beta.1 dropped the key. Microsoft's "
        "troubleshooting advice is to upgrade the SDKs before anything else (for the retired "
        "azure-ai-inference, to migrate)."
    ),
    detection=(
        "The SDK versions in the facts against a table of known issues; a failure that shows "
        "the issue's symptom is explained by it, any other failure of that client only gets "
        "the upgrade advice."
    ),
    remedy="Upgrade the package to the fixed release named in the finding (or later).",
    example=(
        "azure-ai-projects 2.0.0b2: project.get_openai_client().responses.create(...) -> 401 "
        "'audience is incorrect (https://ai.azure.com/)'."
    ),
    detect=detect,
    claims=claims(
        400,
        401,
        403,
        404,
        meanings=(
            Meaning.TOKEN_REJECTED,
            Meaning.TOKEN_EXPIRED,
            Meaning.CREDENTIAL_MISSING,
            Meaning.KEY_REJECTED,
        ),
    ),
    azure_only=False,
    docs_url=(
        "https://learn.microsoft.com/azure/ai-foundry/foundry-models/how-to/configure-entra-id"
    ),
    static=static,
)
