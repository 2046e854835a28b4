"""FD000 unknown: no rule recognised the cause; what to check instead, for *this* situation.

The checklist depends on what is known: a credential that failed before any request (no HTTP
status at all), a host that is not an Azure AI host (nothing Azure-specific to say), or an
Azure host and the response's status.
"""

from __future__ import annotations

from collections.abc import Mapping

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.facts.credential_failure import CredentialFailure
from foundry_doctor.facts.redaction import safe_url
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning

#: stands for the role advice, which names roles from the roles table when it is shown
_ROLES = "<roles>"
_CHECKLISTS: Mapping[int | None, tuple[str, ...]] = {
    401: (
        "which credential went out: a key belongs in the 'api-key' header, an Entra ID token "
        "in 'Authorization: Bearer <token>'",
        "for Entra ID: a token for https://ai.azure.com/.default (what Microsoft recommends; "
        "project endpoints take nothing else) or https://cognitiveservices.azure.com/.default "
        "(still taken on resource endpoints), not expired, from the resource's tenant",
        _ROLES,
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
        "https://<resource>.openai.azure.com; OpenAI class: .../openai/v1/; AIProjectClient: "
        "https://<resource>.services.ai.azure.com/api/projects/<project>)",
        "the deployment name exists on this resource (az cognitiveservices account deployment "
        "list)",
        "the deployment's model version is not retired (az cognitiveservices account "
        "deployment show ... --query properties.model)",
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
_CREDENTIAL_CHECKLIST = (
    "the scope names one resource and ends in /.default: https://ai.azure.com/.default or "
    "https://cognitiveservices.azure.com/.default (project endpoints: only the first)",
    "the tenant, client id and secret (or certificate) the credential was given belong to one "
    "app registration in the resource's tenant",
    "a developer sign-in is current: az login (or azd auth login), with --tenant when the "
    "account belongs to several tenants",
    "a managed identity is enabled for the host and, if user-assigned, named by its client id",
)
_OFF_AZURE = (
    "the credential this server expects, in the header it reads",
    "the model or route names this server serves",
)


def _roles() -> str:
    from foundry_doctor.knowledge.roles import COGNITIVE_SERVICES_OPENAI_USER, FOUNDRY_USER

    return (
        f"the identity holds a data-plane role on the resource: {FOUNDRY_USER.label} "
        f"({FOUNDRY_USER.id}), or {COGNITIVE_SERVICES_OPENAI_USER.name} "
        f"({COGNITIVE_SERVICES_OPENAI_USER.id}) for OpenAI models only; Owner, Contributor "
        "and Foundry Account Owner grant no data-plane access"
    )


def _missing(ctx: RuleContext) -> list[str]:
    missing: list[str] = []
    if ctx.status is None and ctx.credential_failure is None:
        missing.append("the HTTP status")
    if ctx.body.is_empty and ctx.credential_failure is None:
        missing.append("the response body")
    if ctx.request is None and ctx.credential_failure is None:
        missing.append("the request URL")
    if not ctx.auth_known and ctx.credential_failure is None:
        missing.append("which auth headers were sent (Authorization and/or api-key)")
    elif ctx.bearer == "jwt" and ctx.claims is None:
        missing.append("the token's claims (aud, exp, tid)")
    if ctx.facts.client is None:
        missing.append("the client library and how it was constructed")
    return missing


def explain(ctx: RuleContext) -> Finding:
    """The fallback finding; always produced, never ``None``."""
    failure = ctx.credential_failure
    if failure is not None:
        return _credential_failed(ctx, failure)
    status = ctx.status
    what = f"{status} response" if status is not None else "failure"
    explanation = f"No known cause matches this {what}."
    fix: tuple[str, ...]
    if ctx.host_kind == "other" and ctx.site is not None:
        explanation += (
            f" The call went to {ctx.site.host}, which is not an Azure AI endpoint, so nothing "
            "Azure-specific applies; check what that server expects."
        )
        fix = _OFF_AZURE
    else:
        explanation += " The checklist below covers the usual causes for it."
        fix = tuple(_roles() if step == _ROLES else step for step in _CHECKLISTS.get(status, ()))
        fix += _GENERIC
    if ctx.says(Meaning.GATEWAY_KEY_MISSING):
        explanation += (
            " The message comes from a gateway that wants its own subscription key; ask its "
            "owners which header it expects."
        )
    service_side = ctx.says(Meaning.BACKEND_AUTH_FAILED, Meaning.RESOURCE_BLOCKED)
    if service_side:
        fix = (
            "retry later; the caller's credential and endpoint are not what failed",
            "open a support request for the resource if it persists (quote the request id)",
        )
    if ctx.says(Meaning.BACKEND_AUTH_FAILED):
        explanation += (
            " The service says it could not authenticate to its own backend: that happens "
            "behind the endpoint, not with the caller's credential; retry, and open a support "
            "request if it persists."
        )
    if ctx.says(Meaning.RESOURCE_BLOCKED):
        explanation += (
            " The resource itself is blocked (suspended under the abuse policy): every request "
            "fails until a support request is resolved."
        )
    return RULE.finding(
        explanation,
        tier=Tier.NOTE,
        evidence=(
            Evidence("status", str(status)) if status is not None else None,
            Evidence("request URL", safe_url(ctx.request.url)) if ctx.request else None,
            ctx.message_evidence(),
        ),
        fix=fix,
        missing_facts=_missing(ctx),
    )


def _credential_failed(ctx: RuleContext, failure: CredentialFailure) -> Finding:
    from foundry_doctor.rules.token_request import attempt_evidence

    who = failure.credential_class or "the credential"
    codes = ", ".join(f"AADSTS{code}" for code in failure.aadsts)
    explanation = (
        f"No request reached the service: {who} could not get a token"
        + (f" ({codes})" if codes else "")
        + ". There is no HTTP status to go by; the credential's own message is the evidence."
    )
    attempt = ctx.token
    return RULE.finding(
        explanation,
        tier=Tier.NOTE,
        evidence=attempt_evidence(ctx, attempt) if attempt is not None else (),
        fix=_CREDENTIAL_CHECKLIST,
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
        "what most often causes a failure like this one - for a credential that could not get a "
        "token, for a host that is not Azure, or for the response's status - and which missing "
        "facts would narrow it down."
    ),
    detection="Chosen when no other rule produces a finding that could be the main cause.",
    remedy="Work through the checklist; add the missing facts and run again.",
    example=(
        "401 from a corporate API gateway asking for its own subscription key, with the "
        "service's credential present."
    ),
    detect=detect,
    claims=claims(before_request=True),
    azure_only=False,
    docs_url=(
        "https://learn.microsoft.com/azure/ai-foundry/foundry-models/how-to/configure-entra-id"
    ),
)
