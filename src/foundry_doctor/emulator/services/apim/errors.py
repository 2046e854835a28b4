"""API Management's own answers: the ``statusCode`` body with spaces inside the braces, as the
gateway writes it (``{ "statusCode": 401, "message": "..." }``, the public cases continue4601
and codex3048), and its reason phrase."""

from __future__ import annotations

import json

from foundry_doctor.emulator.services.base import ServiceError

__all__ = ["GatewayError", "gateway_body"]


def gateway_body(status: int, message: str) -> str:
    """``{ "statusCode": <status>, "message": "<message>" }``."""
    return f'{{ "statusCode": {status}, "message": {json.dumps(message, ensure_ascii=False)} }}'


class GatewayError(ServiceError):
    """A refusal of the gateway itself (no subscription key, an invalid one, no API for the
    path, a backend the world does not have)."""

    def __init__(
        self, status: int, message: str, *, outcome: str, reason: str | None = None
    ) -> None:
        super().__init__(outcome=outcome)
        self.status = status
        self.message = message
        self.reason = reason

    def body(self) -> str:
        return gateway_body(self.status, self.message)
