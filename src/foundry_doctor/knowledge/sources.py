"""The public sources the service tables are built from.

Every entry of every table names at least one :class:`Source`. The short keys are the ones the
project's knowledge files use (``routes.md``, ``roles.md``, ``retirements.md``, ``wire.md``,
``troubleshooting-facts.md``, ``entra.md``), so a fact can be traced from a diagnosis to the
file that records it and from there to the public page, spec or thread.
"""

from typing import NamedTuple

__all__ = ["Source"]


class Source(NamedTuple):
    """Where a fact comes from: ``key`` (the knowledge files' short name), ``where`` (a
    repository path, a URL or a public thread) and ``recorded_in`` (the knowledge file)."""

    key: str
    where: str
    recorded_in: str

    def cite(self) -> str:
        """``key: where`` for a reference list."""
        return f"{self.key}: {self.where}"


SPEC_AOAI = Source(
    "SPEC-AOAI",
    "Azure/azure-rest-api-specs specification/cognitiveservices/data-plane/AzureOpenAI/"
    "inference/{stable,preview}/<version>/inference.{json,yaml}",
    "routes.md",
)
SPEC_V1 = Source(
    "SPEC-V1",
    "Azure/azure-rest-api-specs specification/ai/data-plane/OpenAI.v1/"
    "azure-v1-v1-generated.yaml, azure-v1-preview-generated.yaml",
    "routes.md",
)
REST_V1 = Source(
    "REST-V1",
    "https://learn.microsoft.com/rest/api/microsoft-foundry/azureopenai/chat (2026-05-27)",
    "routes.md",
)
LIFECYCLE = Source(
    "LIFECYCLE",
    "MicrosoftDocs/azure-ai-docs articles/foundry/openai/includes/"
    "api-version-lifecycle-content.md (2026-03-19)",
    "routes.md",
)
AUTH = Source(
    "AUTH",
    "MicrosoftDocs/azure-ai-docs articles/foundry/includes/"
    "concepts-authentication-authorization-foundry-content.md (2026-03-19)",
    "routes.md",
)
LEARN_AUTH = Source(
    "LEARN-AUTH",
    "MicrosoftDocs/learn learn-pr/advocates/secure-azure-openai-authentication-authorization/"
    "includes/3-methods-of-authentication-supported-by-azure-openai.md",
    "routes.md",
)
AIP = Source(
    "AIP",
    "azure-ai-projects 2.10.0 wheel: _configuration.py, _patch.py, operations/_operations.py",
    "routes.md",
)
AZD = Source(
    "AZD",
    "Azure/azure-dev cli/azd/extensions/azure.ai.agents/internal/..., HEAD ae35809 (2026-08-21)",
    "routes.md",
)
MODEL_INFERENCE_SPEC = Source(
    "MODEL-INFERENCE-SPEC",
    "Azure/azure-rest-api-specs specification/ai/data-plane/ModelInference/",
    "routes.md",
)
CLAUDE_PAGE = Source(
    "CLAUDE",
    "MicrosoftDocs/azure-ai-docs articles/foundry/foundry-models/how-to/"
    "use-foundry-models-claude.md (2026-02-17); anthropic 2.14.0 lib/foundry.py",
    "routes.md",
)
CLAUDE_HEADERS = Source(
    "CLAUDE-HEADERS",
    "NousResearch/hermes-agent#26970 and PR #28084; continuedev/continue#11513",
    "routes.md",
)
APIM_SUBSCRIPTIONS = Source(
    "APIM",
    "https://learn.microsoft.com/azure/api-management/api-management-subscriptions",
    "routes.md",
)
APIM_MISSING_KEY = Source(
    "APIM-401",
    "openai/openai-python#1527, continuedev/continue#4601, openai/codex#3048",
    "wire.md",
)
AML_AUTH = Source(
    "AML-AUTH",
    "MicrosoftDocs/azure-ai-docs articles/machine-learning/how-to-authenticate-online-endpoint.md",
    "routes.md",
)
SERVERLESS_AUTH = Source(
    "SERVERLESS",
    "https://learn.microsoft.com/javascript/api/@azure/arm-machinelearning/"
    "serverlessinferenceendpointauthmode",
    "routes.md",
)
REGIONAL_NO_ENTRA = Source(
    "REGIONAL",
    "LEARN-AUTH (regional endpoints take no Entra tokens); AUTH ('Custom subdomain required')",
    "routes.md",
)
WIRE_SDK = Source(
    "WIRE-SDK",
    "wire.md Part B: azure-ai-inference 1.0.0b9, openai 1.109.1 / 2.54.0 / 3.57.0 read and run "
    "against a loopback fake",
    "wire.md",
)
WIRE_ERRORS = Source("WIRE-ERRORS", "wire.md A.2, the error catalogue with its threads", "wire.md")
V1_PREVIEW_ERA = Source(
    "V1-PREVIEW",
    "mindsdb/mindshub#11285; Azure-Samples/azure-openai-responses-api-samples#11",
    "routes.md",
)
MODEL_VERSION_AS_API_VERSION = Source(
    "MODEL-VERSION",
    "langchain-ai/langchain#13284; MicrosoftDocs/azure-docs PR #124172; "
    "microsoft/semantic-kernel#10201",
    "troubleshooting-facts.md",
)
RESPONSES_TOO_NEW = Source("RESPONSES-400", "BerriAI/litellm#22141 (2026-02)", "wire.md")
ENTRA_TROUBLESHOOTING = Source(
    "ENTRA-TS",
    "MicrosoftDocs/azure-ai-docs articles/foundry/foundry-models/includes/configure-entra-id/"
    "troubleshooting.md (2026-01-22)",
    "troubleshooting-facts.md",
)
TROUBLESHOOT_ERRORS = Source(
    "TS-ERRORS",
    "MicrosoftDocs/azure-ai-docs articles/foundry/openai/how-to/troubleshoot-errors.md "
    "(2026-09-20)",
    "troubleshooting-facts.md",
)
NETWORK_PROXY = Source(
    "NETWORK",
    "TabularEditor/TabularEditor3#1557; Azure/azure-sdk-for-python#39887",
    "wire.md",
)
SOVEREIGN = Source(
    "SOVEREIGN",
    "Azure/azure-sdk-for-net FormRecognizerClientOptions.cs::GetScopeValue; "
    "microsoft/semantic-kernel#6255; azure-identity AzureAuthorityHosts",
    "entra.md",
)
AUDIENCE_401 = Source(
    "AUDIENCE-401",
    "Azure/azure-sdk-for-net#50872, #55036; microsoft/agent-framework#7201",
    "routes.md",
)

