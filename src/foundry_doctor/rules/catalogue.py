"""The catalogue: every rule, in code order, and lookups by slug or code.

To add a rule, write its module (one ``RULE`` and its ``detect``) and list it here.
"""

from __future__ import annotations

from collections.abc import Mapping

from foundry_doctor.rules import (
    api_version_unsupported,
    client_endpoint_mismatch,
    credential_in_wrong_header,
    deployment_not_found,
    endpoint_path_wrong,
    entra_needs_custom_subdomain,
    invalid_api_key,
    key_auth_disabled,
    missing_data_plane_role,
    network_access_denied,
    non_openai_model_on_azure_openai,
    retired_api,
    sdk_outdated,
    token_expired,
    token_missing,
    token_wrong_audience,
    token_wrong_tenant,
    unknown,
)
from foundry_doctor.rules.base import Rule

__all__ = ["CATALOGUE", "FALLBACK", "RULES_BY_KEY", "SLUGS", "find_rule"]

#: The rule that speaks when no other does.
FALLBACK: Rule = unknown.RULE

#: Every rule, ordered by code; the fallback comes first (FD000).
CATALOGUE: tuple[Rule, ...] = tuple(
    sorted(
        (
            unknown.RULE,
            token_missing.RULE,
            credential_in_wrong_header.RULE,
            token_wrong_audience.RULE,
            token_expired.RULE,
            token_wrong_tenant.RULE,
            invalid_api_key.RULE,
            missing_data_plane_role.RULE,
            entra_needs_custom_subdomain.RULE,
            client_endpoint_mismatch.RULE,
            endpoint_path_wrong.RULE,
            deployment_not_found.RULE,
            api_version_unsupported.RULE,
            non_openai_model_on_azure_openai.RULE,
            key_auth_disabled.RULE,
            network_access_denied.RULE,
            sdk_outdated.RULE,
            retired_api.RULE,
        ),
        key=lambda rule: rule.code,
    )
)

#: Every slug, in catalogue order.
SLUGS: tuple[str, ...] = tuple(rule.slug for rule in CATALOGUE)

#: Rules by slug and by code (codes upper-case).
RULES_BY_KEY: Mapping[str, Rule] = {
    **{rule.slug: rule for rule in CATALOGUE},
    **{rule.code.upper(): rule for rule in CATALOGUE},
}


def find_rule(key: str) -> Rule | None:
    """The rule with this slug or code (``"token-expired"``, ``"FD103"``, ``"fd103"``)."""
    text = key.strip()
    return RULES_BY_KEY.get(text.lower()) or RULES_BY_KEY.get(text.upper())
