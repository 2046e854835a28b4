"""Azure Resource Manager, stated as data: the host, the token audiences it accepts, the
api-versions each resource type serves, the action each read needs, and the model catalogue of
an account.

The built-in role definitions it lists and decides with are the emulator's one statement of
them, :mod:`~foundry_doctor.emulator.roles` (read through ``World.role_definitions``), which the
data plane uses too; a test compares it with foundry-doctor's diagnosis tables. Sources:
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
    "SERVED_API_VERSIONS",
    "ApiFamily",
    "CatalogueModel",
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

    @property
    def retired(self) -> bool:
        """Whether this model version is retired (``lifecycleStatus`` ``Deprecated``)."""
        return self.lifecycle == "Deprecated"


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