# roles (roles.md)
ROLE_RENAME = Source(
    "ROLE-RENAME",
    "MicrosoftDocs/azure-ai-docs articles/foundry/includes/role-rename-note.md (2026-05-11)",
    "roles.md",
)
BI_2024_12 = Source(
    "BI-2024-12",
    "MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/"
    "ai-machine-learning.md (2024-12-12)",
    "roles.md",
)
RBAC_2025_09 = Source(
    "RBAC-2025-09",
    "MicrosoftDocs/azure-ai-docs articles/ai-foundry/concepts/rbac-azure-ai-foundry.md "
    "(2025-09-29)",
    "roles.md",
)
RBAC_2026 = Source(
    "RBAC-2026",
    "MicrosoftDocs/azure-ai-docs articles/foundry/concepts/rbac-foundry.md (2026-04-13) and "
    "includes/concepts-rbac-foundry-1..4.md",
    "roles.md",
)
HOSTED = Source(
    "HOSTED",
    "MicrosoftDocs/azure-ai-docs articles/foundry/agents/concepts/hosted-agent-permissions.md "
    "(2026-04-21)",
    "roles.md",
)
AZD_RBAC = Source(
    "AZD-RBAC",
    "Azure/azure-dev cli/azd/extensions/azure.ai.agents/internal/project/"
    "developer_rbac_check.go, internal/cmd/doctor/checks_rbac.go (ae35809)",
    "roles.md",
)
SKILLS = Source(
    "SKILLS", "microsoft/azure-skills skills/microsoft-foundry/rbac/rbac.md (1a03acf)", "roles.md"
)
GENERAL_ROLES = Source(
    "BI-GENERAL",
    "MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/general.md",
    "roles.md",
)
THIRD_PARTY_IAC = Source("3RD-PARTY", "public IaC and role snapshots (unverified)", "roles.md")
ROLE_BY_ID = Source(
    "ROLE-BY-ID",
    "Azure-Samples/tutor#242; Azure/azure-dev CHANGELOG (#9041)",
    "roles.md",
)

