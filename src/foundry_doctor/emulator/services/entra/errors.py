"""Entra ID's error answers, one class per AADSTS code, all rendered by :class:`EntraError`.

The body is the OAuth error Entra ID sends (``../shared/knowledge/entra.md`` §6)::

    {"error":"invalid_client","error_description":"AADSTS7000215: ... Trace ID: <guid>
     Correlation ID: <guid> Timestamp: 2026-01-02 03:04:05Z","error_codes":[7000215],
     "timestamp":"2026-01-02 03:04:05Z","trace_id":"<guid>","correlation_id":"<guid>",
     "error_uri":"https://login.microsoftonline.com/error?code=7000215"}

with the recent single-space tail after the text, ``correlation_id`` echoing the client's
``client-request-id`` when it sent one, and the status fixed by the ``error`` field
(``invalid_client`` 401, every other 400: :func:`~.spec.status_of`). Each description below is
Entra's own text, copied from the public report named next to it; where Entra sends no
``error_uri`` in those reports the class says so.
"""

from __future__ import annotations

import time
import uuid
from typing import ClassVar

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.services.entra.spec import (
    JSON_CONTENT_TYPE,
    NO_CACHE_HEADERS,
    status_of,
)
from foundry_doctor.emulator.wire.messages import compact_json

__all__ = [
    "ApplicationNotFound",
    "AssertionOutOfTime",
    "AssertionSignatureInvalid",
    "CertificateNotRegistered",
    "ConditionalAccessBlocked",
    "EndpointNotFound",
    "EntraError",
    "ExpiredClientSecret",
    "FederatedAudienceMismatch",
    "FederatedIssuerMismatch",
    "FederatedSubjectCaseMismatch",
    "FederatedSubjectMismatch",
    "InvalidClientSecret",
    "InvalidInstance",
    "InvalidScope",
    "MalformedAssertion",
    "MissingClientCredential",
    "MissingParameter",
    "MultipleResources",
    "ResourcePrincipalNotFound",
    "ScopeNeedsDefault",
    "TenantNotFound",
    "UnsupportedGrant",
    "entra_time",
]

_FEDERATION_DOCS_OLD = (
    "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation"
)
_FEDERATION_DOCS = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"


def entra_time(moment: float) -> str:
    """``2026-01-02 03:04:05Z``: how Entra writes its timestamps."""
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(moment))


def _iso_time(moment: float) -> str:
    """``2026-01-02T03:04:05.0000000Z``: how AADSTS700024 writes the times it compares."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + ".0000000Z"


class EntraError(ServiceError):
    """An OAuth error of the token service. Subclasses set :attr:`error`, :attr:`code` and
    implement :meth:`text` (the AADSTS sentence); the handler calls :meth:`bind` with the
    request's context before :meth:`reply` renders it."""

    #: the OAuth ``error`` (it fixes the status)
    error: str = "invalid_request"
    #: the AADSTS code
    code: int = 0
    #: whether Entra adds ``error_uri`` (it does when its lookup page knows the code)
    has_error_uri: ClassVar[bool] = True
    content_type = JSON_CONTENT_TYPE

    def __init__(self, *, outcome: str | None = None) -> None:
        super().__init__(outcome=outcome)
        self.status = status_of(self.error)
        self._host = "login.microsoftonline.com"
        self._correlation_id = str(uuid.uuid4())
        self._trace_id = str(uuid.uuid4())
        self._moment = time.time()

    def text(self) -> str:
        raise NotImplementedError

    def bind(self, *, host: str, correlation_id: str | None, moment: float) -> EntraError:
        """Fix the request's context: the authority host, the client's correlation id, the
        time. Returns ``self``."""
        self._host = host
        if correlation_id:
            self._correlation_id = correlation_id
        self._moment = moment
        return self

    def headers(self) -> tuple[tuple[str, str], ...]:
        return NO_CACHE_HEADERS

    def error_code(self) -> str | None:
        return f"AADSTS{self.code}" if self.code else self.error

    def body(self) -> str:
        stamp = entra_time(self._moment)
        description = (
            f"{self.text()} Trace ID: {self._trace_id} Correlation ID: {self._correlation_id} "
            f"Timestamp: {stamp}"
        )
        fields: dict[str, object] = {
            "error": self.error,
            "error_description": description,
            "error_codes": [self.code] if self.code else [],
            "timestamp": stamp,
            "trace_id": self._trace_id,
            "correlation_id": self._correlation_id,
        }
        if self.has_error_uri and self.code:
            fields["error_uri"] = f"https://{self._host}/error?code={self.code}"
        return compact_json(fields)


