"""A serverless endpoint's decisions: the key (``Authorization: Bearer <key>``; an ``api-key``
header alone is the 400 "must be passed as a header called Authorization" unless the endpoint
reads it), then the operation (the Model Inference API's paths; anything else 404), then the
model's answer (the data plane's payloads, for the endpoint's one model)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.services.foundry import payloads
from foundry_doctor.emulator.services.foundry.world import Deployment
from foundry_doctor.emulator.services.serverless.errors import (
    AuthorizationRequired,
    EndpointKeyInvalid,
    EndpointPathNotFound,
)
from foundry_doctor.emulator.services.serverless.spec import OPERATIONS, SERVERLESS_SUFFIX
from foundry_doctor.emulator.services.serverless.world import ServerlessEndpoint
from foundry_doctor.emulator.tokens import bearer_of
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

if TYPE_CHECKING:
    from foundry_doctor.emulator.world import World

__all__ = ["ServerlessService"]


class ServerlessService:
    """Answers for the world's serverless API endpoints."""

    name = "serverless"

    def __init__(self, world: Callable[[], World]) -> None:
        self._world = world

    def _endpoint(self, host: str) -> ServerlessEndpoint | None:
        host = host.lower().rstrip(".")
        endpoints = self._world().serverless_endpoints.values()
        return next((e for e in endpoints if e.host == host), None)

    def serves_host(self, host: str) -> bool:
        return self._endpoint(host) is not None

    def hint_for(self, host: str) -> str | None:
        if not host.endswith(SERVERLESS_SUFFIX):
            return None
        name, _, region = host[: -len(SERVERLESS_SUFFIX)].rpartition(".")
        return (
            "add a serverless endpoint: world.add_serverless_endpoint("
            f"ServerlessEndpoint({name!r}, region={region!r}))"
        )

    def handle(self, request: IncomingRequest) -> Handled:
        endpoint = self._endpoint(request.host)
        bearer, _ = bearer_of(request.header("authorization"))
        try:
            if endpoint is None:
                raise EndpointPathNotFound(outcome="unknown-host")
            self._authenticate(endpoint, request)
            operation = OPERATIONS.get((request.method, request.path.rstrip("/") or "/"))
            if operation is None:
                raise EndpointPathNotFound()
            reply = self._answer(endpoint, operation, request)
        except ServiceError as error:
            reply = error.reply()
        model = endpoint.model if endpoint is not None else None
        return Handled(
            reply=reply, service=self.name, route="serverless", model=model, bearer=bearer
        )

    @staticmethod
    def _authenticate(endpoint: ServerlessEndpoint, request: IncomingRequest) -> None:
        authorization = (request.header("authorization") or "").strip()
        if authorization:
            scheme, _, value = authorization.partition(" ")
            key = value.strip() if scheme.lower() == "bearer" else authorization
            if not endpoint.key_valid(key):
                raise EndpointKeyInvalid()
            return
        api_key = (request.header("api-key") or "").strip()
        if api_key and endpoint.api_key_header:
            if not endpoint.key_valid(api_key):
                raise EndpointKeyInvalid()
            return
        raise AuthorizationRequired()

    @staticmethod
    def _answer(endpoint: ServerlessEndpoint, operation: str, request: IncomingRequest) -> Reply:
        deployment = Deployment(
            endpoint.model, endpoint.model, "maas", endpoint.kind, endpoint.provider
        )
        if operation == "info":
            return Reply.json(payloads.model_info(deployment))
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if operation in ("embeddings", "images/embeddings"):
            return Reply.json(payloads.embeddings(deployment, body))
        if body.get("stream") is True:
            return Reply.sse(payloads.chat_chunks(deployment, body))
        return Reply.json(payloads.chat_completion(deployment, body))
