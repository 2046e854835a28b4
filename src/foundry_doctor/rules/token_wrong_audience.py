"""FD102 token-wrong-audience: the token was issued for another audience."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.facts.endpoints import normalize_audience
from foundry_doctor.knowledge.routes import ML_AUDIENCE
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_line, recommended_audience, scope_of, scope_statement
from foundry_doctor.rules.meaning import Meaning

_WHY = {
    "https://ml.azure.com": (
        "That is the Azure Machine Learning audience, which azure-ai-inference requests unless "
        "credential_scopes says otherwise."
    ),
    "https://management.azure.com": (
        "That is Azure Resource Manager (the control plane); its tokens do not open the data plane."
    ),
}


def _requested_audiences(ctx: RuleContext) -> tuple[str, ...]:
    scopes = ctx.facts.scopes
    if scopes:
        return tuple(normalize_audience(scope) for scope in scopes if isinstance(scope, str))
    if ctx.credential == "token" and ctx.spec.default_scope:
        return (normalize_audience(ctx.spec.default_scope),)  # the SDK's default scope
    return ()


def _finding(
    ctx: RuleContext, actual: str, expected: tuple[str, ...], tier: Tier, source: str
) -> Finding:
    wanted = " or ".join(expected) if expected else "the audience the service named"
    explanation = f"The token was issued for {actual}, but this endpoint accepts {wanted}."
    why = _WHY.get(actual)
    if actual == ML_AUDIENCE and ctx.client not in ("azure-ai-inference", "http"):
        why = (
            "That is the Azure Machine Learning audience: the token was requested with the "
            "scope https://ml.azure.com/.default (azure-ai-inference's default, often copied "
            "from its samples) instead of this endpoint's."
        )
    if why and actual not in expected:
        explanation += " " + why
    elif ctx.cloud != "public" and actual.startswith("https://cognitiveservices.azure."):
        explanation += " That is the Cognitive Services audience of another cloud."
    if ctx.cloud != "public":
        explanation += (
            f" The resource lives in a sovereign cloud ({ctx.cloud}), which has audiences of its "
            "own."
        )
    statement = scope_statement(ctx)
    if statement:
        explanation += " " + statement
    missing: tuple[str, ...] = ()
    if source != "claims":
        explanation += " (Judged from the requested scope; the token itself was not seen.)"
        missing = ("the token's aud claim (decode the middle part of the bearer token)",)
    scopes = ctx.facts.scopes
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=(
            Evidence(
                "token audience" if source == "claims" else "requested audience",
                actual,
                expected=wanted,
            ),
            Evidence("requested scopes", ", ".join(scopes)) if scopes else None,
            ctx.message_evidence(),
        ),
        fix=(client_line(ctx, scope=scope_of(_best(ctx, expected))),) if expected else (),
        missing_facts=missing,
        actions=(actions.TOKEN_SCOPE,),
    )


def _best(ctx: RuleContext, expected: tuple[str, ...]) -> str:
    recommended = recommended_audience(ctx)
    return recommended if recommended in expected else expected[0]


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.auth_known and ctx.bearer != "jwt":
        return None  # no token went out: token-missing or credential-in-wrong-header
    if not (ctx.says(Meaning.TOKEN_REJECTED) or ctx.body_is_silent):
        return None
    if ctx.site is not None and not ctx.site.host_family.entra:
        return None  # the host takes no tokens at all: another rule's business
    expected = ctx.accepted_audiences()
    stated = ctx.says(Meaning.AUDIENCE_REJECTED)
    aud = ctx.claims.aud if ctx.claims is not None else None
    if aud:
        actual = normalize_audience(aud)
        if expected and actual in expected:
            return None
        if "://" not in actual and not stated:
            return _uncertain(ctx, expected, note=f"The token's audience is the id {aud}.")
        if expected or stated:
            tier = Tier.CERTAIN if ctx.body_audiences else Tier.STRONG
            return _finding(ctx, actual, expected, tier, "claims")
        return None
    if ctx.says(Meaning.TOKEN_EXPIRED) and not stated:
        return None  # the service says the token expired: token-expired
    requested = _requested_audiences(ctx)
    wrong = [audience for audience in requested if expected and audience not in expected]
    if requested and expected and len(wrong) == len(requested):
        return _finding(ctx, wrong[0], expected, Tier.LIKELY, "scopes")
    if not ctx.auth_known and ctx.credential in ("api-key", "none"):
        return None  # no token was configured: the guess would blame one that does not exist
    if stated or ctx.says(Meaning.TOKEN_REJECTED):
        return _uncertain(ctx, expected)
    return None


def _uncertain(ctx: RuleContext, expected: tuple[str, ...], note: str = "") -> Finding:
    wanted = " or ".join(expected) if expected else "the endpoint's audience"
    explanation = (
        "The service rejected the bearer token without saying why: it answers the same way for "
        "a token issued for another audience, an expired token, a malformed one and a key sent "
        "as a token. A token for the wrong audience is the most common of these; this endpoint "
        f"accepts {wanted}."
    )
    if note:
        explanation += " " + note
    settle = ["the token's aud and exp claims (decode the middle part of the bearer token)"]
    if expected:
        settle.append(
            f"compare with a fresh token: az account get-access-token --resource {expected[0]}"
        )
    if not ctx.auth_known:
        settle.append("which header carried the credential (Authorization or api-key)")
    return RULE.finding(
        explanation,
        tier=Tier.POSSIBLE,
        evidence=(ctx.message_evidence(),),
        fix=(client_line(ctx, scope=scope_of(_best(ctx, expected))),) if expected else (),
        missing_facts=settle,
        actions=(actions.TOKEN_SCOPE,),
    )


def static(ctx: RuleContext) -> Finding | None:
    """A token credential whose requested scope the endpoint does not accept."""
    if ctx.credential != "token":
        return None
    expected = ctx.accepted_audiences()
    requested = _requested_audiences(ctx)
    wrong = [audience for audience in requested if expected and audience not in expected]
    if not requested or not expected or len(wrong) != len(requested):
        return None
    return _finding(ctx, wrong[0], expected, Tier.STRONG, "scopes")


RULE = Rule(
    code="FD102",
    slug="token-wrong-audience",
    title="The token was issued for another audience",
    guess_title="Possibly a token for another audience",
    meaning=(
        "An Entra ID token names the service it is for in its 'aud' claim, set by the scope "
        "the client asked for. A resource's own routes (the dated Azure OpenAI API, /openai/v1, "
        "the retired /models) accept https://cognitiveservices.azure.com and "
        "https://ai.azure.com (the scope Microsoft now recommends); project, agent and "
        "application endpoints accept only https://ai.azure.com; sovereign clouds have their "
        "own Cognitive Services audience (https://cognitiveservices.azure.us, "
        "https://cognitiveservices.azure.cn). A token for anything else is refused with 401."
    ),
    detection=(
        "A 401 for a request that sent a JWT, where the decoded 'aud' claim is not among the "
        "audiences the endpoint accepts (as the service's message lists them, or as the "
        "service tables state for the host and route). Without the claims, the requested "
        "scope or the client's default scope is compared instead, with lower confidence."
    ),
    remedy=(
        "Request the token for the endpoint's audience: credential_scopes=[...] for "
        "azure-core clients, get_bearer_token_provider(credential, scope) for openai."
    ),
    example=(
        "ChatCompletionsClient(endpoint='https://myres.services.ai.azure.com/models', "
        "credential=DefaultAzureCredential()) requests https://ml.azure.com/.default by default "
        "-> 401."
    ),
    detect=detect,
    claims=claims(401, 403, meanings=(Meaning.TOKEN_REJECTED, Meaning.AUDIENCE_REJECTED)),
    docs_url=(
        "https://learn.microsoft.com/azure/ai-foundry/foundry-models/how-to/configure-entra-id"
    ),
    static=static,
)
