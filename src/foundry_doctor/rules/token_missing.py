"""FD100 token-missing: the request carried no credential at all."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.facts.endpoints import cognitive_audience
from foundry_doctor.rules.base import STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import scope_of, token_client_line
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status != 401 or not ctx.sent_nothing:
        return None
    if ctx.names_other_cause(Meaning.KEY_REJECTED) or ctx.says(Meaning.PERMISSION_DENIED):
        return None
    audiences = ctx.accepted_audiences()
    scope = scope_of(audiences[0] if audiences else cognitive_audience("public"))
    configured = ctx.credential
    if configured in ("api-key", "token"):
        what = "an API key" if configured == "api-key" else "an Entra ID token credential"
        explanation = (
            f"The client was configured with {what}, but the request reached the service with "
            "neither an 'Authorization' nor an 'api-key' header: the credential never got "
            "attached. Usually the variable that should hold it was empty, or the library "
            "version drops it (see any sdk-outdated finding)."
        )
    else:
        explanation = (
            "The request reached the service with neither an 'Authorization: Bearer' nor an "
            "'api-key' header, so there was nothing to authenticate. The service's 401 lists "
            "several possible causes; with no credential sent, it is this one."
        )
    fix = [
        "for Entra ID: " + token_client_line(ctx, scope),
        "for a key: send it in the 'api-key' header (AzureOpenAI(api_key=...), "
        "AzureKeyCredential(...) for azure-ai-inference); keys are under the resource's "
        "'Keys and Endpoint' page",
    ]
    if ctx.family == "openai-platform":
        fix = ["api.openai.com takes its key as 'Authorization: Bearer <key>'"]
    if configured in ("api-key", "token"):
        fix.insert(0, "check that the variable holding the credential is set where the app runs")
    return RULE.finding(
        explanation,
        score=STRONG,
        evidence=(
            Evidence("Authorization header", "absent"),
            Evidence("api-key header", "absent"),
            Evidence("credential configured", configured) if configured else None,
            ctx.message_evidence(),
        ),
        fix=fix,
    )


RULE = Rule(
    code="FD100",
    slug="token-missing",
    title="The request carried no credential",
    meaning=(
        "Neither an Entra ID bearer token nor an API key reached the service. The 401 that "
        "comes back mentions a missing, invalid, expired or wrong-audience token all at once; "
        "here the first one applies."
    ),
    detection=(
        "A 401 whose request had no 'Authorization' header and no 'api-key' header (the "
        "request headers must have been observed; a pasted message alone cannot show it)."
    ),
    remedy=(
        "Attach a credential: a token provider for the endpoint's audience "
        "(https://cognitiveservices.azure.com/.default for Azure OpenAI and Foundry models, "
        "https://ai.azure.com/.default for project endpoints), or the resource's key in the "
        "'api-key' header. When the client was given one, find where it got lost."
    ),
    example=(
        "requests.post('https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/"
        "completions?api-version=2024-10-21', json=...) without headers -> 401."
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/how-to/managed-identity",
)