# retirements (retirements.md)
MODELS_API_RETIREMENT = Source(
    "MODELS-RETIRED", "Azure/azure-rest-api-specs#43907 (merged 2026-06-10)", "retirements.md"
)
INFERENCE_SDK_MAY = Source(
    "SDK-2026-05-30",
    "MicrosoftDocs/azure-ai-docs articles/foundry/how-to/navigate-from-classic.md; "
    "langchain-azure-ai >= 1.1.0 deprecation message",
    "retirements.md",
)
INFERENCE_SDK_AUGUST = Source(
    "SDK-2026-08-26",
    "Learn foundry-classic/foundry-models/concepts/endpoints, supported-languages; "
    "foundry/foundry-models/concepts/endpoints",
    "retirements.md",
)
ASSISTANTS_RETIREMENT = Source(
    "ASSISTANTS-RETIRED",
    "MicrosoftDocs/azure-ai-docs articles/foundry-classic/openai/concepts/assistants.md",
    "retirements.md",
)
GITHUB_MODELS_RETIREMENT = Source(
    "GITHUB-MODELS",
    "github.blog changelogs 2025-07-17 and 2026-07-01 (tonybaloney/llm-github-models#43, #53)",
    "retirements.md",
)
ON_YOUR_DATA_RETIREMENT = Source(
    "ON-YOUR-DATA",
    "MicrosoftDocs/azure-ai-docs articles/foundry-classic/openai/how-to/"
    "on-your-data-configuration.md (2026-02-06)",
    "retirements.md",
)
PREVIEW_RETIREMENTS = Source(
    "PREVIEW-RETIRED", "MicrosoftDocs/azure-docs#120425; Azure-Samples/openai#73", "routes.md"
)
RETIRED_MODELS = Source(
    "RETIRED-MODELS",
    "MicrosoftDocs/azure-ai-docs articles/foundry/openai/includes/"
    "concepts-retired-models-content.md (2026-04-23)",
    "retirements.md",
)
SCHEDULED_RETIREMENTS = Source(
    "SCHEDULED-MODELS",
    "MicrosoftDocs/azure-ai-docs articles/foundry/openai/includes/retirement/models.md "
    "(2025-12-16)",
    "retirements.md",
)
GPT35_RETIRED = Source(
    "GPT35-RETIRED",
    "2025 revisions of articles/ai-services/openai/concepts/model-retirements.md; "
    "BerriAI/litellm#11116 (portal: 0125 retired on 4/30/2025)",
    "retirements.md",
)
RETIRED_MODEL_ANSWERS = Source(
    "RETIRED-ANSWERS",
    "BerriAI/litellm#11116, #11505; epam/ai-dial-core#4403 (410 ModelDeprecated); "
    "articles/foundry/openai/concepts/model-retirements.md",
    "retirements.md",
)

# SDK facts (wire.md, troubleshooting-facts.md)
INFERENCE_KEY_BEARER = Source(
    "PY-37408", "https://github.com/Azure/azure-sdk-for-python/issues/37408", "anchors.md"
)
OPENAI_STALE_TOKEN = Source(
    "OPENAI-1526", "https://github.com/openai/openai-python/issues/1526", "cases/public.jsonl"
)
PROJECTS_SCOPE = Source(
    "PY-44412", "https://github.com/Azure/azure-sdk-for-python/issues/44412", "anchors.md"
)
AZURE_OPENAI_JS = Source(
    "JS-26021", "https://github.com/Azure/azure-sdk-for-js/issues/26021", "cases/public.jsonl"
)
OPENAI_AZURE_PATHS = Source(
    "OPENAI-AZURE",
    "openai-python src/openai/lib/azure.py, BaseAzureClient._build_request (1.109 to 3.57): "
    "'/deployments/{model}' goes in front of the deployment operations only (completions, "
    "chat/completions, embeddings, audio, images), and only when the base URL has no "
    "'/deployments'; every other operation is '<base_url>/<operation>?api-version=<v>'",
    "wire.md",
)
OPENAI_TOKEN_PROVIDER = Source(
    "OPENAI-2584",
    "https://github.com/openai/openai-python/issues/2584 (maintainer: openai >= 1.106.0)",
    "wire.md",
)

