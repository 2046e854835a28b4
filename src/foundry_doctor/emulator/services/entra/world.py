"""Entra ID's part of the emulated world: tenants, principals (the identities tokens are issued
for), app registrations with their credentials, and the service principals that tie an app
registration to a principal in a tenant.

A **principal** is what a token names (``oid``, ``tid``, ``appid``): a user, a service
principal, or a managed identity. An **app registration** is what a confidential client
authenticates as: its client id, its client secrets (each with an id, a value and an expiry),
certificates, and federated identity credentials. Its **service principal** in a tenant is one
of the principals (``AppRegistration.service_principals`` maps tenant id -> principal name), so
a token the emulated Entra ID issues for the app carries that principal's object id, and the
same role assignments apply on the data plane as for a token from ``Emulator.credential``.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Literal

from foundry_doctor.emulator.services.entra.spec import FEDERATED_TOKEN_AUDIENCE, Cloud

__all__ = [
    "AZURE_CLI_APP_ID",
    "DEFAULT_TENANT",
    "FOREIGN_TENANT",
    "AppRegistration",
    "ClientCertificate",
    "ClientSecret",
    "EntraSettings",
    "FederatedCredential",
    "IdentityType",
    "Principal",
    "Tenant",
    "new_secret_value",
]

IdentityType = Literal["user", "app"]

DEFAULT_TENANT = "aaaaaaaa-0000-0000-0000-000000000001"
FOREIGN_TENANT = "aaaaaaaa-0000-0000-0000-000000000002"
#: the Azure CLI's public client id: what ``az login`` tokens carry in ``appid``
AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"


def new_secret_value() -> str:
    """A fresh client secret value: 40 characters of the portal's alphabet."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-"
    return "".join(secrets.choice(alphabet) for _ in range(40))


@dataclass
class Tenant:
    """A directory. ``domain`` (e.g. ``contoso.onmicrosoft.com``) is accepted in place of the id
    in authority URLs; ``display_name`` is how Entra's messages name the tenant (its id when
    unset); ``cloud`` is the one cloud whose authority host knows it."""

    tenant_id: str
    domain: str | None = None
    display_name: str | None = None
    cloud: Cloud = "public"

    @property
    def named(self) -> str:
        """The tenant as Entra's error texts name it."""
        return self.display_name or self.tenant_id


@dataclass
class Principal:
    """An identity that can hold tokens: a user (``idtyp="user"``, with a ``upn``) or a service
    principal / managed identity (``idtyp="app"``; ``appid`` is its client id).
    ``msi_resource_id`` is the ARM id of a user-assigned managed identity."""

    name: str
    oid: str
    tid: str
    appid: str
    idtyp: IdentityType = "user"
    upn: str | None = None
    display_name: str | None = None
    msi_resource_id: str | None = None


@dataclass
class ClientSecret:
    """A client secret of an app registration: the portal shows its ``secret_id`` (a GUID) and,
    once, its ``value``; ``expires_on`` is an epoch time (``None``: never)."""

    secret_id: str
    value: str = field(default_factory=new_secret_value, repr=False)
    expires_on: float | None = None

    def expired(self, now: float | None = None) -> bool:
        moment = time.time() if now is None else now
        return self.expires_on is not None and self.expires_on <= moment


@dataclass
class ClientCertificate:
    """A certificate uploaded to an app registration: its public part only (PEM), and the
    thumbprints clients name it by (hex, upper case)."""

    certificate_pem: str
    thumbprint_sha1: str
    thumbprint_sha256: str
    not_before: float = 0.0
    not_after: float = float("inf")


@dataclass
class FederatedCredential:
    """A federated identity credential: tokens from ``issuer`` with subject ``subject`` and one
    of ``audiences`` may be redeemed for the app's tokens (matching is case-sensitive)."""

    name: str
    issuer: str
    subject: str
    audiences: tuple[str, ...] = (FEDERATED_TOKEN_AUDIENCE,)


@dataclass
class AppRegistration:
    """An application registered in ``tenant_id`` (its home tenant).

    ``service_principals`` maps each tenant the app is present in to the principal that
    represents it there (a name in ``World.principals``); an app without one in the tenant a
    token is asked from is "not found in the directory". ``identifier_uris`` are resources the
    app itself exposes (``api://...``). ``conditional_access_blocked`` makes a Conditional
    Access policy refuse its tokens.
    """

    name: str
    client_id: str
    tenant_id: str = DEFAULT_TENANT
    display_name: str | None = None
    secrets: list[ClientSecret] = field(default_factory=list)
    certificates: list[ClientCertificate] = field(default_factory=list)
    federated_credentials: list[FederatedCredential] = field(default_factory=list)
    service_principals: dict[str, str] = field(default_factory=dict)
    identifier_uris: tuple[str, ...] = ()
    conditional_access_blocked: bool = False

    def add_secret(self, *, expires_on: float | None = None) -> ClientSecret:
        """A new secret (fresh id and value); returns it."""
        secret = ClientSecret(str(uuid.uuid4()), expires_on=expires_on)
        self.secrets.append(secret)
        return secret


@dataclass
class EntraSettings:
    """Choices of the emulated token service where sources show more than one answer.

    ``multiple_resources_code``: the AADSTS code for a scope naming two resources (700022 by
    default; 28000 in later reports, same text). ``token_lifetime``: ``expires_in`` of the
    tokens it issues, in seconds. ``resources``: the Microsoft resources each cloud's tenants
    know (starts from :data:`~foundry_doctor.emulator.services.entra.spec.RESOURCES`).
    """

    multiple_resources_code: int = 700022
    token_lifetime: int = 3599
    resources: dict[Cloud, set[str]] = field(default_factory=dict)
