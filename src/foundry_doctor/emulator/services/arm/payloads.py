"""The JSON bodies of Resource Manager's answers, built from the world: subscriptions, resource
groups, Cognitive Services accounts, projects, deployments and models, and the Authorization
provider's role assignments, role definitions, deny assignments, PIM schedule instances and
permissions. Shapes from ``/work/notes/arm.md`` (sections 2, 3, 4, 6 and the checklist in 11:
the REST spec examples and what ``az`` prints for real resources)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from foundry_doctor.emulator.roles import RoleDefinition
from foundry_doctor.emulator.services.arm.spec import CatalogueModel
from foundry_doctor.emulator.services.arm.world import (
    AssignmentView,
    DenyAssignment,
    Eligibility,
    Subscription,
    principal_type,
    stable_id,
)

if TYPE_CHECKING:
    from foundry_doctor.emulator.services.foundry.world import Deployment, Resource
    from foundry_doctor.emulator.world import World

__all__ = [
    "account",
    "deny_assignment",
    "deployment",
    "eligibility_instance",
    "iso_time",
    "model_row",
    "permission",
    "project",
    "resource_group",
    "role_assignment",
    "role_definition",
    "schedule_instance",
    "subscription",
]

_CS = "Microsoft.CognitiveServices"
_AUTH = "Microsoft.Authorization"
#: when the built-in definitions were last changed, as the emulator reports it
_DEFINITIONS_UPDATED = "2025-06-02T09:14:27.1234567Z"
_HOST_KEYS = {
    "openai": "OpenAI Language Model Instance API",
    "services": "AI Foundry API",
    "cognitiveservices": "Cognitive Services API",
}


def iso_time(epoch: float) -> str:
    """ARM's timestamp form: seven fractional digits and ``Z``."""
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond * 10:07d}Z"


def subscription(item: Subscription) -> dict[str, Any]:
    return {
        "id": item.scope,
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": item.subscription_id,
        "tenantId": item.tenant_id,
        "displayName": item.display_name,
        "state": item.state,
    }


def resource_group(subscription_id: str, name: str, location: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{subscription_id}/resourceGroups/{name}",
        "name": name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": location,
        "properties": {"provisioningState": "Succeeded"},
    }


def account_kind(resource: Resource) -> str:
    """``AIServices`` for a resource that answers on ``*.services.ai.azure.com``, else the
    classic ``OpenAI`` kind."""
    return "AIServices" if "services" in resource.host_families else "OpenAI"


def _host(resource: Resource, family: str) -> str:
    suffix = {
        "openai": ".openai.azure.com",
        "services": ".services.ai.azure.com",
        "cognitiveservices": ".cognitiveservices.azure.com",
    }[family]
    return f"https://{resource.name.lower()}{suffix}/"


def account(resource: Resource) -> dict[str, Any]:
    kind = account_kind(resource)
    families = resource.host_families
    endpoints = {_HOST_KEYS[family]: _host(resource, family) for family in families}
    main = "cognitiveservices" if "cognitiveservices" in families else families[0]
    projects = sorted(resource.projects)
    properties: dict[str, Any] = {
        "customSubDomainName": resource.name,
        "endpoint": _host(resource, main),
        "endpoints": endpoints,
        "provisioningState": "Succeeded",
        "publicNetworkAccess": "Enabled" if resource.public_network else "Disabled",
        "disableLocalAuth": not resource.local_auth,
        "networkAcls": {
            "defaultAction": "Allow" if resource.public_network else "Deny",
            "ipRules": [],
            "virtualNetworkRules": [],
        },
        "privateEndpointConnections": [],
    }
    if kind == "AIServices":
        properties["allowProjectManagement"] = True
        properties["associatedProjects"] = projects
        if projects:
            properties["defaultProject"] = projects[0]
    return {
        "id": resource.resource_id,
        "name": resource.name,
        "type": f"{_CS}/accounts",
        "kind": kind,
        "location": resource.region,
        "sku": {"name": "S0"},
        "identity": {
            "type": "SystemAssigned",
            "principalId": stable_id("identity", resource.resource_id.lower()),
            "tenantId": resource.tenant_id,
        },
        "tags": {},
        "properties": properties,
    }


