"""Helpers for tests of the real azure-identity credentials against the emulated Entra ID and
managed-identity endpoints: a clean identity environment, the regular expressions for the
parts of Entra's texts that change on every call, and whether a combination can be routed."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from foundry_doctor.emulator.services.managed_identity.spec import MANAGED_IDENTITY_VARIABLES

__all__ = [
    "IDENTITY_VARIABLES",
    "SCOPE",
    "TAIL",
    "isolate_identity",
    "sync_imds_routable",
    "with_tail",
]

#: the scope the tests ask for
SCOPE = "https://cognitiveservices.azure.com/.default"

#: every variable azure-identity (or msal) reads to choose or configure a credential
IDENTITY_VARIABLES = (
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN",
    "AZURE_USERNAME",
    "AZURE_PASSWORD",
    "AZURE_AUTHORITY_HOST",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_TOKEN_CREDENTIALS",
    "AZURE_REGIONAL_AUTHORITY_NAME",
    "MSAL_FORCE_REGION",
    *MANAGED_IDENTITY_VARIABLES,
)

#: the tail Entra appends to every error description (the recent single-space form)
TAIL = (
    r" Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} "
    r"Timestamp: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z"
)


def with_tail(text: str) -> str:
    """A full-match pattern for ``text`` (literal) followed by Entra's tail."""
    return re.escape(text) + TAIL


def sync_imds_routable() -> bool:
    """Whether the installed msal sends the sync IMDS request where
    ``AZURE_POD_IDENTITY_AUTHORITY_HOST`` says (msal 1.31.1 goes to 169.254.169.254 whatever
    the variable holds, so that combination cannot be emulated)."""
    try:
        import msal.managed_identity as managed_identity
    except ImportError:  # azure-identity without msal-based managed identity: its own client
        return True
    return "AZURE_POD_IDENTITY_AUTHORITY_HOST" in inspect.getsource(managed_identity)


def isolate_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No identity variable set, and an empty directory as ``PATH`` (so ``az``, ``azd`` and
    ``pwsh`` are "not installed" for the developer credentials of DefaultAzureCredential);
    ``monkeypatch`` restores both."""
    for name in IDENTITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