# --- the tenant and the endpoint ------------------------------------------------------------------


class TenantNotFound(EntraError):
    """AADSTS90002 (Azure/azure-cli#23130): ``invalid_tenant`` from discovery, ``invalid_request``
    from the token endpoint (microsoft/azure-tools-for-java#3900)."""

    code = 90002
    outcome = "tenant-not-found"

    def __init__(self, tenant: str, *, discovery: bool) -> None:
        super().__init__()
        self.tenant = tenant
        self.error = "invalid_tenant" if discovery else "invalid_request"
        self.status = status_of(self.error)

    def text(self) -> str:
        return (
            f"AADSTS90002: Tenant '{self.tenant}' not found. Check to make sure you have the "
            "correct tenant ID and are signing into the correct cloud. Check with your "
            "subscription administrator, this may happen if there are no active subscriptions "
            "for the tenant."
        )


class InvalidInstance(EntraError):
    """AADSTS50049: instance discovery for an authority host Entra does not know."""

    error = "invalid_instance"
    code = 50049
    outcome = "unknown-instance"

    def text(self) -> str:
        return "AADSTS50049: Unknown or invalid instance."


class EndpointNotFound(EntraError):
    """A path the token service does not serve (the emulator answers an empty 404)."""

    outcome = "path-not-found"
    content_type = "text/html; charset=utf-8"

    def __init__(self) -> None:
        super().__init__()
        self.status = 404

    def text(self) -> str:
        return ""

    def body(self) -> str:
        return ""

    def error_code(self) -> str | None:
        return None


class MissingParameter(EntraError):
    """AADSTS900144: a required form field is missing."""

    code = 900144
    outcome = "missing-parameter"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def text(self) -> str:
        return (
            f"AADSTS900144: The request body must contain the following parameter: '{self.name}'."
        )


class UnsupportedGrant(EntraError):
    """A grant the emulator does not serve (its own wording: it issues client-credential
    tokens only)."""

    error = "unsupported_grant_type"
    outcome = "unsupported-grant"

    def __init__(self, grant: str) -> None:
        super().__init__()
        self.grant = grant

    def text(self) -> str:
        return (
            f"The foundry-doctor emulator serves only grant_type=client_credentials, not "
            f"'{self.grant}'."
        )


# --- the client -----------------------------------------------------------------------------------


class ApplicationNotFound(EntraError):
    """AADSTS700016: no app with this client id in the tenant (donwa/oneindex#621,
    Azure-Samples/azure-health-data-and-ai-samples#100)."""

    error = "unauthorized_client"
    code = 700016
    outcome = "app-not-in-tenant"

    def __init__(self, client_id: str, tenant: str) -> None:
        super().__init__()
        self.client_id, self.tenant = client_id, tenant

    def text(self) -> str:
        return (
            f"AADSTS700016: Application with identifier '{self.client_id}' was not found in the "
            f"directory '{self.tenant}'. This can happen if the application has not been "
            "installed by the administrator of the tenant or consented to by any user in the "
            "tenant. You may have sent your authentication request to the wrong tenant."
        )


class MissingClientCredential(EntraError):
    """AADSTS7000218: neither a secret nor an assertion (microsoft/Agents-M365Copilot#254)."""

    error = "invalid_client"
    code = 7000218
    outcome = "no-client-credential"

    def text(self) -> str:
        return (
            "AADSTS7000218: The request body must contain the following parameter: "
            "'client_assertion' or 'client_secret'."
        )


class InvalidClientSecret(EntraError):
    """AADSTS7000215 (entra.md §6, Azure/sap-automation#418). The current text carries the
    secret-ID hint whatever was wrong; ``outcome`` tells a secret's ID from a wrong value."""

    error = "invalid_client"
    code = 7000215
    outcome = "client-secret-invalid"

    def __init__(self, client_id: str, *, outcome: str) -> None:
        super().__init__(outcome=outcome)
        self.client_id = client_id

    def text(self) -> str:
        return (
            "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the "
            "request is the client secret value, not the client secret ID, for a secret added to "
            f"app '{self.client_id}'."
        )


