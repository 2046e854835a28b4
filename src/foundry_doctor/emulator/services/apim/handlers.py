"""An API Management gateway's decisions: which API owns the path, the subscription key (or an
application token where the API takes one), then the request forwarded to the backend
resource with the gateway's own credential; the backend's answer goes back unchanged.

Order: no API for the path: 404; key required and none given: 401 (the text depends on
whether the API also takes application tokens); a key that is not the subscription's: 401;
then forwarding (``GatewayApi.backend_credential``): ``api-key`` (the backend's key, as a
named value does), ``managed-identity`` (a token of ``backend_identity`` for the Cognitive
Services audience, as ``authentication-managed-identity`` does), or ``passthrough`` (the
caller's credentials go through). The subscription key never reaches the backend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from foundry_doctor.emulator.services.apim.errors import GatewayError
from foundry_doctor.emulator.services.apim.spec import (
    GATEWAY_SUFFIX,
    INVALID_KEY_TEXT,
    MISSING_CREDENTIALS_TEXT,
    MISSING_KEY_TEXT,
    NOT_FOUND_TEXT,
)
from foundry_doctor.emulator.services.apim.world import Gateway, GatewayApi
from foundry_doctor.emulator.services.base import TunnelledService
from foundry_doctor.emulator.services.foundry.spec import HOST_FAMILIES
from foundry_doctor.emulator.tokens import InvalidToken, TokenIssuer, bearer_of
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest

if TYPE_CHECKING:
    from foundry_doctor.emulator.world import World

__all__ = ["GatewayService"]

#: the scope a gateway's managed identity asks a token for (the APIM how-to's resource)
BACKEND_SCOPE = "https://cognitiveservices.azure.com/.default"
_CREDENTIAL_HEADERS = frozenset({"api-key", "authorization"})


class GatewayService:
    """Answers for the world's API Management gateways, forwarding to ``backend``."""

    name = "apim"

    def __init__(
        self, world: Callable[[], World], issuer: TokenIssuer, backend: TunnelledService
    ) -> None:
        self._world = world
        self._issuer = issuer
        self._backend = backend

    def _gateway(self, host: str) -> Gateway | None:
        host = host.lower().rstrip(".")
        return next((g for g in self._world().gateways.values() if g.hostname == host), None)

    def serves_host(self, host: str) -> bool:
        return self._gateway(host) is not None

    def hint_for(self, host: str) -> str | None:
        if host.endswith(GATEWAY_SUFFIX):
            name = host[: -len(GATEWAY_SUFFIX)]
            return f"add a gateway: world.add_gateway(Gateway({name!r}))"
        return None

    def handle(self, request: IncomingRequest) -> Handled:
        gateway = self._gateway(request.host)
        bearer, _ = bearer_of(request.header("authorization"))
        try:
            if gateway is None:
                raise GatewayError(404, NOT_FOUND_TEXT, outcome="unknown-host")
            api = gateway.api_for(request.path)
            if api is None:
                raise GatewayError(404, NOT_FOUND_TEXT, outcome="no-api")
            self._check_subscription(gateway, api, request)
            forwarded = self._forwarded(gateway, api, request)
        except GatewayError as error:
            return Handled(reply=error.reply(), service=self.name, bearer=bearer)
        handled = self._backend.handle(forwarded)
        return Handled(
            reply=handled.reply,
            service=self.name,
            route=handled.route,
            model=handled.model,
            bearer=bearer,
        )

    def _check_subscription(
        self, gateway: Gateway, api: GatewayApi, request: IncomingRequest
    ) -> None:
        if not api.subscription_required:
            return
        key = (request.header(api.subscription_key_header) or "").strip()
        key = key or request.query.get(api.subscription_key_query, "").strip()
        if key:
            if not gateway.key_valid(key):
                raise GatewayError(
                    401, INVALID_KEY_TEXT, outcome="invalid-subscription-key", reason=gateway.reason
                )
            return
        if api.application_tokens and self._genuine_token(request.header("authorization")):
            return
        text = MISSING_CREDENTIALS_TEXT if api.application_tokens else MISSING_KEY_TEXT
        raise GatewayError(401, text, outcome="no-subscription-key", reason=gateway.reason)

    def _genuine_token(self, authorization: str | None) -> bool:
        kind, value = bearer_of(authorization)
        if kind != "jwt":
            return False
        try:
            self._issuer.verify(value)
        except InvalidToken:
            return False
        return True

    def _forwarded(
        self, gateway: Gateway, api: GatewayApi, request: IncomingRequest
    ) -> IncomingRequest:
        world = self._world()
        resource = world.resources.get(api.backend)
        suffix = HOST_FAMILIES[api.backend_host].suffix_in(resource.cloud) if resource else None
        if resource is None or suffix is None:
            raise GatewayError(
                500,
                f"The backend {api.backend!r} of gateway {gateway.name!r} is not in the world.",
                outcome="no-backend",
            )
        dropped = {api.subscription_key_header.lower()}
        if api.backend_credential != "passthrough":
            dropped |= _CREDENTIAL_HEADERS
        headers = [(k, v) for k, v in request.headers if k.lower() not in dropped]
        if api.backend_credential == "api-key":
            headers.append(("api-key", resource.keys[0]))
        elif api.backend_credential == "managed-identity":
            principal = world.principal(api.backend_identity or "")
            token, _ = self._issuer.mint(principal, BACKEND_SCOPE)
            headers.append(("Authorization", f"Bearer {token}"))
        query = {k: v for k, v in request.query.items() if k != api.subscription_key_query}
        return IncomingRequest(
            host=f"{resource.name}{suffix}",
            method=request.method,
            path=api.backend_path_of(request.path),
            query=query,
            headers=tuple(headers),
            body=request.body,
        )
