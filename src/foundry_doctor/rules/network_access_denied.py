"""FD301 network-access-denied: the resource's network rules (or something in the network path)
turned the caller away before any credential was looked at."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Evidence, Finding, Tier
from foundry_doctor.rules import actions
from foundry_doctor.rules.base import Rule, claims
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning


def _html_page(ctx: RuleContext) -> bool:
    """A 403 whose body is an HTML page: the services answer errors in JSON, so a page came
    from a proxy, firewall or front door in the path."""
    text = ctx.body.text
    return ctx.body.shape == "text" and ("<html" in text or "<!doctype html" in text)


def _says_forbidden(text: str) -> bool:
    return "403" in text or "forbidden" in text or "access denied" in text


def detect(ctx: RuleContext) -> Finding | None:
    headers = ctx.facts.headers if ctx.facts.headers else {}
    policy = headers.get("policy-id", "")
    by_header = isinstance(policy, str) and "trafficdenied" in policy.lower()
    stated = ctx.says(Meaning.NETWORK_DENIED)
    # with no status known, the page itself must say it is a refusal (a 404 page is not)
    page = _html_page(ctx) and (
        ctx.status == 403 or (ctx.status is None and _says_forbidden(ctx.body.text))
    )
    if not (stated or by_header or page):
        return None
    resource = ctx.resource or "<resource>"
    text = ctx.body.text
    private_only = "private endpoint" in text or "public access is disabled" in text
    explanation = (
        "The resource's networking settings refused the connection before any credential was "
        "looked at: "
    )
    fix = [
        f"see the rules: az cognitiveservices account show --name {resource} "
        '--resource-group <resource-group> --query "{public:properties.publicNetworkAccess, '
        'acls:properties.networkAcls}"',
    ]
    if page and not stated:
        explanation = (
            "The 403 came as an HTML page, not as the service's JSON error: something in the "
            "network path (a firewall, a corporate proxy, the front door of a hub's workspace) "
            "turned the call away before it reached the service. The resource's network rules "
            "are the usual cause."
        )
        fix.append(
            "call from a network the resource allows (a VPN or the virtual network with its "
            "private endpoint), or allow that network on the resource"
        )
    elif private_only:
        explanation += (
            "public network access is disabled, so only calls through a private endpoint get "
            "in. An IP rule cannot help while public access is off."
        )
        fix += [
            "call through the private endpoint from inside its virtual network: the resource's "
            "host name must resolve to the private address there",
            "a system or corporate proxy can still send the call to the public address: bypass "
            f"the proxy for {ctx.site.host if ctx.site is not None else '<resource host>'} "
            "(NO_PROXY)",
        ]
    else:
        explanation += (
            "it accepts only selected networks (virtual networks or IP ranges), and this "
            "caller is not in them."
        )
        fix += [
            "call from inside an allowed virtual network, or through the private endpoint",
            f"or allow this caller's IP: az cognitiveservices account network-rule add --name "
            f"{resource} --resource-group <resource-group> --ip-address <your public IP>",
        ]
    explanation += " This is not an identity or key problem; fixing credentials will not help."
    tier = Tier.CERTAIN if stated else (Tier.STRONG if by_header else Tier.LIKELY)
    return RULE.finding(
        explanation,
        tier=tier,
        evidence=(
            Evidence("policy-id header", policy) if by_header else None,
            Evidence("response", "an HTML page, not the service's JSON") if page else None,
            ctx.message_evidence() if not page else None,
        ),
        fix=fix,
        actions=(actions.NETWORK,),
    )


RULE = Rule(
    code="FD301",
    slug="network-access-denied",
    title="The resource's network rules refused the call",
    meaning=(
        "A resource can disable public network access (private endpoints only) or allow only "
        "selected virtual networks and IP ranges. Calls from anywhere else get 403 whatever "
        "their credentials; so do calls a proxy sends to the public address of a resource "
        "reached through a private endpoint."
    ),
    detection=(
        "A 403 whose message mentions virtual networks, firewall rules, private endpoints or "
        "disabled public access, a 'policy-id' header naming denied traffic, or a 403 that is an "
        "HTML page from something in the network path rather than the service's JSON (with no "
        "status known, a page that itself says 403 or forbidden)."
    ),
    remedy=(
        "Call from an allowed network or through the private endpoint (bypassing proxies); "
        "with selected networks, add the caller's IP or network to the resource's rules."
    ),
    example=(
        "A laptop calls a resource whose networking is 'Selected networks' -> 403 'Access "
        "denied due to Virtual Network/Firewall rules.'"
    ),
    detect=detect,
    claims=claims(401, 403, meanings=(Meaning.NETWORK_DENIED,)),
    docs_url="https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks",
)