class ExpiredClientSecret(EntraError):
    """AADSTS7000222 (Budibase/budibase#15843, dotnet/sign#849)."""

    error = "invalid_client"
    code = 7000222
    outcome = "client-secret-expired"

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id

    def text(self) -> str:
        return (
            f"AADSTS7000222: The provided client secret keys for app '{self.client_id}' are "
            "expired. Visit the Azure portal to create new keys for your app: "
            "https://aka.ms/NewClientSecret, or consider using certificate credentials for added "
            "security: https://aka.ms/certCreds."
        )


class MalformedAssertion(EntraError):
    """AADSTS50027: the client assertion is not a JWT."""

    code = 50027
    outcome = "assertion-malformed"

    def text(self) -> str:
        return "AADSTS50027: JWT token is invalid or malformed."


class CertificateNotRegistered(EntraError):
    """AADSTS700027, key not found: the assertion names a certificate the app does not have
    (Azure/azure-sdk-for-net#29007)."""

    error = "invalid_client"
    code = 700027
    outcome = "certificate-not-registered"

    def __init__(self, client_id: str, thumbprint: str) -> None:
        super().__init__()
        self.client_id, self.thumbprint = client_id, thumbprint

    def text(self) -> str:
        return (
            "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was "
            f"not found., Thumbprint of key used by client: '{self.thumbprint}', Please visit the "
            "Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app "
            f"Id '{self.client_id}'. Review the documentation at "
            "https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding "
            "service endpoint and "
            "https://docs.microsoft.com/en-us/graph/api/application-get"
            "?view=graph-rest-1.0&tabs=http to build a query request URL, such as "
            f"'https://graph.microsoft.com/beta/applications/{self.client_id}']. Alternatively, "
            "SNI may be configured on the app. Please ensure that client assertion is being sent "
            "with the x5c claim in the JWT header using MSAL's WithSendX5C() method so that Azure "
            "Active Directory can validate the certificate being used."
        )


class AssertionSignatureInvalid(EntraError):
    """AADSTS700027, key found but the signature does not verify. The reason and key span are
    Entra's wording for this case (microsoft/msgraph-sdk-php#1585, under AADSTS50013 there)."""

    error = "invalid_client"
    code = 700027
    outcome = "assertion-signature-invalid"

    def __init__(self, thumbprint: str, not_before: float, not_after: float) -> None:
        super().__init__()
        self.thumbprint, self.not_before, self.not_after = thumbprint, not_before, not_after

    def text(self) -> str:
        start = time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(self.not_before))
        end = time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(min(self.not_after, 253402300799)))
        return (
            "AADSTS700027: Client assertion contains an invalid signature. [Reason - Key was "
            "found, but use of the key to verify the signature failed., Thumbprint of key used by "
            f"client: '{self.thumbprint}', Found key 'Start={start}, End={end}']"
        )


class AssertionOutOfTime(EntraError):
    """AADSTS700024 (AzureAD/microsoft-authentication-library-for-java#984)."""

    error = "invalid_client"
    code = 700024
    outcome = "assertion-expired"

    def __init__(self, now: float, not_before: float, expires: float) -> None:
        super().__init__()
        self.now, self.not_before, self.expires = now, not_before, expires

    def text(self) -> str:
        return (
            "AADSTS700024: Client assertion is not within its valid time range. Current time: "
            f"{_iso_time(self.now)}, assertion valid from {_iso_time(self.not_before)}, expiry "
            f"time of assertion {_iso_time(self.expires)}. Review the documentation at "
            "https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."
        )


class FederatedIssuerMismatch(EntraError):
    """AADSTS700211 (Azure/azure-workload-identity#1200; no ``error_uri`` there)."""

    error = "invalid_client"
    code = 700211
    has_error_uri = False
    outcome = "federated-issuer-mismatch"

    def __init__(self, issuer: str) -> None:
        super().__init__()
        self.issuer = issuer

    def text(self) -> str:
        return (
            "AADSTS700211: No matching federated identity record found for presented assertion "
            f"issuer '{self.issuer}'. Please check your federated identity credential Subject, "
            f"Audience and Issuer against the presented assertion. {_FEDERATION_DOCS_OLD}"
        )


class FederatedSubjectMismatch(EntraError):
    """AADSTS700213 (dotnet/maui#31978; no ``error_uri`` in the quoted bodies)."""

    error = "invalid_client"
    code = 700213
    has_error_uri = False
    outcome = "federated-subject-mismatch"

    def __init__(self, subject: str) -> None:
        super().__init__()
        self.subject = subject

    def text(self) -> str:
        return (
            "AADSTS700213: No matching federated identity record found for presented assertion "
            f"subject '{self.subject}'. Check your federated identity credential Subject, "
            f"Audience and Issuer against the presented assertion. {_FEDERATION_DOCS}"
        )


