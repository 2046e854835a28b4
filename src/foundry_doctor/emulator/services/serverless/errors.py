"""A serverless endpoint's refusals. Only the ``api-key``-instead-of-``Authorization`` 400 has
a body in the sources (``{"status": ...}``, reconstructed in the public case bigagi608); the
401 for a wrong key and the 404 for another API's path are sent without a body (their bodies
are not published)."""

from __future__ import annotations

import json

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.services.serverless.spec import AUTHORIZATION_REQUIRED_TEXT

__all__ = ["AuthorizationRequired", "EndpointKeyInvalid", "EndpointPathNotFound"]


class AuthorizationRequired(ServiceError):
    status = 400
    outcome = "authorization-required"

    def body(self) -> str:
        return f'{{"status": {json.dumps(AUTHORIZATION_REQUIRED_TEXT)}}}'


class EndpointKeyInvalid(ServiceError):
    status = 401
    outcome = "invalid-key"

    def body(self) -> str:
        return ""


class EndpointPathNotFound(ServiceError):
    status = 404
    outcome = "path-not-found"

    def body(self) -> str:
        return ""
