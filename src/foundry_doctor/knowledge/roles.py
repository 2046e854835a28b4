"""Built-in roles by role-definition ID: current and former names, data actions, what they open.

The GUID is the key: Microsoft renamed the Foundry roles in 2026 (Azure AI User became Foundry
User, ...) and tenants show either name during the rollout, when ``az`` also rejected names
it did not know yet, so fix commands name roles by ID with the names in a comment. ``opens``
says which surfaces a role's data actions reach (``roles.md`` section 4): ``openai-models``
(OpenAI models on account routes), ``any-model`` (every model on account routes, including
other publishers'), ``project`` (project routes), ``agent-endpoint`` and ``application``.
"""

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "AZURE_AI_DEVELOPER",
    "COGNITIVE_SERVICES_OPENAI_USER",
    "COGNITIVE_SERVICES_USER",
    "FOUNDRY_AGENT_CONSUMER",
    "FOUNDRY_USER",
    "NO_DATA_PLANE",
    "READER",
    "ROLES",
    "Access",
    "Role",
    "least_privileged",
    "role",
    "role_named",
]

Access = Literal["openai-models", "any-model", "project", "agent-endpoint", "application"]


class Role(NamedTuple):
    """One built-in role. ``opens`` is empty for roles that grant no data-plane access.

    ``not_data_actions`` are the published exclusions from its own ``data_actions``.
    ``actions`` / ``not_actions`` are the control-plane actions ``roles.md`` records for the
    role (the ones that matter here, such as reading role assignments; not always the whole
    published list, and empty where nothing is recorded). ``legacy`` marks a role that current
    Foundry pages tell people not to use any more.
    """

    id: str
    name: str
    former_name: str | None
    data_actions: tuple[str, ...]
    opens: frozenset[Access]
    note: str
    sources: tuple[Source, ...]
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    legacy: bool = False
    not_data_actions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``Foundry User (formerly Azure AI User)``."""
        return f"{self.name} (formerly {self.former_name})" if self.former_name else self.name

    @property
    def grants_data_plane(self) -> bool:
        return bool(self.opens)


_ALL: frozenset[Access] = frozenset(
    {"openai-models", "any-model", "project", "agent-endpoint", "application"}
)
_ACCOUNT: frozenset[Access] = frozenset({"openai-models", "any-model"})

FOUNDRY_USER = Role(
    "53ca6127-db72-4b80-b1b0-d745d6d5456d",
    "Foundry User",
    "Azure AI User",
    ("Microsoft.CognitiveServices/*",),
    _ALL,
    "the least-privileged developer role for Foundry: every account and project route",
    (s.RBAC_2025_09, s.RBAC_2026, s.ROLE_RENAME, s.HOSTED, s.AZD_RBAC),
    actions=(
        "Microsoft.CognitiveServices/*/read",
        "Microsoft.CognitiveServices/accounts/listkeys/action",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Support/*",
    ),
)
FOUNDRY_PROJECT_MANAGER = Role(
    "eadc314b-1a2d-4efa-be10-5d325db5065e",
    "Foundry Project Manager",
    "Azure AI Project Manager",
    ("Microsoft.CognitiveServices/*",),
    _ALL,
    "Foundry User's data access plus project management",
    (s.RBAC_2025_09, s.RBAC_2026, s.ROLE_RENAME),
    actions=(
        "Microsoft.Authorization/*/read",
        "Microsoft.CognitiveServices/accounts/*/read",
        "Microsoft.CognitiveServices/accounts/projects/*",
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Authorization/roleAssignments/delete",
    ),
)
FOUNDRY_OWNER = Role(
    "c883944f-8b7b-4483-af10-35834be79c4a",
    "Foundry Owner",
    "Azure AI Owner",
    ("Microsoft.CognitiveServices/*",),
    _ALL,
    "data plane and control plane",
    (s.AZD_RBAC, s.SKILLS, s.RBAC_2026, s.ROLE_RENAME),
    actions=("Microsoft.CognitiveServices/*",),
)
FOUNDRY_AGENT_CONSUMER = Role(
    "eed3b665-ab3a-47b6-8f48-c9382fb1dad6",
    "Foundry Agent Consumer",
    None,
    ("Microsoft.CognitiveServices/accounts/AIServices/endpoints/interact/action",),
    frozenset({"agent-endpoint"}),
    "invoke agent endpoints only (its ID is known from third-party code only)",
    (s.RBAC_2026, s.THIRD_PARTY_IAC),
)
COGNITIVE_SERVICES_USER = Role(
    "a97b65f3-24c7-4388-baec-2e87135dc908",
    "Cognitive Services User",
    None,
    ("Microsoft.CognitiveServices/*",),
    # its data actions are Foundry User's, so it reaches what they reach (agent endpoints and
    # applications included); [AZD] treats it as equal to Foundry User (roles.md section 1)
    _ALL,
    "every account and project route; the Entra troubleshooting page names it, current "
    "Foundry pages prefer Foundry User",
    (s.BI_2024_12, s.AZD_RBAC, s.ENTRA_TROUBLESHOOTING),
    actions=(
        "Microsoft.CognitiveServices/*/read",
        "Microsoft.CognitiveServices/accounts/listkeys/action",
        "Microsoft.Support/*",
    ),
)
COGNITIVE_SERVICES_OPENAI_USER = Role(
    "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Cognitive Services OpenAI User",
    None,
    # the published list of [BI-2024-12] (roles.md section 1)
    (
        "Microsoft.CognitiveServices/accounts/OpenAI/*/read",
        "Microsoft.CognitiveServices/accounts/OpenAI/engines/completions/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/engines/search/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/engines/generate/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/deployments/audio/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/deployments/search/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/deployments/completions/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/deployments/realtime/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/deployments/extensions/chat/completions/"
        "action",
        "Microsoft.CognitiveServices/accounts/OpenAI/deployments/embeddings/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/images/generations/action",
        "Microsoft.CognitiveServices/accounts/OpenAI/assistants/*",
    ),
    frozenset({"openai-models"}),
    "OpenAI models on account routes only: not other publishers' models, not project routes",
    (s.BI_2024_12, s.HOSTED, s.LIFECYCLE),
    actions=(
        "Microsoft.CognitiveServices/*/read",
        "Microsoft.Authorization/roleAssignments/read",
        "Microsoft.Authorization/roleDefinitions/read",
    ),
    not_data_actions=("Microsoft.CognitiveServices/accounts/OpenAI/stored-completions/read",),
)
COGNITIVE_SERVICES_OPENAI_CONTRIBUTOR = Role(
    "a001fd3d-188f-4b5d-821b-7da978bf7442",
    "Cognitive Services OpenAI Contributor",
    None,
    ("Microsoft.CognitiveServices/accounts/OpenAI/*",),
    frozenset({"openai-models"}),
    "every OpenAI data action, and deploying models",
    (s.BI_2024_12,),
    actions=(
        "Microsoft.CognitiveServices/*/read",
        "Microsoft.CognitiveServices/accounts/deployments/write",
        "Microsoft.CognitiveServices/accounts/deployments/delete",
        "Microsoft.Authorization/roleAssignments/read",
        "Microsoft.Authorization/roleDefinitions/read",
    ),
)
AZURE_AI_DEVELOPER = Role(
    "64702f94-c441-49e6-a78b-ef80e0188fee",
    "Azure AI Developer",
    None,
    (
        "Microsoft.CognitiveServices/accounts/OpenAI/*",
        "Microsoft.CognitiveServices/accounts/SpeechServices/*",
        "Microsoft.CognitiveServices/accounts/ContentSafety/*",
    ),
    frozenset({"openai-models"}),
    "the legacy hub role: OpenAI data actions on account routes, nothing on Foundry projects",
    (s.BI_2024_12, s.RBAC_2026, s.HOSTED),
    actions=("Microsoft.Authorization/*/read", "Microsoft.Resources/deployments/*"),
    legacy=True,
)

_NONE: frozenset[Access] = frozenset()
READER = Role(
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Reader",
    None,
    (),
    _NONE,
    "reads only; needed next to Foundry User to see the resource in the portal",
    (s.GENERAL_ROLES, s.RBAC_2026),
    actions=("*/read",),
)
NO_DATA_PLANE: tuple[Role, ...] = (
    Role(
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "Owner",
        None,
        (),
        _NONE,
        "control plane only",
        (s.AZD_RBAC, s.ENTRA_TROUBLESHOOTING),
        actions=("*",),
    ),
    Role(
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "Contributor",
        None,
        (),
        _NONE,
        "control plane only",
        (s.AZD_RBAC, s.HOSTED),
        actions=("*",),
        not_actions=("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"),
    ),
    READER,
    Role(
        "e47c6f54-e4a2-4754-9501-8e0985b135e1",
        "Foundry Account Owner",
        "Azure AI Account Owner",
        (),
        _NONE,
        "manages the account, published dataActions are empty",
        (s.RBAC_2025_09, s.HOSTED, s.ROLE_RENAME),
        actions=(
            "Microsoft.CognitiveServices/*",
            "Microsoft.Authorization/roleAssignments/write",
            "Microsoft.Authorization/roleAssignments/delete",
        ),
    ),
    Role(
        "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68",
        "Cognitive Services Contributor",
        None,
        (),
        _NONE,
        "manages the resource and lists keys, no data actions",
        (s.BI_2024_12, s.LEARN_AUTH),
        actions=("Microsoft.CognitiveServices/*",),
    ),
    Role(
        "bba48692-92b0-4667-a9ad-c31c7b334ac2",
        "Cognitive Services Usages Reader",
        None,
        (),
        _NONE,
        "usage reads only",
        (s.BI_2024_12,),
        actions=("Microsoft.CognitiveServices/locations/usages/read",),
    ),
    Role(
        "3afb7f49-54cb-416e-8c09-6dc049efa503",
        "Azure AI Inference Deployment Operator",
        None,
        (),
        _NONE,
        "deployments, no data actions",
        (s.BI_2024_12,),
        actions=(
            "Microsoft.Authorization/*/read",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Insights/AutoscaleSettings/write",
        ),
    ),
    Role(
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator",
        None,
        (),
        _NONE,
        "assigns roles, no data actions",
        (s.AZD_RBAC,),
    ),
    Role(
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
        "Role Based Access Control Administrator",
        None,
        (),
        _NONE,
        "assigns roles, no data actions",
        (s.AZD_RBAC, s.HOSTED),
    ),
)

ROLES: tuple[Role, ...] = (
    FOUNDRY_USER,
    FOUNDRY_PROJECT_MANAGER,
    FOUNDRY_OWNER,
    FOUNDRY_AGENT_CONSUMER,
    COGNITIVE_SERVICES_USER,
    COGNITIVE_SERVICES_OPENAI_USER,
    COGNITIVE_SERVICES_OPENAI_CONTRIBUTOR,
    AZURE_AI_DEVELOPER,
    *NO_DATA_PLANE,
)
_BY_ID = {item.id: item for item in ROLES}
_BY_NAME = {
    name.lower(): item
    for item in ROLES
    for name in (item.name, item.former_name)
    if name is not None
}


def role(role_id: str) -> Role:
    """The role with this definition ID."""
    return _BY_ID[role_id]


def role_named(name: str) -> Role | None:
    """The role a current or former display name refers to (case-insensitive)."""
    return _BY_NAME.get(name.strip().lower())


def least_privileged(access: Access) -> Role:
    """The built-in role to suggest for ``access``: Cognitive Services OpenAI User where only
    OpenAI models on account routes are called, Foundry User for everything else (other
    publishers' models, project routes, agent endpoints, applications). Foundry Agent
    Consumer is narrower for agent endpoints, but its ID is published only in third-party code,
    so it is not what a fix command names."""
    if access == "openai-models":
        return COGNITIVE_SERVICES_OPENAI_USER
    return FOUNDRY_USER
