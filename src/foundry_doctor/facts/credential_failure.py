"""Facts of a failure before any request reached the service: the credential could not get a
token.

Half of Entra ID trouble happens there (``entra.md``): there is no HTTP status and no service
body, only the credential's own message. A :class:`CredentialFailure` keeps what such a failure
shows - the credential's class, the scopes asked for, its message (redacted and bounded), the
``AADSTS`` codes and the OAuth ``error`` value in it, and the token endpoint it talked to - so
that a diagnosis never has to invent a status for it. :func:`looks_like_credential_failure`
tells such a text from a service's error response.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from foundry_doctor.facts.redaction import redact_text

__all__ = ["CredentialFailure", "aadsts_codes", "looks_like_credential_failure"]

_MAX_MESSAGE = 4096
#: phrases only a failed token acquisition writes (azure-identity, MSAL, the CLIs, Entra ID);
#: a credential's class name alone is not one (logs also say which credential *succeeded*)
_MARKERS = (
    "aadsts",
    "defaultazurecredential failed",
    "chainedtokencredential failed",
    "failed to retrieve a token",
    "credentialunavailableerror",
    "authentication unavailable",
    "get_token failed",
    "get_token_info failed",
    "not a supported msi token audience",
    "failed to connect to msi",
    "please run 'az login'",
    "azd auth login",
    "identity not found",
    "azure cli not found",
    "azure developer cli could not be found",
    "no user assigned or delegated managed identity",
    "unable to get authority configuration",
    "error_description",
    "invalid_client",
    "invalid_grant",
    "invalid_scope",
    "invalid_resource",
    "interaction_required",
)
_OAUTH_ERRORS = (
    "invalid_client",
    "invalid_grant",
    "invalid_scope",
    "invalid_resource",
    "invalid_request",
    "invalid_tenant",
    "unauthorized_client",
    "interaction_required",
)


class CredentialFailure(NamedTuple):
    """What a failed token acquisition showed. All parts may be unknown (``None`` / empty)."""

    credential_class: str | None = None
    message: str | None = None
    aadsts: tuple[int, ...] = ()
    error: str | None = None
    scopes: tuple[str, ...] = ()
    token_endpoint: str | None = None

    @classmethod
    def from_text(
        cls,
        text: str | None,
        *,
        credential_class: str | None = None,
        scopes: Iterable[str] | None = None,
        token_endpoint: str | None = None,
    ) -> CredentialFailure:
        """Read a credential's message; the text is redacted and bounded before it is kept."""
        message = redact_text(text, limit=_MAX_MESSAGE) if isinstance(text, str) else None
        lowered = message.lower() if message else ""
        error = next((name for name in _OAUTH_ERRORS if name in lowered), None)
        return cls(
            credential_class=credential_class,
            message=message or None,
            aadsts=aadsts_codes(lowered),
            error=error,
            scopes=tuple(scope for scope in scopes or () if isinstance(scope, str))[:16],
            token_endpoint=_without_query(token_endpoint),
        )


def _without_query(url: str | None) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    head = url.strip().split("?", 1)[0].split("#", 1)[0]
    scheme, sep, rest = head.partition("://")
    if sep:
        authority, slash, path = rest.partition("/")
        head = f"{scheme}://{authority.rsplit('@', 1)[-1]}{slash}{path}"
    return head[:512]


def aadsts_codes(text: str) -> tuple[int, ...]:
    """The ``AADSTS<n>`` codes in ``text``, in order of appearance, each once."""
    found: list[int] = []
    lowered = text.lower()
    start = lowered.find("aadsts")
    while start >= 0 and len(found) < 8:
        digits = ""
        for char in lowered[start + 6 : start + 16]:
            if not char.isdigit():
                break
            digits += char
        if digits and int(digits) not in found:
            found.append(int(digits))
        start = lowered.find("aadsts", start + 6)
    return tuple(found)


def looks_like_credential_failure(text: str) -> bool:
    """Whether ``text`` reads like a token acquisition failure rather than a service's answer."""
    lowered = text[:16384].lower()
    return any(marker in lowered for marker in _MARKERS)
