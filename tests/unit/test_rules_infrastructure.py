"""The catalogue, version ordering, known SDK issues and client kinds."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from foundry_doctor.facts.client_kinds import client_kind
from foundry_doctor.knowledge.sdk_issues import SDK_ISSUES
from foundry_doctor.rules import CATALOGUE, SLUGS, find_rule
from foundry_doctor.rules.sdk_outdated import affects
from foundry_doctor.rules.version_order import version_key

EXPECTED_SLUGS = {
    "missing-data-plane-role",
    "token-missing",
    "token-wrong-audience",
    "token-expired",
    "token-wrong-tenant",
    "credential-in-wrong-header",
    "invalid-api-key",
    "entra-needs-custom-subdomain",
    "client-endpoint-mismatch",
    "non-openai-model-on-azure-openai",
    "endpoint-path-wrong",
    "deployment-not-found",
    "api-version-unsupported",
    "key-auth-disabled",
    "network-access-denied",
    "retired-api",
    "sdk-outdated",
    "unknown",
    "gateway-subscription-key-missing",
    "throttled",
    "content-filtered",
    "model-retired",
    # before the call: a token that could not be obtained (issue 13)
    "scope-invalid",
    "resource-principal-not-found",
    "app-not-in-tenant",
    "client-secret-invalid",
    "user-not-in-tenant",
    "interactive-sign-in-required",
    "conditional-access-blocked",
    "identity-unavailable",
    "credential-audience-unsupported",
    "federated-credential-mismatch",
}

#: codes published before the service tables: their meaning never changes
PUBLISHED = {
    "FD000": "unknown",
    "FD100": "token-missing",
    "FD101": "credential-in-wrong-header",
    "FD102": "token-wrong-audience",
    "FD103": "token-expired",
    "FD104": "token-wrong-tenant",
    "FD105": "invalid-api-key",
    "FD106": "missing-data-plane-role",
    "FD107": "entra-needs-custom-subdomain",
    "FD200": "client-endpoint-mismatch",
    "FD201": "endpoint-path-wrong",
    "FD202": "deployment-not-found",
    "FD203": "api-version-unsupported",
    "FD204": "non-openai-model-on-azure-openai",
    "FD300": "key-auth-disabled",
    "FD301": "network-access-denied",
    "FD400": "sdk-outdated",
    "FD401": "retired-api",
}


def test_catalogue_has_exactly_the_interface_slugs() -> None:
    assert set(SLUGS) == EXPECTED_SLUGS
    assert len(SLUGS) == len(EXPECTED_SLUGS)


def test_every_token_cause_is_a_rule() -> None:
    from typing import get_args

    from foundry_doctor.knowledge.entra import STS_CODES, TokenCause

    causes = set(get_args(TokenCause))
    assert causes <= set(SLUGS)
    assert {entry.cause for entry in STS_CODES} <= causes
    for slug in causes:
        rule = find_rule(slug)
        assert rule is not None
        assert rule.code.startswith("FD5"), slug  # before the call
        assert rule.claims.before_request, slug
        assert not rule.claims.after_request, slug  # judges token failures alone


def test_published_codes_keep_their_slugs() -> None:
    for code, slug in PUBLISHED.items():
        rule = find_rule(code)
        assert rule is not None
        assert rule.slug == slug


def test_superseded_rules_exist() -> None:
    for rule in CATALOGUE:
        assert rule.supersedes <= set(SLUGS), rule.slug
        assert rule.slug not in rule.supersedes


def test_codes_are_unique_stable_and_ordered() -> None:
    codes = [rule.code for rule in CATALOGUE]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)
    assert all(re.fullmatch(r"FD\d{3}", code) for code in codes)
    assert find_rule("token-wrong-audience") is find_rule("FD102") is find_rule("fd102")
    assert find_rule("nope") is None


def test_every_rule_documents_itself() -> None:
    for rule in CATALOGUE:
        for text in (rule.title, rule.meaning, rule.detection, rule.remedy, rule.example):
            assert text, rule.slug
            assert text.strip() == text, rule.slug
        assert rule.render().startswith(f"{rule.code} {rule.slug}: ")
        assert set(rule.to_dict()) >= {"code", "slug", "title", "meaning", "detection", "remedy"}


def test_the_index_names_each_rule_by_its_module() -> None:
    from foundry_doctor.rules import FALLBACK
    from foundry_doctor.rules.index import RULE_INDEX
    from foundry_doctor.rules.selection import fallback, rule_named

    assert fallback() is FALLBACK
    assert [slug for _, slug, _ in RULE_INDEX] == list(SLUGS)
    for rule in CATALOGUE:
        assert rule_named(rule.slug) is rule
    assert rule_named("no-such-rule") is None


@pytest.mark.parametrize("status", [None, 200, 400, 401, 403, 404, 405, 410, 429, 500])
@pytest.mark.parametrize("body", ["", '{"error": {"code": "401", "message": "Unauthorized."}}'])
def test_the_engine_asks_the_rules_that_apply(status: int | None, body: str) -> None:
    """The index chooses the same rules as :meth:`Rule.applies` over the whole catalogue."""
    from foundry_doctor.facts.credential_failure import CredentialFailure
    from foundry_doctor.facts.observation import Facts
    from foundry_doctor.rules import FALLBACK, RuleContext
    from foundry_doctor.rules.selection import rules_for

    failure = CredentialFailure(credential_class="ClientSecretCredential", message="AADSTS7000215")
    for facts in (Facts(status=status, body=body), Facts(credential_failure=failure)):
        ctx = RuleContext(facts)
        expected = tuple(rule for rule in CATALOGUE if rule is not FALLBACK and rule.applies(ctx))
        assert rules_for(ctx) == expected
        assert expected or not ctx.reached_service or status not in (400, 401, 403, 404)


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.0b4", "1.0.0b5"),
        ("1.0.0b9", "1.0.0"),
        ("1.35.10", "1.35.12"),
        ("1.9", "1.35"),
        ("2.0.0b2", "2.0.0b3"),
        ("2.0.0rc1", "2.0.0"),
        ("1.0.0-beta.1", "1.0.0-beta.2"),
        ("0.27", "1.0.0"),
        ("1.0", "1.0.0.post1"),
    ],
)
def test_version_order(lower: str, higher: str) -> None:
    low, high = version_key(lower), version_key(higher)
    assert low is not None
    assert high is not None
    assert low < high


@given(st.lists(st.sampled_from([*"0123456789.abcrv-_+ A", "rc", "post", "dev", "\u0661"])))
@example(["1.35.10"])
@example(["1.0.0b9"])
@example(["2.0.0rc1"])
@example(["1.0.0b"])
@example(["1.2.3.4.5.6"])
def test_the_usual_versions_read_without_the_pattern_as_with_it(pieces: list[str]) -> None:
    from foundry_doctor.rules.version_order import _by_pattern, _simple

    text = "".join(pieces)
    simple = _simple(text)
    assert simple is None or simple == _by_pattern(text)


def test_equal_and_unreadable_versions() -> None:
    assert version_key("1.0") == version_key("1.0.0")
    assert version_key("latest") is None
    assert version_key(None) is None


def test_known_issue_ranges() -> None:
    by_package = {(issue.package, issue.symptom): issue for issue in SDK_ISSUES}
    inference = by_package["azure-ai-inference", "key-sent-as-bearer"]
    assert affects(inference, "1.0.0b4")
    assert not affects(inference, "1.0.0b5")
    retry = by_package["openai", "stale-token-on-retry"]
    assert affects(retry, "1.35.10")
    assert not affects(retry, "0.28.0")
    projects = by_package["azure-ai-projects", "project-client-scope"]
    assert affects(projects, "2.0.0b2")
    assert not affects(projects, "1.0.0")
    assert not affects(projects, "2.0.0b3")
    assert affects(by_package["@azure/openai", "credential-not-sent"], "1.0.0-beta.1")
    assert affects(by_package["openai", "token-provider-as-key"], "1.100.0")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("azure-ai-inference", "azure-ai-inference"),
        ("ChatCompletionsClient", "azure-ai-inference"),
        ("openai.AzureOpenAI", "openai.AzureOpenAI"),
        ("AsyncAzureOpenAI", "openai.AzureOpenAI"),
        ("openai.OpenAI", "openai.OpenAI"),
        ("azure-ai-projects", "azure-ai-projects"),
        ("azure-core", "azure-core"),
        ("AnthropicFoundry", "anthropic.AnthropicFoundry"),
        ("http", "http"),
        ("curl", "http"),
        (None, "http"),
    ],
)
def test_client_kinds(name: str | None, kind: str) -> None:
    assert client_kind(name) == kind
