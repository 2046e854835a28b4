"""Azure Resource Manager's error answers, one class per answer.

Every ARM error body is ``{"error":{"code":...,"message":...}}`` (ODataV4-shaped, ``details``
where the service adds them). Errors decided by ARM's front door (authentication, authorization,
missing resource groups and subscriptions) carry ``x-ms-failure-cause: gateway``; 401s carry
``WWW-Authenticate: Bearer ... error="invalid_token"`` (its ``error_description`` text is not
published; the emulator repeats the message). Message templates: ``/work/notes/arm.md`` section
8, each with the public report it was copied from. Where no source gives a text (an unknown
path, a group in ``assignedTo``, Resource Graph's parser), the wording is the emulator's own
and says so in its class.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from foundry_doctor.emulator.services.base import ServiceError
from foundry_doctor.emulator.wire.messages import compact_json

__all__ = [
    "ALLOWED_AUDIENCES_TEXT",
    "ArmError",
    "AuthenticationMissing",
    "AuthorizationFailed",
    "BadFilter",
    "BadQuery",
    "ChildNotFound",
    "ExpiredToken",
    "InvalidToken",
    "MissingApiVersion",
    "PathNotServed",
    "ResourceGroupNotFound",
    "ResourceNotFound",
    "RoleDefinitionNotFound",
    "SubscriptionNotFound",
    "Throttled",
    "UnsupportedApiVersion",
    "WrongAudience",
    "WrongTenant",
    "arm_time",
]

ALLOWED_AUDIENCES_TEXT = (
    "'https://management.core.windows.net/','https://management.core.windows.net',"
    "'https://management.azure.com/','https://management.azure.com'"
)


def arm_time(epoch: float) -> str:
    """A UTC time the way ARM's token messages print it: ``12/13/2018 7:25:27 AM``."""
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return (
        f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment.minute:02d}:"
        f"{moment.second:02d} {half}"
    )


class ArmError(ServiceError):
    """An ARM error: status, code, message; ``gateway`` adds ``x-ms-failure-cause``."""

    code = "InternalServerError"
    gateway = True

    def __init__(self, message: str, *, outcome: str | None = None) -> None:
        super().__init__(outcome=outcome)
        self.message = message

    def details(self) -> list[dict[str, str]] | None:
        return None

    def body(self) -> str:
        error: dict[str, object] = {"code": self.code, "message": self.message}
        extra = self.details()
        if extra is not None:
            error["details"] = extra
        return compact_json({"error": error})

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("x-ms-failure-cause", "gateway"),) if self.gateway else ()

    def error_code(self) -> str | None:
        return self.code


class _Unauthenticated(ArmError):
    status = 401

    def headers(self) -> tuple[tuple[str, str], ...]:
        challenge = (
            'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", '
            f'error_description="{self.message}"'
        )
        return (*super().headers(), ("WWW-Authenticate", challenge))


class AuthenticationMissing(_Unauthenticated):
    code = "AuthenticationFailed"
    outcome = "no-credential"

    def __init__(self) -> None:
        super().__init__("Authentication failed. The 'Authorization' header is missing.")


class InvalidToken(_Unauthenticated):
    """A bearer value that is no token of the emulated Entra ID (malformed, forged)."""

    code = "InvalidAuthenticationToken"
    outcome = "token-invalid"

    def __init__(self) -> None:
        super().__init__("The access token is invalid.")


class ExpiredToken(_Unauthenticated):
    code = "ExpiredAuthenticationToken"
    outcome = "token-expired"

    def __init__(self, expired_at: float, now: float) -> None:
        super().__init__(
            f"The access token expiry UTC time '{arm_time(expired_at)}' is earlier than "
            f"current UTC time '{arm_time(now)}'."
        )


class WrongAudience(_Unauthenticated):
    code = "InvalidAuthenticationTokenAudience"
    outcome = "token-wrong-audience"

    def __init__(self, audience: str) -> None:
        super().__init__(
            f"The access token has been obtained for wrong audience or resource '{audience}'. "
            f"It should exactly match with one of the allowed audiences {ALLOWED_AUDIENCES_TEXT}."
        )


class WrongTenant(_Unauthenticated):
    code = "InvalidAuthenticationTokenTenant"
    outcome = "token-wrong-tenant"

    def __init__(self, token_tenant: str, subscription_tenant: str) -> None:
        super().__init__(
            f"The access token is from the wrong issuer 'https://sts.windows.net/{token_tenant}/'. "
            f"It must match the tenant 'https://sts.windows.net/{subscription_tenant}/' "
            "associated with this subscription. Please use the authority (URL) "
            f"'https://login.windows.net/{subscription_tenant}' to get the token. Note, if the "
            "subscription is transferred to another tenant there is no impact to the services, "
            "but information about new tenant could take time to propagate (up to an hour). If "
            "you just transferred your subscription and see this error message, please try "
            "back later."
        )


