"""Azure Resource Manager, stated as data: the host, the token audiences it accepts, the
api-versions each resource type serves, the action each read needs, the built-in role
definitions by ID, and the model catalogue of an account.

The role definitions here are the emulator's own statement of what the built-in roles publish
(actions, notActions, dataActions, notDataActions), written from ``../shared/knowledge/roles.md``
apart from foundry-doctor's diagnosis tables; a test compares the two. Where ``roles.md``
records only part of a role's published control-plane list (the actions that matter for
Foundry, such as reading role assignments), only that part is stated. Other sources:
``/work/notes/arm.md`` (the ARM fact sheet: REST specs, error bodies, the matching rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ACCOUNT_ACTIONS",
    "ARM_AUDIENCES",
    "ARM_HOST",
    "AUTHORIZATION_ACTIONS",
    "EVERYONE",
    "MODEL_CATALOGUE",
    "RESOURCE_GROUP_READ",
    "ROLE_DEFINITIONS",
    "SERVED_API_VERSIONS",
    "ApiFamily",
    "CatalogueModel",
    "RoleDefinition",
    "action_matches",
    "builtin_role",
]

ARM_HOST = "management.azure.com"
#: the audiences ARM accepts in a token, exactly as its audience error lists them
ARM_AUDIENCES = (
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
    "https://management.azure.com/",
    "https://management.azure.com",
)
#: the principal id of "everyone" in deny assignments (``SystemDefined``)
EVERYONE = "00000000-0000-0000-0000-000000000000"

ApiFamily = Literal[
    "subscriptions",
    "resource-groups",
    "resource-graph",
    "cognitive-services",
    "authorization",
    "pim",
]

#: the api-versions each family of paths accepts (arm.md sections 0 and 11)
SERVED_API_VERSIONS: Mapping[ApiFamily, frozenset[str]] = {
    "subscriptions": frozenset({"2020-01-01", "2021-01-01", "2022-12-01"}),
    "resource-groups": frozenset(
        {"2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-11-01", "2025-04-01"}
    ),
    "resource-graph": frozenset({"2021-03-01", "2022-10-01", "2024-04-01"}),
    "cognitive-services": frozenset(
        {
            "2025-06-01",
            "2025-09-01",
            "2025-12-01",
            "2026-03-01",
            "2026-05-01",
            "2026-07-01",
            "2026-09-01",
        }
    ),
    "authorization": frozenset(
        {"2015-07-01", "2018-01-01-preview", "2018-07-01", "2022-04-01", "2022-05-01-preview"}
    ),
    "pim": frozenset({"2020-10-01"}),
}

#: what reading a resource group needs
RESOURCE_GROUP_READ = "Microsoft.Resources/subscriptions/resourceGroups/read"
#: what reading each Cognitive Services collection needs (the ``models`` name follows the
#: provider's convention; arm.md leaves it open)
ACCOUNT_ACTIONS: Mapping[str, str] = {
    "accounts": "Microsoft.CognitiveServices/accounts/read",
    "projects": "Microsoft.CognitiveServices/accounts/projects/read",
    "deployments": "Microsoft.CognitiveServices/accounts/deployments/read",
    "models": "Microsoft.CognitiveServices/accounts/models/read",
    "locations/models": "Microsoft.CognitiveServices/locations/models/read",
}
#: what reading each Authorization collection needs (PIM instances: the role-assignment read,
#: as the PIM REST sample says)
AUTHORIZATION_ACTIONS: Mapping[str, str] = {
    "roleassignments": "Microsoft.Authorization/roleAssignments/read",
    "roledefinitions": "Microsoft.Authorization/roleDefinitions/read",
    "denyassignments": "Microsoft.Authorization/denyAssignments/read",
    "roleeligibilityscheduleinstances": "Microsoft.Authorization/roleAssignments/read",
    "roleassignmentscheduleinstances": "Microsoft.Authorization/roleAssignments/read",
}


def action_matches(pattern: str, action: str) -> bool:
    """Azure RBAC's rule: ``*`` stands for any run of characters, case is ignored."""
    pattern, action = pattern.lower(), action.lower()
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return pattern == action
    if not action.startswith(pieces[0]) or not action.endswith(pieces[-1]):
        return False
    position = len(pieces[0])
    end = len(action) - len(pieces[-1])
    for piece in pieces[1:-1]:
        found = action.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return position <= end


