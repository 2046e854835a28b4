"""Each rule's module and the claims the engine chooses rules by, so that a diagnosis
imports only the rules that may answer its failure (see :mod:`.selection`).

Generated from the catalogue by
``foundry-doctor rules --index > src/foundry_doctor/rules/index.py``; do not edit:
a test compares it with the catalogue."""

from foundry_doctor.rules.base import Claims, claims

__all__ = ["FALLBACK_SLUG", "RULE_INDEX"]

#: the rule that speaks when no other does
FALLBACK_SLUG = "unknown"

#: (module, slug, claims without meanings) of every rule, in code order
RULE_INDEX: tuple[tuple[str, str, Claims], ...] = (
    ("unknown", "unknown", claims(before_request=True)),
    ("token_missing", "token-missing", claims(401)),
    ("credential_in_wrong_header", "credential-in-wrong-header", claims(400, 401, 403)),
    ("token_wrong_audience", "token-wrong-audience", claims(401, 403)),
    ("token_expired", "token-expired", claims(401)),
    ("token_wrong_tenant", "token-wrong-tenant", claims(400, 401, 403)),
    ("invalid_api_key", "invalid-api-key", claims(401, 403)),
    ("missing_data_plane_role", "missing-data-plane-role", claims(401, 403)),
    ("entra_needs_custom_subdomain", "entra-needs-custom-subdomain", claims(400, 401, 403)),
    ("gateway_subscription_key_missing", "gateway-subscription-key-missing", claims(401, 403)),
    ("client_endpoint_mismatch", "client-endpoint-mismatch", claims(400, 401, 403, 404)),
    ("endpoint_path_wrong", "endpoint-path-wrong", claims(400, 404, 405)),
    ("deployment_not_found", "deployment-not-found", claims(400, 404)),
    ("api_version_unsupported", "api-version-unsupported", claims(400, 404)),
    (
        "non_openai_model_on_azure_openai",
        "non-openai-model-on-azure-openai",
        claims(400, 401, 403, 404),
    ),
    ("key_auth_disabled", "key-auth-disabled", claims(401, 403)),
    ("network_access_denied", "network-access-denied", claims(401, 403)),
    ("throttled", "throttled", claims(400, 403, 429)),
    ("content_filtered", "content-filtered", claims(400)),
    ("sdk_outdated", "sdk-outdated", claims(400, 401, 403, 404)),
    ("retired_api", "retired-api", claims(400, 401, 403, 404, 410)),
    ("model_retired", "model-retired", claims(400, 404, 410)),
    ("scope_invalid", "scope-invalid", claims(before_request=True, after_request=False)),
    (
        "resource_principal_not_found",
        "resource-principal-not-found",
        claims(before_request=True, after_request=False),
    ),
    ("app_not_in_tenant", "app-not-in-tenant", claims(before_request=True, after_request=False)),
    (
        "client_secret_invalid",
        "client-secret-invalid",
        claims(before_request=True, after_request=False),
    ),
    ("user_not_in_tenant", "user-not-in-tenant", claims(before_request=True, after_request=False)),
    (
        "interactive_sign_in_required",
        "interactive-sign-in-required",
        claims(before_request=True, after_request=False),
    ),
    (
        "conditional_access_blocked",
        "conditional-access-blocked",
        claims(before_request=True, after_request=False),
    ),
    (
        "identity_unavailable",
        "identity-unavailable",
        claims(before_request=True, after_request=False),
    ),
    (
        "credential_audience_unsupported",
        "credential-audience-unsupported",
        claims(before_request=True, after_request=False),
    ),
    (
        "federated_credential_mismatch",
        "federated-credential-mismatch",
        claims(before_request=True, after_request=False),
    ),
)
