"""What a model or deployment name reveals: whether it is an OpenAI model, and whether it is a
near miss of a well-known model name (a typo in a deployment name)."""

from __future__ import annotations

import re

__all__ = ["is_non_openai_model", "near_model_name"]

# Families sold on Foundry by other providers ("Models as a Service"): these never run on the
# classic Azure OpenAI deployment route.
_NON_OPENAI = re.compile(
    r"(?:^|[^a-z])(?:deepseek|llama|mistral|mixtral|ministral|codestral|pixtral|phi-?\d|phi$"
    r"|cohere|command-?r|command-a|embed-v-?\d|rerank|jais|jamba|ai21|grok|qwen|gemma"
    r"|nemotron|kimi|mai-ds|flux|stable-diffusion|falcon|tsuzumi|nomic|bria|gretel)",
    re.IGNORECASE,
)

_KNOWN_MODELS = (
    "gpt-35-turbo",
    "gpt-35-turbo-16k",
    "gpt-4",
    "gpt-4-32k",
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "o1",
    "o1-mini",
    "o3",
    "o3-mini",
    "o4-mini",
    "text-embedding-ada-002",
    "text-embedding-3-small",
    "text-embedding-3-large",
    "dall-e-3",
    "whisper",
)
_SEPARATORS = re.compile(r"[-_. ]")


def is_non_openai_model(name: str | None) -> bool:
    """Whether ``name`` belongs to a model family not made by OpenAI."""
    return bool(name) and _NON_OPENAI.search(name or "") is not None


def near_model_name(name: str | None) -> str | None:
    """A well-known model name that ``name`` differs from only by separators or case
    (``gpt4o`` -> ``gpt-4o``); ``None`` when there is none or ``name`` is one already."""
    if not name:
        return None
    squeezed = _SEPARATORS.sub("", name.lower())
    for known in _KNOWN_MODELS:
        if known != name and _SEPARATORS.sub("", known) == squeezed:
            return known
    return None