# --- role definitions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    """A role definition as ARM returns it. ``former_name`` is the display name before the
    2026 renames (the world can make ARM show it, as tenants did during the rollout)."""

    id: str
    name: str
    description: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()
    former_name: str | None = None
    custom: bool = False

    def allows(self, action: str, *, data: bool) -> bool:
        """Whether this role alone allows ``action`` (a data action when ``data``)."""
        granted, excluded = (
            (self.data_actions, self.not_data_actions) if data else (self.actions, self.not_actions)
        )
        return any(action_matches(item, action) for item in granted) and not any(
            action_matches(item, action) for item in excluded
        )


_CS = "Microsoft.CognitiveServices"
_OPENAI = f"{_CS}/accounts/OpenAI"
_AUTH_READ = (
    "Microsoft.Authorization/roleAssignments/read",
    "Microsoft.Authorization/roleDefinitions/read",
)
_ASSIGN = (
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleAssignments/delete",
)

ROLE_DEFINITIONS: tuple[RoleDefinition, ...] = (
    RoleDefinition(
        "53ca6127-db72-4b80-b1b0-d745d6d5456d",
        "Foundry User",
        "Builds and uses what a Foundry account and its projects hold.",
        actions=(
            f"{_CS}/*/read",
            f"{_CS}/accounts/listkeys/action",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Support/*",
        ),
        data_actions=(f"{_CS}/*",),
        former_name="Azure AI User",
    ),
    RoleDefinition(
        "eadc314b-1a2d-4efa-be10-5d325db5065e",
        "Foundry Project Manager",
        "Manages Foundry projects and may give Foundry User to others.",
        actions=(
            "Microsoft.Authorization/*/read",
            f"{_CS}/accounts/*/read",
            f"{_CS}/accounts/projects/*",
            *_ASSIGN,
        ),
        data_actions=(f"{_CS}/*",),
        former_name="Azure AI Project Manager",
    ),
    RoleDefinition(
        "c883944f-8b7b-4483-af10-35834be79c4a",
        "Foundry Owner",
        "Full control of Foundry accounts and their data.",
        actions=(f"{_CS}/*",),
        data_actions=(f"{_CS}/*",),
        former_name="Azure AI Owner",
    ),
    RoleDefinition(
        "e47c6f54-e4a2-4754-9501-8e0985b135e1",
        "Foundry Account Owner",
        "Manages Foundry accounts; no data access.",
        actions=(f"{_CS}/*", *_ASSIGN),
        former_name="Azure AI Account Owner",
    ),
    RoleDefinition(
        "eed3b665-ab3a-47b6-8f48-c9382fb1dad6",
        "Foundry Agent Consumer",
        "Calls agent endpoints.",
        data_actions=(f"{_CS}/accounts/AIServices/endpoints/interact/action",),
    ),
    RoleDefinition(
        "a97b65f3-24c7-4388-baec-2e87135dc908",
        "Cognitive Services User",
        "Reads and lists keys of Cognitive Services, and uses their data plane.",
        actions=(f"{_CS}/*/read", f"{_CS}/accounts/listkeys/action", "Microsoft.Support/*"),
        data_actions=(f"{_CS}/*",),
    ),
    RoleDefinition(
        "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
        "Cognitive Services OpenAI User",
        "Reads Azure OpenAI resources and calls their OpenAI models.",
        actions=(f"{_CS}/*/read", *_AUTH_READ),
        data_actions=(
            f"{_OPENAI}/*/read",
            f"{_OPENAI}/engines/completions/action",
            f"{_OPENAI}/engines/search/action",
            f"{_OPENAI}/engines/generate/action",
            f"{_OPENAI}/deployments/audio/action",
            f"{_OPENAI}/deployments/search/action",
            f"{_OPENAI}/deployments/completions/action",
            f"{_OPENAI}/deployments/chat/completions/action",
            f"{_OPENAI}/deployments/realtime/action",
            f"{_OPENAI}/deployments/extensions/chat/completions/action",
            f"{_OPENAI}/deployments/embeddings/action",
            f"{_OPENAI}/images/generations/action",
            f"{_OPENAI}/assistants/*",
        ),
        not_data_actions=(f"{_OPENAI}/stored-completions/read",),
    ),
    RoleDefinition(
        "a001fd3d-188f-4b5d-821b-7da978bf7442",
        "Cognitive Services OpenAI Contributor",
        "Deploys OpenAI models and uses every OpenAI data action.",
        actions=(
            f"{_CS}/*/read",
            f"{_CS}/accounts/deployments/write",
            f"{_CS}/accounts/deployments/delete",
            f"{_CS}/accounts/raiPolicies/*",
            f"{_CS}/accounts/commitmentplans/*",
            *_AUTH_READ,
        ),
        data_actions=(f"{_OPENAI}/*",),
    ),
    RoleDefinition(
        "64702f94-c441-49e6-a78b-ef80e0188fee",
        "Azure AI Developer",
        "The hub-based role: machine-learning workspaces and OpenAI, Speech and Content "
        "Safety data actions.",
        actions=(
            "Microsoft.Authorization/*/read",
            "Microsoft.MachineLearningServices/workspaces/*",
            "Microsoft.Resources/deployments/*",
        ),
        not_actions=(
            "Microsoft.MachineLearningServices/workspaces/write",
            "Microsoft.MachineLearningServices/workspaces/delete",
            "Microsoft.MachineLearningServices/workspaces/listKeys/action",
        ),
        data_actions=(
            f"{_OPENAI}/*",
            f"{_CS}/accounts/SpeechServices/*",
            f"{_CS}/accounts/ContentSafety/*",
        ),
    ),
    RoleDefinition(
        "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68",
        "Cognitive Services Contributor",
        "Creates, manages and lists keys of Cognitive Services accounts.",
        actions=(f"{_CS}/*",),
    ),
    RoleDefinition(
        "bba48692-92b0-4667-a9ad-c31c7b334ac2",
        "Cognitive Services Usages Reader",
        "Reads quota usage.",
        actions=(f"{_CS}/locations/usages/read",),
    ),
    RoleDefinition(
        "3afb7f49-54cb-416e-8c09-6dc049efa503",
        "Azure AI Inference Deployment Operator",
        "Deploys models; no data access.",
        actions=(
            "Microsoft.Authorization/*/read",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Insights/AutoscaleSettings/write",
        ),
    ),
    RoleDefinition(
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Owner",
        "Full control, including access; no data actions.",
        actions=("*",),
    ),
    RoleDefinition(
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Contributor",
        "Lets you manage everything except access to resources.",
        actions=("*",),
        not_actions=(
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
        ),
    ),
    RoleDefinition(
        "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "Reader",
        "View everything, but not make any changes.",
        actions=("*/read",),
    ),
    RoleDefinition(
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator",
        "Manages user access to Azure resources.",
        actions=("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"),
    ),
    RoleDefinition(
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        "Role Based Access Control Administrator",
        "Manages access by assigning roles.",
        actions=(*_ASSIGN, "*/read", "Microsoft.Support/*"),
    ),
)
_BY_ID = {item.id: item for item in ROLE_DEFINITIONS}


def builtin_role(key: str) -> RoleDefinition | None:
    """The built-in role whose ID, current name or former name is ``key`` (names: any case)."""
    found = _BY_ID.get(key.lower())
    if found is not None:
        return found
    lowered = key.strip().lower()
    for item in ROLE_DEFINITIONS:
        if lowered in (item.name.lower(), (item.former_name or "").lower()):
            return item
    return None


# --- the model catalogue ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogueModel:
    """A model version an account can deploy, as ``GET .../accounts/{a}/models`` lists it.

    ``lifecycle`` is the service's ``lifecycleStatus`` (``GenerallyAvailable``, ``Preview``,
    ``Deprecating``, ``Deprecated`` — retired —, ``Legacy``); ``inference_until`` the
    ``deprecation.inference`` date; ``replacement`` the ``replacementConfig`` target (name,
    version)."""

    format: str
    name: str
    version: str
    lifecycle: str = "GenerallyAvailable"
    default: bool = True
    capability: str = "chatCompletion"
    inference_until: str | None = None
    deprecation_status: str = "Planned"
    replacement: tuple[str, str] | None = None


#: the models the default world's accounts list (dates of the retired row from arm.md's
#: example and the portal banner in BerriAI/litellm#11116)
MODEL_CATALOGUE: tuple[CatalogueModel, ...] = (
    CatalogueModel("OpenAI", "gpt-4o", "2024-11-20"),
    CatalogueModel("OpenAI", "gpt-4o-mini", "2024-07-18"),
    CatalogueModel("OpenAI", "gpt-4.1", "2025-04-14"),
    CatalogueModel("OpenAI", "text-embedding-3-small", "1", capability="embeddings"),
    CatalogueModel(
        "OpenAI",
        "gpt-35-turbo",
        "0125",
        lifecycle="Deprecated",
        inference_until="2025-04-30T00:00:00Z",
        replacement=("gpt-4o-mini", "2024-07-18"),
    ),
    CatalogueModel("Meta", "Llama-3.3-70B-Instruct", "1"),
    CatalogueModel("DeepSeek", "DeepSeek-R1", "1"),
    CatalogueModel("Cohere", "Cohere-embed-v3-english", "1", capability="embeddings"),
)