def project(resource: Resource, name: str) -> dict[str, Any]:
    projects = sorted(resource.projects)
    scope = f"{resource.resource_id}/projects/{name}"
    return {
        "id": scope,
        "name": f"{resource.name}/{name}",
        "type": f"{_CS}/accounts/projects",
        "kind": "AIServices",
        "location": resource.region,
        "identity": {
            "type": "SystemAssigned",
            "principalId": stable_id("identity", scope.lower()),
            "tenantId": resource.tenant_id,
        },
        "properties": {
            "provisioningState": "Succeeded",
            "displayName": None,
            "description": None,
            "endpoints": {
                "AI Foundry API": f"{_host(resource, 'services')}api/projects/{name}",
            },
            "isDefault": bool(projects) and projects[0] == name,
        },
    }


def deployment(resource: Resource, item: Deployment, world: World) -> dict[str, Any]:
    model = world.deployed_model(item)
    capability = "embeddings" if item.kind == "embeddings" else "chatCompletion"
    return {
        "id": f"{resource.resource_id}/deployments/{item.name}",
        "name": item.name,
        "type": f"{_CS}/accounts/deployments",
        "sku": {"name": "GlobalStandard", "capacity": 10},
        "properties": {
            "model": {"format": model.format, "name": item.model, "version": model.version},
            "versionUpgradeOption": "OnceNewDefaultVersionAvailable",
            "capabilities": {capability: "true"},
            "provisioningState": "Succeeded",
            "raiPolicyName": "Microsoft.DefaultV2",
        },
    }


def model_row(row: CatalogueModel) -> dict[str, Any]:
    body: dict[str, Any] = {
        "format": row.format,
        "name": row.name,
        "version": row.version,
        "lifecycleStatus": row.lifecycle,
        "isDefaultVersion": row.default,
        "capabilities": {row.capability: "true"},
        "skus": [
            {"name": "GlobalStandard", "usageName": f"{row.format}.GlobalStandard.{row.name}"}
        ],
    }
    if row.inference_until is not None:
        body["deprecation"] = {
            "inference": row.inference_until,
            "deprecationStatus": row.deprecation_status,
        }
    if row.replacement is not None:
        body["replacementConfig"] = {
            "targetModelName": row.replacement[0],
            "targetModelVersion": row.replacement[1],
        }
    return body


# --- Authorization ----------------------------------------------------------------------------


def _subscription_of(scope: str) -> str | None:
    parts = [part for part in scope.split("/") if part]
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        return parts[1]
    return None


def role_definition_id(role: RoleDefinition, scope: str) -> str:
    """A role definition's id as assignments name it: under the scope's subscription."""
    subscription_id = _subscription_of(scope)
    prefix = f"/subscriptions/{subscription_id}" if subscription_id else ""
    return f"{prefix}/providers/{_AUTH}/roleDefinitions/{role.role_id}"


def role_definition(role: RoleDefinition, scope: str, *, former_names: bool) -> dict[str, Any]:
    name = role.former_name if former_names and role.former_name else role.name
    return {
        "id": role_definition_id(role, scope),
        "name": role.role_id,
        "type": f"{_AUTH}/roleDefinitions",
        "properties": {
            "roleName": name,
            "type": "CustomRole" if role.custom else "BuiltInRole",
            "description": role.description,
            "assignableScopes": ["/"],
            "permissions": [permission(role)],
            "createdOn": _DEFINITIONS_UPDATED,
            "updatedOn": _DEFINITIONS_UPDATED,
            "createdBy": None,
            "updatedBy": None,
        },
    }


def permission(role: RoleDefinition) -> dict[str, Any]:
    return {
        "actions": list(role.actions),
        "notActions": list(role.not_actions),
        "dataActions": list(role.data_actions),
        "notDataActions": list(role.not_data_actions),
    }


def role_assignment(item: AssignmentView) -> dict[str, Any]:
    created = iso_time(item.created_on)
    return {
        "properties": {
            "roleDefinitionId": role_definition_id(item.role, item.scope),
            "principalId": item.principal_id,
            "principalType": item.principal_type,
            "scope": item.scope,
            "condition": item.condition,
            "conditionVersion": "2.0" if item.condition else None,
            "createdOn": created,
            "updatedOn": created,
            "createdBy": None,
            "updatedBy": None,
            "delegatedManagedIdentityResourceId": None,
            "description": item.description,
        },
        "id": f"{item.scope}/providers/{_AUTH}/roleAssignments/{item.assignment_id}",
        "type": f"{_AUTH}/roleAssignments",
        "name": item.assignment_id,
    }


