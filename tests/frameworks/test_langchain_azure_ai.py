"""langchain-azure-ai through ``foundry_doctor.instrument(model)``: ``AzureAIOpenAIApiChatModel``
(a ``ChatOpenAI`` on the v1 base URL; chat completions with a key, the Responses API with a
token) and the azure-ai-inference ``AzureAIChatCompletionsModel`` on ``/models`` (its clients
are azure-core ones, in pydantic private attributes).

Not here: ``AzureAIOpenAIApiChatModel(project_endpoint=...)``, whose sync client azure-ai-projects
builds on a transport that ignores ``HTTPS_PROXY`` (it would go to the real host, which the
network guard refuses); its async client is a plain ``AsyncOpenAI`` and covered the same way.
"""

from __future__ import annotations

from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations import repeats
from support.frameworks import AOAI, DEPLOYMENT, MISSING, assert_parity, attempt, attempt_async

chat_models_openai = pytest.importorskip("langchain_azure_ai.chat_models.openai")

pytestmark = pytest.mark.frameworks

MODELS = "https://myres.services.ai.azure.com/models"
COGNITIVE_SERVICES = "https://cognitiveservices.azure.com/.default"


def _openai_api(emu: Emulator, case: str) -> Any:
    model = MISSING if case == "wrong-deployment" else DEPLOYMENT
    credential: Any = emu.key("myres")
    if case == "no-role":
        credential = emu.credential("dave")  # a token: the Responses API, scope ai.azure.com
    elif case == "wrong-key":
        credential = "0123456789abcdef0123456789abcdef"
    return chat_models_openai.AzureAIOpenAIApiChatModel(
        endpoint=f"{AOAI}/openai/v1", credential=credential, model=model
    )


OPENAI_CASES = [
    pytest.param("no-role", "missing-data-plane-role", id="no-role"),
    pytest.param("wrong-deployment", "deployment-not-found", id="wrong-deployment"),
    pytest.param("wrong-key", "invalid-api-key", id="wrong-key"),
    pytest.param("success", None, id="success"),
]


@pytest.mark.parametrize(("case", "rule"), OPENAI_CASES)
def test_openai_api_chat_model(emu: Emulator, case: str, rule: str | None) -> None:
    bare = attempt(emu, lambda: _openai_api(emu, case).invoke("hi"))
    model = _openai_api(emu, case)
    assert foundry_doctor.instrument(model) is model
    assert_parity(bare, attempt(emu, lambda: model.invoke("hi")), rule)


def _inference(emu: Emulator, case: str) -> Any:
    from langchain_azure_ai.chat_models.inference import AzureAIChatCompletionsModel

    credential: Any = emu.key("myres")
    kwargs: dict[str, Any] = {}
    if case == "no-role":
        credential = emu.credential("dave")
        kwargs["client_kwargs"] = {"credential_scopes": [COGNITIVE_SERVICES]}
    model = "no-such-model" if case == "wrong-model" else DEPLOYMENT
    return AzureAIChatCompletionsModel(
        endpoint=MODELS, credential=credential, model=model, **kwargs
    )


INFERENCE_CASES = [
    pytest.param("no-role", "missing-data-plane-role", id="no-role"),
    pytest.param("success", None, id="success"),
]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::langchain_core._api.deprecation.LangChainDeprecationWarning")
@pytest.mark.parametrize(("case", "rule"), INFERENCE_CASES)
async def test_inference_chat_completions_model(emu: Emulator, case: str, rule: str | None) -> None:
    pytest.importorskip("azure.ai.inference")
    bare = attempt(emu, lambda: _inference(emu, case).invoke("hi"))
    model = foundry_doctor.instrument(_inference(emu, case))
    assert_parity(bare, attempt(emu, lambda: model.invoke("hi")), rule)
    bare = await attempt_async(emu, lambda: _inference(emu, case).ainvoke("hi"))
    repeats.forget()  # the same failure as the sync call's, told again
    model = foundry_doctor.instrument(_inference(emu, case))
    assert_parity(bare, await attempt_async(emu, lambda: model.ainvoke("hi")), rule)
