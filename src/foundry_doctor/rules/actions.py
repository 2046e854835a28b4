"""Names for what a fix does, so the engine can tell whether a secondary finding adds anything.

A finding lists the actions its fix consists of; a secondary finding is shown only when it
adds an action the primary does not already ask for. ``upgrade(package)`` and ``migrate(key)``
name one package or one retired surface each.
"""

from __future__ import annotations

__all__ = [
    "ACCESS_POLICY",
    "API_VERSION",
    "APP_REGISTRATION",
    "CLIENT_CREDENTIAL",
    "CONTENT",
    "CREDENTIAL_HEADER",
    "DEPLOYMENT",
    "ENDPOINT",
    "FEDERATED_CREDENTIAL",
    "GATEWAY_KEY",
    "KEY",
    "MANAGED_IDENTITY",
    "MODEL_ROUTE",
    "NETWORK",
    "REDEPLOY",
    "RETRY_LATER",
    "ROLE_ASSIGNMENT",
    "SERVICE_PRINCIPAL",
    "SIGN_IN",
    "SUPPORT",
    "TENANT",
    "TOKEN_SCOPE",
    "USE_ENTRA",
    "migrate",
    "upgrade",
]

TOKEN_SCOPE = "token-scope"  # noqa: S105 - the name of a fix, not a secret
ROLE_ASSIGNMENT = "role-assignment"
ENDPOINT = "endpoint"
API_VERSION = "api-version"
CREDENTIAL_HEADER = "credential-header"
KEY = "key"
TENANT = "tenant"
DEPLOYMENT = "deployment"
NETWORK = "network"
GATEWAY_KEY = "gateway-key"
USE_ENTRA = "use-entra"
SIGN_IN = "sign-in"
RETRY_LATER = "retry-later"
CONTENT = "content"
MODEL_ROUTE = "model-route"
REDEPLOY = "redeploy"
SUPPORT = "support"
MANAGED_IDENTITY = "managed-identity"
CLIENT_CREDENTIAL = "client-credential"
APP_REGISTRATION = "app-registration"
FEDERATED_CREDENTIAL = "federated-credential"
ACCESS_POLICY = "access-policy"
SERVICE_PRINCIPAL = "service-principal"


def upgrade(package: str) -> str:
    """Upgrading ``package``."""
    return f"upgrade:{package}"


def migrate(surface: str) -> str:
    """Moving off the retired ``surface`` (a key of :mod:`foundry_doctor.knowledge.retirements`)."""
    return f"migrate:{surface}"
