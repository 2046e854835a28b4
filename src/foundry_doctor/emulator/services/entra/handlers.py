"""Entra ID's token service as the real, unmodified credentials meet it.

Three endpoints on each authority host (``login.microsoftonline.com`` and the sovereign hosts,
for the clouds the world has tenants in):

* ``GET /{tenant}/v2.0/.well-known/openid-configuration``: the discovery document MSAL reads
  before its first token request (sync ClientSecretCredential and CertificateCredential);
  an unknown tenant, or a tenant of another cloud, is ``400 invalid_tenant`` AADSTS90002.
* ``GET /common/discovery/instance``: MSAL's instance discovery, asked to validate an
  authority host MSAL does not know (any host outside the alias groups is ``400
  invalid_instance``) and, after a failed token request, for the host's aliases.
* ``POST /{tenant}/oauth2/v2.0/token``: the client-credentials grant with a client secret, a
  certificate assertion or a federated token. The async credentials and the assertion
  credentials post here directly.

Order of the token endpoint's decisions: the tenant (90002); the form's required fields
(900144); the app by client id among the tenant's service principals (700016); the scope
(two resources 700022, two scopes of one resource 70011, no ``/.default`` 1002012); the
client's credential (7000218 none, 7000215 wrong secret or a secret's ID, 7000222 expired
secret, 50027 malformed assertion, 700027 unknown certificate or bad signature, 700211 /
700213 / 7002138 / 70021 no matching federated identity record, 700024 assertion out of its
time range); the resource in the tenant (500011); Conditional Access (53003). Then a token of
the emulator for the app's service principal, ``aud`` from the scope, so the data plane applies
that principal's role assignments.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from foundry_doctor.emulator.services.entra.assertions import (
    Assertion,
    parse_assertion,
    signature_valid,
)
from foundry_doctor.emulator.services.entra.errors import (
    ApplicationNotFound,
    AssertionOutOfTime,
    AssertionSignatureInvalid,
    CertificateNotRegistered,
    ConditionalAccessBlocked,
    EndpointNotFound,
    EntraError,
    ExpiredClientSecret,
    FederatedAudienceMismatch,
    FederatedIssuerMismatch,
    FederatedSubjectCaseMismatch,
    FederatedSubjectMismatch,
    InvalidClientSecret,
    InvalidInstance,
    InvalidScope,
    MalformedAssertion,
    MissingClientCredential,
    MissingParameter,
    MultipleResources,
    ResourcePrincipalNotFound,
    ScopeNeedsDefault,
    TenantNotFound,
    UnsupportedGrant,
)
from foundry_doctor.emulator.services.entra.spec import (
    ASSERTION_LEEWAY,
    CLIENT_ASSERTION_TYPE,
    DISCOVERY_SUFFIX,
    INSTANCE_DISCOVERY_PATH,
    INSTANCE_METADATA,
    JSON_CONTENT_TYPE,
    NO_CACHE_HEADERS,
    TENANT_ALIASES,
    TOKEN_SUFFIX,
    Cloud,
    cloud_of_host,
)
from foundry_doctor.emulator.services.entra.world import AppRegistration, Principal, Tenant
from foundry_doctor.emulator.tokens import TokenIssuer, audience_for_scope
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

if TYPE_CHECKING:
    from foundry_doctor.emulator.world import World

__all__ = ["EntraService", "discovery_document", "tenant_knows_resource"]


def discovery_document(host: str, tenant: str) -> dict[str, object]:
    """The OpenID Connect discovery document of ``tenant`` (an id, or an alias such as
    ``organizations``) on ``host``: the endpoints and capabilities MSAL reads."""
    base = f"https://{host}/{tenant}"
    issuer_tenant = "{tenantid}" if tenant in TENANT_ALIASES else tenant
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"https://{host}/{issuer_tenant}/v2.0",
        "request_uri_parameter_supported": False,
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "acr",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "at_hash",
            "c_hash",
            "email",
        ],
    }


def _normal(resource: str) -> str:
    return resource.rstrip("/").lower()


def tenant_knows_resource(world: World, tenant: Tenant, resource: str) -> bool:
    """Whether ``tenant`` has a service principal for ``resource``: one of Microsoft's for its
    cloud, or an app present in the tenant (by identifier URI or client id)."""
    known = {_normal(item) for item in world.entra.resources.get(tenant.cloud, ())}
    for app in world.apps.values():
        if tenant.tenant_id in app.service_principals:
            known.update(_normal(uri) for uri in app.identifier_uris)
            known.add(_normal(app.client_id))
    return _normal(resource) in known


class _TokenRequest:
    """One token request: the form, and the world's view of its tenant and app."""

    def __init__(self, world: World, tenant: Tenant, form: dict[str, str], now: float) -> None:
        self.world, self.tenant, self.form, self.now = world, tenant, form, now

    def field(self, name: str) -> str:
        value = self.form.get(name, "").strip()
        if not value:
            raise MissingParameter(name)
        return value


