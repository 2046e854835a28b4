from __future__ import annotations

from typing import Any

import pytest

from foundry_doctor.facts import Facts


def test_full_record() -> None:
    record = {
        "id": "c1",
        "client": "openai.AzureOpenAI",
        "endpoint": "https://r.openai.azure.com",
        "credential": "token",
        "scopes": ["https://cognitiveservices.azure.com/.default"],
        "request": {
            "method": "post",
            "url": "https://r.openai.azure.com/x",
            "model": "gpt-4o",
            "auth": {
                "authorization": "jwt",
                "api_key": False,
                "claims": {"aud": "https://cognitiveservices.azure.com", "exp": 10, "upn": "a@b.c"},
            },
        },
        "response": {
            "status": 401,
            "reason": "Unauthorized",
            "headers": {"Apim-Request-Id": "abc", "api-key": "secret"},
            "body": "{}",
        },
        "now": 20,
        "sdk_versions": {"OpenAI": "2.54.0"},
        "expected": "x",
        "unknown_key": [1, 2],
    }
    facts = Facts.from_case(record)
    assert facts.case_id == "c1"
    assert facts.method == "POST"
    assert facts.scopes == ("https://cognitiveservices.azure.com/.default",)
    assert facts.auth.authorization == "jwt"
    assert facts.auth.observed
    assert facts.auth.claims is not None
    assert facts.auth.claims.exp == 10
    assert facts.headers == {"apim-request-id": "abc"}  # secrets dropped, names lower-cased
    assert facts.sdk_versions == {"openai": "2.54.0"}
    assert facts.now == 20.0


def test_missing_auth_means_unknown_not_absent() -> None:
    facts = Facts.from_case({"response": {"status": 401, "body": "x"}})
    assert facts.auth.observed is False
    assert facts.status == 401


def test_top_level_shortcuts() -> None:
    facts = Facts.from_case(
        {"status": "404", "body": {"error": {"code": "DeploymentNotFound"}}, "url": "https://r"}
    )
    assert facts.status == 404
    assert facts.body is not None
    assert "DeploymentNotFound" in facts.body
    assert facts.url == "https://r"


def test_a_real_token_in_a_record_is_reduced_to_claims() -> None:
    import base64
    import json

    payload = (
        base64.urlsafe_b64encode(json.dumps({"aud": "https://ml.azure.com"}).encode())
        .decode()
        .rstrip("=")
    )
    token = f"eyJhbGciOiJub25lIn0.{payload}.c2lnbmF0dXJl"
    facts = Facts.from_case({"request": {"auth": {"authorization": f"Bearer {token}"}}})
    assert facts.auth.authorization == "jwt"
    assert facts.auth.claims is not None
    assert facts.auth.claims.aud == "https://ml.azure.com"
    assert token not in repr(facts)


@pytest.mark.parametrize(
    "record",
    [
        {},
        {"request": None, "response": None},
        {"request": "x", "response": [1]},
        {"request": {"auth": {"claims": "nope", "api_key": "yes", "authorization": 5}}},
        {"response": {"status": True, "headers": ["a"], "body": 12}},
        {"response": {"status": 9999, "headers": {"a": None, "b": 3}}},
        {"now": "soon", "sdk_versions": ["openai"], "scopes": 3, "credential": {"x": 1}},
        {"now": float("nan"), "id": 17},
        {
            "request": {
                "auth": {"claims": {"aud": ["https://a", 3], "exp": "12", "oid": 5, "scp": 7}}
            }
        },
    ],
)
def test_odd_records_never_raise(record: dict[str, Any]) -> None:
    facts = Facts.from_case(record)
    assert isinstance(facts, Facts)


def test_not_a_mapping() -> None:
    assert Facts.from_case([1, 2]).status is None  # type: ignore[arg-type]


def test_a_url_quoted_in_the_body_stands_in_for_a_missing_request_url() -> None:
    quoted = "https://myres.openai.azure.com/openai/v1/deployments/gpt-4o/chat/completions"
    facts = Facts.from_case(
        {"response": {"status": 404, "body": f'POST "{quoted}": 404 Not Found'}}
    )
    assert facts.url == quoted


def test_a_recorded_url_wins_and_links_to_docs_are_no_request_url() -> None:
    recorded = "https://myres.openai.azure.com/openai/v1/chat/completions"
    body = "Rejected: https://myres.openai.azure.com/openai/deployments/x/chat/completions"
    facts = Facts.from_case({"request": {"url": recorded}, "response": {"body": body}})
    assert facts.url == recorded
    docs = Facts.from_case(
        {
            "response": {
                "body": "see https://aka.ms/FoundryPermissions and https://platform.openai.com/account/api-keys"
            }
        }
    )
    assert docs.url is None
