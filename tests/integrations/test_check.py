"""``foundry_doctor.check(client)``: a constructed client's configuration judged without a
call (the emulator sees no request)."""

from __future__ import annotations

import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator

MODELS = "https://myres.services.ai.azure.com/models"
AOAI = "https://myres.openai.azure.com"
CS_SCOPE = "https://cognitiveservices.azure.com/.default"


@pytest.mark.azure
def test_inference_client_with_the_default_scope(emu: Emulator) -> None:
    from azure.ai.inference import ChatCompletionsClient

    client = ChatCompletionsClient(endpoint=MODELS, credential=emu.credential("alice"))
    checkup = foundry_doctor.check(client, model="gpt-4o")
    assert not checkup.ok
    assert [f.rule for f in checkup.findings] == ["token-wrong-audience", "retired-api"]
    assert checkup.configuration.scopes == ("https://ml.azure.com/.default",)  # the default
    assert "credential_scopes" in checkup.findings[0].fix[0]
    assert emu.requests == []


@pytest.mark.azure
def test_embeddings_client_with_a_key_and_its_own_scope(emu: Emulator) -> None:
    from azure.ai.inference import EmbeddingsClient
    from azure.core.credentials import AzureKeyCredential

    key = emu.key("myres")
    client = EmbeddingsClient(
        endpoint=f"{AOAI}/openai/deployments/text-embedding-3-small",
        credential=AzureKeyCredential(key),
        api_version="2024-10-21",
    )
    checkup = foundry_doctor.check(client)
    assert checkup.configuration.credential == "api-key"
    assert checkup.configuration.operation == "embeddings"
    assert checkup.configuration.request_url() == (
        f"{AOAI}/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21"
    )
    assert [f.rule for f in checkup.findings] == ["retired-api"]  # the SDK itself is retired
    assert key not in repr(checkup) + str(checkup.to_dict())


@pytest.mark.openai
def test_azure_openai_on_the_v1_path(emu: Emulator) -> None:
    import openai

    client = openai.AzureOpenAI(
        azure_endpoint=f"{AOAI}/openai/v1", api_key=emu.key("myres"), api_version="2024-10-21"
    )
    checkup = foundry_doctor.check(client, model="gpt-4o")
    assert [f.rule for f in checkup.findings] == ["client-endpoint-mismatch"]
    assert checkup.errors == checkup.findings
    assert "ERROR [FD200 client-endpoint-mismatch]" in checkup.render()


@pytest.mark.openai
def test_a_well_configured_v1_client_is_ok(emu: Emulator) -> None:
    import openai
    from azure.identity import get_bearer_token_provider

    provider = get_bearer_token_provider(emu.credential("alice"), CS_SCOPE)
    client = openai.OpenAI(base_url=f"{AOAI}/openai/v1/", api_key=provider)
    checkup = foundry_doctor.check(client, model="gpt-4o")
    assert checkup.ok
    assert checkup.findings == ()
    assert checkup.configuration.credential == "token"
    assert "No problem found" in checkup.render()
    assert emu.requests == []


def test_refuses_other_objects() -> None:
    with pytest.raises(TypeError, match="check\\(\\) does not support"):
        foundry_doctor.check(object())
