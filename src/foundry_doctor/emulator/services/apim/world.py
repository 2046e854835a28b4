"""The API Management part of the emulated world: gateways, their APIs, and the subscription
keys they accept.

A :class:`Gateway` answers on ``<name>.azure-api.net`` (or a custom domain). Each of its
:class:`GatewayApi` owns a path prefix (the API's URL suffix) and forwards to a backend
resource of the world, replacing the caller's credentials with its own: the backend's key (a
named value), a token of the gateway's managed identity, or nothing (``passthrough``: the
caller's own ``api-key`` / ``Authorization`` go through).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Literal

from foundry_doctor.emulator.services.apim.spec import (
    ACCESS_DENIED_REASON,
    GATEWAY_SUFFIX,
    SUBSCRIPTION_KEY_HEADER,
    SUBSCRIPTION_KEY_QUERY,
)

__all__ = ["BackendCredential", "Gateway", "GatewayApi"]

BackendCredential = Literal["api-key", "managed-identity", "passthrough"]


@dataclass
class GatewayApi:
    """One API of a gateway: requests below ``/<suffix>`` go to the ``backend`` resource, with
    ``/<suffix>`` replaced by ``backend_path`` (``/openai`` by default: the "import Azure
    OpenAI" layout, where ``/openai/deployments/...`` arrives unchanged).

    ``subscription_required``: whether a subscription key is needed; where it is read
    (``subscription_key_header`` / ``subscription_key_query``, configurable per API; gateways
    made for the ``AzureOpenAI`` client read ``api-key``). ``application_tokens``: the API also
    accepts an Entra token of this emulator instead of a key (``validate-jwt``), which changes
    the text of the missing-key 401. ``backend_identity``: the principal whose token the
    gateway sends with ``backend_credential="managed-identity"``.
    """

    suffix: str = "openai"
    backend: str = "myres"
    backend_path: str = "/openai"
    backend_host: Literal["openai", "services", "cognitiveservices"] = "openai"
    backend_credential: BackendCredential = "api-key"
    backend_identity: str | None = None
    subscription_required: bool = True
    subscription_key_header: str = SUBSCRIPTION_KEY_HEADER
    subscription_key_query: str = SUBSCRIPTION_KEY_QUERY
    application_tokens: bool = False

    def owns(self, path: str) -> bool:
        prefix = f"/{self.suffix.strip('/')}" if self.suffix.strip("/") else ""
        return not prefix or path == prefix or path.startswith(prefix + "/")

    def backend_path_of(self, path: str) -> str:
        """The path the backend gets for the gateway path ``path``."""
        prefix = f"/{self.suffix.strip('/')}" if self.suffix.strip("/") else ""
        return self.backend_path.rstrip("/") + path[len(prefix) :] or "/"


@dataclass
class Gateway:
    """An API Management instance. ``host`` is a custom domain (``None``:
    ``<name>.azure-api.net``); ``subscription_keys`` are the keys of its subscription (fresh
    per world, never in ``repr``); ``reason`` the reason phrase of its 401s."""

    name: str
    apis: list[GatewayApi] = field(default_factory=lambda: [GatewayApi()])
    host: str | None = None
    subscription_keys: tuple[str, str] = field(
        default_factory=lambda: (secrets.token_hex(16), secrets.token_hex(16)), repr=False
    )
    region: str = "eastus"
    reason: str = ACCESS_DENIED_REASON

    @property
    def hostname(self) -> str:
        return (self.host or f"{self.name}{GATEWAY_SUFFIX}").lower()

    def api_for(self, path: str) -> GatewayApi | None:
        """The API that owns ``path`` (the longest suffix first)."""
        ordered = sorted(self.apis, key=lambda api: len(api.suffix.strip("/")), reverse=True)
        return next((api for api in ordered if api.owns(path)), None)

    def key_valid(self, key: str) -> bool:
        found = False
        for candidate in self.subscription_keys:
            if secrets.compare_digest(candidate.encode(), key.encode()):
                found = True
        return found
