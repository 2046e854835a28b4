from __future__ import annotations

import pytest

from foundry_doctor.facts.endpoints import (
    accepted_audiences,
    classify_endpoint,
    corrected_path,
    normalize_audience,
    operation_of,
    suggested_endpoint,
)


@pytest.mark.parametrize(
    ("url", "family", "cloud", "resource", "region"),
    [
        ("https://myres.openai.azure.com", "azure-openai", "public", "myres", None),
        ("https://myres.services.ai.azure.com/models", "foundry", "public", "myres", None),
        (
            "https://myres.cognitiveservices.azure.com/",
            "cognitive-services",
            "public",
            "myres",
            None,
        ),
        ("https://westus2.api.cognitive.microsoft.com/", "regional", "public", None, "westus2"),
        ("https://ep-1.eastus2.models.ai.azure.com", "serverless", "public", "ep-1", "eastus2"),
        (
            "https://ep.westeurope.inference.ml.azure.com/score",
            "managed-compute",
            "public",
            "ep",
            "westeurope",
        ),
        ("https://models.inference.ai.azure.com", "github-models", "public", None, None),
        ("https://models.github.ai/inference", "github-models", "public", None, None),
        ("https://api.openai.com/v1", "openai-platform", "public", None, None),
        ("https://gov.openai.azure.us", "azure-openai", "usgov", "gov", None),
        ("https://cn.openai.azure.cn", "azure-openai", "china", "cn", None),
        ("https://gw.azure-api.net/aoai", "apim", "public", "gw", None),
        ("http://127.0.0.1:8443/openai/v1", "local", "public", None, None),
        ("https://gateway.example.com", "unknown", "public", None, None),
        ("myres.openai.azure.com", "azure-openai", "public", "myres", None),
    ],
)
def test_host_families(
    url: str, family: str, cloud: str, resource: str | None, region: str | None
) -> None:
    info = classify_endpoint(url)
    assert info is not None
    assert (info.family, info.cloud, info.resource, info.region) == (
        family,
        cloud,
        resource,
        region,
    )


@pytest.mark.parametrize(
    ("url", "route", "deployment", "operation", "project"),
    [
        (
            "https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            "deployments",
            "gpt-4o",
            "chat/completions",
            None,
        ),
        ("https://r.openai.azure.com/openai/v1/responses", "openai-v1", None, "responses", None),
        ("https://r.services.ai.azure.com/models/embeddings", "models", None, "embeddings", None),
        (
            "https://r.services.ai.azure.com/api/projects/Proj-1/openai/v1/responses",
            "project",
            None,
            "openai/v1/responses",
            "Proj-1",
        ),
        ("https://r.openai.azure.com", "root", None, "", None),
        ("https://r.openai.azure.com/chat/completions", "other", None, "chat/completions", None),
        (
            "https://ep.eastus.models.ai.azure.com/v1/chat/completions",
            "v1",
            None,
            "chat/completions",
            None,
        ),
    ],
)
def test_routes(
    url: str, route: str, deployment: str | None, operation: str, project: str | None
) -> None:
    info = classify_endpoint(url)
    assert info is not None
    assert (info.route, info.deployment, info.operation, info.project) == (
        route,
        deployment,
        operation,
        project,
    )


def test_api_version_and_query() -> None:
    info = classify_endpoint(
        "https://r.openai.azure.com/openai/deployments/d/embeddings?API-Version=2024-06-01&x=1"
    )
    assert info is not None
    assert info.api_version == "2024-06-01"
    assert info.api_version_is_dated


@pytest.mark.parametrize(
    ("url", "anomaly"),
    [
        ("https://r.openai.azure.com//openai/deployments/d/chat/completions", "double-slash"),
        (
            "https://r.openai.azure.com/openai/openai/deployments/d/chat/completions",
            "doubled-openai",
        ),
        ("https://r.openai.azure.com/openai/v1/v1/chat/completions", "doubled-v1"),
        (
            "https://r.services.ai.azure.com/models/chat/completions/chat/completions",
            "doubled-operation",
        ),
        ("https://r.openai.azure.com/chat/completions", "no-deployment-segment"),
        ("https://r.openai.azure.com/openai/chat/completions", "no-deployment-segment"),
    ],
)
def test_anomalies(url: str, anomaly: str) -> None:
    info = classify_endpoint(url)
    assert info is not None
    assert anomaly in info.anomalies


