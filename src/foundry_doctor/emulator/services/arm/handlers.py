"""Azure Resource Manager's decisions, read from the world on every request.

Order (``/work/notes/arm.md`` section 11):

1. **Authentication**: ``Authorization: Bearer`` with a token of the emulated Entra ID
   (401 ``AuthenticationFailed`` without one, ``InvalidAuthenticationToken`` for anything
   else), current (``ExpiredAuthenticationToken``), for ARM's audience
   (``InvalidAuthenticationTokenAudience``).
2. **Throttling**, when the world asks for it: 429 ``SubscriptionRequestsThrottled``.
3. **Path** and **api-version** (400 ``MissingApiVersionParameter`` /
   ``NoRegisteredProviderFound``); a path it does not serve is 404.
4. **Tenant**: a subscription-scoped path with a token of another tenant is 401
   ``InvalidAuthenticationTokenTenant``.
5. **Authorization before existence**: the caller's role assignments (at the scope or
   above, directly or through groups; deny assignments subtract) must allow the read, else 403
   ``AuthorizationFailed`` naming the action and the scope, whether or not the thing exists.
6. **Existence**: ``SubscriptionNotFound``, ``ResourceGroupNotFound``, ``ResourceNotFound``,
   ``NotFound`` for a child resource.
7. **Success**: the JSON ARM returns, lists paged with ``nextLink`` (Resource Graph with
   ``$skipToken``).

The permissions API answers for the caller at any scope without a right of its own; Resource
Graph needs none either but only returns rows the caller can read.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from foundry_doctor.emulator.roles import RoleDefinition, action_matches
from foundry_doctor.emulator.services.arm import payloads
from foundry_doctor.emulator.services.arm.errors import (
    ArmError,
    AuthenticationMissing,
    AuthorizationFailed,
    BadFilter,
    BadQuery,
    ChildNotFound,
    ExpiredToken,
    InvalidToken,
    MissingApiVersion,
    PathNotServed,
    ResourceGroupNotFound,
    ResourceNotFound,
    RoleDefinitionNotFound,
    SubscriptionNotFound,
    Throttled,
    UnsupportedApiVersion,
    WrongAudience,
    WrongTenant,
)
from foundry_doctor.emulator.services.arm.spec import (
    ACCOUNT_ACTIONS,
    ARM_AUDIENCES,
    ARM_HOST,
    AUTHORIZATION_ACTIONS,
    EVERYONE,
    RESOURCE_GROUP_READ,
    SERVED_API_VERSIONS,
    ApiFamily,
)
from foundry_doctor.emulator.services.arm.world import (
    AssignmentView,
    account_models,
    applies_at,
    eligibilities,
    holders,
    resource_groups,
    role_assignments,
    role_definition,
    scope_contains,
    subscription_of,
    subscriptions,
)
from foundry_doctor.emulator.tokens import InvalidToken as TokenNotValid
from foundry_doctor.emulator.tokens import TokenIssuer, looks_like_jwt
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply

if TYPE_CHECKING:
    from foundry_doctor.emulator.services.foundry.world import Resource
    from foundry_doctor.emulator.world import World

__all__ = ["ArmService"]

_CS = "Microsoft.CognitiveServices"
_AUTHORIZATION = "microsoft.authorization"
_FUNCTION = re.compile(r"(assignedTo|principalId\s+eq)\s*\(?\s*'([^']*)'\s*\)?", re.IGNORECASE)
_ROLE_NAME = re.compile(r"roleName\s+eq\s+'([^']*)'", re.IGNORECASE)
_TYPE_CLAUSE = re.compile(r"^type\s*(=~|==)\s*'([^']*)'$", re.IGNORECASE)
_SUBDOMAIN_CLAUSE = re.compile(
    r"^tolower\(\s*tostring\(\s*properties\.customSubDomainName\s*\)\s*\)\s*(==|=~)\s*'([^']*)'$"
    r"|^properties\.customSubDomainName\s*=~\s*'([^']*)'$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Caller:
    oid: str
    tid: str
    name: str


@dataclass(frozen=True, slots=True)
class _Target:
    """What a path names: ``kind`` and its parts (names keep their case)."""

    kind: str
    family: ApiFamily
    subscription_id: str | None = None
    resource_group: str | None = None
    account: str | None = None
    child: str | None = None
    scope: str = "/"
    item: str | None = None
    resource_type: str = "Microsoft.Resources/subscriptions"


class _Call:
    def __init__(self, request: IncomingRequest, world: World, now: float) -> None:
        self.request = request
        self.world = world
        self.now = now
        self.operation: str | None = None

    def query(self, name: str) -> str | None:
        for key, value in self.request.query.items():
            if key.lower() == name.lower():
                return value
        return None


def _claims_without_check(token: str) -> dict[str, Any]:
    """The payload of a token whose signature the issuer already accepted."""
    try:
        segment = token.split(".")[1]
        decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (IndexError, ValueError, binascii.Error, UnicodeError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


class ArmService:
    """Answers ``management.azure.com`` from the current world."""

    name = "arm"

    def __init__(
        self,
        world: Callable[[], World],
        issuer: TokenIssuer,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._world = world
        self._issuer = issuer
        self._clock = clock

    def serves_host(self, host: str) -> bool:
        return host == ARM_HOST

    def hint_for(self, host: str) -> str | None:
        """Another cloud's Resource Manager (``management.usgovcloudapi.net``, ...) is not
        emulated: say so."""
        if host.startswith("management.") and host != ARM_HOST:
            return f"the emulated Azure Resource Manager answers on {ARM_HOST} only"
        return None

    def handle(self, request: IncomingRequest) -> Handled:
        call = _Call(request, self._world(), self._clock())
        tenant_level = True
        try:
            caller = self._authenticate(call)
            settings = call.world.arm.settings
            if settings.throttle > 0:
                settings.throttle -= 1
                scope_sub = self._subscription_in(request.path) or "-"
                raise Throttled(scope_sub, caller.oid, settings.throttle_retry_after)
            target = self._target(call)
            tenant_level = target.subscription_id is None
            call.operation = target.kind
            self._check_api_version(call, target)
            self._check_tenant(call, caller, target)
            reply = self._dispatch(call, caller, target)
        except ArmError as error:
            reply = error.reply()
        return Handled(
            reply=reply.with_headers(self._common_headers(call, tenant_level)),
            service=self.name,
            route=call.operation,
        )

    @staticmethod
    def _common_headers(call: _Call, tenant_level: bool) -> tuple[tuple[str, str], ...]:
        correlation = call.request.header("x-ms-correlation-request-id") or str(uuid.uuid4())
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(call.now))
        bucket = "tenant" if tenant_level else "subscription"
        return (
            ("Cache-Control", "no-cache"),
            ("Pragma", "no-cache"),
            ("Expires", "-1"),
            ("x-ms-request-id", str(uuid.uuid4())),
            ("x-ms-correlation-request-id", correlation),
            ("x-ms-routing-request-id", f"EASTUS:{stamp}:{uuid.uuid4()}"),
            (f"x-ms-ratelimit-remaining-{bucket}-reads", "249"),
        )

    @staticmethod
    def _subscription_in(path: str) -> str | None:
        parts = [part for part in path.split("/") if part]
        if len(parts) >= 2 and parts[0].lower() == "subscriptions":
            return parts[1]
        return None

    # --- authentication -----------------------------------------------------------------------

    def _authenticate(self, call: _Call) -> _Caller:
        header = (call.request.header("authorization") or "").strip()
        if not header:
            raise AuthenticationMissing()
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not looks_like_jwt(token):
            raise InvalidToken()
        try:
            verified = self._issuer.verify(token)
        except TokenNotValid as error:
            if error.reason == "expired":
                expired = _claims_without_check(token).get("exp")
                raise ExpiredToken(
                    float(expired) if isinstance(expired, int) else call.now, call.now
                ) from None
            raise InvalidToken() from None
        if verified.aud not in ARM_AUDIENCES:
            raise WrongAudience(verified.aud)
        claims = verified.claims
        upn = claims.get("upn")
        name = upn if isinstance(upn, str) and claims.get("idtyp") == "user" else verified.oid
        return _Caller(verified.oid, verified.tid, name)

    # --- paths --------------------------------------------------------------------------------

    def _target(self, call: _Call) -> _Target:
        path = call.request.path
        parts = [part for part in path.split("/") if part]
        lowered = [part.lower() for part in parts]
        method = call.request.method
        if lowered == ["providers", "microsoft.resourcegraph", "resources"] and method == "POST":
            return _Target("resource-graph", "resource-graph")
        if method != "GET":
            raise PathNotServed(path)
        last = max(
            (
                index
                for index in range(len(lowered) - 1)
                if lowered[index] == "providers" and lowered[index + 1] == _AUTHORIZATION
            ),
            default=-1,
        )
        if last >= 0:
            return self._authorization_target(parts, last, path)
        if lowered == ["subscriptions"]:
            return _Target("subscriptions", "subscriptions")
        if len(parts) < 2 or lowered[0] != "subscriptions":
            raise PathNotServed(path)
        subscription_id = parts[1]
        scope = f"/subscriptions/{subscription_id}"
        rest, low = parts[2:], lowered[2:]
        if not rest:
            return _Target("subscription", "subscriptions", subscription_id, scope=scope)
        if low[:3] == ["providers", "microsoft.cognitiveservices", "accounts"] and len(low) == 3:
            return _Target(
                "accounts",
                "cognitive-services",
                subscription_id,
                scope=scope,
                resource_type=f"{_CS}/accounts",
            )
        if (
            low[:3] == ["providers", "microsoft.cognitiveservices", "locations"]
            and len(low) == 5
            and low[4] == "models"
        ):
            return _Target(
                "location-models",
                "cognitive-services",
                subscription_id,
                scope=scope,
                item=rest[3],
                resource_type=f"{_CS}/locations/models",
            )
        if low[0] != "resourcegroups" or len(rest) < 2:
            raise PathNotServed(path)
        group = rest[1]
        scope = f"{scope}/resourceGroups/{group}"
        rest, low = rest[2:], low[2:]
        if not rest:
            return _Target(
                "resource-group",
                "resource-groups",
                subscription_id,
                group,
                scope=scope,
                resource_type="Microsoft.Resources/resourceGroups",
            )
        if low[:3] != ["providers", "microsoft.cognitiveservices", "accounts"]:
            raise PathNotServed(path)
        if len(rest) == 3:
            return _Target(
                "accounts",
                "cognitive-services",
                subscription_id,
                group,
                scope=scope,
                resource_type=f"{_CS}/accounts",
            )
        account = rest[3]
        scope = f"{scope}/providers/{_CS}/accounts/{account}"
        rest, low = rest[4:], low[4:]
        kinds = {"projects": "project", "deployments": "deployment", "models": "models"}
        if not rest:
            kind, child, resource_type = "account", None, f"{_CS}/accounts"
        elif low[0] in kinds and len(rest) <= 2 and not (low[0] == "models" and len(rest) == 2):
            child = rest[1] if len(rest) == 2 else None
            kind = kinds[low[0]] + ("" if child or low[0] == "models" else "s")
            resource_type = f"{_CS}/accounts/{low[0]}"
        else:
            raise PathNotServed(path)
        return _Target(
            kind,
            "cognitive-services",
            subscription_id,
            group,
            account,
            child,
            scope,
            resource_type=resource_type,
        )

    def _authorization_target(self, parts: Sequence[str], index: int, path: str) -> _Target:
        scope = "/" + "/".join(parts[:index]) if index else "/"
        rest = parts[index + 2 :]
        if not rest:
            raise PathNotServed(path)
        kind = rest[0].lower()
        if kind not in ("permissions", *AUTHORIZATION_ACTIONS) or len(rest) > 2:
            raise PathNotServed(path)
        if kind == "permissions" and len(rest) != 1:
            raise PathNotServed(path)
        family: ApiFamily = "pim" if kind.endswith("scheduleinstances") else "authorization"
        subscription_id = self._subscription_in(scope)
        group = None
        scope_parts = [part for part in scope.split("/") if part]
        if len(scope_parts) >= 4 and scope_parts[2].lower() == "resourcegroups":
            group = scope_parts[3]
        return _Target(
            kind,
            family,
            subscription_id,
            group,
            scope=scope,
            item=rest[1] if len(rest) == 2 else None,
            resource_type=f"Microsoft.Authorization/{rest[0]}",
        )

    @staticmethod
    def _check_api_version(call: _Call, target: _Target) -> None:
        version = call.query("api-version")
        if not version:
            raise MissingApiVersion()
        served = SERVED_API_VERSIONS[target.family]
        if version not in served:
            location = "global"
            if target.account is not None:
                resource = call.world.resources.get(target.account)
                location = resource.region if resource is not None else location
            raise UnsupportedApiVersion(version, target.resource_type, served, location)

    @staticmethod
    def _check_tenant(call: _Call, caller: _Caller, target: _Target) -> None:
        if target.subscription_id is None:
            return
        found = subscription_of(call.world, target.subscription_id)
        if found is not None and found.tenant_id.lower() != caller.tid.lower():
            raise WrongTenant(caller.tid, found.tenant_id)

    # --- rights -------------------------------------------------------------------------------

    def _assignments_of(self, call: _Call, oid: str) -> list[AssignmentView]:
        whose = holders(call.world, oid)
        return [item for item in role_assignments(call.world) if item.principal_id.lower() in whose]

    def _denied(self, call: _Call, oid: str, action: str, scope: str, *, data: bool) -> bool:
        whose = holders(call.world, oid) | {EVERYONE}
        for deny in call.world.arm.deny_assignments:
            if not scope_contains(deny.scope, scope):
                continue
            if deny.do_not_apply_to_children and deny.scope.lower() != scope.lower():
                continue
            if not {item.lower() for item in deny.principals} & whose:
                continue
            if {item.lower() for item in deny.exclude_principals} & whose:
                continue
            granted, excluded = (
                (deny.data_actions, deny.not_data_actions)
                if data
                else (deny.actions, deny.not_actions)
            )
            if any(action_matches(item, action) for item in granted) and not any(
                action_matches(item, action) for item in excluded
            ):
                return True
        return False

    def _may(self, call: _Call, caller: _Caller, action: str, scope: str) -> bool:
        allowed = any(
            applies_at(item.scope, scope) and item.role.allows(action, data=False)
            for item in self._assignments_of(call, caller.oid)
        )
        return allowed and not self._denied(call, caller.oid, action, scope, data=False)

    def _require(self, call: _Call, caller: _Caller, action: str, scope: str, shown: str) -> None:
        if not self._may(call, caller, action, scope):
            raise AuthorizationFailed(caller.name, caller.oid, action, shown)

    # --- dispatch -----------------------------------------------------------------------------

    def _dispatch(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        handlers: dict[str, Callable[[_Call, _Caller, _Target], Reply]] = {
            "resource-graph": self._resource_graph,
            "subscriptions": self._subscriptions,
            "subscription": self._subscription,
            "resource-group": self._resource_group,
            "accounts": self._accounts,
            "account": self._account,
            "projects": self._children,
            "project": self._children,
            "deployments": self._children,
            "deployment": self._children,
            "models": self._children,
            "location-models": self._location_models,
            "permissions": self._permissions,
            "roleassignments": self._role_assignments,
            "roledefinitions": self._role_definitions,
            "denyassignments": self._deny_assignments,
            "roleeligibilityscheduleinstances": self._eligibility_instances,
            "roleassignmentscheduleinstances": self._assignment_instances,
        }
        return handlers[target.kind](call, caller, target)

    def _page(self, call: _Call, items: Sequence[Any]) -> Reply:
        """``{"value": [...]}`` with ``nextLink`` when more items follow."""
        size = max(1, call.world.arm.settings.page_size)
        token = call.query("$skipToken") or "0"
        start = int(token) if token.isdigit() else 0
        body: dict[str, Any] = {"value": list(items[start : start + size])}
        if start + size < len(items):
            query = {k: v for k, v in call.request.query.items() if k.lower() != "$skiptoken"}
            query["$skipToken"] = str(start + size)
            encoded = urlencode(query, quote_via=quote, safe="()'$")
            body["nextLink"] = f"https://{ARM_HOST}{call.request.path}?{encoded}"
        return Reply.json(body)

    # --- subscriptions and resource groups -------------------------------------------------

    def _visible_subscriptions(self, call: _Call, caller: _Caller) -> list[Any]:
        mine = self._assignments_of(call, caller.oid)
        found = []
        for item in subscriptions(call.world):
            if item.tenant_id.lower() != caller.tid.lower():
                continue
            if any(applies_at(a.scope, item.scope, below=True) for a in mine):
                found.append(item)
        return found

    def _subscriptions(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        listed = [payloads.subscription(item) for item in self._visible_subscriptions(call, caller)]
        return self._page(call, listed)

    def _subscription(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        assert target.subscription_id is not None
        wanted = target.subscription_id.lower()
        for item in self._visible_subscriptions(call, caller):
            if item.subscription_id.lower() == wanted:
                return Reply.json(payloads.subscription(item))
        raise SubscriptionNotFound(target.subscription_id)

    def _existing_subscription(self, call: _Call, target: _Target) -> None:
        assert target.subscription_id is not None
        if subscription_of(call.world, target.subscription_id) is None:
            raise SubscriptionNotFound(target.subscription_id)

    def _existing_group(self, call: _Call, target: _Target) -> str:
        assert target.subscription_id is not None
        assert target.resource_group is not None
        self._existing_subscription(call, target)
        groups = resource_groups(call.world, target.subscription_id)
        name = groups.get(target.resource_group.lower())
        if name is None:
            raise ResourceGroupNotFound(target.resource_group)
        return name

    def _resource_group(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        self._require(call, caller, RESOURCE_GROUP_READ, target.scope, target.scope)
        name = self._existing_group(call, target)
        assert target.subscription_id is not None
        region = next(
            (
                r.region
                for r in call.world.resources.values()
                if r.resource_group.lower() == name.lower()
            ),
            "eastus",
        )
        return Reply.json(payloads.resource_group(target.subscription_id, name, region))

    # --- Cognitive Services ---------------------------------------------------------------------

    def _resources_in(self, call: _Call, target: _Target) -> list[Resource]:
        assert target.subscription_id is not None
        return [
            resource
            for resource in call.world.resources.values()
            if resource.subscription_id.lower() == target.subscription_id.lower()
            and (
                target.resource_group is None
                or resource.resource_group.lower() == target.resource_group.lower()
            )
        ]

    def _accounts(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        action = ACCOUNT_ACTIONS["accounts"]
        if call.world.arm.settings.list_without_right == "forbidden":
            self._require(call, caller, action, target.scope, target.scope)
        if target.resource_group is not None:
            self._existing_group(call, target)
        else:
            self._existing_subscription(call, target)
        listed = [
            payloads.account(resource)
            for resource in self._resources_in(call, target)
            if self._may(call, caller, action, resource.resource_id)
        ]
        return self._page(call, listed)

    def _resource(self, call: _Call, target: _Target) -> Resource:
        self._existing_group(call, target)
        assert target.account is not None
        assert target.resource_group is not None
        for resource in self._resources_in(call, target):
            if resource.name.lower() == target.account.lower():
                return resource
        raise ResourceNotFound(f"{_CS}/accounts", target.account, target.resource_group)

    def _account(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        self._require(call, caller, ACCOUNT_ACTIONS["accounts"], target.scope, target.scope)
        return Reply.json(payloads.account(self._resource(call, target)))

    def _children(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        collection = target.kind if target.kind == "models" else target.kind.rstrip("s") + "s"
        scope = target.scope
        if target.child is not None:
            scope = f"{scope}/{collection}/{target.child}"
        self._require(call, caller, ACCOUNT_ACTIONS[collection], scope, scope)
        resource = self._resource(call, target)
        world = call.world
        if collection == "models":
            rows = [
                payloads.model_row(row)
                for row in account_models(world, resource)
                if world.arm.settings.list_retired_models or not row.retired
            ]
            return self._page(call, rows)
        if collection == "projects":
            names = sorted(resource.projects)
            if target.child is None:
                return self._page(call, [payloads.project(resource, name) for name in names])
            found = next((n for n in names if n.lower() == target.child.lower()), None)
            if found is None:
                raise ChildNotFound(scope)
            return Reply.json(payloads.project(resource, found))
        deployments = list(resource.deployments.values())
        if target.child is None:
            return self._page(call, [payloads.deployment(resource, d, world) for d in deployments])
        chosen = next((d for d in deployments if d.name.lower() == target.child.lower()), None)
        if chosen is None:
            raise ChildNotFound(scope)
        return Reply.json(payloads.deployment(resource, chosen, world))

    def _location_models(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        self._require(call, caller, ACCOUNT_ACTIONS["locations/models"], target.scope, target.scope)
        self._existing_subscription(call, target)
        rows = [
            {"kind": "AIServices", "skuName": "S0", "model": payloads.model_row(row)}
            for row in call.world.arm.models
        ]
        return self._page(call, rows)

    # --- Resource Graph ---------------------------------------------------------------------

    def _resource_graph(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        try:
            request = json.loads(call.request.body or b"{}")
        except (ValueError, RecursionError):
            raise BadQuery("The request body is not JSON.") from None
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            raise BadQuery("The request has no query.")
        resource_type, subdomain, columns = _parse_query(request["query"])
        options = request.get("options") if isinstance(request.get("options"), dict) else {}
        assert isinstance(options, dict)
        wanted_subscriptions = {
            str(item).lower() for item in request.get("subscriptions") or () if item
        }
        rows = []
        readable = {
            item.subscription_id.lower() for item in self._visible_subscriptions(call, caller)
        }
        for resource in call.world.resources.values():
            key = resource.subscription_id.lower()
            if key not in readable or (wanted_subscriptions and key not in wanted_subscriptions):
                continue
            if subdomain is not None and (
                resource_type == _PROJECTS_TYPE or resource.name.lower() != subdomain
            ):
                continue  # projects have no custom subdomain of their own
            if resource_type == _PROJECTS_TYPE:
                for name in sorted(resource.projects):
                    scope = f"{resource.resource_id}/projects/{name}"
                    if self._may(call, caller, ACCOUNT_ACTIONS["projects"], scope):
                        rows.append(_project_row(resource, name, columns))
                continue
            if not self._may(call, caller, ACCOUNT_ACTIONS["accounts"], resource.resource_id):
                continue
            rows.append(_graph_row(resource, columns))
        top = options.get("$top", 100)
        top = top if isinstance(top, int) and top > 0 else 100
        token = options.get("$skipToken")
        start = int(token) if isinstance(token, str) and token.isdigit() else 0
        page = rows[start : start + top]
        body: dict[str, Any] = {
            "totalRecords": len(rows),
            "count": len(page),
            "data": page,
            "facets": [],
            "resultTruncated": "false",
        }
        if start + top < len(rows):
            body["$skipToken"] = str(start + top)
        return Reply.json(
            body,
            headers=(
                ("x-ms-user-quota-remaining", "14"),
                ("x-ms-user-quota-resets-after", "00:00:05"),
            ),
        )

    # --- Authorization ----------------------------------------------------------------------

    def _filter(self, call: _Call) -> str:
        return (call.query("$filter") or "").strip()

    def _permissions(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        entries = [
            payloads.permission(item.role)
            for item in self._assignments_of(call, caller.oid)
            if applies_at(item.scope, target.scope)
        ]
        settings = call.world.arm.settings
        if not entries and settings.permissions_without_role == "forbidden":
            raise AuthorizationFailed(
                caller.name, caller.oid, "Microsoft.Authorization/permissions/read", target.scope
            )
        return self._page(call, entries)

    def _require_listing(self, call: _Call, caller: _Caller, target: _Target) -> bool:
        """Whether the caller may list ``target``; raises or answers empty per the world."""
        action = AUTHORIZATION_ACTIONS[target.kind]
        if self._may(call, caller, action, target.scope):
            return True
        if call.world.arm.settings.assignments_without_right == "empty" and target.item is None:
            return False
        shown = (
            f"{target.scope.rstrip('/')}/providers/Microsoft.Authorization/{target.resource_type.split('/')[-1]}/{target.item}"
            if target.item
            else f"{target.scope.rstrip('/')}/providers/Microsoft.Authorization"
        )
        raise AuthorizationFailed(caller.name, caller.oid, action, shown)

    def _principal_filter(self, call: _Call) -> tuple[str, str] | None:
        """``("assignedTo" | "principalId", oid)`` from ``$filter``, or ``None``."""
        found = _FUNCTION.search(self._filter(call))
        if found is None:
            return None
        kind = "assignedTo" if found.group(1).lower() == "assignedto" else "principalId"
        return kind, found.group(2)

    def _check_filter(self, call: _Call, allowed: Iterable[str]) -> None:
        text = self._filter(call)
        if not text:
            return
        rest = _FUNCTION.sub("", text)
        rest = re.sub(r"(?i)\batScope\(\)|\basTarget\(\)|\band\b", "", rest).strip()
        if rest:
            raise BadFilter(f"The filter '{text}' is not supported.")
        lowered = text.lower()
        for word in ("assignedto", "principalid", "atscope", "astarget"):
            if word in lowered and word not in allowed:
                raise BadFilter(f"The filter '{text}' is not supported.")

    def _role_assignments(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        if not self._require_listing(call, caller, target):
            return self._page(call, [])
        world = call.world
        if target.item is not None:
            for item in role_assignments(world):
                if item.assignment_id.lower() == target.item.lower():
                    return Reply.json(payloads.role_assignment(item))
            raise ChildNotFound(
                f"{target.scope}/providers/Microsoft.Authorization/roleAssignments/{target.item}"
            )
        self._check_filter(call, ("assignedto", "principalid", "atscope"))
        at_scope = "atscope()" in self._filter(call).lower()
        principal = self._principal_filter(call)
        whose: set[str] | None = None
        if principal is not None:
            kind, oid = principal
            if kind == "assignedTo":
                if any(group.oid.lower() == oid.lower() for group in world.arm.groups.values()):
                    raise BadFilter(
                        "The filter 'assignedTo' takes the object id of a user or a service "
                        "principal, not of a group."
                    )
                whose = holders(world, oid)
            else:
                whose = {oid.lower()}
        listed = [
            payloads.role_assignment(item)
            for item in role_assignments(world)
            if (whose is None or item.principal_id.lower() in whose)
            and applies_at(item.scope, target.scope, below=not at_scope)
        ]
        return self._page(call, listed)

    def _role_definitions(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        if target.scope != "/" and not self._require_listing(call, caller, target):
            return self._page(call, [])
        former = call.world.arm.settings.role_names == "former"
        if target.item is not None:
            role = role_definition(call.world, target.item)
            if role is None or role.role_id.lower() != target.item.lower():
                raise RoleDefinitionNotFound(target.item)
            return Reply.json(payloads.role_definition(role, target.scope, former_names=former))
        name = _ROLE_NAME.search(self._filter(call))
        roles: Iterable[RoleDefinition] = call.world.role_definitions.values()
        if name is not None:
            wanted = name.group(1).lower()
            roles = [
                r
                for r in roles
                if (r.former_name if former and r.former_name else r.name).lower() == wanted
            ]
        return self._page(
            call, [payloads.role_definition(r, target.scope, former_names=former) for r in roles]
        )

    def _deny_assignments(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        if not self._require_listing(call, caller, target):
            return self._page(call, [])
        self._check_filter(call, ("principalid", "atscope"))
        at_scope = "atscope()" in self._filter(call).lower()
        principal = self._principal_filter(call)
        listed = []
        for item in call.world.arm.deny_assignments:
            if not applies_at(item.scope, target.scope, below=not at_scope):
                continue
            if principal is not None:
                named = {oid.lower() for oid in item.principals}
                if principal[1].lower() not in named and EVERYONE not in named:
                    continue
            listed.append(payloads.deny_assignment(item))
        return self._page(call, listed)

    def _pim_principal(self, call: _Call, caller: _Caller, target: _Target) -> tuple[str, bool]:
        """(whose instances, expand groups) for a PIM listing, after its rights check."""
        self._check_filter(call, ("assignedto", "principalid", "atscope", "astarget"))
        text = self._filter(call).lower()
        own = "astarget()" in text
        if not (own and call.world.arm.settings.own_pim_readable):
            self._require_listing(call, caller, target)
        principal = self._principal_filter(call)
        if own:
            return caller.oid, True
        if principal is not None:
            return principal[1], principal[0] == "assignedTo"
        return "", False

    def _eligibility_instances(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        oid, expand = self._pim_principal(call, caller, target)
        world = call.world
        whose = holders(world, oid) if expand else {oid.lower()}
        former = world.arm.settings.role_names == "former"
        listed = []
        for item, holder, role in eligibilities(world):
            if oid and holder.lower() not in whose:
                continue
            if not applies_at(item.scope, target.scope, below=True):
                continue
            if item.end is not None and item.end < call.now:
                continue
            member = "Direct" if not oid or holder.lower() == oid.lower() else "Group"
            listed.append(
                payloads.eligibility_instance(
                    world, item, holder, role, member_type=member, former_names=former
                )
            )
        return self._page(call, listed)

    def _assignment_instances(self, call: _Call, caller: _Caller, target: _Target) -> Reply:
        oid, expand = self._pim_principal(call, caller, target)
        world = call.world
        whose = holders(world, oid) if expand else {oid.lower()}
        former = world.arm.settings.role_names == "former"
        listed = [
            payloads.schedule_instance(
                world,
                item,
                member_type=(
                    "Direct" if not oid or item.principal_id.lower() == oid.lower() else "Group"
                ),
                former_names=former,
            )
            for item in role_assignments(world)
            if (not oid or item.principal_id.lower() in whose)
            and applies_at(item.scope, target.scope, below=True)
        ]
        return self._page(call, listed)


# --- Resource Graph's query shapes -------------------------------------------------------------

_ACCOUNTS_TYPE = "microsoft.cognitiveservices/accounts"
_PROJECTS_TYPE = "microsoft.cognitiveservices/accounts/projects"
_COLUMNS = (
    "id",
    "name",
    "type",
    "kind",
    "location",
    "subscriptionId",
    "resourceGroup",
    "tenantId",
    "sku",
    "properties",
    "endpoint",
    "endpoints",
    "customSubDomainName",
    "disableLocalAuth",
    "publicNetworkAccess",
)


def _parse_query(query: str) -> tuple[str, str | None, tuple[str, ...]]:
    """(resource type, subdomain or ``None``, projected columns) of the query shapes the
    emulated Resource Graph understands: ``resources | where type =~ '<accounts or their
    projects>' [| where <subdomain>] [| project ...]``."""
    stages = [stage.strip() for stage in query.split("|")]
    if not stages or stages[0].lower() != "resources":
        raise BadQuery("The emulated Resource Graph reads the 'resources' table only.")
    typed: str | None = None
    subdomain: str | None = None
    columns: tuple[str, ...] = _COLUMNS[:10]
    for stage in stages[1:]:
        head, _, rest = stage.partition(" ")
        rest = rest.strip()
        if head.lower() == "where":
            for clause in (part.strip() for part in re.split(r"(?i)\s+and\s+", rest)):
                found = _TYPE_CLAUSE.match(clause)
                if found is not None:
                    typed = found.group(2).lower()
                    if typed not in (_ACCOUNTS_TYPE, _PROJECTS_TYPE):
                        raise BadQuery("The emulated Resource Graph knows accounts and projects.")
                    continue
                named = _SUBDOMAIN_CLAUSE.match(clause)
                if named is None:
                    raise BadQuery(f"It cannot read the condition '{clause}'.")
                subdomain = (named.group(2) or named.group(3) or "").lower()
        elif head.lower() == "project":
            names = []
            for item in rest.split(","):
                name = item.split("=", 1)[0].strip()
                if name not in _COLUMNS:
                    raise BadQuery(f"It cannot project '{name}'.")
                names.append(name)
            columns = tuple(names)
        elif head.lower() == "limit" or head.lower() == "take":
            continue
        else:
            raise BadQuery(f"It cannot run the operator '{head}'.")
    if typed is None:
        raise BadQuery("The query must name the resource type.")
    return typed, subdomain, columns


