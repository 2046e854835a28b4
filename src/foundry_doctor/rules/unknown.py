"""FD000 unknown: no rule recognised the cause; the checklist for the status instead."""

from __future__ import annotations

from collections.abc import Mapping

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.rules.base import Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning

_CHECKLISTS: Mapping[int | None, tuple[str, ...]] = {
    401: (
        "which credential went out: a key belongs in the 'api-key' header, an Entra ID token "
        "in 'Authorization: Bearer <token>'",
        "for Entra ID: a token for https://cognitiveservices.azure.com/.default "
        "(https://ai.azure.com/.default for project endpoints), not expired, from the "
        "resource's tenant",
        "the identity holds 'Cognitive Services User' ('Azure AI User' for project endpoints) "
        "on the resource; Owner/Contributor are not enough",
        "for a key: the current key of the resource behind this exact endpoint",
        "a gateway in front (API Management, a corporate proxy) may want its own key, e.g. "
        "'Ocp-Apim-Subscription-Key', besides the service's credential",
    ),
    403: (
        "the resource may refuse keys (disableLocalAuth): use Entra ID",
        "its network rules may exclude this caller (selected networks, private endpoint only)",
        "the identity may lack a data-plane role on the resource",
    ),
    404: (
        "the endpoint has the shape this client expects (AzureOpenAI: "
        "https://<resource>.openai.azure.com; OpenAI class: .../openai/v1/; azure-ai-inference: "
        "https://<resource>.services.ai.azure.com/models)",
        "the deployment name exists on this resource (az cognitiveservices account deployment "
        "list)",
        "the api-version is one the route serves (2024-10-21 on the deployment route, none on "
        "/openai/v1/)",
        "the path has no doubled or missing segments",
    ),
    400: (
        "the api-version suits the route and the model",
        "the token comes from the resource's tenant",
        "Entra ID is used against the resource's own host name, not a regional endpoint",
        "the model / deployment name is set",
    ),
}
_GENERIC = ("the endpoint, the credential and the deployment name all belong to the same resource",)


def _missing(ctx: RuleContext) -> list[str]:
    missing: list[str] = []
    if ctx.status is None:
        missing.append("the HTTP status")
    if ctx.body.is_empty:
        missing.append("the response body")
    if ctx.request is None:
        missing.append("the request URL")
    if not ctx.auth_known:
        missing.append("which auth headers were sent (Authorization and/or api-key)")
    elif ctx.bearer == "jwt" and ctx.claims is None:
        missing.append("the token's claims (aud, exp, tid)")
    if ctx.facts.client is None:
        missing.append("the client library and how it was constructed")
    return missing


def explain(ctx: RuleContext) -> Finding:
    """The fallback finding; always produced, never ``None``."""
    status = ctx.status
    explanation = (
        f"No known cause matches this {status if status is not None else 'failed'} response. "
        "The checklist below covers the usual causes for it."
    )
    if ctx.says(Meaning.GATEWAY_KEY_MISSING):
        explanation += (
            " The message comes from a gateway that wants its own subscription key; ask its "
            "owners which header it expects."
        )
    return RULE.finding(
        explanation,
        score=0,
        evidence=(
            Evidence("status", str(status)) if status is not None else None,
            Evidence("request URL", safe_url(ctx.request.raw)) if ctx.request else None,
            ctx.message_evidence(),
        ),
        fix=(*_CHECKLISTS.get(status, ()), *_GENERIC),
        missing_facts=_missing(ctx),
    )


def detect(ctx: RuleContext) -> Finding | None:
    return explain(ctx)


RULE = Rule(
    code="FD000",
    slug="unknown",
    title="No known cause matches; check the usual suspects",
    meaning=(
        "The facts fit none of the known causes. Rather than stay silent, the diagnosis lists "
        "what most often causes a failure with this status, and which missing facts would "
        "narrow it down."
    ),
    detection="Chosen when no other rule produces a finding that could be the main cause.",
    remedy="Work through the checklist for the status; add the missing facts and run again.",
    example=(
        "401 from a corporate API gateway asking for its own subscription key, with the "
        "service's credential present."
    ),
    detect=detect,
    docs_url=(
        "https://learn.microsoft.com/azure/ai-foundry/foundry-models/how-to/configure-entra-id"
    ),
)
