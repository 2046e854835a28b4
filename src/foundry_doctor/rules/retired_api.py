"""FD401 retired-api: the call used a retired API, SDK or endpoint (the Model Inference API and
the azure-ai-inference SDK, the Assistants API, GitHub Models on Azure, On Your Data, DALL-E 2's
route); the dates are in :mod:`foundry_doctor.knowledge.retirements`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.facts.redaction import ours
from foundry_doctor.knowledge.clients import client_spec, expected_endpoint
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_line
from foundry_doctor.rules.meaning import Meaning

if TYPE_CHECKING:
    from foundry_doctor.knowledge.retirements import SurfaceRetirement


def retired_surfaces(ctx: RuleContext) -> list[SurfaceRetirement]:
    """The retired surfaces this call used: its operation's, its route's, its host's and its
    client SDK's."""
    found: list[SurfaceRetirement] = []
    keys: list[str] = []
    match = ctx.match
    if match is not None and match.operation is not None and match.operation.retired:
        keys.append(match.operation.retired)
    surface = ctx.surface
    if surface is not None and surface.retired:
        keys.append(surface.retired)
    if ctx.site is not None and ctx.site.host_family.retired:
        keys.append(ctx.site.host_family.retired)
    if ctx.client == "azure-ai-inference":
        keys.append("azure-ai-inference")
    if not keys:
        return found
    from foundry_doctor.knowledge.retirements import retirement  # loaded when first needed

    for key in dict.fromkeys(keys):
        found.append(retirement(key))
    return found


def _route_retired(ctx: RuleContext, gone: list[SurfaceRetirement]) -> bool:
    return any(item.key != "azure-ai-inference" for item in gone)


def _host_gone(ctx: RuleContext, past: list[SurfaceRetirement]) -> bool:
    """The whole service behind this host is retired (not one route of a live host)."""
    if ctx.site is None or not ctx.site.host_family.retired:
        return False
    return any(item.key == ctx.site.host_family.retired for item in past)


def _client_error(ctx: RuleContext) -> bool:
    return ctx.status is None or 400 <= ctx.status < 500


def detect(ctx: RuleContext) -> Finding | None:
    gone = retired_surfaces(ctx)
    if not gone:
        return None
    past = [item for item in gone if ctx.now >= item.effective_at()]
    stated = ctx.says(Meaning.RETIRED)
    quiet = ctx.status in (None, 404, 410) and ctx.only_not_found
    if stated:
        tier = Tier.CERTAIN
    elif past and _route_retired(ctx, past) and quiet:
        tier = Tier.LIKELY
    elif _host_gone(ctx, past) and _client_error(ctx):
        # a retired service answers nothing: whatever 4xx its host still sends, the
        # retirement is the cause (retirements.md section 1; a cause the service names
        # outright is kept by the engine's arbitration)
        tier = Tier.LIKELY
    else:
        tier = Tier.NOTE
    return _finding(ctx, gone, tier, retired=bool(past) or stated)


def static(ctx: RuleContext) -> Finding | None:
    """A configuration that uses a retired surface at all."""
    gone = retired_surfaces(ctx)
    if not gone:
        return None
    past = any(ctx.now >= item.effective_at() for item in gone)
    return _finding(ctx, gone, Tier.STRONG if past else Tier.NOTE, retired=past)


def _finding(
    ctx: RuleContext, gone: list[SurfaceRetirement], tier: Tier, *, retired: bool
) -> Finding:
    return RULE.finding(
        _explanation(tuple(gone), retired),
        tier=tier,
        evidence=tuple(_evidence(item) for item in gone),
        fix=_fix(ctx, gone),
        actions=[actions.migrate(item.key) for item in gone],
    )


#: the explanation for each set of retired surfaces: made of the retirement table alone (ours)
_EXPLANATIONS: dict[tuple[tuple[str, ...], bool], str] = {}


