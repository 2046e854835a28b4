"""FD500 scope-invalid: the token was refused for the scope it asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext

if TYPE_CHECKING:
    from foundry_doctor.rules.token_request import ScopeProblem, TokenAttempt

#: what Entra ID writes about a malformed scope, when a text comes without its code
#: (entra.md section 4)
_SCOPE_TEXTS = (
    "the scope format is invalid",
    "contains more than one resource",
    "/.default suffixed",
)
#: the problems worth a note even when the credential's message names another cause
_PLAIN_MISTAKES = ("several-resources", "no-default", "missing-slash", "typo", "app-uri")
_ANY_FOUNDRY_SCOPE = (
    "Resource endpoints take https://cognitiveservices.azure.com/.default (or "
    "https://ai.azure.com/.default, which Microsoft now recommends); project endpoints take "
    "only https://ai.azure.com/.default."
)


def _tier(attempt: TokenAttempt) -> Tier | None:
    problem = attempt.scope_problem
    sts = attempt.sts
    if sts is not None and sts.cause == "scope-invalid":
        return Tier.CERTAIN
    if attempt.refused is not None and attempt.refused.cause == "scope-invalid":
        return Tier.CERTAIN
    if any(text in attempt.text for text in _SCOPE_TEXTS):
        return Tier.CERTAIN
    if problem is None:
        return None
    if sts is not None and sts.cause == "resource-principal-not-found":
        return Tier.CERTAIN  # the resource Entra ID could not find is the mistyped one
    if not attempt.text:
        return Tier.LIKELY if problem.kind != "unknown-resource" else Tier.POSSIBLE
    if sts is None and problem.kind in _PLAIN_MISTAKES:
        return Tier.POSSIBLE
    if _unexplained(attempt) and problem.kind == "unknown-resource":
        # the token source failed without saying why, for a resource no Foundry endpoint takes
        # (e.g. OpenAI's own https://api.openai.com, entra.md section 6): the scope is the one
        # thing known to be wrong
        return Tier.POSSIBLE
    return None


def _unexplained(attempt: TokenAttempt) -> bool:
    """The credential's message names no cause (no Entra ID code, no known text) and the scope
    was configured, not read back from that message."""
    return (
        attempt.sts is None
        and attempt.said is None
        and attempt.refused is None
        and not attempt.codes
        and not attempt.requested_from_message
    )


def _about(problem: ScopeProblem | None, who: str, attempt: TokenAttempt) -> tuple[str, str]:
    """The explanation's first sentences and the scope to ask for instead."""
    if problem is not None:
        return (
            f"{who} asked Entra ID for a token with the scope {problem.scope}, and "
            f"{problem.note}. Did you mean {problem.suggestion}?",
            problem.suggestion,
        )
    if attempt.sts is not None:
        meaning = attempt.sts.meaning
    elif attempt.refused is not None:
        meaning = attempt.refused.gist
    else:
        meaning = "the scope is malformed"
    return (
        f"Entra ID refused the scope {who} asked for: {meaning}.",
        attempt.needed or "https://cognitiveservices.azure.com/.default",
    )


def detect(ctx: RuleContext) -> Finding | None:
    attempt = ctx.token
    if attempt is None:
        return None

    from foundry_doctor.rules.token_request import attempt_evidence, scope_fix

    tier = _tier(attempt)
    if tier is None:
        return None
    problem = attempt.scope_problem
    explanation, scope = _about(problem, attempt.failing or "The credential", attempt)
    if attempt.needed and attempt.needed != scope:
        explanation += f" This endpoint takes {attempt.needed}."
    elif attempt.needed is None:
        explanation += " " + _ANY_FOUNDRY_SCOPE
    if tier == Tier.LIKELY:
        explanation += " (Judged from the scope alone: the credential's message was not seen.)"
    fix = [scope_fix(ctx, scope, attempt.credential)]
    if problem is not None and problem.kind == "several-resources":
        fix.append("ask for one token per resource: one scope, one resource, ending in /.default")
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=attempt_evidence(ctx, attempt),
        fix=fix,
        actions=(actions.TOKEN_SCOPE,),
    )


def static(ctx: RuleContext) -> Finding | None:
    """A token credential configured with a malformed scope."""
    from foundry_doctor.rules.token_request import (
        needed_scope,
        scope_fix,
        scope_problem,
        split_scopes,
    )

    if ctx.credential != "token" or not ctx.facts.scopes:
        return None
    requested = split_scopes(ctx.facts.scopes)
    needed = needed_scope(ctx)
    problem = scope_problem(requested, needed=needed, cloud=ctx.cloud if ctx.site else None)
    if problem is None or problem.kind == "unknown-resource":
        return None
    return RULE.finding(
        f"Entra ID will refuse the scope {problem.scope}: {problem.note}. "
        f"Did you mean {problem.suggestion}?",
        tier=Tier.STRONG,
        title="A token scope Entra ID will refuse",
        evidence=(Evidence("scope requested", " ".join(requested), expected=needed),),
        fix=(scope_fix(ctx, problem.suggestion),),
        actions=(actions.TOKEN_SCOPE,),
    )


RULE = Rule(
    code="FD500",
    slug="scope-invalid",
    title="The token was refused for its scope",
    guess_title="Possibly a malformed token scope",
    meaning=(
        "A credential asks Entra ID for a token with a scope: one resource followed by "
        "/.default (https://cognitiveservices.azure.com/.default, https://ai.azure.com/.default, "
        "or a sovereign cloud's Cognitive Services audience). Entra ID refuses a scope that "
        "names two resources, lacks /.default in an app-only flow, misspells the resource, "
        "names another cloud's audience or an app registration's api:// URI (AADSTS70011, "
        "1002012, 700022, 700023, 90009, and 500011 for a resource it cannot find); the "
        "credentials themselves refuse malformed scope strings. No request reaches the "
        "service."
    ),
    detection=(
        "A failed token request whose Entra ID code or credential message is about the scope, "
        "or whose scope (as configured, observed or named in the message) is malformed: the "
        "resource is compared with the audiences Foundry takes, and a near miss is named. "
        "Without the credential's message, a malformed scope alone is a likely cause; when the "
        "message names no cause, a scope for a resource no Foundry endpoint takes is a possible "
        "one."
    ),
    remedy=(
        "Ask for exactly one scope, the endpoint's resource followed by /.default: "
        "credential_scopes=[...] for azure-core clients, get_bearer_token_provider(credential, "
        "scope) for openai."
    ),
    example=(
        "get_bearer_token_provider(DefaultAzureCredential(), "
        "'https://cognitiveservices.azure.com.default') -> AADSTS500011: The resource principal "
        "named https://cognitiveservices.azure.com.default was not found."
    ),
    detect=detect,
    claims=claims(before_request=True, after_request=False),
    azure_only=False,
    docs_url=(
        "https://learn.microsoft.com/azure/ai-foundry/foundry-models/how-to/configure-entra-id"
    ),
    static=static,
    # a malformed scope names no audience at all: saying which one it is for says less
    supersedes=frozenset({"token-wrong-audience"}),
)
