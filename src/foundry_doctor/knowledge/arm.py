"""Azure Resource Manager: what the access check reads there, and how.

The management endpoint and token scope of each cloud, the api-versions to send per call, the
Authorization actions that reading role assignments, role definitions and deny assignments
require, how long role changes take to reach the data plane, and which account properties hold
the host names a resource answers on. Facts from ``arm.md`` (the ARM fact sheet: REST specs,
azure-mgmt-core, Microsoft Learn) and ``roles.md`` §4/§5.
"""

from __future__ import annotations

from typing import NamedTuple

from foundry_doctor.knowledge.hosts import CloudName
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "ACCOUNT_TYPE",
    "API_VERSIONS",
    "ARM_CLOUDS",
    "DENY_ASSIGNMENTS_READ",
    "EVERYONE",
    "PROPAGATION_SECONDS",
    "PROPAGATION_UPPER_SECONDS",
    "ROLE_ASSIGNMENTS_READ",
    "ROLE_DEFINITIONS_READ",
    "SOURCES",
    "ApiVersions",
    "ArmCloud",
    "arm_cloud",
]

MGMT_CORE = Source(
    "MGMT-CORE", "azure-mgmt-core 1.6.0 tools.py get_arm_endpoints (hosts and scopes)", "arm.md"
)
SPEC_AUTHZ = Source(
    "SPEC-AUTHZ",
    "Azure/azure-rest-api-specs specification/authorization/resource-manager/"
    "Microsoft.Authorization/stable/2022-04-01 (permissions, role assignments and definitions, "
    "deny assignments) and stable/2020-10-01 (PIM schedule instances)",
    "arm.md",
)
SPEC_CS = Source(
    "SPEC-CS",
    "Azure/azure-rest-api-specs specification/cognitiveservices/resource-manager/"
    "Microsoft.CognitiveServices stable/2025-09-01 (accounts, projects, deployments, models)",
    "arm.md",
)
SPEC_ARG = Source(
    "SPEC-ARG",
    "Azure/azure-rest-api-specs specification/resourcegraph/resource-manager/"
    "Microsoft.ResourceGraph examples/2024-04-01; MicrosoftDocs governance/resource-graph "
    "overview.md (rows filtered by read access)",
    "arm.md",
)
SPEC_SUB = Source(
    "SPEC-SUB",
    "Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/"
    "subscriptions/stable/2022-12-01",
    "arm.md",
)
PROPAGATION = Source(
    "PROPAGATION",
    "configure-entra-id troubleshooting include (wait at least 5 minutes); LEARN-AUTH (up to "
    "10 minutes, hours for managed identities in groups); MicrosoftDocs role-based-access-"
    "control/troubleshooting.md",
    "roles.md",
)
#: every source of this module
SOURCES: tuple[Source, ...] = (MGMT_CORE, SPEC_AUTHZ, SPEC_CS, SPEC_ARG, SPEC_SUB, PROPAGATION)


class ArmCloud(NamedTuple):
    """Azure Resource Manager in one cloud: its host and the scope a token for it asks for
    (US Government's scope names the legacy ``management.core`` resource, not the host)."""

    cloud: CloudName
    host: str
    scope: str
    sources: tuple[Source, ...]


ARM_CLOUDS: tuple[ArmCloud, ...] = (
    ArmCloud(
        "public",
        "management.azure.com",
        "https://management.azure.com/.default",
        (MGMT_CORE,),
    ),
    ArmCloud(
        "usgov",
        "management.usgovcloudapi.net",
        "https://management.core.usgovcloudapi.net/.default",
        (MGMT_CORE,),
    ),
    ArmCloud(
        "china",
        "management.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/.default",
        (MGMT_CORE,),
    ),
)
_CLOUDS = {item.cloud: item for item in ARM_CLOUDS}


def arm_cloud(cloud: CloudName) -> ArmCloud:
    """Resource Manager of ``cloud``."""
    return _CLOUDS[cloud]


class ApiVersions(NamedTuple):
    """The api-version each call sends (``cognitive_services_fallback`` once more on a
    ``NoRegisteredProviderFound`` 400, where a cloud lags behind)."""

    subscriptions: str
    resource_graph: str
    cognitive_services: str
    cognitive_services_fallback: str
    authorization: str
    pim: str
    sources: tuple[Source, ...]


API_VERSIONS = ApiVersions(
    subscriptions="2022-12-01",
    resource_graph="2024-04-01",
    cognitive_services="2025-09-01",
    cognitive_services_fallback="2025-06-01",
    authorization="2022-04-01",
    pim="2020-10-01",
    sources=(SPEC_SUB, SPEC_ARG, SPEC_CS, SPEC_AUTHZ),
)

#: what listing role assignments (and PIM schedule instances) needs at the scope
ROLE_ASSIGNMENTS_READ = "Microsoft.Authorization/roleAssignments/read"
#: what reading a role definition needs
ROLE_DEFINITIONS_READ = "Microsoft.Authorization/roleDefinitions/read"
#: what listing deny assignments needs
DENY_ASSIGNMENTS_READ = "Microsoft.Authorization/denyAssignments/read"
#: the principal id deny assignments use for "everyone" (``SystemDefined``)
EVERYONE = "00000000-0000-0000-0000-000000000000"
#: the resource type of a Foundry / Azure OpenAI account (lower case in Resource Graph rows)
ACCOUNT_TYPE = "Microsoft.CognitiveServices/accounts"

#: an assignment younger than this may not be in force on the data plane yet
PROPAGATION_SECONDS = 5 * 60
#: the longest usual delay for role changes (managed identities in groups can take hours)
PROPAGATION_UPPER_SECONDS = 10 * 60
