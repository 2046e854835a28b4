"""The catalogue, version ordering, known issues and client kinds."""

from __future__ import annotations

import re

import pytest

from foundry_doctor.facts.client_kinds import client_kind
from foundry_doctor.rules import CATALOGUE, SLUGS, find_rule
from foundry_doctor.rules.known_issues import KNOWN_ISSUES
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
}


def test_catalogue_has_exactly_the_interface_slugs() -> None:
    assert set(SLUGS) == EXPECTED_SLUGS
    assert len(SLUGS) == len(EXPECTED_SLUGS)


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


def test_equal_and_unreadable_versions() -> None:
    assert version_key("1.0") == version_key("1.0.0")
    assert version_key("latest") is None
    assert version_key(None) is None


def test_known_issue_ranges() -> None:
    by_package = {issue.package: issue for issue in KNOWN_ISSUES}
    assert by_package["azure-ai-inference"].affects("1.0.0b4")
    assert not by_package["azure-ai-inference"].affects("1.0.0b5")
    assert by_package["openai"].affects("1.35.10")
    assert not by_package["openai"].affects("0.28.0")
    assert by_package["azure-ai-projects"].affects("2.0.0b2")
    assert not by_package["azure-ai-projects"].affects("1.0.0")
    assert not by_package["azure-ai-projects"].affects("2.0.0b3")
    assert by_package["@azure/openai"].affects("1.0.0-beta.1")


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
        ("http", "http"),
        ("curl", "http"),
        (None, "http"),
    ],
)
def test_client_kinds(name: str | None, kind: str) -> None:
    assert client_kind(name) == kind
