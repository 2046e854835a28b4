"""FD301 network-access-denied: the resource's network rules turned the caller away."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding
from foundry_doctor.rules.base import CERTAIN, STRONG, Rule
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning


def detect(ctx: RuleContext) -> Finding | None:
    if ctx.status not in (401, 403):
        return None
    policy = ctx.facts.headers.get("policy-id", "") if ctx.facts.headers else ""
    by_header = isinstance(policy, str) and "trafficdenied" in policy.lower()
    if not (ctx.says(Meaning.NETWORK_DENIED) or by_header):
        return None
    resource = ctx.resource or "<resource>"
    text = ctx.body.text
    private_only = "private endpoint" in text or "public access is disabled" in text
    explanation = (
        "The resource's networking settings refused the connection before any credential was "
        "looked at: "
    )
    if private_only:
        explanation += (
            "public network access is disabled, so only calls through a private endpoint get in."
        )
    else:
        explanation += (
            "it accepts only selected networks (virtual networks or IP ranges), and this "
            "caller is not in them."
        )
    explanation += " This is not an identity or key problem; fixing credentials will not help."
    return RULE.finding(
        explanation,
        score=CERTAIN if ctx.says(Meaning.NETWORK_DENIED) else STRONG,
        evidence=(
            Evidence("policy-id header", policy) if by_header else None,
            ctx.message_evidence(),
        ),
        fix=(
            f"see the rules: az cognitiveservices account show --name {resource} "
            '--resource-group <resource-group> --query "{public:properties.publicNetworkAccess, '
            'acls:properties.networkAcls}"',
            "call from inside the allowed virtual network, through the private endpoint (its "
            "DNS name must resolve to the private address)",
            f"or allow this caller's IP: az cognitiveservices account network-rule add --name "
            f"{resource} --resource-group <resource-group> --ip-address <your public IP>",
        ),
    )


RULE = Rule(
    code="FD301",
    slug="network-access-denied",
    title="The resource's network rules refused the call",
    meaning=(
        "A resource can disable public network access (private endpoints only) or allow only "
        "selected virtual networks and IP ranges. Calls from anywhere else get 403 whatever "
        "their credentials."
    ),
    detection=(
        "A 403 whose message mentions virtual networks, firewall rules, private endpoints or "
        "disabled public access, or a 'policy-id' header naming denied traffic."
    ),
    remedy=(
        "Call from an allowed network or through the private endpoint, or add the caller's "
        "IP/network to the resource's network rules."
    ),
    example=(
        "A laptop calls a resource whose networking is 'Selected networks' -> 403 'Access "
        "denied due to Virtual Network/Firewall rules.'"
    ),
    detect=detect,
    docs_url="https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks",
)