def _explanation(gone: tuple[SurfaceRetirement, ...], retired: bool) -> str:
    key = (tuple(item.key for item in gone), retired)
    explanation = _EXPLANATIONS.get(key)
    if explanation is not None:
        return explanation
    if retired:
        told = " and ".join(f"{item.what}, retired {item.when()}" for item in gone)
        explanation = (
            f"This call used {told}. Retired surfaces stop answering (or answer 404) and get "
            f"no fixes; move to {gone[0].replacement}."
        )
    else:
        names = " and ".join(item.what for item in gone)
        explanation = (
            f"This call used {names}, which is deprecated and retires on "
            f"{max(item.effective for item in gone)}. Plan the move to {gone[0].replacement}."
        )
    explanation = _EXPLANATIONS[key] = ours(explanation)
    return explanation


#: the evidence naming each retired surface: made of the retirement table alone, so made once
_EVIDENCE: dict[str, Evidence] = {}


def _evidence(item: SurfaceRetirement) -> Evidence:
    found = _EVIDENCE.get(item.key)
    if found is None:
        found = Evidence("retired", item.what.split(" (")[0], expected=item.replacement)
        _EVIDENCE[item.key] = found
    return found


def _fix(ctx: RuleContext, gone: list[SurfaceRetirement]) -> list[str]:
    keys = {item.key for item in gone}
    if keys & {"models-api", "azure-ai-inference", "github-models", "dall-e-2"}:
        spec = client_spec("openai.OpenAI")
        endpoint = expected_endpoint(spec, ctx.resource, ctx.cloud)
        model = ctx.model or "<deployment name>"
        lines = [
            client_line(ctx, spec=spec, endpoint=endpoint, auth="key")
            + f' and model="{model}" in client.chat.completions.create(...)',
            "for Entra ID: " + client_line(ctx, spec=spec, endpoint=endpoint, auth="token"),
        ]
        if "github-models" in keys:
            lines.insert(0, "deploy the model on a Foundry resource and call its v1 endpoint")
        return lines
    if "assistants-api" in keys:
        return [
            'move to Foundry Agents: AIProjectClient(endpoint="https://<resource>.services.ai.'
            'azure.com/api/projects/<project>", credential=DefaultAzureCredential()) and its '
            "agents and Responses API",
        ]
    return [f"move to {gone[0].replacement}"]


RULE = Rule(
    code="FD401",
    slug="retired-api",
    title="The call used a retired API",
    meaning=(
        "Microsoft retired several surfaces: the Azure AI Model Inference API "
        "(https://<resource>.services.ai.azure.com/models/...) on 2026-08-26, the "
        "azure-ai-inference SDK built on it in 2026 (dates given as 2026-05-30 and 2026-08-26), "
        "the Azure OpenAI Assistants API on 2026-08-26, GitHub Models' Azure endpoint "
        "(retired with GitHub Models on 2026-07-30), On Your Data on 2026-10-14. The OpenAI v1 "
        "API on the same resource serves the same deployments, OpenAI and other models alike."
    ),
    detection=(
        "A request to a retired route or operation, a retired host, or from the retired SDK: "
        "the main cause when the service says the API is retired, a retired route gets a "
        "bare 404 after its date, or a host whose whole service is retired answers any 4xx "
        "after its date; otherwise a note next to the real cause."
    ),
    remedy=(
        "Use the OpenAI class with base_url=https://<resource>.openai.azure.com/openai/v1/ and "
        "model=<deployment name>; Foundry Agents in place of the Assistants API."
    ),
    example=(
        "POST https://myres.services.ai.azure.com/models/chat/completions"
        "?api-version=2024-05-01-preview after 2026-08-26 -> 404."
    ),
    detect=detect,
    claims=claims(400, 401, 403, 404, 410, meanings=(Meaning.RETIRED, Meaning.RESOURCE_NOT_FOUND)),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle",
    static=static,
)