def _project_row(resource: Resource, name: str, columns: Sequence[str]) -> dict[str, Any]:
    full = payloads.project(resource, name)
    values: dict[str, Any] = {
        "id": full["id"],
        "name": full["name"],
        "type": full["type"].lower(),
        "kind": full["kind"],
        "location": full["location"],
        "subscriptionId": resource.subscription_id,
        "resourceGroup": resource.resource_group.lower(),
        "tenantId": resource.tenant_id,
        "sku": None,
        "properties": full["properties"],
    }
    return {column: values.get(column) for column in columns}


def _graph_row(resource: Resource, columns: Sequence[str]) -> dict[str, Any]:
    full = payloads.account(resource)
    properties = full["properties"]
    values: dict[str, Any] = {
        "id": full["id"],
        "name": full["name"],
        "type": full["type"].lower(),
        "kind": full["kind"],
        "location": full["location"],
        "subscriptionId": resource.subscription_id,
        "resourceGroup": resource.resource_group.lower(),
        "tenantId": resource.tenant_id,
        "sku": full["sku"],
        "properties": properties,
        "endpoint": properties["endpoint"],
        "endpoints": properties["endpoints"],
        "customSubDomainName": properties["customSubDomainName"],
        "disableLocalAuth": properties["disableLocalAuth"],
        "publicNetworkAccess": properties["publicNetworkAccess"],
    }
    return {name: values[name] for name in columns}
