"""FD103 token-expired: the bearer token had expired when the call was made."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_line
from foundry_doctor.rules.meaning import Meaning


def _age(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 120:
        return f"{int(seconds)} seconds"
    if seconds < 2 * 3600:
        return f"{int(seconds // 60)} minutes"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} hours"
    return f"{int(seconds // 86400)} days"


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.auth_known and ctx.bearer != "jwt":
        return None
    if not (ctx.says(Meaning.TOKEN_REJECTED) or ctx.body_is_silent):
        return None
    exp = ctx.claims.exp if ctx.claims is not None else None
    stated = ctx.says(Meaning.TOKEN_EXPIRED)
    if exp is None and not stated:
        return None
    if exp is not None and not ctx.token_expired:
        return None
    if not ctx.now_observed and ctx.audience_refused:
        return None  # the audience alone explains it; expiry cannot be judged without the time
    evidence: list[Evidence | None] = []
    missing: list[str] = []
    if exp is not None:
        when = "the call" if ctx.now_observed else "now (the call's time is not known)"
        explanation = (
            f"The token expired at {ctx.time_text(exp)}, {_age(ctx.now - exp)} before {when}. "
            "Entra ID access tokens live about an hour; a token fetched once and reused (a "
            "string passed as azure_ad_token or api_key, a value cached at start-up, a lapsed "
            "'az login' / 'azd auth login') fails from then on."
        )
        evidence.append(Evidence("token expires (exp)", ctx.time_text(exp)))
        evidence.append(
            Evidence("time of the call" if ctx.now_observed else "time now", ctx.time_text(ctx.now))
        )
        tier = Tier.STRONG if ctx.now_observed else Tier.POSSIBLE
        if not ctx.now_observed:
            missing.append("the time of the failed call")
    else:
        explanation = (
            "The service says the token has expired. Entra ID access tokens live about an hour; "
            "a token fetched once and reused fails from then on."
        )
        tier = Tier.LIKELY
    evidence.append(ctx.message_evidence())
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=evidence,
        fix=(
            (
                "give the client a token provider, so that it fetches a fresh token before the "
                "old one expires, instead of a token fetched once: "
                if ctx.spec.endpoint_argument
                else "get a fresh token for each call (or let a token provider do it) instead of "
                "reusing one fetched once: "
            )
            + client_line(ctx, auth="token"),
            "if the credential is the Azure CLI or azd, sign in again (az login / azd auth login)",
        ),
        missing_facts=missing,
        actions=(actions.TOKEN_SCOPE, actions.SIGN_IN),
    )


RULE = Rule(
    code="FD103",
    slug="token-expired",
    title="The token had expired",
    meaning=(
        "Entra ID access tokens are valid for roughly an hour. A token obtained once and "
        "reused - a string given to the client instead of a token provider, a value cached at "
        "start-up, an expired developer sign-in - is refused once its 'exp' time has passed."
    ),
    detection=(
        "A 401 for a request that sent a JWT whose decoded 'exp' lies before the time of the "
        "call (or the current time when the call's time is unknown, with lower confidence), "
        "or a message that says the token expired."
    ),
    remedy=(
        "Give the client a token provider so every request gets a fresh token "
        "(azure_ad_token_provider=get_bearer_token_provider(...), a TokenCredential for "
        "azure-core clients); sign in again when the credential is a developer tool."
    ),
    example=(
        "AzureOpenAI(azure_ad_token=token_fetched_at_startup, ...) works for an hour, then "
        "every call gets 401."
    ),
    detect=detect,
    claims=claims(401, meanings=(Meaning.TOKEN_REJECTED, Meaning.TOKEN_EXPIRED)),
    guess_title="Possibly an expired token",
    docs_url="https://learn.microsoft.com/entra/identity-platform/access-tokens#token-lifetime",
)
