from __future__ import annotations

import pytest

from foundry_doctor.facts.endpoints import accepted_audiences, classify_endpoint, normalize_audience


@pytest.mark.parametrize(
    ("url", "family", "cloud", "resource", "region"),
    [
        ("https://myres.openai.azure.com", "azure-openai", "public", "myres", None),
        ("https://myres.services.ai.azure.com/models", "foundry", "public", "myres", None),
        ("https://myres.cognitiveservices.azure.com/", "cognitive-services", "public", "myres", None),
        ("https://westus2.api.cognitive.microsoft.com/", "regional", "public", None, "westus2"),
        ("https://ep-1.eastus2.models.ai.azure.com", "serverless", "public", "ep-1", "eastus2"),
        ("https://ep.westeurope.inference.ml.azure.com/score", "managed-compute", "public", "ep", "westeurope"),
        ("https://models.inference.ai.azure.com", "github-models", "public", None, None),
        ("https://api.openai.com/v1", "openai-platform", "public", None, None),
        ("https://gov.openai.azure.us", "azure-openai", "usgov", "gov", None),
        ("https://cn.openai.azure.cn", "azure-openai", "china", "cn", None),
        ("https://gw.azure-api.net/aoai", "apim", "public", "gw", None),
        ("http://127.0.0.1:8443/openai/v1", "local", "public", None, None),
        ("http://localhost:4000", "local", "public", None, None),
        ("https://gateway.example.com", "unknown", "public", None, None),
        ("myres.openai.azure.com", "azure-openai", "public", "myres", None),
    ],
)
def test_host_families(
    url: str, family: str, cloud: str, resource: str | None, region: str | None
) -> None:
    info = classify_endpoint(url)
    assert info is not None
    assert (info.family, info.cloud, info.resource, info.region) == (family, cloud, resource, region)


@pytest.mark.parametrize(
    ("url", "route", "surface", "deployment", "operation", "project"),
    [
        (
            "https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            "deployments", "dated-deployment", "gpt-4o", "chat/completions", None,
        ),
        ("https://r.openai.azure.com/openai/v1/responses", "openai-v1", "v1", None, "responses", None),
        ("https://r.services.ai.azure.com/models/embeddings", "models", "models-api", None, "embeddings", None),
        (
            "https://r.services.ai.azure.com/api/projects/Proj-1/openai/v1/responses",
            "project", "project-v1", None, "responses", "Proj-1",
        ),
        ("https://r.openai.azure.com", "root", None, None, "", None),
        ("https://r.services.ai.azure.com/anthropic/v1/messages", "other", "anthropic", None, "messages", None),
        ("https://ep.eastus.models.ai.azure.com/v1/chat/completions", "other", "serverless", None, "v1/chat/completions", None),
    ],
)
def test_routes(
    url: str, route: str, surface: str | None, deployment: str | None, operation: str, project: str | None
) -> None:
    info = classify_endpoint(url)
    assert info is not None
    assert (info.route, info.surface, info.deployment, info.operation, info.project) == (
        route, surface, deployment, operation, project,
    )


def test_api_version_and_query() -> None:
    info = classify_endpoint(
        "https://r.openai.azure.com/openai/deployments/d/embeddings?API-Version=2024-06-01&x=1"
    )
    assert info is not None
    assert info.api_version == "2024-06-01"
    assert info.query == {"api-version": "2024-06-01", "x": "<redacted>"}


def test_no_secret_is_kept_or_cached() -> None:
    info = classify_endpoint(
        "https://user:p4ssw0rd@gw.azure-api.net/openai/v1/chat/completions?subscription-key=s3cret&api-version=v1"
    )
    assert info is not None
    assert "p4ssw0rd" not in repr(info)
    assert "s3cret" not in repr(info)
    assert info.host == "gw.azure-api.net"


@pytest.mark.parametrize(
    ("url", "audiences"),
    [
        (
            "https://r.openai.azure.com/openai/deployments/d/chat/completions",
            ("https://cognitiveservices.azure.com", "https://ai.azure.com"),
        ),
        (
            "https://r.services.ai.azure.com/models/chat/completions",
            ("https://cognitiveservices.azure.com", "https://ai.azure.com"),
        ),
        ("https://r.services.ai.azure.com/api/projects/p", ("https://ai.azure.com",)),
        ("https://r.openai.azure.us/openai/deployments/d", ("https://cognitiveservices.azure.us",)),
        ("https://r.openai.azure.cn/openai/v1/chat/completions", ("https://cognitiveservices.azure.cn",)),
        ("https://ep.eastus.inference.ml.azure.com/score", ("https://ml.azure.com",)),
        ("https://westus.api.cognitive.microsoft.com/", ()),
        ("https://api.openai.com/v1", ()),
        ("https://gateway.example.com/", ()),
    ],
)
def test_accepted_audiences(url: str, audiences: tuple[str, ...]) -> None:
    assert accepted_audiences(classify_endpoint(url)) == audiences


def test_normalize_audience() -> None:
    assert (
        normalize_audience("https://CognitiveServices.azure.com/.default")
        == "https://cognitiveservices.azure.com"
    )
    assert normalize_audience("https://ai.azure.com/") == "https://ai.azure.com"
    assert normalize_audience("7d312290-28c8-473c-a0ed-8e53749b6d6d") == "https://cognitiveservices.azure.com"


@pytest.mark.parametrize(
    "junk", [None, "", "   ", "http://[::1", "https://", "::::", 42, "x" * 20000, "https://h:port/x"]
)
def test_junk_never_raises(junk: object) -> None:
    classify_endpoint(junk)  # type: ignore[arg-type]