class EntraService:
    """Answers requests for the authority hosts from the current world's tenants and apps."""

    name = "entra"

    def __init__(self, world: Callable[[], World], issuer: TokenIssuer) -> None:
        self._world = world
        self._issuer = issuer

    def serves_host(self, host: str) -> bool:
        cloud = cloud_of_host(host)
        return cloud is not None and any(t.cloud == cloud for t in self._world().tenants.values())

    def hint_for(self, host: str) -> str | None:
        cloud = cloud_of_host(host)
        if cloud is None:
            return None
        return f"add a tenant of that cloud: world.add_tenant(Tenant(<id>, cloud={cloud!r}))"

    def handle(self, request: IncomingRequest) -> Handled:
        world, now = self._world(), self._issuer.now()
        cloud = cloud_of_host(request.host) or "public"
        route, path = None, request.path
        try:
            if path == INSTANCE_DISCOVERY_PATH and request.method == "GET":
                route = "instance-discovery"
                reply = self._instance_discovery(request)
                return Handled(reply=reply, service=self.name, route=route)
            tenant_part, _, rest = path[1:].partition("/")
            if f"/{rest}" == DISCOVERY_SUFFIX and request.method == "GET":
                route = "discovery"
                reply = self._discovery(world, cloud, request.host, tenant_part)
            elif f"/{rest}" == TOKEN_SUFFIX and request.method == "POST":
                route = "token"
                reply = self._token(world, cloud, tenant_part, request.form(), now)
            else:
                raise EndpointNotFound()
        except EntraError as error:
            correlation = request.header("client-request-id")
            reply = error.bind(host=request.host, correlation_id=correlation, moment=now).reply()
        return Handled(reply=reply, service=self.name, route=route)

    @staticmethod
    def _instance_discovery(request: IncomingRequest) -> Reply:
        """The alias groups, when the authorization endpoint asked about is on a known host."""
        endpoint = urlsplit(request.query.get("authorization_endpoint", ""))
        host = (endpoint.hostname or "").lower()
        if not any(host in group["aliases"] for group in INSTANCE_METADATA):  # type: ignore[operator]
            raise InvalidInstance()
        tenant = endpoint.path.strip("/").split("/")[0] or "common"
        document = {
            "tenant_discovery_endpoint": f"https://{host}/{tenant}{DISCOVERY_SUFFIX}",
            "api-version": "1.1",
            "metadata": list(INSTANCE_METADATA),
        }
        return Reply.json(document, headers=NO_CACHE_HEADERS, content_type=JSON_CONTENT_TYPE)

    @staticmethod
    def _tenant(world: World, cloud: Cloud, name: str, *, discovery: bool) -> Tenant:
        tenant = world.tenant(name)
        if tenant is None or tenant.cloud != cloud:
            raise TenantNotFound(name, discovery=discovery)
        return tenant

    def _discovery(self, world: World, cloud: Cloud, host: str, tenant_part: str) -> Reply:
        if tenant_part.lower() in TENANT_ALIASES:
            document = discovery_document(host, tenant_part.lower())
        else:
            tenant = self._tenant(world, cloud, tenant_part, discovery=True)
            document = discovery_document(host, tenant.tenant_id)
        return Reply.json(
            document, outcome="ok", headers=NO_CACHE_HEADERS, content_type=JSON_CONTENT_TYPE
        )

    # --- the token endpoint -------------------------------------------------------------------

    def _token(
        self, world: World, cloud: Cloud, tenant_part: str, form: dict[str, str], now: float
    ) -> Reply:
        tenant = self._tenant(world, cloud, tenant_part, discovery=False)
        call = _TokenRequest(world, tenant, form, now)
        grant = call.field("grant_type")
        if grant != "client_credentials":
            raise UnsupportedGrant(grant)
        client_id = call.field("client_id")
        scope = call.field("scope")
        app, principal = self._client(call, client_id)
        resource = self._resource_of(call, scope.split())
        self._authenticate_client(call, app)
        self._check_resource(call, resource)
        if app.conditional_access_blocked:
            raise ConditionalAccessBlocked()
        lifetime = world.entra.token_lifetime
        token, _ = self._issuer.mint(
            principal, f"{resource}/.default", lifetime=lifetime, tenant_id=tenant.tenant_id
        )
        payload = {
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": token,
        }
        return Reply.json(payload, headers=NO_CACHE_HEADERS, content_type=JSON_CONTENT_TYPE)

    @staticmethod
    def _client(call: _TokenRequest, client_id: str) -> tuple[AppRegistration, Principal]:
        """The app registration and its service principal in the request's tenant."""
        app = call.world.app_by_client_id(client_id)
        name = app.service_principals.get(call.tenant.tenant_id) if app is not None else None
        principal = call.world.principals.get(name) if name is not None else None
        if app is None or principal is None:
            raise ApplicationNotFound(client_id, call.tenant.named)
        return app, principal

    @staticmethod
    def _resource_of(call: _TokenRequest, scopes: list[str]) -> str:
        """The one resource a client-credentials scope names (its ``aud``)."""
        joined = " ".join(scopes)
        if len(scopes) > 1:
            resources = {_normal(audience_for_scope(scope)) for scope in scopes}
            if len(resources) > 1:
                raise MultipleResources(joined, call.world.entra.multiple_resources_code)
            raise InvalidScope(joined)
        scope = scopes[0]
        if not scope.endswith("/.default") or scope == "/.default":
            raise ScopeNeedsDefault(scope)
        return scope[: -len("/.default")]

    @staticmethod
    def _check_resource(call: _TokenRequest, resource: str) -> None:
        if not tenant_knows_resource(call.world, call.tenant, resource):
            raise ResourcePrincipalNotFound(resource, call.tenant.named)

    # --- the client's credential --------------------------------------------------------------

    def _authenticate_client(self, call: _TokenRequest, app: AppRegistration) -> None:
        if "client_secret" in call.form:
            self._check_secret(call, app, call.form["client_secret"])
            return
        assertion = call.form.get("client_assertion", "").strip()
        if not assertion:
            raise MissingClientCredential()
        if call.form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            raise MissingParameter("client_assertion_type")
        parsed = parse_assertion(assertion)
        if parsed is None:
            raise MalformedAssertion()
        if parsed.names_certificate:
            self._check_certificate(call, app, parsed)
        else:
            self._check_federated(app, parsed)
        self._check_lifetime(call, parsed)

    @staticmethod
    def _check_secret(call: _TokenRequest, app: AppRegistration, secret: str) -> None:
        given = secret.encode("utf-8")
        matched = [s for s in app.secrets if secrets.compare_digest(s.value.encode(), given)]
        if matched:
            if all(item.expired(call.now) for item in matched):
                raise ExpiredClientSecret(app.client_id)
            return
        if any(s.secret_id.lower() == secret.strip().lower() for s in app.secrets):
            raise InvalidClientSecret(app.client_id, outcome="client-secret-id-given")
        raise InvalidClientSecret(app.client_id, outcome="client-secret-invalid")

    @staticmethod
    def _check_certificate(call: _TokenRequest, app: AppRegistration, assertion: Assertion) -> None:
        sha1, sha256 = assertion.thumbprint_sha1, assertion.thumbprint_sha256
        registered = next(
            (
                item
                for item in app.certificates
                if (sha256 is not None and item.thumbprint_sha256 == sha256)
                or (sha1 is not None and item.thumbprint_sha1 == sha1)
            ),
            None,
        )
        named = sha1 or sha256 or ""
        if registered is None:
            raise CertificateNotRegistered(app.client_id, named)
        if not signature_valid(assertion, registered.certificate_pem):
            raise AssertionSignatureInvalid(named, registered.not_before, registered.not_after)

    @staticmethod
    def _check_federated(app: AppRegistration, assertion: Assertion) -> None:
        issuer, subject = assertion.claim("iss"), assertion.claim("sub")
        by_issuer = [item for item in app.federated_credentials if item.issuer == issuer]
        if not by_issuer:
            raise FederatedIssuerMismatch(issuer)
        by_subject = [item for item in by_issuer if item.subject == subject]
        if not by_subject:
            if any(item.subject.lower() == subject.lower() for item in by_issuer):
                raise FederatedSubjectCaseMismatch(subject)
            raise FederatedSubjectMismatch(subject)
        audiences = assertion.audiences
        if not any(aud in item.audiences for item in by_subject for aud in audiences):
            raise FederatedAudienceMismatch(issuer, subject, ", ".join(audiences))

    @staticmethod
    def _check_lifetime(call: _TokenRequest, assertion: Assertion) -> None:
        expires, not_before = assertion.number("exp"), assertion.number("nbf")
        late = expires is None or call.now > expires + ASSERTION_LEEWAY
        early = not_before is not None and call.now + ASSERTION_LEEWAY < not_before
        if late or early:
            raise AssertionOutOfTime(call.now, not_before or 0.0, expires or 0.0)
