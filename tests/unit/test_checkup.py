"""The static check on its own: configurations in, findings out."""

from __future__ import annotations

import datetime
import math

from foundry_doctor import Configuration, check_configuration
from foundry_doctor.diagnosis.checkup import severity_of

BEFORE_RETIREMENT = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc).timestamp()


def test_each_client_builds_its_own_url() -> None:
    urls = {
        kind: Configuration.of(
            kind, endpoint="https://myres.openai.azure.com/", model="gpt-4o", api_version="v"
        ).request_url()
        for kind in ("openai.AzureOpenAI", "openai.OpenAI", "azure-ai-inference")
    }
    assert urls == {
        "openai.AzureOpenAI": "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=v",
        "openai.OpenAI": "https://myres.openai.azure.com/chat/completions?api-version=v",
        "azure-ai-inference": "https://myres.openai.azure.com/chat/completions?api-version=v",
    }
    assert Configuration.of("azure-ai-projects", endpoint="https://x").request_url() is None
    assert Configuration.of("openai.OpenAI").request_url() is None


def test_an_embeddings_model_is_judged_as_an_embeddings_call() -> None:
    config = Configuration.of("openai.OpenAI", model="text-embedding-3-small")
    assert config.operation == "embeddings"


def test_before_the_retirement_it_is_only_a_warning() -> None:
    config = Configuration.of(
        "azure-ai-inference",
        endpoint="https://myres.services.ai.azure.com/models",
        credential="api-key",
    )
    checkup = check_configuration(config, now=BEFORE_RETIREMENT)
    assert [f.rule for f in checkup.findings] == ["retired-api"]
    assert severity_of(checkup.findings[0]) == "warning"
    assert checkup.ok
    assert "retires on 2026-08-26" in checkup.findings[0].explanation


def test_odd_values_never_raise() -> None:
    for endpoint in ("", "https://", "not a url", "https://[::1", "https://x/" + "a/" * 5000):
        for client in ("openai.AzureOpenAI", "openai.OpenAI", "azure-ai-inference", "what"):
            config = Configuration.of(
                client, endpoint=endpoint, credential="token", scopes=["", "x"], model="\x00"
            )
            checkup = check_configuration(config, now=math.inf)
            assert isinstance(checkup.render(), str)
            assert isinstance(checkup.to_dict(), dict)
