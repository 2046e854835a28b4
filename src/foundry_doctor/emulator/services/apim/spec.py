"""API Management, stated as data: where the subscription key is read by default, the host
suffix of the gateways, and the texts of its 401s.

Sources: ``../shared/knowledge/routes.md`` §1 (API Management row: subscription key by header
``Ocp-Apim-Subscription-Key`` or query ``subscription-key``, names configurable per API; path
prefix = the API suffix; backend credential from a named value or a managed identity);
``wire.md`` A.2 ("Missing auth entirely": the two missing-key texts, the ``statusCode`` shape);
the public cases ``continue4601`` and ``codex3048`` (verbatim bodies, spaces inside the braces;
reason phrase ``Access Denied``). The invalid-key text is API Management's as quoted in
MicrosoftDocs/azure-docs#54790 and felixrieseberg/project-oxford#24 (not in the knowledge base).
"""

from __future__ import annotations

__all__ = [
    "ACCESS_DENIED_REASON",
    "GATEWAY_SUFFIX",
    "INVALID_KEY_TEXT",
    "MISSING_CREDENTIALS_TEXT",
    "MISSING_KEY_TEXT",
    "NOT_FOUND_TEXT",
    "SUBSCRIPTION_KEY_HEADER",
    "SUBSCRIPTION_KEY_QUERY",
]

#: ``<name>.azure-api.net``: the default host of a gateway
GATEWAY_SUFFIX = ".azure-api.net"
#: where a subscription key is read by default
SUBSCRIPTION_KEY_HEADER = "Ocp-Apim-Subscription-Key"
SUBSCRIPTION_KEY_QUERY = "subscription-key"

#: the reason phrase of the gateway's 401 (continue4601)
ACCESS_DENIED_REASON = "Access Denied"

MISSING_KEY_TEXT = (
    "Access denied due to missing subscription key. Make sure to include subscription key when "
    "making requests to an API."
)
#: when the API also takes an application (OAuth) token
MISSING_CREDENTIALS_TEXT = (
    "Access denied due to a missing application credentials or subscription key. Make sure to "
    "include an application token or a subscription key when making requests to the API."
)
INVALID_KEY_TEXT = (
    "Access denied due to invalid subscription key. Make sure to provide a valid key for an "
    "active subscription."
)
#: no API of the gateway has the request's path as its suffix (the emulator's choice of
#: text; API Management's own 404 is not quoted in the sources)
NOT_FOUND_TEXT = "Resource not found"