def deny_assignment(item: DenyAssignment) -> dict[str, Any]:
    return {
        "properties": {
            "denyAssignmentName": item.name,
            "description": None,
            "permissions": [
                {
                    "actions": list(item.actions),
                    "notActions": list(item.not_actions),
                    "dataActions": list(item.data_actions),
                    "notDataActions": list(item.not_data_actions),
                }
            ],
            "scope": item.scope,
            "doNotApplyToChildScopes": item.do_not_apply_to_children,
            "principals": [
                {"id": oid, "type": "SystemDefined" if oid.startswith("00000000-") else "User"}
                for oid in item.principals
            ],
            "excludePrincipals": [{"id": oid, "type": "User"} for oid in item.exclude_principals],
            "isSystemProtected": item.system_protected,
        },
        "id": f"{item.scope}/providers/{_AUTH}/denyAssignments/{item.deny_id}",
        "type": f"{_AUTH}/denyAssignments",
        "name": item.deny_id,
    }


def _expanded(
    world: World, scope: str, role: RoleDefinition, oid: str, *, former_names: bool
) -> dict[str, Any]:
    known = world.principal_by(oid=oid)
    principal: dict[str, Any] = {
        "id": oid,
        "displayName": known.display_name if known is not None else None,
        "type": principal_type(world, oid),
    }
    if known is not None and known.upn:
        principal["email"] = known.upn
    name = role.former_name if former_names and role.former_name else role.name
    return {
        "scope": {"id": scope, "displayName": scope.rsplit("/", 1)[-1], "type": "resource"},
        "roleDefinition": {
            "id": role_definition_id(role, scope),
            "displayName": name,
            "type": "CustomRole" if role.custom else "BuiltInRole",
        },
        "principal": principal,
    }


def eligibility_instance(
    world: World,
    item: Eligibility,
    oid: str,
    role: RoleDefinition,
    *,
    member_type: str,
    former_names: bool,
) -> dict[str, Any]:
    guid = stable_id("eligibility", item.scope.lower(), oid.lower(), role.role_id)
    start = item.start if item.start is not None else world.arm.built_at
    return {
        "properties": {
            "roleEligibilityScheduleId": (
                f"{item.scope}/providers/{_AUTH}/roleEligibilitySchedules/{guid}"
            ),
            "scope": item.scope,
            "roleDefinitionId": role_definition_id(role, item.scope),
            "principalId": oid,
            "principalType": principal_type(world, oid),
            "status": "Provisioned",
            "startDateTime": iso_time(start),
            "endDateTime": iso_time(item.end) if item.end is not None else None,
            "memberType": member_type,
            "condition": None,
            "conditionVersion": None,
            "createdOn": iso_time(start),
            "expandedProperties": _expanded(
                world, item.scope, role, oid, former_names=former_names
            ),
        },
        "name": guid,
        "id": f"{item.scope}/providers/{_AUTH}/RoleEligibilityScheduleInstances/{guid}",
        "type": f"{_AUTH}/RoleEligibilityScheduleInstances",
    }


def schedule_instance(
    world: World, item: AssignmentView, *, member_type: str, former_names: bool
) -> dict[str, Any]:
    """An active assignment as PIM lists it (``assignmentType: Assigned``)."""
    guid = stable_id("instance", item.assignment_id)
    return {
        "properties": {
            "scope": item.scope,
            "roleDefinitionId": role_definition_id(item.role, item.scope),
            "principalId": item.principal_id,
            "principalType": item.principal_type,
            "roleAssignmentScheduleId": (
                f"{item.scope}/providers/{_AUTH}/roleAssignmentSchedules/{guid}"
            ),
            "originRoleAssignmentId": (
                f"{item.scope}/providers/{_AUTH}/roleAssignments/{item.assignment_id}"
            ),
            "status": "Provisioned",
            "startDateTime": iso_time(item.created_on),
            "endDateTime": None,
            "assignmentType": "Assigned",
            "memberType": member_type,
            "condition": item.condition,
            "conditionVersion": "2.0" if item.condition else None,
            "createdOn": iso_time(item.created_on),
            "expandedProperties": _expanded(
                world, item.scope, item.role, item.principal_id, former_names=former_names
            ),
        },
        "name": guid,
        "id": f"{item.scope}/providers/{_AUTH}/RoleAssignmentScheduleInstances/{guid}",
        "type": f"{_AUTH}/RoleAssignmentScheduleInstances",
    }
