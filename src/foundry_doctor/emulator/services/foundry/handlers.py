"""The Foundry / Azure OpenAI data plane's decisions: which route a request hits, who sent it,
and what the answer is. Every check reads the service's statement
(:mod:`~foundry_doctor.emulator.services.foundry.spec`) and the current world; every refusal is
an error of :mod:`~foundry_doctor.emulator.services.foundry.errors`, raised and rendered once.

Order of decisions (each step answers as the real service does, ``wire.md`` A.2/A.4):

1. **Host**: a resource's custom subdomain, or a regional endpoint (keys only).
2. **Network**: a resource with public network access off answers 403 to everything.
3. **Route family** from the path prefix (:data:`~.spec.ROUTES`), if the host family serves it
   (:data:`~.spec.HOST_FAMILIES`); any other path is 404 ``Resource not found`` before
   authentication. A retired ``/models`` API answers here.
4. **Authentication**, with the family's credentials: the ``api-key`` header is evaluated
   first (key auth off: 403; unknown key: 401 invalid-key body); else ``Authorization:
   Bearer``: a key there only where the family accepts ``bearer-key``, elsewhere it fails like
   any bad token (401 shape 2 with the family's audience text); a token must be genuine,
   current, for one of the family's audiences (401 shape 2) and from the resource's tenant
   (400). No credential: ``World.missing_auth_*``. Projects take tokens only.
5. **Operation and api-version** inside the family: unknown operation, missing or unserved
   dated api-version: 404 ``Resource not found``; a dated api-version on ``/openai/v1``: 400.
6. **Roles** (tokens only; keys bypass roles): 401 ``PermissionDenied``.
7. **Deployment / model**: classic route 404 ``DeploymentNotFound`` (and 404 ``Resource not
   found`` for a non-OpenAI model there, which that route does not serve); ``/models`` 400
   ``no_model_name`` / ``unknown_model`` (status ``World.unknown_model_status``); ``/openai/v1``
   404 ``DeploymentNotFound`` for an unknown ``model`` (the real answer is not documented; this
   is the emulator's choice). An operation the deployment's kind does not serve: 400
   ``OperationNotSupported``.
8. **Success**: JSON, or server-sent events when the body asks for ``stream``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from foundry_doctor.emulator.services.foundry import payloads
from foundry_doctor.emulator.services.foundry.errors import (
    BadJsonBody,
    ConfiguredAnswer,
    DeploymentNotFound,
    FoundryError,
    InvalidKey,
    KeyAuthDisabled,
    MissingParameter,
    NoModelName,
    OperationNotSupported,
    PermissionDenied,
    ProjectNotFound,
    ProjectPermissionDenied,
    PublicAccessDisabled,
    RegionalTokenRefused,
    ResourceNotFound,
    StreamNotSupported,
    TenantMismatch,
    TokenRejected,
    UnknownModel,
    V1ApiVersionNotAllowed,
    V1ApiVersionUnsupported,
)
from foundry_doctor.emulator.services.foundry.spec import (
    DATED_API_VERSION,
    HOST_FAMILIES,
    PROJECT_DATA_ACTION,
    PROJECT_DEPLOYMENTS_DATA_ACTION,
    ROUTES,
    ApiVersionPolicy,
    ModelFamily,
    RouteFamily,
    RouteName,
    grants_model,
    grants_project,
    route_of,
)
from foundry_doctor.emulator.services.foundry.world import (
    Deployment,
    HostMatch,
    Resource,
    match_host,
    region_display_name,
)
from foundry_doctor.emulator.tokens import InvalidToken, TokenIssuer, looks_like_jwt
from foundry_doctor.emulator.wire.messages import BearerKind, Handled, IncomingRequest, Reply

if TYPE_CHECKING:
    from foundry_doctor.emulator.world import World

__all__ = ["MODEL_HEADER", "FoundryService"]

#: the header the Model Inference API reads the model name from
MODEL_HEADER = "x-ms-model-mesh-model-name"
#: how the ``OperationNotSupported`` text names each operation
_OPERATION_NAMES = {
    "chat/completions": "chatCompletion",
    "completions": "completion",
    "embeddings": "embeddings",
    "images/embeddings": "embeddings",
    "responses": "responses",
}
_EMBEDDING_OPERATIONS = frozenset({"embeddings", "images/embeddings"})


@dataclass(frozen=True, slots=True)
class _Identity:
    via: Literal["key", "token"]
    oid: str = ""
    roles: frozenset[str] = frozenset()

    def may_use(self, family: ModelFamily | None) -> bool:
        return self.via == "key" or grants_model(self.roles, family)


def _bearer_of(authorization: str | None) -> tuple[BearerKind | None, str]:
    """(kind, credential) of an ``Authorization`` header; kind ``None`` when not Bearer."""
    if authorization is None:
        return None, ""
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        return None, ""
    return ("jwt" if looks_like_jwt(credential) else "opaque"), credential


class _Call:
    """The per-request state: the request, the world, and what the log will keep."""

    def __init__(self, request: IncomingRequest, world: World) -> None:
        self.request = request
        self.world = world
        self.route: RouteName | None = route_of(request.path)
        self.model: str | None = None
        self.bearer, self.bearer_value = _bearer_of(request.header("authorization"))
        api_key = request.header("api-key")
        self.api_key = api_key.strip() if api_key else ""
        self.has_authorization = bool((request.header("authorization") or "").strip())
        self._body: dict[str, Any] | None = None
        self._body_read = False

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return self.request.path

    def query(self, name: str) -> str | None:
        value = self.request.query.get(name)
        return value if value else None

    def body(self) -> dict[str, Any]:
        """The JSON object in the body (:class:`BadJsonBody` when the body is not one)."""
        if not self._body_read:
            self._body_read = True
            try:
                parsed = json.loads(self.request.body or b"{}")
            except (ValueError, RecursionError):
                parsed = None
            self._body = parsed if isinstance(parsed, dict) else None
        if self._body is None:
            raise BadJsonBody()
        return self._body


def _check_api_version(call: _Call, policy: ApiVersionPolicy, route: RouteName) -> None:
    """Refuse the request's ``api-version`` the way ``policy`` says."""
    version = call.query("api-version")
    if policy.kind == "dated":
        if version is None or version not in call.world.api_versions.get(route, ()):
            raise ResourceNotFound(outcome="api-version-not-served")
        return
    if policy.kind == "v1" and version is None:
        return
    if version in policy.aliases:
        return
    if policy.kind == "v1" and version is not None and DATED_API_VERSION.fullmatch(version):
        raise V1ApiVersionNotAllowed()
    raise V1ApiVersionUnsupported()


