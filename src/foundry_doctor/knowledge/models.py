"""Model families: who publishes a model, judged from a model or deployment name.

Deployment names are chosen freely, but most keep the model's name, so the name is evidence
(never proof) of the model behind it. What matters for diagnosis is whether a model is one of
OpenAI's (the dated ``/openai/deployments`` routes and the ``AzureOpenAI`` class serve only
those), another publisher's model sold on Foundry (reached through ``/openai/v1``), or Claude
(served only on ``/anthropic``). Names are split into lower-case words; no regular expressions.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "FAMILIES",
    "WELL_KNOWN_NAMES",
    "ModelFamily",
    "Publisher",
    "family_of_model",
    "near_model_name",
    "words",
]

Publisher = Literal["openai", "anthropic", "other"]


class ModelFamily(NamedTuple):
    """Models whose names start with one of ``heads`` (word sequences)."""

    name: str
    publisher: Publisher
    heads: tuple[tuple[str, ...], ...]
    sources: tuple[Source, ...]


_TS = Source(
    "MODEL-FAMILIES",
    "troubleshooting-facts.md (OpenAI User covers OpenAI models only; MaaS families); "
    "LIFECYCLE (v1 serves 'sold by Azure' models); CLAUDE (Claude on /anthropic)",
    "troubleshooting-facts.md",
)

FAMILIES: tuple[ModelFamily, ...] = (
    ModelFamily("Claude", "anthropic", (("claude",),), (s.CLAUDE_PAGE,)),
    ModelFamily("DeepSeek", "other", (("deepseek",),), (_TS,)),
    ModelFamily("Llama", "other", (("llama",), ("meta", "llama")), (_TS,)),
    ModelFamily(
        "Mistral",
        "other",
        (("mistral",), ("mixtral",), ("ministral",), ("codestral",), ("pixtral",)),
        (_TS,),
    ),
    ModelFamily("Phi", "other", (("phi",),), (_TS,)),
    ModelFamily(
        "Cohere",
        "other",
        (("cohere",), ("command", "r"), ("command", "a"), ("embed", "v"), ("rerank",)),
        (_TS,),
    ),
    ModelFamily("Grok", "other", (("grok",),), (_TS,)),
    ModelFamily("Kimi", "other", (("kimi",),), (_TS,)),
    ModelFamily("MAI", "other", (("mai",),), (_TS,)),
    ModelFamily("Qwen", "other", (("qwen",),), (_TS,)),
    ModelFamily("Jais", "other", (("jais",),), (_TS,)),
    ModelFamily("Jamba", "other", (("jamba",), ("ai21",)), (_TS,)),
    ModelFamily("Gemma", "other", (("gemma",),), (_TS,)),
    ModelFamily("Nemotron", "other", (("nemotron",),), (_TS,)),
    ModelFamily("FLUX", "other", (("flux",),), (_TS,)),
    ModelFamily("Falcon", "other", (("falcon",),), (_TS,)),
    ModelFamily("Bria", "other", (("bria",),), (_TS,)),
    ModelFamily("Gretel", "other", (("gretel",),), (_TS,)),
    ModelFamily("tsuzumi", "other", (("tsuzumi",),), (_TS,)),
    ModelFamily("Nomic", "other", (("nomic",),), (_TS,)),
    ModelFamily(
        "OpenAI",
        "openai",
        (
            ("gpt",),
            ("o1",),
            ("o3",),
            ("o4",),
            ("text", "embedding"),
            ("dall", "e"),
            ("whisper",),
            ("tts",),
            ("sora",),
            ("codex",),
            ("computer", "use"),
            ("davinci",),
            ("babbage",),
            ("curie",),
            ("ada",),
            ("text", "davinci"),
            ("code", "davinci"),
        ),
        (_TS,),
    ),
)


def words(name: str) -> tuple[str, ...]:
    """``name`` as lower-case words: letters and digits split at every other character and at
    a change from letters to digits after a word of two or more letters (``gpt4o`` ->
    ``gpt``, ``4o``; ``Phi-4`` -> ``phi``, ``4``)."""
    found: list[str] = []
    current = ""
    for char in name.lower():
        if not char.isalnum():
            if current:
                found.append(current)
            current = ""
            continue
        if current and char.isdigit() and current.isalpha() and len(current) >= 2:
            found.append(current)
            current = char
            continue
        current += char
    if current:
        found.append(current)
    return tuple(found)


def family_of_model(name: str | None) -> ModelFamily | None:
    """The family a model or deployment name belongs to, or ``None`` when it is not known."""
    if not name:
        return None
    parts = words(name[:128])
    if not parts:
        return None
    for item in FAMILIES:
        for head in item.heads:
            if parts[: len(head)] == head:
                return item
    return None


#: Model names often given to deployments, for "did you mean" on a near miss.
WELL_KNOWN_NAMES = (
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


def near_model_name(name: str | None) -> str | None:
    """A well-known model name that ``name`` differs from only by separators or case
    (``gpt4o`` -> ``gpt-4o``); ``None`` when there is none or ``name`` is one already."""
    if not name:
        return None
    squeezed = "".join(char for char in name.lower() if char.isalnum())
    for known in WELL_KNOWN_NAMES:
        if known != name and "".join(c for c in known if c.isalnum()) == squeezed:
            return known
    return None
