"""The managed-identity part of the emulated world: the platforms code runs on, and which
identities each has attached.

A :class:`Platform` is one Azure host of a kind (an App Service app, a virtual machine, a Cloud
Shell session). Its identities are principals of the world (``World.principals``): at most one
system-assigned identity and any number of user-assigned ones, each named by its principal's
name; a token from the platform's endpoint carries that principal's ``oid`` and ``appid``, so
its role assignments apply on the data plane. Cloud Shell hands out the signed-in user's tokens
(its "system identity" is that user) and only for :attr:`Platform.supported_audiences`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from foundry_doctor.emulator.services.managed_identity.spec import (
    CLOUD_SHELL_AUDIENCES,
    PlatformKind,
)

__all__ = ["Platform"]


@dataclass
class Platform:
    """A host with a managed-identity endpoint. ``identity_header`` is the secret an App
    Service host puts in ``IDENTITY_HEADER`` (never in ``repr``); ``supported_audiences`` is the
    list a Cloud Shell endpoint accepts (other kinds accept any resource their tenant knows)."""

    name: str
    kind: PlatformKind
    system_identity: str | None = None
    user_identities: tuple[str, ...] = ()
    identity_header: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)
    supported_audiences: tuple[str, ...] = CLOUD_SHELL_AUDIENCES

    @property
    def identities(self) -> tuple[str, ...]:
        """Every attached identity (system-assigned first)."""
        system = (self.system_identity,) if self.system_identity else ()
        return (*system, *self.user_identities)