# token acquisition (entra.md)
ENTRA_CODES = Source(
    "ENTRA-CODES",
    "MicrosoftDocs/entra-docs docs/identity-platform/reference-error-codes.md "
    "(https://login.microsoftonline.com/error?code=N)",
    "entra.md",
)
STS_BODIES = Source(
    "STS-BODIES",
    "Azure/azure-cli#14948, #23105, #6962, #23130; Azure/sap-automation#418; crc-org/crc#4377; "
    "pnp/powershell#43; Azure/azure-workload-identity#340; microsoft/Agents#202; "
    "risingwavelabs/risingwave#17123 (quoted token-endpoint bodies)",
    "entra.md",
)
IDENTITY_SOURCE = Source(
    "IDENTITY-SRC",
    "azure-identity 1.19.0 / 1.23.0 / 1.25.0 / 1.27.0 wheels (azure/identity/_credentials/*.py, "
    "_internal/*.py, _exceptions.py); msal 1.39.0 msal/managed_identity.py",
    "entra.md",
)
IDENTITY_CHAIN = Source(
    "IDENTITY-CHAIN",
    "azure-identity _credentials/chained.py and default.py (1.19-1.27); CHANGELOG 1.24.0b1, "
    "1.24.0, 1.25.0, 1.25.1",
    "entra.md",
)
DAC_OLD_TEXT = Source(
    "DAC-2023",
    "Azure-Samples/azure-search-openai-demo#161, #7 ('to troubleshoot.this issue.', the chain "
    "indented with spaces)",
    "entra.md",
)
FOUNDRY_SSO = Source(
    "FOUNDRY-SSO", "OfficeDev/microsoft-365-agents-toolkit#15498 (AADSTS650052)", "entra.md"
)
CLOUD_SHELL = Source(
    "CLOUD-SHELL",
    "Azure/CloudShell#351, #484, #155; Azure/azure-cli#29057, #10165; "
    "MicrosoftLearning/mslearn-ai-language#115",
    "entra.md",
)
IMDS_ANSWERS = Source(
    "IMDS",
    "Azure/azure-sdk-for-net#37278; Hexadite/acs-keyvault-agent#43; Azure/azure-cli#31648; "
    "Azure/azure-sdk-for-python#38826; azure-identity TROUBLESHOOTING.md (VM section)",
    "entra.md",
)
APP_SERVICE_IDENTITY = Source(
    "APP-SERVICE-MI",
    "Azure-Samples/azure-search-openai-demo#2148; MicrosoftDocs/azure-docs#43543; "
    "Azure/azure-cli#20196; azure-identity TROUBLESHOOTING.md (App Service section)",
    "entra.md",
)
STALE_CLIENT_ID = Source(
    "STALE-CLIENT-ID",
    "Azure-Samples/holiday-peak-hub#179; Azure-Samples/azure-search-openai-demo#2148; "
    "azure-identity 1.27 default.py docstring",
    "entra.md",
)
WORKLOAD_FEDERATION = Source(
    "WORKLOAD-FIC",
    "Azure/azure-workload-identity#693, #340; Azure/login#515, #517; "
    "external-secrets/external-secrets#2783",
    "entra.md",
)
OTHER_IDENTITY_LIBRARIES = Source(
    "OTHER-IDENTITY-SRC",
    "Azure/azure-sdk-for-net sdk/identity/Azure.Identity/src/Credentials/AzureCliCredential.cs "
    "(AzureCLINotInstalled, AzNotLogIn); Azure/azure-sdk-for-js "
    "sdk/identity/identity/src/credentials/azureCliCredential.ts (the login error)",
    "SDK source (the same credentials in .NET and JavaScript)",
)
CLI_SIGN_IN = Source(
    "CLI-SIGN-IN",
    "Azure/azure-cli#31703, #21519, #31959; MicrosoftDocs/executable-docs#667; "
    "Azure/azure-sdk-for-python#21788, #21718",
    "entra.md",
)
CONDITIONAL_ACCESS = Source(
    "CONDITIONAL-ACCESS",
    "microsoft/vscode-azure-account#465 (AADSTS53003); Azure/azure-dev#7704 (AADSTS530084)",
    "entra.md",
)
GUEST_TENANT = Source(
    "GUEST-TENANT",
    "Azure-Samples/azure-search-openai-demo#1964 (the CLI's default tenant); Entra reference "
    "(AADSTS50020, AADSTS50034)",
    "entra.md",
)
AZD_SCOPES = Source(
    "AZD-SCOPES",
    "microsoft/promptflow#3243, #3244 (a v1 resource passed as a scope); azure-identity azd_cli.py",
    "entra.md",
)
APP_ID_URI = Source(
    "APP-ID-URI", "Azure-Samples/azure-search-openai-demo#1534 (AADSTS90009)", "entra.md"
)
PUBLIC_CLIENT = Source(
    "PUBLIC-CLIENT",
    "microsoft/Agents-M365Copilot#254 (AADSTS7000218); Azure/azure-sdk-for-net#47717 (AADSTS65001)",
    "entra.md",
)
