"""One request as the data plane sees it (:class:`Call`), and the api-version check every
route applies (:func:`check_api_version`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from foundry_doctor.emulator.services.foundry.errors import (
    ApiVersionNotSpecified,
    BadJsonBody,
    ResourceNotFound,
    ResponsesApiVersionTooOld,
    V1ApiVersionNotAllowed,
    V1ApiVersionUnsupported,
    V1PreviewMode,
)
from foundry_doctor.emulator.services.foundry.spec import (
    DATED_API_VERSION,
    V1_ALIASES,
    ApiVersionPolicy,
    RouteFamily,
    RouteName,
    dated_order,
    route_of,
)
from foundry_doctor.emulator.tokens import bearer_of
from foundry_doctor.emulator.wire.messages import IncomingRequest

if TYPE_CHECKING:
    from foundry_doctor.emulator.services.foundry.world import Resource
    from foundry_doctor.emulator.world import World

__all__ = ["Call", "audience_text", "check_api_version", "is_older"]


def _stripped(value: str | None) -> str:
    return value.strip() if value else ""


class Call:
    """The per-request state: the request, the world, and what the log will keep."""

    def __init__(self, request: IncomingRequest, world: World) -> None:
        self.request = request
        self.world = world
        self.route: RouteName | None = route_of(request.path)
        self.model: str | None = None
        self.bearer, self.bearer_value = bearer_of(request.header("authorization"))
        self.api_key = _stripped(request.header("api-key"))
        self.x_api_key = _stripped(request.header("x-api-key"))
        self.has_authorization = bool(_stripped(request.header("authorization")))
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

    def header(self, name: str) -> str | None:
        return self.request.header(name)

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

    def body_or_empty(self) -> dict[str, Any]:
        """The JSON object in the body, or ``{}`` (multipart uploads, empty bodies)."""
        try:
            return self.body()
        except BadJsonBody:
            return {}


def audience_text(call: Call, resource: Resource, route: RouteFamily) -> str:
    """The parenthesis of ``route``'s audience 401 on ``resource``: the world's override
    (``FoundrySettings.audience_texts``) or the statement's text for the resource's cloud."""
    override = call.world.foundry.audience_texts.get(route.name)
    return override if override is not None else route.audience_text_in(resource.cloud)


def is_older(version: str, than: str) -> bool:
    """Whether dated api-version ``version`` comes before ``than``."""
    return dated_order(version) < dated_order(than)


def check_api_version(call: Call, policy: ApiVersionPolicy, operation: str = "*") -> None:
    """Refuse the request's ``api-version`` the way ``policy`` says (``operation``: the
    operation's name, for the v1 answers that depend on it)."""
    version = call.query("api-version")
    if policy.kind == "none":
        return
    if policy.kind == "dated":
        _check_dated(call, policy, version)
        return
    if policy.kind == "listed":
        if version is None:
            if not policy.required:
                return
            if policy.missing == "not-specified":
                raise ApiVersionNotSpecified()
            raise V1ApiVersionUnsupported()
        if version not in policy.values:
            raise V1ApiVersionUnsupported()
        return
    _check_v1(call, version, operation)


def _check_dated(call: Call, policy: ApiVersionPolicy, version: str | None) -> None:
    if version is None and not policy.required:
        return
    served = call.world.api_versions.get(policy.world_key, ())
    if version is not None and version in served:
        return
    known = call.world.api_versions.get("deployments", ())
    if (
        policy.minimum is not None
        and version is not None
        and version in known
        and is_older(version, policy.minimum)
    ):
        raise ResponsesApiVersionTooOld(policy.minimum)
    raise ResourceNotFound(outcome="api-version-not-served")


def _check_v1(call: Call, version: str | None, operation: str) -> None:
    settings = call.world.foundry
    if settings.v1_preview_mode:
        if version != "preview":
            raise V1PreviewMode()
        return
    aliases = V1_ALIASES if settings.v1_latest_accepted else V1_ALIASES - {"latest"}
    if version is None or version in aliases:
        return
    if DATED_API_VERSION.fullmatch(version):
        answers = settings.v1_dated_api_version
        if answers.get(operation, answers.get("*", "not-allowed")) == "not-supported":
            raise V1ApiVersionUnsupported()
        raise V1ApiVersionNotAllowed()
    raise V1ApiVersionUnsupported()
