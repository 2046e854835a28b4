"""Which kind of client made a call, from however the caller or a case record spells it."""

from __future__ import annotations

from typing import Literal

__all__ = ["ClientKind", "client_kind"]

ClientKind = Literal[
    "azure-ai-inference",
    "azure-ai-projects",
    "openai.AzureOpenAI",
    "openai.OpenAI",
    "anthropic.AnthropicFoundry",
    "azure-core",
    "http",
]


def client_kind(name: str | None) -> ClientKind:
    """The client kind named by ``name``: SDK distribution names, class names and module paths
    are all understood (``"AsyncAzureOpenAI"``, ``"azure.ai.inference"``,
    ``"ChatCompletionsClient"``); anything else, or nothing, is ``"http"``."""
    if not isinstance(name, str):
        return "http"
    text = name.strip().lower().replace("_", "-")
    if not text:
        return "http"
    if "inference" in text or text.endswith(
        ("chatcompletionsclient", "embeddingsclient", "imageembeddingsclient")
    ):
        return "azure-ai-inference"
    if "projects" in text or "aiprojectclient" in text:
        return "azure-ai-projects"
    if "azureopenai" in text:
        return "openai.AzureOpenAI"
    if "anthropicfoundry" in text or text in ("anthropic", "anthropic.anthropic"):
        return "anthropic.AnthropicFoundry"
    if text in ("openai", "openai.openai", "openai.asyncopenai", "asyncopenai") or text.endswith(
        ".openai"
    ):
        return "openai.OpenAI"
    if text in ("azure-core", "azure.core"):
        return "azure-core"
    return "http"
