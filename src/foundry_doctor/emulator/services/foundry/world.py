"""The Foundry data plane's part of the emulated world: resources, their deployments, projects,
keys and role assignments.

Plain mutable dataclasses: a test changes one thing (add a deployment, switch off key
authentication) and the next request sees it. What a role opens is the service's statement
(:mod:`~foundry_doctor.emulator.services.foundry.spec`); here a role is just a name held by an
object id. API keys bypass roles entirely, as on the real service.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from foundry_doctor.emulator.services.entra.world import DEFAULT_TENANT
from foundry_doctor.emulator.services.foundry.spec import (
    HOST_FAMILIES,
    REGIONAL_SUFFIX,
    HostFamily,
    ModelFamily,
)

__all__ = [
    "DEFAULT_SUBSCRIPTION",
    "Deployment",
    "DeploymentKind",
    "HostMatch",
    "ModelFamily",
    "Resource",
    "ResourceHostFamily",
    "match_host",
    "new_key",
    "region_display_name",
]

DeploymentKind = Literal["chat", "embeddings"]
#: the host families a resource answers on under its custom subdomain
ResourceHostFamily = Literal["openai", "services", "cognitiveservices"]

DEFAULT_SUBSCRIPTION = "cccccccc-0000-0000-0000-000000000001"

_REGION_NAMES = {
    "eastus": "East US",
    "eastus2": "East US 2",
    "westus": "West US",
    "westus3": "West US 3",
    "swedencentral": "Sweden Central",
    "westeurope": "West Europe",
    "francecentral": "France Central",
    "uksouth": "UK South",
    "japaneast": "Japan East",
    "australiaeast": "Australia East",
}


def new_key() -> str:
    """A fresh resource key: 32 hexadecimal characters, like a classic Azure AI services key."""
    return secrets.token_hex(16)


def region_display_name(region: str) -> str:
    """``eastus`` -> ``East US`` (what the ``x-ms-region`` header carries)."""
    return _REGION_NAMES.get(region, region)


@dataclass
class Deployment:
    """A model deployment on a resource.

    ``family`` is ``"openai"`` for Azure OpenAI models and ``"maas"`` for the other Foundry
    models (Llama, DeepSeek, Cohere, ...); ``kind`` says which operation it serves; ``provider``
    is what ``/models/info`` reports as ``model_provider_name``; ``version`` the model version
    (``None``: the default version of the model catalogue Resource Manager lists).
    """

    name: str
    model: str
    family: ModelFamily = "openai"
    kind: DeploymentKind = "chat"
    provider: str = "OpenAI"
    version: str | None = None


@dataclass
class Resource:
    """A Foundry (Azure AI services) resource.

    ``host_families`` says which custom-subdomain host names it answers on.
    ``keys`` are its two keys (never shown in ``repr``). ``role_assignments`` maps a
    principal's object id to its role names on this resource.
    """

    name: str
    tenant_id: str = DEFAULT_TENANT
    region: str = "eastus"
    host_families: tuple[ResourceHostFamily, ...] = ("openai", "services", "cognitiveservices")
    keys: tuple[str, str] = field(default_factory=lambda: (new_key(), new_key()), repr=False)
    local_auth: bool = True
    public_network: bool = True
    deployments: dict[str, Deployment] = field(default_factory=dict)
    projects: set[str] = field(default_factory=set)
    role_assignments: dict[str, set[str]] = field(default_factory=dict)
    subscription_id: str = DEFAULT_SUBSCRIPTION
    resource_group: str = "rg-foundry"

    @property
    def hosts(self) -> tuple[str, ...]:
        """The host names this resource answers on."""
        return tuple(f"{self.name}{HOST_FAMILIES[family].suffix}" for family in self.host_families)

    @property
    def resource_id(self) -> str:
        """The ARM resource id (the scope of its role assignments)."""
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.CognitiveServices/accounts/{self.name}"
        )

    def add_deployment(self, deployment: Deployment) -> Deployment:
        """Add (or replace) a deployment; returns it."""
        self.deployments[deployment.name] = deployment
        return deployment

    def key_index(self, key: str) -> int | None:
        """1 or 2 when ``key`` is one of this resource's keys, else ``None`` (constant time)."""
        found = None
        for index, candidate in enumerate(self.keys, start=1):
            if secrets.compare_digest(candidate.encode(), key.encode()):
                found = index
        return found


@dataclass(frozen=True, slots=True)
class HostMatch:
    """What a host name points at: one resource (custom subdomain) or a region's resources."""

    host: str
    family: HostFamily
    resource: Resource | None = None
    region: str | None = None

    @property
    def regional(self) -> bool:
        return self.resource is None


def match_host(resources: Iterable[Resource], host: str) -> HostMatch | None:
    """What ``host`` points at among ``resources``, or ``None`` when none answers on it."""
    host = host.lower().rstrip(".")
    listed = list(resources)
    for resource in listed:
        for family in resource.host_families:
            if host == f"{resource.name.lower()}{HOST_FAMILIES[family].suffix}":
                return HostMatch(host=host, family=family, resource=resource)
    if host.endswith(REGIONAL_SUFFIX):
        region = host[: -len(REGIONAL_SUFFIX)]
        if any(resource.region == region for resource in listed):
            return HostMatch(host=host, family="regional", region=region)
    return None
