"""azure-core token credentials that get their tokens from the emulator, not from Entra ID.

:class:`EmulatorCredential` is a ``TokenCredential`` (``get_token``) that also supports
``get_token_info``; :class:`AsyncEmulatorCredential` is its ``AsyncTokenCredential`` twin. Both
work wherever an azure-identity credential does: ``credential=`` of the azure-ai-inference
clients and ``azure.identity.get_bearer_token_provider`` for openai's
``azure_ad_token_provider``. Each ``get_token`` mints a fresh token for the requested scope
(the audience follows the scope, as Entra ID does).

This module imports azure-core; the emulator only loads it when a credential is asked for.
"""

from __future__ import annotations

from collections import deque
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from azure.core.credentials import AccessToken

if TYPE_CHECKING:
    from azure.core.credentials import (
        AccessTokenInfo,
        SupportsTokenInfo,
        TokenCredential,
        TokenRequestOptions,
    )
    from azure.core.credentials_async import AsyncSupportsTokenInfo, AsyncTokenCredential

__all__ = ["AsyncEmulatorCredential", "EmulatorCredential", "Minter"]


class Minter(Protocol):
    """Mints ``(token, expires_on)`` for a principal name and a scope."""

    def __call__(
        self, principal: str, scope: str, *, lifetime: int, tenant_id: str | None
    ) -> tuple[str, int]: ...


def _scope_of(scopes: tuple[str, ...]) -> str:
    if not scopes:
        raise ValueError("'get_token' requires at least one scope")
    return scopes[0]


class _Base:
    def __init__(
        self, mint: Minter, principal: str, *, lifetime: int = 3600, tenant_id: str | None = None
    ) -> None:
        self._mint = mint
        self.principal = principal
        self.lifetime = lifetime
        self.tenant_id = tenant_id
        #: the last scopes asked for, in order (no tokens are kept)
        self.requested_scopes: deque[str] = deque(maxlen=256)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(principal={self.principal!r}, lifetime={self.lifetime!r}, "
            f"tenant_id={self.tenant_id!r})"
        )

    def _token(self, scopes: tuple[str, ...], tenant_id: str | None) -> tuple[str, int]:
        scope = _scope_of(scopes)
        self.requested_scopes.append(scope)
        return self._mint(
            self.principal, scope, lifetime=self.lifetime, tenant_id=tenant_id or self.tenant_id
        )

    @staticmethod
    def _info(token: str, expires_on: int) -> AccessTokenInfo:
        from azure.core.credentials import AccessTokenInfo  # azure-core >= 1.31

        return AccessTokenInfo(token, expires_on, token_type="Bearer")


class EmulatorCredential(_Base):
    """A synchronous azure-core ``TokenCredential`` for one principal of the emulated world."""

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        token, expires_on = self._token(scopes, tenant_id)
        return AccessToken(token, expires_on)

    def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        tenant_id = options.get("tenant_id") if options else None
        token, expires_on = self._token(scopes, tenant_id)
        return self._info(token, expires_on)

    def close(self) -> None:
        return None

    def __enter__(self) -> EmulatorCredential:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()


class AsyncEmulatorCredential(_Base):
    """The ``AsyncTokenCredential`` twin of :class:`EmulatorCredential`."""

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        token, expires_on = self._token(scopes, tenant_id)
        return AccessToken(token, expires_on)

    async def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        tenant_id = options.get("tenant_id") if options else None
        token, expires_on = self._token(scopes, tenant_id)
        return self._info(token, expires_on)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> AsyncEmulatorCredential:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.close()


if TYPE_CHECKING:  # the classes satisfy azure-core's credential protocols

    def _conforms(sync: EmulatorCredential, aio: AsyncEmulatorCredential) -> None:
        _token: TokenCredential = sync
        _info: SupportsTokenInfo = sync
        _async_token: AsyncTokenCredential = aio
        _async_info: AsyncSupportsTokenInfo = aio
