"""Names for what a fix does, so the engine can tell whether a secondary finding adds anything.

A finding lists the actions its fix consists of; a secondary finding is shown only when it
adds an action the primary does not already ask for. ``upgrade(package)`` and ``migrate(key)``
name one package or one retired surface each.
"""

from __future__ import annotations

__all__ = [
    "API_VERSION",
    "CONTENT",
    "CREDENTIAL_HEADER",
    "DEPLOYMENT",
    "ENDPOINT",
    "GATEWAY_KEY",
    "KEY",
    "MODEL_ROUTE",
    "NETWORK",
    "REDEPLOY",
    "RETRY_LATER",
    "ROLE_ASSIGNMENT",
    "SIGN_IN",
    "SUPPORT",
    "TENANT",
    "TOKEN_SCOPE",
    "USE_ENTRA",
    "migrate",
    "upgrade",
]

TOKEN_SCOPE = "token-scope"
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


def upgrade(package: str) -> str:
    """Upgrading ``package``."""
    return f"upgrade:{package}"


def migrate(surface: str) -> str:
    """Moving off the retired ``surface`` (a key of :mod:`foundry_doctor.knowledge.retirements`)."""
    return f"migrate:{surface}"