class FoundryService:
    """Answers requests for the resources' host names from the current world."""

    name = "foundry"

    def __init__(self, world: Callable[[], World], issuer: TokenIssuer) -> None:
        self._world = world
        self._issuer = issuer

    def serves_host(self, host: str) -> bool:
        return match_host(self._world().resources.values(), host) is not None

    def handle(self, request: IncomingRequest) -> Handled:
        call = _Call(request, self._world())
        match = match_host(call.world.resources.values(), request.host)
        try:
            if match is None:
                raise ResourceNotFound(outcome="unknown-host")
            reply = self._dispatch(call, match)
        except FoundryError as error:
            reply = error.reply()
        return Handled(
            reply=reply.with_headers(self._common_headers(match)),
            service=self.name,
            route=call.route,
            model=call.model,
            bearer=call.bearer,
        )

    @staticmethod
    def _common_headers(match: HostMatch | None) -> tuple[tuple[str, str], ...]:
        """What every reply of the data plane carries (fresh ids, the resource's region)."""
        region = ""
        if match is not None:
            region = match.resource.region if match.resource is not None else match.region or ""
        return (
            ("apim-request-id", str(uuid.uuid4())),
            ("x-request-id", str(uuid.uuid4())),
            ("x-ms-region", region_display_name(region)),
        )

    # --- host, network, family ----------------------------------------------------------------

    def _dispatch(self, call: _Call, match: HostMatch) -> Reply:
        if match.resource is None:
            return self._regional(call, match)
        resource = match.resource
        if not resource.public_network:
            raise PublicAccessDisabled()
        route = call.route
        if route is None or route not in HOST_FAMILIES[match.family].routes:
            raise ResourceNotFound()
        if route == "models":
            return self._models(call, resource)
        if route == "project":
            return self._project(call, resource)
        identity = self._authenticate(call, resource, ROUTES[route])
        if route == "v1":
            return self._v1(call, resource, identity, call.path[len(ROUTES["v1"].prefix) :])
        return self._deployments(call, resource, identity)

    def _regional(self, call: _Call, match: HostMatch) -> Reply:
        """``<region>.api.cognitive.microsoft.com``: the classic route, with keys only."""
        if call.route not in HOST_FAMILIES["regional"].routes:
            raise ResourceNotFound()
        if call.api_key:
            in_region = [r for r in call.world.resources.values() if r.region == match.region]
            resource = next((r for r in in_region if r.key_index(call.api_key)), None)
            if resource is None:
                raise InvalidKey()
            if not resource.public_network:
                raise PublicAccessDisabled()
            if not resource.local_auth:
                raise KeyAuthDisabled()
            return self._deployments(call, resource, _Identity("key"))
        if call.has_authorization:
            raise RegionalTokenRefused()
        raise self._missing_auth(call)

    # --- authentication -----------------------------------------------------------------------

    @staticmethod
    def _missing_auth(call: _Call) -> FoundryError:
        world = call.world
        return ConfiguredAnswer(
            world.missing_auth_status, world.missing_auth_body, outcome="no-credential"
        )

    @staticmethod
    def _check_key(resource: Resource, key: str) -> _Identity:
        if not resource.local_auth:
            raise KeyAuthDisabled()
        if resource.key_index(key) is None:
            raise InvalidKey()
        return _Identity("key")

    def _check_token(
        self,
        world: World,
        resource: Resource,
        token: str,
        route: RouteFamily,
        project: str | None = None,
    ) -> _Identity:
        try:
            verified = self._issuer.verify(token)
        except InvalidToken as error:
            raise TokenRejected(route.audience_text, outcome=f"token-{error.reason}") from None
        if verified.aud.rstrip("/") not in route.audiences:
            raise TokenRejected(route.audience_text, outcome="token-wrong-audience")
        if verified.tid != resource.tenant_id:
            raise TenantMismatch(verified.tid)
        roles = world.data_plane_roles(verified.oid, resource, project)
        return _Identity("token", oid=verified.oid, roles=roles)

    def _authenticate(self, call: _Call, resource: Resource, route: RouteFamily) -> _Identity:
        """The family's credentials in the service's order: ``api-key``, then ``Authorization``."""
        if call.api_key and "api-key" in route.credentials:
            return self._check_key(resource, call.api_key)
        if call.bearer == "jwt" and "bearer-token" in route.credentials:
            return self._check_token(call.world, resource, call.bearer_value, route)
        if call.bearer == "opaque" and "bearer-key" in route.credentials:
            return self._check_key(resource, call.bearer_value)
        if call.has_authorization:
            outcome = "key-as-bearer" if call.bearer == "opaque" else "token-malformed"
            raise TokenRejected(route.audience_text, outcome=outcome)
        raise self._missing_auth(call)

    # --- the classic deployment route ---------------------------------------------------------

    def _deployments(self, call: _Call, resource: Resource, identity: _Identity) -> Reply:
        route = ROUTES["deployments"]
        found = route.operation(call.method, call.path[len(route.prefix) :])
        if found is None:
            raise ResourceNotFound()
        operation, parameters = found
        _check_api_version(call, operation.api_version or route.api_version, route.name)
        if not identity.may_use(None):
            raise PermissionDenied()
        name = unquote(parameters["deployment"])
        call.model = name
        deployment = resource.deployments.get(name)
        if deployment is None:
            raise DeploymentNotFound()
        if deployment.family != "openai":
            raise ResourceNotFound(outcome="non-openai-deployment")
        if not identity.may_use(deployment.family):
            raise PermissionDenied()
        return self._serve(call, deployment, operation.name)

    # --- the Model Inference API --------------------------------------------------------------

    def _models(self, call: _Call, resource: Resource) -> Reply:
        world = call.world
        if world.models_api_retired:
            raise ConfiguredAnswer(world.retired_status, world.retired_body, outcome="api-retired")
        route = ROUTES["models"]
        identity = self._authenticate(call, resource, route)
        found = route.operation(call.method, call.path[len(route.prefix) :])
        if found is None:
            raise ResourceNotFound()
        operation, _ = found
        _check_api_version(call, operation.api_version or route.api_version, route.name)
        try:
            return self._models_route(call, resource, identity, operation.name)
        except FoundryError as error:  # the inference service labels its own errors
            code = error.error_code()
            if code is not None:
                error.add_headers(("x-ms-error-code", code))
            raise

    def _models_route(
        self, call: _Call, resource: Resource, identity: _Identity, operation: str
    ) -> Reply:
        if not identity.may_use(None):
            raise PermissionDenied()
        is_info = operation == "info"
        model: str | None = None
        if not is_info:
            body = call.body()
            if isinstance(body.get("model"), str) and body["model"]:
                model = body["model"]
        model = model or (call.request.header(MODEL_HEADER) or "").strip() or None
        if model is None:
            raise NoModelName()
        call.model = model
        deployment = resource.deployments.get(model)
        if deployment is None:
            raise UnknownModel(model, call.world.unknown_model_status)
        if not identity.may_use(deployment.family):
            raise PermissionDenied()
        if is_info:
            return Reply.json(payloads.model_info(deployment))
        return self._serve(call, deployment, operation)

    # --- /openai/v1 (on a resource or a project) ----------------------------------------------

    def _v1(
        self,
        call: _Call,
        resource: Resource,
        identity: _Identity,
        sub_path: str,
        *,
        project: bool = False,
    ) -> Reply:
        route = ROUTES["v1"]
        _check_api_version(call, route.api_version, route.name)
        found = route.operation(call.method, sub_path)
        if found is None:
            raise ResourceNotFound()
        operation, parameters = found
        if project:
            if not grants_project(identity.roles):
                verb = "read" if call.method == "GET" else "write"
                raise ProjectPermissionDenied(
                    identity.oid,
                    PROJECT_DATA_ACTION.format(verb=verb),
                    f"{call.method} /api/projects/{{projectName}}/openai/*",
                )
        elif not identity.may_use(None):
            raise PermissionDenied()
        if operation.name == "models":
            return Reply.json(payloads.model_list(list(resource.deployments.values())))
        if operation.name == "model":
            name = unquote(parameters["model"])
            call.model = name
            listed = resource.deployments.get(name)
            if listed is None:
                raise DeploymentNotFound()
            return Reply.json(payloads.model_entry(listed))
        body = call.body()
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise MissingParameter("model")
        call.model = model
        deployment = resource.deployments.get(model)
        if deployment is None:
            raise DeploymentNotFound()
        if not project and not identity.may_use(deployment.family):
            raise PermissionDenied()
        return self._serve(call, deployment, operation.name)

    # --- projects -----------------------------------------------------------------------------

    def _project(self, call: _Call, resource: Resource) -> Reply:
        route = ROUTES["project"]
        rest = call.path[len(route.prefix) :]  # "/<project>[/...]"
        project, _, below = rest[1:].partition("/")
        if not project:
            raise ResourceNotFound()
        if call.bearer != "jwt":
            outcome = "key-on-project" if (call.api_key or call.bearer) else "no-credential"
            raise TokenRejected(route.audience_text, outcome=outcome)
        identity = self._check_token(
            call.world, resource, call.bearer_value, route, unquote(project)
        )
        if unquote(project) not in resource.projects:
            raise ProjectNotFound()
        below = f"/{below}" if below else ""
        if below == "/deployments" or below.startswith("/deployments/"):
            return self._project_deployments(call, resource, identity, rest)
        if below != "/openai/v1" and not below.startswith("/openai/v1/"):
            raise ResourceNotFound()
        return self._v1(call, resource, identity, below[len("/openai/v1") :], project=True)

    def _project_deployments(
        self, call: _Call, resource: Resource, identity: _Identity, rest: str
    ) -> Reply:
        """``GET /api/projects/<p>/deployments[/<name>]?api-version=v1``: the resource's
        deployments, for principals with a project role."""
        route = ROUTES["project"]
        found = route.operation(call.method, rest)
        if found is None:
            raise ResourceNotFound()
        operation, parameters = found
        _check_api_version(call, operation.api_version or route.api_version, route.name)
        if not grants_project(identity.roles):
            raise ProjectPermissionDenied(
                identity.oid,
                PROJECT_DEPLOYMENTS_DATA_ACTION,
                "GET /api/projects/{projectName}/deployments",
            )
        if operation.name == "deployments":
            listed = [payloads.project_deployment(d) for d in resource.deployments.values()]
            return Reply.json({"value": listed})
        name = unquote(parameters["deployment"])
        call.model = name
        deployment = resource.deployments.get(name)
        if deployment is None:
            raise DeploymentNotFound()
        return Reply.json(payloads.project_deployment(deployment))

    # --- success ------------------------------------------------------------------------------

    def _serve(self, call: _Call, deployment: Deployment, operation: str) -> Reply:
        body = call.body()
        wants_embeddings = operation in _EMBEDDING_OPERATIONS
        if wants_embeddings != (deployment.kind == "embeddings"):
            raise OperationNotSupported(_OPERATION_NAMES[operation], deployment.name)
        if wants_embeddings:
            return Reply.json(payloads.embeddings(deployment, body))
        if operation == "completions":
            return Reply.json(payloads.text_completion(deployment, body))
        if operation == "responses":
            if body.get("stream") is True:
                raise StreamNotSupported()
            return Reply.json(payloads.response_object(deployment, body))
        if body.get("stream") is True:
            return Reply.sse(payloads.chat_chunks(deployment, body))
        return Reply.json(payloads.chat_completion(deployment, body))
