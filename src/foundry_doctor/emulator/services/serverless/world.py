"""The serverless part of the emulated world: serverless API endpoints, each serving one
model with its own two keys."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from foundry_doctor.emulator.services.foundry.world import DeploymentKind, new_key
from foundry_doctor.emulator.services.serverless.spec import SERVERLESS_SUFFIX

__all__ = ["ServerlessEndpoint"]


@dataclass
class ServerlessEndpoint:
    """``<name>.<region>.models.ai.azure.com``, serving ``model``. ``api_key_header``: whether
    the ``api-key`` header is read besides ``Authorization`` (an open question; the public
    report says it is not)."""

    name: str
    region: str = "eastus2"
    model: str = "DeepSeek-R1"
    provider: str = "DeepSeek"
    kind: DeploymentKind = "chat"
    keys: tuple[str, str] = field(default_factory=lambda: (new_key(), new_key()), repr=False)
    api_key_header: bool = False

    @property
    def host(self) -> str:
        return f"{self.name}.{self.region}{SERVERLESS_SUFFIX}".lower()

    def key_valid(self, key: str) -> bool:
        found = False
        for candidate in self.keys:
            if secrets.compare_digest(candidate.encode(), key.encode()):
                found = True
        return found