class AuthorizationFailed(ArmError):
    status = 403
    code = "AuthorizationFailed"
    outcome = "not-authorized"

    def __init__(self, client: str, oid: str, action: str, scope: str) -> None:
        super().__init__(
            f"The client '{client}' with object id '{oid}' does not have authorization to "
            f"perform action '{action}' over scope '{scope}' or the scope is invalid. If access "
            "was recently granted, please refresh your credentials."
        )


class SubscriptionNotFound(ArmError):
    status = 404
    code = "SubscriptionNotFound"
    outcome = "subscription-not-found"

    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"The subscription '{subscription_id}' could not be found.")


class ResourceGroupNotFound(ArmError):
    status = 404
    code = "ResourceGroupNotFound"
    outcome = "resource-group-not-found"

    def __init__(self, name: str) -> None:
        super().__init__(f"Resource group '{name}' could not be found.")


class ResourceNotFound(ArmError):
    status = 404
    code = "ResourceNotFound"
    outcome = "resource-not-found"

    def __init__(self, resource_type: str, name: str, resource_group: str) -> None:
        super().__init__(
            f"The Resource '{resource_type}/{name}' under resource group '{resource_group}' was "
            "not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        )


class ChildNotFound(ArmError):
    """A missing child resource (a deployment, a project), answered by the provider."""

    status = 404
    code = "NotFound"
    outcome = "child-not-found"
    gateway = False

    def __init__(self, resource_id: str) -> None:
        super().__init__(f"Specified resource '{resource_id}' cannot be found.")


class RoleDefinitionNotFound(ArmError):
    """No role definition with that ID (the code and text are not published; the emulator's
    wording)."""

    status = 404
    code = "RoleDefinitionDoesNotExist"
    outcome = "role-definition-not-found"

    def __init__(self, role_id: str) -> None:
        super().__init__(f"The specified role definition with ID '{role_id}' does not exist.")


class PathNotServed(ArmError):
    """A path the emulated Resource Manager does not serve (the emulator's wording)."""

    status = 404
    code = "NotFound"
    outcome = "path-not-served"

    def __init__(self, path: str) -> None:
        super().__init__(f"The emulated Resource Manager serves no resource at '{path}'.")


class MissingApiVersion(ArmError):
    status = 400
    code = "MissingApiVersionParameter"
    outcome = "api-version-missing"

    def __init__(self) -> None:
        super().__init__(
            "The api-version query parameter (?api-version=) is required for all requests."
        )


class UnsupportedApiVersion(ArmError):
    status = 400
    code = "NoRegisteredProviderFound"
    outcome = "api-version-not-served"

    def __init__(
        self, version: str, resource_type: str, versions: Iterable[str], location: str
    ) -> None:
        listed = ", ".join(sorted(versions))
        super().__init__(
            f"No registered resource provider found for location '{location}' and API version "
            f"'{version}' for type '{resource_type}'. The supported api-versions are "
            f"'{listed}'. The supported locations are '{location}'."
        )


class BadFilter(ArmError):
    """A ``$filter`` the Authorization provider does not take (the emulator's wording)."""

    status = 400
    code = "BadRequest"
    outcome = "bad-filter"
    gateway = False


class BadQuery(ArmError):
    """A Resource Graph query outside the shapes the emulator parses (its own wording; the
    real parser answers ``BadRequest`` with ``InvalidQuery`` details)."""

    status = 400
    code = "BadRequest"
    outcome = "bad-query"
    gateway = False

    def __init__(self, reason: str) -> None:
        super().__init__(
            "Please provide below info when asking for support: the query is not one the "
            "emulated Resource Graph understands."
        )
        self.reason = reason

    def details(self) -> list[dict[str, str]] | None:
        return [
            {
                "code": "InvalidQuery",
                "message": f"Query is invalid. {self.reason}",
            }
        ]


class Throttled(ArmError):
    status = 429
    code = "SubscriptionRequestsThrottled"
    outcome = "throttled"

    def __init__(self, subscription_id: str, oid: str, retry_after: int) -> None:
        super().__init__(
            f"Number of 'read' requests for subscription '{subscription_id}' actor '{oid}' "
            f"exceeded. Please try again after '{retry_after}' seconds after additional tokens "
            "are available. Refer to https://aka.ms/arm-throttling for additional information."
        )
        self.retry_after = retry_after

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (*super().headers(), ("Retry-After", str(self.retry_after)))
