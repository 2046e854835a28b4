"""The built-in Azure roles that matter for Foundry / Azure OpenAI, keyed by role definition ID:
their current and former names, the control-plane actions and the data actions they grant.

Both emulated services read this one statement (through ``World.role_definitions``): the data
plane decides by data action (every operation names the action it needs,
:mod:`~foundry_doctor.emulator.services.foundry.spec`, and a token passes when one of its
holder's roles grants it), Resource Manager by action (reading an account, listing role
assignments) and it lists the definitions as they are. A role grants an action when one of
its patterns matches it and none of its exclusions (``not_actions`` / ``not_data_actions``)
does; ``*`` stands for any run of characters (slashes included), as in Azure role
definitions, and matching ignores case.

Source: ``../shared/knowledge/roles.md`` §1 (roles that open the data plane, with the published
data actions and the control-plane actions worth knowing), §2 (roles with no data actions) and
§3 (the actions the service names); Owner, Contributor, Reader and the access administrators'
control-plane actions from Microsoft's general built-in roles page. Where ``roles.md`` records
only part of a role's published control-plane list, only that part is stated. Where the
published definition and a later snapshot disagree, the published one is stated here and the
difference is noted; a world can redefine any role or add custom ones
(``World.define_role``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "BUILT_IN_ROLES",
    "DATA_ACTION_PREFIX",
    "ROLE_AZURE_AI_DEVELOPER",
    "ROLE_COGNITIVE_SERVICES_USER",
    "ROLE_FOUNDRY_AGENT_CONSUMER",
    "ROLE_FOUNDRY_USER",
    "ROLE_OPENAI_CONTRIBUTOR",
    "ROLE_OPENAI_USER",
    "ROLE_OWNER",
    "ROLE_READER",
    "RoleDefinition",
    "UnknownRole",
    "action_matches",
    "find_role",
]

#: every data action of the service starts with this
DATA_ACTION_PREFIX = "Microsoft.CognitiveServices/"


def _action(suffix: str) -> str:
    return DATA_ACTION_PREFIX + suffix


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.IGNORECASE)


def action_matches(pattern: str, action: str) -> bool:
    """Whether a role definition's action ``pattern`` (``*`` wildcards) covers ``action``."""
    return _pattern(pattern).fullmatch(action) is not None


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    """A role definition: its ID (the GUID ``az role assignment create --role`` takes), its
    current display name, the names it had before (still shown by some tenants and pages,
    most recent first), what it lets its holder do on the control plane (``actions`` minus
    ``not_actions``) and on the data plane (``data_actions`` minus ``not_data_actions``),
    the description Resource Manager lists, and whether it is a custom role."""

    role_id: str
    name: str
    former_names: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    description: str = ""
    custom: bool = False
    #: where the definition comes from (``roles.md`` section and its source)
    source: str = field(default="", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The current name, then the former ones."""
        return (self.name, *self.former_names)

    @property
    def former_name(self) -> str | None:
        """The name it had just before the current one (what tenants showed during the 2026
        rename rollout), ``None`` when it was never renamed."""
        return self.former_names[0] if self.former_names else None

    def allows(self, action: str, *, data: bool) -> bool:
        """Whether this role alone allows ``action``: a data action when ``data``, else a
        control-plane action."""
        granted, excluded = (
            (self.data_actions, self.not_data_actions) if data else (self.actions, self.not_actions)
        )
        if any(action_matches(pattern, action) for pattern in excluded):
            return False
        return any(action_matches(pattern, action) for pattern in granted)

    def grants(self, action: str) -> bool:
        """Whether this role lets its holder perform the data action ``action``."""
        return self.allows(action, data=True)


class UnknownRole(KeyError):
    """A role name or ID no role definition of the world has."""

    def __init__(self, role: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known))
        super().__init__(
            f"no role {role!r} in the emulated world (name it by role definition ID or by its "
            f"current or former name; known: {names}; define others with World.define_role)"
        )


def find_role(definitions: Mapping[str, RoleDefinition], role: str) -> RoleDefinition:
    """The definition ``role`` names: its ID (also as a full ``.../roleDefinitions/<id>``
    resource ID), its current name or a former name, ignoring case (:class:`UnknownRole`
    otherwise)."""
    wanted = role.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    by_name = role.strip().lower()
    for definition in definitions.values():
        if definition.role_id.lower() == wanted:
            return definition
        if any(name.lower() == by_name for name in definition.names):
            return definition
    raise UnknownRole(role, (d.name for d in definitions.values()))


_ALL = (_action("*"),)
_RBAC_2025 = "roles.md §1 [RBAC-2025-09], [RBAC-2026]"
_GENERAL = "roles.md §2; MicrosoftDocs built-in-roles/general.md"
_OPENAI = "accounts/OpenAI"
#: reading role assignments and definitions (what several roles add to their reads)
_AUTHORIZATION_READS = (
    "Microsoft.Authorization/roleAssignments/read",
    "Microsoft.Authorization/roleDefinitions/read",
)
#: assigning and removing roles (the Foundry managers' are limited by an ABAC condition)
_ASSIGN = (
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleAssignments/delete",
)

ROLE_FOUNDRY_USER = "Foundry User"
ROLE_COGNITIVE_SERVICES_USER = "Cognitive Services User"
ROLE_OPENAI_USER = "Cognitive Services OpenAI User"
ROLE_OPENAI_CONTRIBUTOR = "Cognitive Services OpenAI Contributor"
ROLE_AZURE_AI_DEVELOPER = "Azure AI Developer"
ROLE_FOUNDRY_AGENT_CONSUMER = "Foundry Agent Consumer"
ROLE_OWNER = "Owner"
ROLE_READER = "Reader"

#: the built-in roles, by role definition ID
BUILT_IN_ROLES: Mapping[str, RoleDefinition] = {
    definition.role_id: definition
    for definition in (
        RoleDefinition(
            "53ca6127-db72-4b80-b1b0-d745d6d5456d",
            ROLE_FOUNDRY_USER,
            ("Azure AI User",),
            _ALL,
            actions=(
                _action("*/read"),
                _action("accounts/listkeys/action"),
                "Microsoft.Resources/deployments/*",
                "Microsoft.Support/*",
            ),
            description="Builds and uses what a Foundry account and its projects hold.",
            source=_RBAC_2025 + "; renamed per role-rename-note.md (2026-05-11)",
        ),
        RoleDefinition(
            "eadc314b-1a2d-4efa-be10-5d325db5065e",
            "Foundry Project Manager",
            ("Azure AI Project Manager",),
            _ALL,
            actions=(
                "Microsoft.Authorization/*/read",
                _action("accounts/*/read"),
                _action("accounts/projects/*"),
                *_ASSIGN,
            ),
            description="Manages Foundry projects and may give Foundry User to others.",
            source=_RBAC_2025,
        ),
        RoleDefinition(
            "c883944f-8b7b-4483-af10-35834be79c4a",
            "Foundry Owner",
            ("Azure AI Owner",),
            _ALL,
            actions=(_action("*"),),
            description="Full control of Foundry accounts and their data.",
            source="roles.md §1 [AZD] (no Microsoft JSON found)",
        ),
        RoleDefinition(
            "e47c6f54-e4a2-4754-9501-8e0985b135e1",
            "Foundry Account Owner",
            ("Azure AI Account Owner",),
            actions=(_action("*"), *_ASSIGN),
            description="Manages Foundry accounts; no data access.",
            source="roles.md §2: published dataActions []",
        ),
        RoleDefinition(
            "eed3b665-ab3a-47b6-8f48-c9382fb1dad6",
            ROLE_FOUNDRY_AGENT_CONSUMER,
            data_actions=(_action("accounts/AIServices/endpoints/interact/action"),),
            description="Calls agent endpoints.",
            source="roles.md §1 (GUID and action from third-party code only)",
        ),
        RoleDefinition(
            "142bfaed-a13f-4c2d-bed2-6db62c4a1009",
            "Foundry Project Runtime User",
            data_actions=(_action("accounts/AIServices/responses/*"),),
            description="Calls the Responses API of Foundry projects.",
            source="roles.md §1 (third-party only)",
        ),
        RoleDefinition(
            "a97b65f3-24c7-4388-baec-2e87135dc908",
            ROLE_COGNITIVE_SERVICES_USER,
            data_actions=_ALL,
            actions=(_action("*/read"), _action("accounts/listkeys/action"), "Microsoft.Support/*"),
            description="Reads and lists keys of Cognitive Services, and uses their data plane.",
            source="roles.md §1 [BI-2024-12]",
        ),
        RoleDefinition(
            "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
            ROLE_OPENAI_USER,
            data_actions=(
                _action(f"{_OPENAI}/*/read"),
                _action(f"{_OPENAI}/engines/completions/action"),
                _action(f"{_OPENAI}/engines/search/action"),
                _action(f"{_OPENAI}/engines/generate/action"),
                _action(f"{_OPENAI}/deployments/audio/action"),
                _action(f"{_OPENAI}/deployments/search/action"),
                _action(f"{_OPENAI}/deployments/completions/action"),
                _action(f"{_OPENAI}/deployments/chat/completions/action"),
                _action(f"{_OPENAI}/deployments/realtime/action"),
                _action(f"{_OPENAI}/deployments/extensions/chat/completions/action"),
                _action(f"{_OPENAI}/deployments/embeddings/action"),
                _action(f"{_OPENAI}/images/generations/action"),
                _action(f"{_OPENAI}/assistants/*"),
                # not in the published 2024-12 list; in the snapshot of the live definition, and
                # the v1 API page names this role as the prerequisite for /openai/v1 (roles.md §1)
                _action(f"{_OPENAI}/responses/*"),
            ),
            not_data_actions=(_action(f"{_OPENAI}/stored-completions/read"),),
            actions=(_action("*/read"), *_AUTHORIZATION_READS),
            description="Reads Azure OpenAI resources and calls their OpenAI models.",
            source="roles.md §1 [BI-2024-12] + accounts/OpenAI/responses/* (live snapshot)",
        ),
        RoleDefinition(
            "a001fd3d-188f-4b5d-821b-7da978bf7442",
            ROLE_OPENAI_CONTRIBUTOR,
            data_actions=(_action(f"{_OPENAI}/*"),),
            actions=(
                _action("*/read"),
                _action("accounts/deployments/write"),
                _action("accounts/deployments/delete"),
                _action("accounts/raiPolicies/*"),
                _action("accounts/commitmentplans/*"),
                *_AUTHORIZATION_READS,
            ),
            description="Deploys OpenAI models and uses every OpenAI data action.",
            source="roles.md §1 [BI-2024-12]",
        ),
        RoleDefinition(
            "64702f94-c441-49e6-a78b-ef80e0188fee",
            ROLE_AZURE_AI_DEVELOPER,
            data_actions=(
                _action(f"{_OPENAI}/*"),
                _action("accounts/SpeechServices/*"),
                _action("accounts/ContentSafety/*"),
            ),
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
            description="The hub-based role: machine-learning workspaces and OpenAI, Speech and "
            "Content Safety data actions.",
            source="roles.md §1 [BI-2024-12] ([AZD] also lists accounts/MaaS/*)",
        ),
        RoleDefinition(
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            ROLE_OWNER,
            actions=("*",),
            description="Full control, including access; no data actions.",
            source=_GENERAL,
        ),
        RoleDefinition(
            "b24988ac-6180-42a0-ab88-20f7382dd24c",
            "Contributor",
            actions=("*",),
            not_actions=(
                "Microsoft.Authorization/*/Delete",
                "Microsoft.Authorization/*/Write",
                "Microsoft.Authorization/elevateAccess/Action",
                "Microsoft.Blueprint/blueprintAssignments/write",
                "Microsoft.Blueprint/blueprintAssignments/delete",
            ),
            description="Lets you manage everything except access to resources.",
            source=_GENERAL,
        ),
        RoleDefinition(
            "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            ROLE_READER,
            actions=("*/read",),
            description="View everything, but not make any changes.",
            source=_GENERAL,
        ),
        RoleDefinition(
            "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68",
            "Cognitive Services Contributor",
            actions=(_action("*"),),
            description="Creates, manages and lists keys of Cognitive Services accounts.",
            source="roles.md §2",
        ),
        RoleDefinition(
            "bba48692-92b0-4667-a9ad-c31c7b334ac2",
            "Cognitive Services Usages Reader",
            actions=(_action("locations/usages/read"),),
            description="Reads quota usage.",
            source="roles.md §2",
        ),
        RoleDefinition(
            "3afb7f49-54cb-416e-8c09-6dc049efa503",
            "Azure AI Inference Deployment Operator",
            actions=(
                "Microsoft.Authorization/*/read",
                "Microsoft.Resources/deployments/*",
                "Microsoft.Insights/AutoscaleSettings/write",
            ),
            description="Deploys models; no data access.",
            source="roles.md §2",
        ),
        RoleDefinition(
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
            "User Access Administrator",
            actions=("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"),
            description="Manages user access to Azure resources.",
            source="roles.md §2 [AZD]",
        ),
        RoleDefinition(
            "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
            "Role Based Access Control Administrator",
            actions=(*_ASSIGN, "*/read", "Microsoft.Support/*"),
            description="Manages access by assigning roles.",
            source="roles.md §2 [AZD], [HOSTED]",
        ),
    )
}