class FederatedSubjectCaseMismatch(EntraError):
    """AADSTS7002138: the subject matches only ignoring case (Azure/login#515)."""

    error = "invalid_client"
    code = 7002138
    has_error_uri = False
    outcome = "federated-subject-case-mismatch"

    def __init__(self, subject: str) -> None:
        super().__init__()
        self.subject = subject

    def text(self) -> str:
        return (
            "AADSTS7002138: No matching federated identity record found for presented assertion "
            f"subject '{self.subject}'. The subject matches with case-insensitive comparison, but "
            "not with case-sensitive comparison. Check your federated identity credential "
            "Subject, Audience and Issuer against the presented assertion. See documentation at: "
            f"{_FEDERATION_DOCS}. See breaking change notification and remediation at: "
            "https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes"
            "#august-2024."
        )


class FederatedAudienceMismatch(EntraError):
    """AADSTS70021, naming issuer, subject and audience (Azure/azure-workload-identity#616);
    the emulator answers it when issuer and subject match a record but the audience does not."""

    error = "invalid_request"
    code = 70021
    outcome = "federated-audience-mismatch"

    def __init__(self, issuer: str, subject: str, audience: str) -> None:
        super().__init__()
        self.issuer, self.subject, self.audience = issuer, subject, audience

    def text(self) -> str:
        return (
            "AADSTS70021: No matching federated identity record found for presented assertion. "
            f"Assertion Issuer: '{self.issuer}'. Assertion Subject: '{self.subject}'. Assertion "
            f"Audience: '{self.audience}'. {_FEDERATION_DOCS_OLD}"
        )


# --- the scope ------------------------------------------------------------------------------------


class ScopeNeedsDefault(EntraError):
    """AADSTS1002012: a client-credential scope without ``/.default``
    (microsoftgraph/msgraph-sdk-python#181, through azure-identity)."""

    error = "invalid_scope"
    code = 1002012
    outcome = "scope-without-default"

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def text(self) -> str:
        return (
            f"AADSTS1002012: The provided value for scope {self.scope} is not valid. Client "
            "credential flows must have a scope value with /.default suffixed to the resource "
            "identifier (application ID URI)."
        )


class InvalidScope(EntraError):
    """AADSTS70011: several scopes of one resource in a client-credential request
    (AzureAD/microsoft-authentication-library-for-dotnet#516)."""

    error = "invalid_scope"
    code = 70011
    outcome = "scope-invalid"

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def text(self) -> str:
        return (
            "AADSTS70011: The provided value for the input parameter 'scope' is not valid. The "
            f"scope {self.scope} is not valid."
        )


class MultipleResources(EntraError):
    """AADSTS700022 (or the later code 28000, same text): a scope naming two resources
    (AzureAD/microsoft-authentication-library-for-js#523, Earlybyte/aad_oauth#328)."""

    error = "invalid_scope"
    outcome = "scope-several-resources"

    def __init__(self, scope: str, code: int) -> None:
        super().__init__()
        self.scope = scope
        self.code = code

    def text(self) -> str:
        return (
            f"AADSTS{self.code}: Provided value for the input parameter scope is not valid "
            f"because it contains more than one resource. Scope {self.scope} is not valid."
        )


class ResourcePrincipalNotFound(EntraError):
    """AADSTS500011: the scope's resource is not in the tenant (Azure/azure-cli#16850)."""

    error = "invalid_resource"
    code = 500011
    outcome = "resource-not-in-tenant"

    def __init__(self, resource: str, tenant: str) -> None:
        super().__init__()
        self.resource, self.tenant = resource, tenant

    def text(self) -> str:
        return (
            f"AADSTS500011: The resource principal named {self.resource} was not found in the "
            f"tenant named {self.tenant}. This can happen if the application has not been "
            "installed by the administrator of the tenant or consented to by any user in the "
            "tenant. You might have sent your authentication request to the wrong tenant."
        )


# --- policy ---------------------------------------------------------------------------------------


class ConditionalAccessBlocked(EntraError):
    """AADSTS53003 (Azure/azure-cli#31700); ``interaction_required`` as entra.md §4 records."""

    error = "interaction_required"
    code = 53003
    outcome = "conditional-access-blocked"

    def text(self) -> str:
        return (
            "AADSTS53003: Access has been blocked by Conditional Access policies. The access "
            "policy does not allow token issuance."
        )
