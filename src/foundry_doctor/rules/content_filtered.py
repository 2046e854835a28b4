"""FD303 content-filtered: the content filter refused the prompt or the completion; this is the
content policy, not access."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    if not ctx.says(Meaning.CONTENT_FILTERED):
        return None
    return RULE.finding(
        "The content filter refused the request: the prompt (or the completion) was judged to "
        "fall under one of the filtered categories. This is the resource's content policy at "
        "work, not an access problem - the credential, the endpoint and the deployment were "
        "all accepted.",
        tier=Tier.CERTAIN,
        evidence=(ctx.message_evidence(),),
        fix=(
            "rephrase the prompt; the error's inner details name the category that was hit",
            "if the filtering is wrong for your use, adjust the deployment's content filter "
            "configuration (or request modified filtering) in the Foundry portal",
        ),
        actions=(actions.CONTENT,),
    )


RULE = Rule(
    code="FD303",
    slug="content-filtered",
    title="The content filter refused the request (content policy, not access)",
    meaning=(
        "Azure OpenAI and Foundry run prompts and completions through a content filter; a "
        "prompt that trips it gets a 400 with code content_filter (or "
        "ResponsibleAIPolicyViolation). Authentication and authorisation worked."
    ),
    detection=(
        "A 400 whose code is content_filter / ResponsibleAIPolicyViolation, or whose message "
        "says the response was filtered under the content management policy."
    ),
    remedy="Rephrase the prompt, or adjust the deployment's content filter configuration.",
    example=(
        "A prompt that trips the violence filter -> 400 content_filter 'The response was "
        "filtered due to the prompt triggering Azure OpenAI's content management policy.'"
    ),
    detect=detect,
    claims=claims(400, meanings=(Meaning.CONTENT_FILTERED,)),
    docs_url="https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter",
)
