"""The emulated data plane: which route a request hits, who sent it, and what the answer is.

Order of decisions (each step answers as the real service does, ``wire.md`` A.2/A.4):

1. **Host**: a resource's custom subdomain, or a regional endpoint (keys only), else 404.
2. **Network**: a resource with public network access off answers 403 to everything.
3. **Endpoint family** from the path prefix: ``/openai/v1/**`` (v1), ``/openai/**`` (the
   classic deployment route), ``/models/**`` (Model Inference API, ``services.ai.azure.com``
   only), ``/api/projects/<p>/**`` (projects, ``services.ai.azure.com`` only). Any other path
   is 404 ``Resource not found`` before authentication. A retired ``/models`` API answers here.
4. **Authentication**, within the family: the ``api-key`` header is evaluated first (key auth
   off: 403; unknown key: 401 invalid-key body); else ``Authorization: Bearer``: a key there is
   accepted on ``/openai/v1`` only, elsewhere it fails like any bad token (401 shape 2 with the
   family's audience text); a token must be genuine, current, for an accepted audience (401
   shape 2) and from the resource's tenant (400). No credential: ``World.missing_auth_*``.
   Projects take tokens only (audience ``https://ai.azure.com``).
5. **Route and api-version** inside the family: unknown operation, missing or unserved dated
   api-version: 404 ``Resource not found``; a dated api-version on ``/openai/v1``: 400.
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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from foundry_doctor.emulator import payloads
from foundry_doctor.emulator.responses import (
    AUDIENCE_TEXT_COGNITIVE_SERVICES,
    AUDIENCE_TEXT_MODELS,
    AUDIENCE_TEXT_PROJECTS,
    DEPLOYMENT_NOT_FOUND_BODY,
    INVALID_KEY_BODY,
    KEY_AUTH_DISABLED_BODY,
    NO_MODEL_NAME_BODY,
    PERMISSION_DENIED_BODY,
    PROJECT_NOT_FOUND_BODY,
    PUBLIC_ACCESS_DISABLED_BODY,
    REGIONAL_TOKEN_BODY,
    RESOURCE_NOT_FOUND_BODY,
    V1_API_VERSION_NOT_ALLOWED_BODY,
    V1_API_VERSION_UNSUPPORTED_BODY,
    Reply,
    bad_json_body,
    missing_parameter_body,
    operation_not_supported_body,
    project_permission_denied_body,
    tenant_mismatch_body,
    token_rejected_body,
    unknown_model_body,
)
from foundry_doctor.emulator.tokens import InvalidToken, TokenIssuer, looks_like_jwt
from foundry_doctor.emulator.world import (
    Deployment,
    HostMatch,
    ModelFamily,
    Resource,
    World,
    grants_model,
    grants_project,
)

__all__ = ["Handled", "IncomingRequest", "Route", "Service", "route_of"]

Route = Literal["deployments", "v1", "models", "project"]
BearerKind = Literal["jwt", "opaque"]

AUD_COGNITIVE_SERVICES = "https://cognitiveservices.azure.com"
AUD_AI = "https://ai.azure.com"

_DEPLOYMENT_ROUTE = re.compile(
    r"/openai/deployments/([^/]+)/(chat/completions|completions|embeddings)"
)
_MODELS_POST = frozenset(
    {"/models/chat/completions", "/models/embeddings", "/models/images/embeddings"}
)
_V1_POST = frozenset({"/chat/completions", "/completions", "/embeddings", "/responses"})
_PROJECT_ROUTE = re.compile(r"/api/projects/([^/]+)(/.*)?")
_DATED_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?")
_V1_VERSIONS = frozenset({"v1", "preview", "latest"})
_MODEL_HEADER = "x-ms-model-mesh-model-name"
_DATA_ACTION = "Microsoft.CognitiveServices/accounts/AIServices/agents/{verb}"
_OPERATION_NAMES = {
    "chat/completions": "chatCompletion",
    "completions": "completion",
    "embeddings": "embeddings",
    "images/embeddings": "embeddings",
    "responses": "responses",
}


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """One HTTP request as the proxy read it from inside a tunnel."""

    host: str
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), ``None`` when absent."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Handled:
    """The reply plus what the request log keeps about the request."""

    reply: Reply
    route: Route | None
    model: str | None
    bearer: BearerKind | None


@dataclass(frozen=True, slots=True)
class _Identity:
    via: Literal["key", "token"]
    oid: str = ""
    roles: frozenset[str] = frozenset()

    def may_use(self, family: ModelFamily | None) -> bool:
        return self.via == "key" or grants_model(self.roles, family)


def route_of(path: str) -> Route | None:
    """The endpoint family a path belongs to, from its prefix."""
    if path == "/openai/v1" or path.startswith("/openai/v1/"):
        return "v1"
    if path.startswith("/openai/"):
        return "deployments"
    if path == "/models" or path.startswith("/models/"):
        return "models"
    if path.startswith("/api/projects/"):
        return "project"
    return None


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
        self.route: Route | None = route_of(request.path)
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

    def body(self) -> dict[str, Any] | None:
        """The JSON object in the body; ``None`` when the body is not one."""
        if not self._body_read:
            self._body_read = True
            try:
                parsed = json.loads(self.request.body or b"{}")
            except (ValueError, RecursionError):
                parsed = None
            self._body = parsed if isinstance(parsed, dict) else None
        return self._body


def _not_found(outcome: str = "path-not-found") -> Reply:
    return Reply.error(404, RESOURCE_NOT_FOUND_BODY, outcome=outcome)


def _network_denied() -> Reply:
    return Reply.error(
        403,
        PUBLIC_ACCESS_DISABLED_BODY,
        outcome="public-network-disabled",
        headers=(("policy-id", "ThrowExceptionDueToTrafficDenied"),),
    )


def _permission_denied() -> Reply:
    return Reply.error(401, PERMISSION_DENIED_BODY, outcome="permission-denied")


class Service:
    """Answers :class:`IncomingRequest` values from the current :class:`World`."""

    def __init__(self, world: Callable[[], World], issuer: TokenIssuer) -> None:
        self._world = world
        self._issuer = issuer

    def handle(self, request: IncomingRequest) -> Handled:
        call = _Call(request, self._world())
        reply = self._dispatch(call)
        return Handled(reply=reply, route=call.route, model=call.model, bearer=call.bearer)

    # --- host, network, family ----------------------------------------------------------------

    def _dispatch(self, call: _Call) -> Reply:
        match = call.world.match_host(call.request.host)
        if match is None:
            return _not_found("unknown-host")
        if match.resource is None:
            return self._regional(call, match)
        resource = match.resource
        if not resource.public_network:
            return _network_denied()
        route = call.route
        if route is None or (route in ("models", "project") and match.family != "services"):
            return _not_found()
        if route == "models":
            return self._models(call, resource)
        if route == "project":
            return self._project(call, resource)
        if route == "v1":
            identity = self._authenticate(
                call,
                resource,
                audiences=(AUD_COGNITIVE_SERVICES, AUD_AI),
                audience_text=AUDIENCE_TEXT_COGNITIVE_SERVICES,
                keys_as_bearer=True,
            )
            if isinstance(identity, Reply):
                return identity
            return self._v1(call, resource, identity, call.path[len("/openai/v1") :])
        identity = self._authenticate(
            call,
            resource,
            audiences=(AUD_COGNITIVE_SERVICES,),
            audience_text=AUDIENCE_TEXT_COGNITIVE_SERVICES,
            keys_as_bearer=False,
        )
        if isinstance(identity, Reply):
            return identity
        return self._deployments(call, resource, identity)

    def _regional(self, call: _Call, match: HostMatch) -> Reply:
        """``<region>.api.cognitive.microsoft.com``: the classic route, with keys only."""
        if call.route != "deployments":
            return _not_found()
        if call.api_key:
            in_region = [r for r in call.world.resources.values() if r.region == match.region]
            resource = next((r for r in in_region if r.key_index(call.api_key)), None)
            if resource is None:
                return Reply.error(401, INVALID_KEY_BODY, outcome="invalid-key")
            if not resource.public_network:
                return _network_denied()
            if not resource.local_auth:
                return Reply.error(403, KEY_AUTH_DISABLED_BODY, outcome="key-auth-disabled")
            return self._deployments(call, resource, _Identity("key"))
        if call.has_authorization:
            return Reply.error(400, REGIONAL_TOKEN_BODY, outcome="token-on-regional-endpoint")
        return self._missing_auth(call)

    # --- authentication -----------------------------------------------------------------------

    def _missing_auth(self, call: _Call) -> Reply:
        world = call.world
        return Reply.error(
            world.missing_auth_status, world.missing_auth_body, outcome="no-credential"
        )

    @staticmethod
    def _check_key(resource: Resource, key: str) -> _Identity | Reply:
        if not resource.local_auth:
            return Reply.error(403, KEY_AUTH_DISABLED_BODY, outcome="key-auth-disabled")
        if resource.key_index(key) is None:
            return Reply.error(401, INVALID_KEY_BODY, outcome="invalid-key")
        return _Identity("key")

    def _check_token(
        self, resource: Resource, token: str, audiences: tuple[str, ...], audience_text: str
    ) -> _Identity | Reply:
        rejected = token_rejected_body(audience_text)
        try:
            verified = self._issuer.verify(token)
        except InvalidToken as error:
            return Reply.error(401, rejected, outcome=f"token-{error.reason}")
        if verified.aud.rstrip("/") not in audiences:
            return Reply.error(401, rejected, outcome="token-wrong-audience")
        if verified.tid != resource.tenant_id:
            return Reply.error(
                400, tenant_mismatch_body(verified.tid), outcome="token-wrong-tenant"
            )
        roles = frozenset(resource.role_assignments.get(verified.oid, ()))
        return _Identity("token", oid=verified.oid, roles=roles)

    def _authenticate(
        self,
        call: _Call,
        resource: Resource,
        *,
        audiences: tuple[str, ...],
        audience_text: str,
        keys_as_bearer: bool,
    ) -> _Identity | Reply:
        """Key-capable families: ``api-key`` first, then ``Authorization: Bearer``."""
        if call.api_key:
            return self._check_key(resource, call.api_key)
        if call.bearer == "jwt":
            return self._check_token(resource, call.bearer_value, audiences, audience_text)
        if call.bearer == "opaque" and keys_as_bearer:
            return self._check_key(resource, call.bearer_value)
        if call.has_authorization:
            outcome = "key-as-bearer" if call.bearer == "opaque" else "token-malformed"
            return Reply.error(401, token_rejected_body(audience_text), outcome=outcome)
        return self._missing_auth(call)

    # --- the classic deployment route ---------------------------------------------------------

    def _deployments(self, call: _Call, resource: Resource, identity: _Identity) -> Reply:
        match = _DEPLOYMENT_ROUTE.fullmatch(call.path)
        if match is None or call.method != "POST":
            return _not_found()
        version = call.query("api-version")
        if version is None or version not in call.world.api_versions.get("deployments", ()):
            return _not_found("api-version-not-served")
        if not identity.may_use(None):
            return _permission_denied()
        name = unquote(match.group(1))
        call.model = name
        deployment = resource.deployments.get(name)
        if deployment is None:
            return Reply.error(404, DEPLOYMENT_NOT_FOUND_BODY, outcome="deployment-not-found")
        if deployment.family != "openai":
            return _not_found("non-openai-deployment")
        if not identity.may_use(deployment.family):
            return _permission_denied()
        return self._serve(call, deployment, match.group(2))

    # --- the Model Inference API --------------------------------------------------------------

    def _models(self, call: _Call, resource: Resource) -> Reply:
        world = call.world
        if world.models_api_retired:
            return Reply.error(world.retired_status, world.retired_body, outcome="api-retired")
        identity = self._authenticate(
            call,
            resource,
            audiences=(AUD_COGNITIVE_SERVICES, AUD_AI),
            audience_text=AUDIENCE_TEXT_MODELS,
            keys_as_bearer=False,
        )
        if isinstance(identity, Reply):
            return identity
        is_info = call.path == "/models/info" and call.method == "GET"
        if not is_info and (call.path not in _MODELS_POST or call.method != "POST"):
            return _not_found()
        version = call.query("api-version")
        if version is None or version not in world.api_versions.get("models", ()):
            return _not_found("api-version-not-served")
        reply = self._models_route(call, resource, identity, is_info)
        if reply.error_code is not None:  # the inference service labels its own errors
            reply = Reply.error(
                reply.status,
                reply.body.decode("utf-8"),
                outcome=reply.outcome,
                headers=(*reply.headers, ("x-ms-error-code", reply.error_code)),
            )
        return reply

    def _models_route(
        self, call: _Call, resource: Resource, identity: _Identity, is_info: bool
    ) -> Reply:
        if not identity.may_use(None):
            return _permission_denied()
        model: str | None = None
        if not is_info:
            body = call.body()
            if body is None:
                return Reply.error(400, bad_json_body(), outcome="bad-body")
            if isinstance(body.get("model"), str) and body["model"]:
                model = body["model"]
        model = model or (call.request.header(_MODEL_HEADER) or "").strip() or None
        if model is None:
            return Reply.error(400, NO_MODEL_NAME_BODY, outcome="no-model-name")
        call.model = model
        deployment = resource.deployments.get(model)
        if deployment is None:
            return Reply.error(
                call.world.unknown_model_status, unknown_model_body(model), outcome="unknown-model"
            )
        if not identity.may_use(deployment.family):
            return _permission_denied()
        if is_info:
            return Reply.json(payloads.model_info(deployment))
        return self._serve(call, deployment, call.path[len("/models/") :])

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
        version = call.query("api-version")
        if version is not None and version not in _V1_VERSIONS:
            if _DATED_VERSION.fullmatch(version):
                return Reply.error(
                    400, V1_API_VERSION_NOT_ALLOWED_BODY, outcome="api-version-not-allowed"
                )
            return Reply.error(
                400, V1_API_VERSION_UNSUPPORTED_BODY, outcome="api-version-unsupported"
            )
        is_list = sub_path in ("/models", "/models/") and call.method == "GET"
        is_get_model = (
            sub_path.startswith("/models/") and len(sub_path) > len("/models/")
        ) and call.method == "GET"
        if not (is_list or is_get_model) and (sub_path not in _V1_POST or call.method != "POST"):
            return _not_found()
        if project:
            if not grants_project(identity.roles):
                verb = "read" if call.method == "GET" else "write"
                return Reply.error(
                    401,
                    project_permission_denied_body(
                        identity.oid,
                        _DATA_ACTION.format(verb=verb),
                        f"{call.method} /api/projects/{{projectName}}/openai/*",
                    ),
                    outcome="permission-denied",
                )
        elif not identity.may_use(None):
            return _permission_denied()
        if is_list:
            return Reply.json(payloads.model_list(list(resource.deployments.values())))
        if is_get_model:
            name = unquote(sub_path[len("/models/") :])
            call.model = name
            found = resource.deployments.get(name)
            if found is None:
                return Reply.error(404, DEPLOYMENT_NOT_FOUND_BODY, outcome="deployment-not-found")
            return Reply.json(payloads.model_entry(found))
        body = call.body()
        if body is None:
            return Reply.error(400, bad_json_body(), outcome="bad-body")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return Reply.error(400, missing_parameter_body("model"), outcome="no-model-name")
        call.model = model
        deployment = resource.deployments.get(model)
        if deployment is None:
            return Reply.error(404, DEPLOYMENT_NOT_FOUND_BODY, outcome="deployment-not-found")
        if not project and not identity.may_use(deployment.family):
            return _permission_denied()
        return self._serve(call, deployment, sub_path.lstrip("/"))

    # --- projects -----------------------------------------------------------------------------

    def _project(self, call: _Call, resource: Resource) -> Reply:
        match = _PROJECT_ROUTE.fullmatch(call.path)
        if match is None:
            return _not_found()
        rejected = token_rejected_body(AUDIENCE_TEXT_PROJECTS)
        if call.bearer != "jwt":
            outcome = "key-on-project" if (call.api_key or call.bearer) else "no-credential"
            return Reply.error(401, rejected, outcome=outcome)
        identity = self._check_token(resource, call.bearer_value, (AUD_AI,), AUDIENCE_TEXT_PROJECTS)
        if isinstance(identity, Reply):
            return identity
        if unquote(match.group(1)) not in resource.projects:
            return Reply.error(404, PROJECT_NOT_FOUND_BODY, outcome="project-not-found")
        rest = match.group(2) or ""
        if rest == "/deployments" or rest.startswith("/deployments/"):
            return self._project_deployments(call, resource, identity, rest)
        if rest != "/openai/v1" and not rest.startswith("/openai/v1/"):
            return _not_found()
        return self._v1(call, resource, identity, rest[len("/openai/v1") :], project=True)

    def _project_deployments(
        self, call: _Call, resource: Resource, identity: _Identity, rest: str
    ) -> Reply:
        """``GET /api/projects/<p>/deployments[/<name>]?api-version=v1``: the resource's
        deployments, for principals with a project role."""
        if call.method != "GET":
            return _not_found()
        if call.query("api-version") not in _V1_VERSIONS:
            return Reply.error(
                400, V1_API_VERSION_UNSUPPORTED_BODY, outcome="api-version-unsupported"
            )
        if not grants_project(identity.roles):
            return Reply.error(
                401,
                project_permission_denied_body(
                    identity.oid,
                    "Microsoft.CognitiveServices/accounts/AIServices/deployments/read",
                    "GET /api/projects/{projectName}/deployments",
                ),
                outcome="permission-denied",
            )
        name = unquote(rest[len("/deployments/") :]) if rest.startswith("/deployments/") else ""
        if not name:
            listed = [payloads.project_deployment(d) for d in resource.deployments.values()]
            return Reply.json({"value": listed})
        call.model = name
        found = resource.deployments.get(name)
        if found is None:
            return Reply.error(404, DEPLOYMENT_NOT_FOUND_BODY, outcome="deployment-not-found")
        return Reply.json(payloads.project_deployment(found))

    # --- success ------------------------------------------------------------------------------

    def _serve(self, call: _Call, deployment: Deployment, operation: str) -> Reply:
        body = call.body()
        if body is None:
            return Reply.error(400, bad_json_body(), outcome="bad-body")
        wants_embeddings = operation in ("embeddings", "images/embeddings")
        if wants_embeddings != (deployment.kind == "embeddings"):
            return Reply.error(
                400,
                operation_not_supported_body(_OPERATION_NAMES[operation], deployment.name),
                outcome="operation-not-supported",
            )
        if wants_embeddings:
            return Reply.json(payloads.embeddings(deployment, body))
        if operation == "completions":
            return Reply.json(payloads.text_completion(deployment, body))
        if operation == "responses":
            if body.get("stream") is True:
                return Reply.error(
                    400,
                    json.dumps(
                        {
                            "error": {
                                "code": "BadRequest",
                                "message": "The emulator does not stream the Responses API.",
                            }
                        },
                        separators=(",", ":"),
                    ),
                    outcome="stream-not-supported",
                )
            return Reply.json(payloads.response_object(deployment, body))
        if body.get("stream") is True:
            return Reply.sse(payloads.chat_chunks(deployment, body))
        return Reply.json(payloads.chat_completion(deployment, body))
