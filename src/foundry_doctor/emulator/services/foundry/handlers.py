"""The Foundry / Azure OpenAI data plane's decisions: which route a request hits, who sent it,
and what the answer is. Every check reads the service's statement
(:mod:`~foundry_doctor.emulator.services.foundry.spec`) and the current world; every refusal is
an error of :mod:`~foundry_doctor.emulator.services.foundry.errors`, raised and rendered once.
Project routes are decided in
:mod:`~foundry_doctor.emulator.services.foundry.project_handlers`.

Order of decisions (each step answers as the real service does, ``wire.md`` A.2/A.4):

1. **Host**: a resource's custom subdomain (public or sovereign cloud), or a regional endpoint
   (keys only).
2. **Resource refusals**: a configured whole-resource answer (``Resource.refusal``); public
   network access off: ``Resource.network_answer`` to everything.
3. **Route family** from the path prefix (:data:`~.spec.ROUTES`), if the host family serves it
   (:data:`~.spec.HOST_FAMILIES`); any other path is 404 ``Resource not found`` before
   authentication. A retired ``/models`` API answers here.
4. **Authentication**, with the family's credentials, in the order
   ``FoundrySettings.credential_precedence`` says (``api-key`` first by default): key auth off:
   403; unknown key: 401 invalid-key body; ``Authorization: Bearer``: a key there only where
   the family accepts ``bearer-key``, elsewhere it fails like any bad token (401 shape 2 with
   the family's audience text); a token must be genuine, current, for one of the family's
   audiences in the resource's cloud (401 shape 2) and from the resource's tenant (400). No
   credential: ``World.missing_auth_*``. Projects take tokens only.
5. **Operation and api-version** inside the family (:func:`~.call.check_api_version`).
6. **Access** (tokens only; keys bypass roles): the operation's data action, granted by one of
   the principal's role definitions, else 401 ``PermissionDenied``.
7. **Deployment / model**: classic route 404 ``DeploymentNotFound`` (404 ``Resource not found``
   for a non-OpenAI model, which that route does not serve); ``/models`` 400 ``no_model_name`` /
   ``unknown_model``; ``/openai/v1`` and the dated Responses route 404 ``DeploymentNotFound``;
   a model too new for the dated api-version: 400 (its text depends on the route); a Claude
   deployment on an OpenAI-shaped route: 404 ``api_not_supported``; a retired model version:
   the deployment's ``retired`` answer; an operation the deployment does not serve: 400.
8. **Quota**: a deployment over its quota answers 429 with ``retry-after`` / ``retry-after-ms``.
9. **Success**: JSON, or server-sent events when the body asks for ``stream``.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from foundry_doctor.emulator.services.foundry import payloads
from foundry_doctor.emulator.services.foundry.access import Identity
from foundry_doctor.emulator.services.foundry.call import (
    Call,
    audience_text,
    check_api_version,
    is_older,
)
from foundry_doctor.emulator.services.foundry.errors import (
    NETWORK_REFUSALS,
    AnthropicError,
    ApiNotSupported,
    ConfiguredAnswer,
    DeploymentNotFound,
    FoundryError,
    InvalidKey,
    KeyAuthDisabled,
    MissingParameter,
    ModelApiVersionTooOld,
    ModelDeprecated,
    NoModelName,
    OperationNotSupported,
    PermissionDenied,
    ProjectPermissionDenied,
    Refused,
    RegionalTokenRefused,
    ResourceNotFound,
    ResponsesNotSupported,
    TenantMismatch,
    Throttled,
    TokenRejected,
    UnknownModel,
    V1ApiVersionUnsupported,
)
from foundry_doctor.emulator.services.foundry.project_handlers import ProjectRoutes
from foundry_doctor.emulator.services.foundry.quota import QuotaKeeper
from foundry_doctor.emulator.services.foundry.spec import (
    HOST_FAMILIES,
    PROJECT_OPENAI_OPERATION,
    REGIONAL_SUFFIX,
    ROUTES,
    Credential,
    RouteFamily,
    project_openai_action,
)
from foundry_doctor.emulator.services.foundry.world import (
    Deployment,
    HostMatch,
    Refusal,
    Resource,
    match_host,
    region_display_name,
)
from foundry_doctor.emulator.tokens import InvalidToken, TokenIssuer
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

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
#: how many created responses each service keeps for ``GET /responses/<id>``
_STORED_RESPONSES = 1024
#: (cloud, suffix) of every custom-subdomain host family
_CUSTOM_SUBDOMAIN_SUFFIXES = tuple(
    (cloud, suffix)
    for family, spec in HOST_FAMILIES.items()
    if family != "regional"
    for cloud, suffix in spec.suffixes.items()
)
#: how a hint names a resource's tenant in a sovereign cloud
_CLOUD_TENANTS = {"usgov": "GOVERNMENT_TENANT", "china": "CHINA_TENANT"}


class FoundryService:
    """Answers requests for the resources' host names from the current world."""

    name = "foundry"

    def __init__(self, world: Callable[[], World], issuer: TokenIssuer) -> None:
        self._world = world
        self._issuer = issuer
        self._quota = QuotaKeeper()
        self._responses: OrderedDict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]
        self._responses = OrderedDict()
        self._responses_lock = threading.Lock()
        self._projects = ProjectRoutes(self)

    def serves_host(self, host: str) -> bool:
        return match_host(self._world().resources.values(), host) is not None

    def hint_for(self, host: str) -> str | None:
        """How a world would serve ``host`` when it looks like a resource's host name (or a
        regional one)."""
        for cloud, suffix in _CUSTOM_SUBDOMAIN_SUFFIXES:
            name = host[: -len(suffix)]
            if host.endswith(suffix) and name and "." not in name:
                where = (
                    f", cloud={cloud!r}, tenant_id={_CLOUD_TENANTS[cloud]}"
                    if cloud in _CLOUD_TENANTS
                    else ""
                )
                return f"add a resource: world.add_resource(Resource({name!r}{where}))"
        if host.endswith(REGIONAL_SUFFIX):
            region = host[: -len(REGIONAL_SUFFIX)]
            return (
                f"add a resource in that region: world.add_resource(Resource(<name>, "
                f"region={region!r}))"
            )
        return None

    def handle(self, request: IncomingRequest) -> Handled:
        call = Call(request, self._world())
        match = match_host(call.world.resources.values(), request.host)
        try:
            if match is None:
                raise ResourceNotFound(outcome="unknown-host")
            reply = self._dispatch(call, match)
        except FoundryError as error:
            reply = error.reply()
        return Handled(
            reply=reply.with_headers(self._common_headers(call, match, reply)),
            service=self.name,
            route=call.route,
            model=call.model,
            bearer=call.bearer,
        )

    @staticmethod
    def _common_headers(
        call: Call, match: HostMatch | None, reply: Reply
    ) -> tuple[tuple[str, str], ...]:
        """What every reply of the data plane carries: ``apim-request-id`` always (wire.md
        A.3), ``x-request-id`` as ``FoundrySettings.x_request_id`` says, the region."""
        region = ""
        if match is not None:
            region = match.resource.region if match.resource is not None else match.region or ""
        headers = [("apim-request-id", str(uuid.uuid4()))]
        when = call.world.foundry.x_request_id
        if when == "always" or (when == "success" and reply.status < 400):
            headers.append(("x-request-id", str(uuid.uuid4())))
        headers.append(("x-ms-region", region_display_name(region)))
        return tuple(headers)

    # --- host, network, family ----------------------------------------------------------------

    def _dispatch(self, call: Call, match: HostMatch) -> Reply:
        if match.resource is None:
            return self._regional(call, match)
        resource = match.resource
        self._check_network(resource)
        for prefix, answer in call.world.foundry.path_answers.items():
            if call.path == prefix or call.path.startswith(prefix.rstrip("/") + "/"):
                raise Refused(answer, outcome="path-answer")
        route = call.route
        if route is None or route not in HOST_FAMILIES[match.family].routes:
            raise ResourceNotFound()
        if route == "models":
            return self._models(call, resource)
        if route == "project":
            return self._projects.handle(call, resource)
        if route == "anthropic":
            return self._anthropic(call, resource, match)
        identity = self.authenticate(call, resource, ROUTES[route])
        if route == "v1":
            return self.v1(call, resource, identity, call.path[len(ROUTES["v1"].prefix) :])
        if route == "responses":
            return self._dated_responses(call, resource, identity)
        return self._deployments(call, resource, identity)

    @staticmethod
    def _check_network(resource: Resource) -> None:
        if resource.refusal is not None:
            raise Refused(resource.refusal, outcome="resource-refused")
        if resource.public_network:
            return
        answer = resource.network_answer
        if isinstance(answer, Refusal):
            raise Refused(answer, outcome="public-network-disabled")
        outcome = "public-network-disabled" if answer == "public-access-disabled" else answer
        raise Refused(NETWORK_REFUSALS[answer], outcome=outcome)

    def _regional(self, call: Call, match: HostMatch) -> Reply:
        """``<region>.api.cognitive.microsoft.com``: the classic route, with keys only."""
        if call.route not in HOST_FAMILIES["regional"].routes:
            raise ResourceNotFound()
        if call.api_key:
            in_region = [r for r in call.world.resources.values() if r.region == match.region]
            resource = next((r for r in in_region if r.key_index(call.api_key)), None)
            if resource is None:
                raise InvalidKey(call.world.foundry.invalid_key_code)
            self._check_network(resource)
            if not resource.local_auth:
                raise KeyAuthDisabled()
            return self._deployments(call, resource, Identity("key"))
        if call.has_authorization:
            raise RegionalTokenRefused()
        raise self._missing_auth(call)

    # --- authentication -----------------------------------------------------------------------

    @staticmethod
    def _missing_auth(call: Call) -> FoundryError:
        world = call.world
        return ConfiguredAnswer(
            world.missing_auth_status, world.missing_auth_body, outcome="no-credential"
        )

    @staticmethod
    def _check_key(call: Call, resource: Resource, key: str) -> Identity:
        if not resource.local_auth:
            raise KeyAuthDisabled()
        if resource.key_index(key) is None:
            raise InvalidKey(call.world.foundry.invalid_key_code)
        return Identity("key")

    def check_token(
        self,
        call: Call,
        resource: Resource,
        token: str,
        route: RouteFamily,
        project: str | None = None,
    ) -> Identity:
        """A token's identity on ``resource`` (or its ``project``) for ``route`` (401 / 400
        when refused), with the roles in force there (``World.data_plane_roles``)."""
        text = audience_text(call, resource, route)
        audiences = route.audiences_in(resource.cloud)
        if route.name == "anthropic":
            audiences = frozenset(call.world.foundry.anthropic_audiences)
        try:
            verified = self._issuer.verify(token)
        except InvalidToken as error:
            raise TokenRejected(text, outcome=f"token-{error.reason}") from None
        if verified.aud.rstrip("/") not in audiences:
            raise TokenRejected(text, outcome="token-wrong-audience")
        if verified.tid != resource.tenant_id:
            raise TenantMismatch(verified.tid)
        roles = call.world.data_plane_roles(verified.oid, resource, project)
        return Identity("token", oid=verified.oid, roles=roles)

    def authenticate(
        self,
        call: Call,
        resource: Resource,
        route: RouteFamily,
        credentials: frozenset[Credential] | None = None,
    ) -> Identity:
        """The caller's identity from the credentials ``route`` reads (or ``credentials``), in
        the order ``FoundrySettings.credential_precedence`` says."""
        accepted = route.credentials if credentials is None else credentials
        keys: list[Callable[[], Identity]] = []
        if call.x_api_key and "x-api-key" in accepted:
            keys.append(lambda: self._check_key(call, resource, call.x_api_key))
        if call.api_key and "api-key" in accepted:
            keys.append(lambda: self._check_key(call, resource, call.api_key))
        authorization: list[Callable[[], Identity]] = []
        if call.has_authorization:
            authorization.append(lambda: self._from_authorization(call, resource, route, accepted))
        precedence = call.world.foundry.credential_precedence
        attempts = authorization + keys if precedence == "authorization" else keys + authorization
        if not attempts:
            raise self._missing_auth(call)
        if precedence != "any-valid":
            return attempts[0]()
        first: FoundryError | None = None
        for attempt in attempts:
            try:
                return attempt()
            except FoundryError as error:
                first = first or error
        assert first is not None
        raise first

    def _from_authorization(
        self, call: Call, resource: Resource, route: RouteFamily, accepted: frozenset[Credential]
    ) -> Identity:
        if call.bearer == "jwt" and "bearer-token" in accepted:
            return self.check_token(call, resource, call.bearer_value, route)
        if call.bearer == "opaque" and "bearer-key" in accepted:
            return self._check_key(call, resource, call.bearer_value)
        outcome = "key-as-bearer" if call.bearer == "opaque" else "token-malformed"
        raise TokenRejected(audience_text(call, resource, route), outcome=outcome)

    # --- the classic deployment route ---------------------------------------------------------

    def _deployments(self, call: Call, resource: Resource, identity: Identity) -> Reply:
        route = ROUTES["deployments"]
        found = route.operation(call.method, call.path[len(route.prefix) :])
        if found is None:
            raise ResourceNotFound()
        operation, parameters = found
        check_api_version(call, operation.api_version or route.api_version, operation.name)
        if not identity.may_call(operation.name, None):
            raise PermissionDenied()
        name = unquote(parameters["deployment"])
        call.model = name
        deployment = resource.deployments.get(name)
        if deployment is None:
            raise DeploymentNotFound()
        if deployment.family != "openai":
            raise ResourceNotFound(outcome="non-openai-deployment")
        if not identity.may_call(operation.name, deployment.family):
            raise PermissionDenied()
        minimum = self._minimum_not_met(call, deployment)
        if minimum is not None:
            raise ModelApiVersionTooOld(minimum)
        return self.serve(call, resource, deployment, operation.name)

    @staticmethod
    def _minimum_not_met(call: Call, deployment: Deployment) -> str | None:
        """The deployment's minimum api-version when the request's dated one is older."""
        version = call.query("api-version")
        minimum = deployment.min_api_version
        if minimum is not None and version is not None and is_older(version, minimum):
            return minimum
        return None

    # --- the dated Responses route ------------------------------------------------------------

    def _dated_responses(self, call: Call, resource: Resource, identity: Identity) -> Reply:
        """``/openai/responses[/<id>[/input_items]]?api-version=<dated>``: the deployment is the
        body's ``model`` (routes.md §3.2)."""
        route = ROUTES["responses"]
        found = route.operation(call.method, call.path[len(route.prefix) :])
        check_api_version(call, route.api_version, found[0].name if found else "*")
        if found is None:
            raise ResourceNotFound()
        operation, parameters = found
        if operation.name != "responses":
            return self.stored_response(call, resource, identity, operation.name, parameters)
        deployment = self.deployment_of_body(call, resource, identity, "responses")
        if self._minimum_not_met(call, deployment) is not None:
            raise V1ApiVersionUnsupported()  # litellm#22141: this text on the Responses route
        return self.serve(call, resource, deployment, "responses")

    def deployment_of_body(
        self, call: Call, resource: Resource, identity: Identity, operation: str
    ) -> Deployment:
        """The deployment the body's ``model`` names, checked against the caller's roles."""
        if not identity.may_call(operation, None):
            raise PermissionDenied()
        model = call.body().get("model")
        if not isinstance(model, str) or not model:
            raise MissingParameter("model")
        call.model = model
        deployment = resource.deployments.get(model)
        if deployment is None:
            raise DeploymentNotFound()
        if not identity.may_call(operation, deployment.family):
            raise PermissionDenied()
        return deployment

    def stored_response(
        self,
        call: Call,
        resource: Resource,
        identity: Identity,
        operation: str,
        parameters: dict[str, str],
    ) -> Reply:
        """``GET`` / ``DELETE`` of a response this service created, or its input items."""
        if not identity.may_call(operation, None):
            raise PermissionDenied()
        key = (resource.name, unquote(parameters["response_id"]))
        with self._responses_lock:
            stored = self._responses.get(key)
            if stored is not None and operation == "response/delete":
                del self._responses[key]
        if stored is None:
            raise ResourceNotFound(outcome="response-not-found")
        response, body = stored
        if operation == "response/delete":
            return Reply.json(payloads.response_deleted(key[1]))
        if operation == "response/input_items":
            return Reply.json(payloads.input_items(body))
        return Reply.json(response)

    def _store(self, resource: Resource, response: dict[str, Any], body: dict[str, Any]) -> None:
        with self._responses_lock:
            self._responses[(resource.name, response["id"])] = (response, body)
            while len(self._responses) > _STORED_RESPONSES:
                self._responses.popitem(last=False)

    # --- the Model Inference API --------------------------------------------------------------

    def _models(self, call: Call, resource: Resource) -> Reply:
        world = call.world
        if world.models_api_retired:
            raise ConfiguredAnswer(world.retired_status, world.retired_body, outcome="api-retired")
        route = ROUTES["models"]
        identity = self.authenticate(call, resource, route)
        found = route.operation(call.method, call.path[len(route.prefix) :])
        if found is None:
            raise ResourceNotFound()
        operation, _ = found
        check_api_version(call, operation.api_version or route.api_version, operation.name)
        try:
            return self._models_route(call, resource, identity, operation.name)
        except FoundryError as error:  # the inference service labels its own errors
            code = error.error_code()
            if code is not None:
                error.add_headers(("x-ms-error-code", code))
            raise

    def _models_route(
        self, call: Call, resource: Resource, identity: Identity, operation: str
    ) -> Reply:
        if not identity.may_call(operation, None):
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
        if not identity.may_call(operation, deployment.family):
            raise PermissionDenied()
        if is_info:
            return Reply.json(payloads.model_info(deployment))
        return self.serve(call, resource, deployment, operation)

    # --- /openai/v1 (on a resource or a project) ----------------------------------------------

    def v1(
        self,
        call: Call,
        resource: Resource,
        identity: Identity,
        sub_path: str,
        *,
        project: bool = False,
    ) -> Reply:
        route = ROUTES["v1"]
        found = route.operation(call.method, sub_path)
        check_api_version(call, route.api_version, found[0].name if found else "*")
        if found is None:
            raise ResourceNotFound()
        operation, parameters = found
        if project:
            action = project_openai_action(call.method)
            if not identity.grants(action):
                raise ProjectPermissionDenied(
                    identity.oid,
                    action,
                    PROJECT_OPENAI_OPERATION.format(method=call.method),
                    call.world.foundry.project_permission_help,
                )
            identity = Identity("project", oid=identity.oid)
        if operation.name in ("response", "response/delete", "response/input_items"):
            return self.stored_response(call, resource, identity, operation.name, parameters)
        if not identity.may_call(operation.name, None):
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
        deployment = self.deployment_of_body(call, resource, identity, operation.name)
        return self.serve(call, resource, deployment, operation.name)

    # --- /anthropic ---------------------------------------------------------------------------

    def _anthropic(self, call: Call, resource: Resource, match: HostMatch) -> Reply:
        """``/anthropic/v1/messages[/count_tokens]``: Claude deployments, in Anthropic's own
        request and answer shapes; the credentials read depend on the host family
        (``FoundrySettings.anthropic_credentials``)."""
        route = ROUTES["anthropic"]
        credentials = call.world.foundry.anthropic_credentials.get(match.family, frozenset())
        identity = self.authenticate(call, resource, route, credentials)
        found = route.operation(call.method, call.path[len(route.prefix) :])
        if found is None:
            raise ResourceNotFound()
        operation, _ = found
        if call.world.foundry.anthropic_version_required and not call.header("anthropic-version"):
            raise AnthropicError(
                400,
                "invalid_request_error",
                "anthropic-version: header is required",
                outcome="anthropic-version-missing",
            )
        try:
            body = call.body()
        except FoundryError:
            raise AnthropicError(
                400,
                "invalid_request_error",
                "The request body is not valid JSON.",
                outcome="bad-body",
            ) from None
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise AnthropicError(
                400, "invalid_request_error", "model: Field required", outcome="no-model-name"
            )
        call.model = model
        if not identity.may_call("messages", "anthropic"):
            raise PermissionDenied()
        deployment = resource.deployments.get(model)
        if deployment is None or deployment.family != "anthropic":
            raise AnthropicError(
                404, "not_found_error", f"model: {model}", outcome="deployment-not-found"
            )
        return self.serve(call, resource, deployment, operation.name)

    # --- success ------------------------------------------------------------------------------

    @staticmethod
    def _check_deployment(call: Call, deployment: Deployment, operation: str) -> None:
        """The deployment's own refusals: a retired model version (``World.retired_answer``);
        a Claude deployment on an OpenAI-shaped route; an operation its kind does not serve."""
        retired = call.world.retired_answer(deployment)
        if retired == "not-found":
            raise ResourceNotFound(outcome="model-retired")
        if retired == "model-deprecated":
            raise ModelDeprecated()
        if retired == "operation-not-supported":
            raise OperationNotSupported(
                _OPERATION_NAMES.get(operation, operation), deployment.model
            )
        is_anthropic_route = operation.startswith("messages")
        if (deployment.family == "anthropic") != is_anthropic_route:
            raise ApiNotSupported()
        if is_anthropic_route:
            return
        wants_embeddings = operation in _EMBEDDING_OPERATIONS
        if wants_embeddings != (deployment.kind == "embeddings"):
            raise OperationNotSupported(_OPERATION_NAMES[operation], deployment.name)
        if operation == "responses" and not deployment.responses_api:
            raise ResponsesNotSupported()

    def _admit(self, call: Call, resource: Resource, deployment: Deployment) -> None:
        tokens = payloads.estimate_tokens(deployment, call.body_or_empty())
        wait = self._quota.admit(deployment.quota, tokens)
        if wait is not None:
            outcome = "throttled"
            raise Throttled(wait, call.world.foundry.throttled_message, outcome=outcome)

    def serve(
        self,
        call: Call,
        resource: Resource,
        deployment: Deployment,
        operation: str,
        *,
        model: str | None = None,
    ) -> Reply:
        """The successful answer of ``operation`` on ``deployment`` (after its own refusals
        and its quota); ``model`` overrides the model a response names (an agent's)."""
        self._check_deployment(call, deployment, operation)
        body = call.body()
        self._admit(call, resource, deployment)
        streamed = body.get("stream") is True
        if operation in _EMBEDDING_OPERATIONS:
            return Reply.json(payloads.embeddings(deployment, body))
        if operation == "completions":
            return Reply.json(payloads.text_completion(deployment, body))
        if operation == "responses":
            response = payloads.response_object(deployment, body, model=model)
            if body.get("store", True) is not False:
                self._store(resource, response, body)
            if streamed:
                return Reply.sse(payloads.response_events(response), named=True)
            return Reply.json(response)
        if operation == "messages":
            message = payloads.anthropic_message(deployment, body)
            if streamed:
                return Reply.sse(payloads.anthropic_events(message), named=True)
            return Reply.json(message)
        if operation == "messages/count_tokens":
            return Reply.json(payloads.anthropic_token_count(body))
        if streamed:
            return Reply.sse(payloads.chat_chunks(deployment, body))
        return Reply.json(payloads.chat_completion(deployment, body))