def test_clean_urls_have_no_anomalies() -> None:
    for url in (
        "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21",
        "https://r.openai.azure.com/openai/v1/models",
        "https://ep.eastus.models.ai.azure.com/chat/completions",
    ):
        info = classify_endpoint(url)
        assert info is not None, url
        assert info.anomalies == (), url


def test_corrected_path() -> None:
    info = classify_endpoint("https://r.openai.azure.com/openai/v1//v1/chat/completions")
    assert info is not None
    assert corrected_path(info) == "/openai/v1/chat/completions"
    info = classify_endpoint(
        "https://r.services.ai.azure.com/models/chat/completions/chat/completions"
    )
    assert info is not None
    assert corrected_path(info) == "/models/chat/completions"


def test_operation_of() -> None:
    info = classify_endpoint("https://r.services.ai.azure.com/models/images/embeddings")
    assert info is not None
    assert operation_of(info) == "images/embeddings"
    info = classify_endpoint("https://r.openai.azure.com/openai/v1/")
    assert info is not None
    assert operation_of(info) is None
    info = classify_endpoint("https://r.openai.azure.com/openai/deployments/d/audio/speech")
    assert info is not None
    assert operation_of(info) == "audio/speech"


@pytest.mark.parametrize(
    ("url", "audiences"),
    [
        (
            "https://r.openai.azure.com/openai/deployments/d/chat/completions",
            ("https://cognitiveservices.azure.com",),
        ),
        (
            "https://r.services.ai.azure.com/models/chat/completions",
            ("https://cognitiveservices.azure.com", "https://ai.azure.com"),
        ),
        ("https://r.services.ai.azure.com/api/projects/p", ("https://ai.azure.com",)),
        ("https://r.openai.azure.us/openai/deployments/d", ("https://cognitiveservices.azure.us",)),
        (
            "https://r.openai.azure.cn/openai/v1/chat/completions",
            ("https://cognitiveservices.azure.cn",),
        ),
        ("https://ep.eastus.inference.ml.azure.com/score", ("https://ml.azure.com",)),
        ("https://westus.api.cognitive.microsoft.com/", ()),
        ("https://api.openai.com/v1", ()),
        ("https://gateway.example.com/", ()),
        (
            "https://gateway.example.com/openai/deployments/d/chat/completions",
            ("https://cognitiveservices.azure.com",),
        ),
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


@pytest.mark.parametrize(
    ("client", "url", "expected"),
    [
        (
            "azure-ai-inference",
            "https://r.services.ai.azure.com",
            "https://r.services.ai.azure.com/models",
        ),
        (
            "openai.AzureOpenAI",
            "https://r.services.ai.azure.com/models",
            "https://r.services.ai.azure.com",
        ),
        (
            "openai.OpenAI",
            "https://r.openai.azure.com/openai/deployments/d",
            "https://r.openai.azure.com/openai/v1/",
        ),
        (
            "azure-ai-projects",
            "https://r.services.ai.azure.com",
            "https://r.services.ai.azure.com/api/projects/<project>",
        ),
        ("openai.AzureOpenAI", None, "https://<resource>.openai.azure.com"),
    ],
)
def test_suggested_endpoint(client: str, url: str | None, expected: str) -> None:
    assert suggested_endpoint(client, classify_endpoint(url)) == expected


@pytest.mark.parametrize(
    "junk", [None, "", "   ", "http://[::1", "https://", "::::", 42, "x" * 20000]
)
def test_junk_never_raises(junk: object) -> None:
    classify_endpoint(junk)  # type: ignore[arg-type]
