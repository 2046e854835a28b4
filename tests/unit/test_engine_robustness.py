"""Whatever the facts, a diagnosis comes back: never an exception, always a catalogue slug."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from foundry_doctor.diagnosis import diagnose, diagnose_text
from foundry_doctor.facts import AuthFacts, Facts, TokenClaims
from foundry_doctor.rules import SLUGS

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
error_words = st.sampled_from(
    [
        "Access token is missing, invalid, audience is incorrect (https://ai.azure.com), "
        "or have expired.",
        "Principal does not have access to API/Operation.",
        "DeploymentNotFound",
        "Resource not found",
        "invalid subscription key",
        "Key based authentication is disabled",
        "Virtual Network",
        "Token tenant x does not match resource tenant.",
        "custom subdomain",
        "API version not supported",
        "The principal `a@b.c` lacks the required data action `x`",
        "Unknown model: m",
        "retired",
    ]
)
bodies = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value)),
    st.builds(
        lambda code, message: json.dumps({"error": {"code": code, "message": message}}),
        json_values,
        error_words | st.text(max_size=40),
    ),
    st.builds(
        lambda status, message: json.dumps({"statusCode": status, "message": message}),
        json_values,
        error_words,
    ),
    st.integers(1, 5000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1, 5000).map(lambda depth: '{"error":' * depth),
)
urls = st.one_of(
    st.none(),
    st.text(max_size=120),
    st.builds(
        lambda host, path, query: f"https://{host}{path}{query}",
        st.sampled_from(
            [
                "myres.openai.azure.com",
                "r.services.ai.azure.com",
                "x.models.ai.azure.com",
                "westus.api.cognitive.microsoft.com",
                "api.openai.com",
                "gw.azure-api.net",
                "[::1",
                "h:99999",
                "a.openai.azure.us",
                "",
            ]
        ),
        st.sampled_from(
            [
                "",
                "/",
                "//openai/deployments/d/chat/completions",
                "/openai/v1/responses",
                "/models/chat/completions",
                "/api/projects/p/openai/v1",
                "/openai/openai/x",
                "/chat/completions",
                "/openai/deployments/",
            ]
        )
        | st.text(max_size=30),
        st.sampled_from(
            [
                "",
                "?api-version=2024-10-21",
                "?api-version=",
                "?api-version=9999-99-99",
                "?api-version=v1&x=%zz",
            ]
        )
        | st.text(max_size=20),
    ),
)
claims = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(
            ["aud", "exp", "tid", "oid", "appid", "idtyp", "scp", "roles", "upn", "name", "nbf"]
        ),
        json_values,
        max_size=8,
    ),
)
jwt_like = st.builds(
    lambda a, b, c: f"eyJ{a}.{b}.{c}",
    st.text(max_size=20),
    st.text(max_size=40),
    st.text(max_size=20),
)
anything = st.one_of(json_values, st.binary(max_size=20), st.just(object()))


@SETTINGS
@given(
    body=bodies,
    url=urls,
    endpoint=urls,
    status=st.one_of(st.none(), st.integers(-5, 1000), anything),
    claims=claims,
    bearer=st.sampled_from([None, "jwt", "opaque"]),
    api_key=st.booleans(),
    client=st.one_of(
        st.none(),
        st.sampled_from(
            [
                "azure-ai-inference",
                "openai.OpenAI",
                "openai.AzureOpenAI",
                "azure-ai-projects",
                "http",
            ]
        ),
        anything,
    ),
    now=st.one_of(st.none(), st.floats(allow_nan=True), st.integers(), anything),
    headers=st.dictionaries(st.text(max_size=15), st.text(max_size=30), max_size=5),
    sdk=st.dictionaries(
        st.sampled_from(["openai", "azure-ai-inference", "azure-ai-projects", "x"]),
        st.text(max_size=12),
        max_size=3,
    ),
)
@example(
    body="x" * 10_000_000,
    url=None,
    endpoint=None,
    status=401,
    claims=None,
    bearer=None,
    api_key=False,
    client=None,
    now=None,
    headers={},
    sdk={},
)
def test_case_records_never_break_the_engine(
    body: Any,
    url: Any,
    endpoint: Any,
    status: Any,
    claims: Any,
    bearer: Any,
    api_key: bool,
    client: Any,
    now: Any,
    headers: Any,
    sdk: Any,
) -> None:
    record = {
        "client": client,
        "endpoint": endpoint,
        "request": {
            "url": url,
            "auth": {"authorization": bearer, "api_key": api_key, "claims": claims},
        },
        "response": {"status": status, "headers": headers, "body": body},
        "now": now,
        "sdk_versions": sdk,
    }
    diagnosis = diagnose(record)
    assert diagnosis.rule in SLUGS
    assert all(finding.rule in SLUGS for finding in diagnosis.secondary)
    diagnosis.render()
    json.dumps(diagnosis.to_dict())


@SETTINGS
@given(
    body=st.one_of(bodies, st.binary(max_size=500)),
    url=urls,
    status=anything,
    headers=st.one_of(
        st.dictionaries(st.binary(max_size=10), st.binary(max_size=10), max_size=3),
        st.lists(st.tuples(st.text(max_size=5), st.binary(max_size=10)), max_size=3),
    ),
    token=st.one_of(jwt_like, st.text(max_size=60)),
)
def test_live_observations_never_break_the_engine(
    body: Any, url: Any, status: Any, headers: Any, token: str
) -> None:
    facts = Facts.observe(
        status=status,
        request_headers={"Authorization": f"Bearer {token}", "api-key": token},
        response_headers=headers,
        body=body,
        url=url,
        endpoint=url,
        now=None,
    )
    assert diagnose(facts).rule in SLUGS


@SETTINGS
@given(
    fields=st.fixed_dictionaries(
        {
            "client": anything,
            "endpoint": anything,
            "credential": anything,
            "scopes": anything,
            "method": anything,
            "url": anything,
            "model": anything,
            "status": anything,
            "reason": anything,
            "headers": anything,
            "body": anything,
            "now": anything,
            "sdk_versions": anything,
            "case_id": anything,
        }
    ),
    claims=claims,
)
def test_facts_with_wrong_types_never_break_the_engine(fields: dict[str, Any], claims: Any) -> None:
    token_claims = TokenClaims.from_mapping(claims) if isinstance(claims, dict) else None
    facts = Facts(auth=AuthFacts(authorization="jwt", claims=token_claims), **fields)
    diagnosis = diagnose(facts)
    assert diagnosis.rule in SLUGS
    diagnosis.render()


@SETTINGS
@given(
    text=st.one_of(
        st.text(max_size=2000),
        bodies.map(str),
        jwt_like,
        st.builds(lambda s, b: f"Error code: {s} - {b}", st.integers(0, 999), bodies.map(str)),
    )
)
def test_pasted_text_never_breaks_the_engine(text: str) -> None:
    assert diagnose_text(text).rule in SLUGS
