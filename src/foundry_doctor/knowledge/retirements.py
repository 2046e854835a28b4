"""Retired surfaces and retired model versions, with the dates Microsoft (or GitHub) published.

Where sources disagree every date is kept (the azure-ai-inference SDK has two). Model
retirements come in two kinds: *retired* (the retired-models list: deployments answer every
call with an error) and *scheduled* (a published date that a later table has not confirmed;
retirements also roll out region by region), which are never asserted from a bare model name.
"""

import datetime
from typing import NamedTuple

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.models import words
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "MODEL_RETIREMENTS",
    "SURFACE_RETIREMENTS",
    "ModelRetirement",
    "SurfaceRetirement",
    "retired_model",
    "retirement",
]


class SurfaceRetirement(NamedTuple):
    """An API, SDK or endpoint that was retired. ``dates`` are ``(date, what happened)``
    pairs in ISO form; ``effective`` is the date from which it counts as gone (the latest
    published retirement date)."""

    key: str
    what: str
    dates: tuple[tuple[str, str], ...]
    effective: str
    replacement: str
    sources: tuple[Source, ...]

    def effective_at(self) -> float:
        """:attr:`effective` as epoch seconds (UTC midnight)."""
        return _epoch(self.effective)

    def dates_text(self) -> str:
        """The published dates, ``2026-05-30 (...) and 2026-08-26 (...)``."""
        parts = [f"{day} ({label})" for day, label in self.dates]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def when(self) -> str:
        """When it was retired, in words: ``on 2026-08-26``; ``in 2026 (two dates are
        published: ...)`` where sources disagree; ``on <date> (... on <date>)`` where an
        earlier step (a deprecation) came first."""
        if len(self.dates) == 1:
            return f"on {self.dates[0][0]}"
        if all(label.startswith("per ") for _, label in self.dates):
            years = sorted({day[:4] for day, _ in self.dates})
            told = " and ".join(f"{day} {label}" for day, label in self.dates)
            return f"in {'/'.join(years)} (two dates are published: {told})"
        earlier = "; ".join(
            f"{label} on {day}" for day, label in self.dates if day != self.effective
        )
        return f"on {self.effective} ({earlier})"


#: each date of the tables as epoch seconds, worked out once (the tables' own dates only)
_EPOCHS: dict[str, float] = {}


def _epoch(day: str) -> float:
    epoch = _EPOCHS.get(day)
    if epoch is None:
        moment = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
        epoch = _EPOCHS[day] = moment.timestamp()
    return epoch


SURFACE_RETIREMENTS: tuple[SurfaceRetirement, ...] = (
    SurfaceRetirement(
        "models-api",
        "the Azure AI Model Inference API (https://<resource>.services.ai.azure.com/models)",
        (("2026-08-26", "retired"),),
        "2026-08-26",
        "the OpenAI v1 API (https://<resource>.openai.azure.com/openai/v1/) with the OpenAI client",
        (s.MODELS_API_RETIREMENT,),
    ),
    SurfaceRetirement(
        "azure-ai-inference",
        "the azure-ai-inference SDK",
        (
            ("2026-05-30", "per the guide to migrate from the Foundry classic portal"),
            ("2026-08-26", "per the Foundry endpoints pages"),
        ),
        "2026-08-26",
        "the openai package with the v1 API",
        (s.INFERENCE_SDK_MAY, s.INFERENCE_SDK_AUGUST),
    ),
    SurfaceRetirement(
        "assistants-api",
        "the Azure OpenAI Assistants API (/openai/assistants, /openai/threads)",
        (("2026-08-26", "retired"),),
        "2026-08-26",
        "Foundry Agents (the project's /agents and Responses routes)",
        (s.ASSISTANTS_RETIREMENT,),
    ),
    SurfaceRetirement(
        "github-models",
        "GitHub Models' Azure endpoint (https://models.inference.ai.azure.com)",
        (("2025-07-17", "its Azure endpoint deprecated"), ("2026-07-30", "retired")),
        "2026-07-30",
        "Microsoft Foundry Models (a Foundry resource's /openai/v1 endpoint)",
        (s.GITHUB_MODELS_RETIREMENT,),
    ),
    SurfaceRetirement(
        "on-your-data",
        "Azure OpenAI On Your Data (data_sources, /extensions/chat/completions)",
        (("2026-10-14", "retired"),),
        "2026-10-14",
        "Foundry Agent Service with Foundry IQ",
        (s.ON_YOUR_DATA_RETIREMENT,),
    ),
    SurfaceRetirement(
        "dall-e-2",
        "DALL-E 2 and its asynchronous images route (/openai/images/generations:submit)",
        (("2025-01-27", "retired"),),
        "2025-01-27",
        "gpt-image-1 through /openai/v1/images/generations",
        (s.RETIRED_MODELS,),
    ),
)
_SURFACES = {item.key: item for item in SURFACE_RETIREMENTS}


def retirement(key: str) -> SurfaceRetirement:
    """The surface retirement called ``key``."""
    return _SURFACES[key]


class ModelRetirement(NamedTuple):
    """Versions of one model that were retired (or are scheduled to be).

    ``name`` holds the model's name as words (see :func:`.models.words`); ``versions`` the
    retired versions, empty when every version of the model is meant. ``every_version`` says
    that the listed versions are all the model ever had, so a deployment named after the
    model alone runs one of them. ``scheduled`` marks a date not yet confirmed as done.
    """

    model: str
    versions: tuple[str, ...]
    retired: str
    replacement: str
    sources: tuple[Source, ...]
    every_version: bool = True
    scheduled: bool = False

    @property
    def name(self) -> tuple[str, ...]:
        return words(self.model)

    def retired_at(self) -> float:
        return _epoch(self.retired)


_R = (s.RETIRED_MODELS,)
_S = (s.SCHEDULED_RETIREMENTS,)

MODEL_RETIREMENTS: tuple[ModelRetirement, ...] = (
    ModelRetirement("gpt-35-turbo-16k", ("0613",), "2025-04-30", "gpt-4.1-mini (2025-04-14)", _R),
    # 0301 and 0613 retired first (retirements.md 2.1); the entry after it, with every version,
    # answers for a deployment named after the model alone
    ModelRetirement(
        "gpt-35-turbo",
        ("0301", "0613"),
        "2025-02-13",
        "gpt-4o-mini or gpt-4.1-mini",
        _R,
        every_version=False,
    ),
    ModelRetirement(
        "gpt-35-turbo",
        ("0301", "0613", "1106", "0125"),
        "2025-07-16",
        "gpt-4o-mini or gpt-4.1-mini",
        (s.RETIRED_MODELS, s.GPT35_RETIRED),
    ),
    ModelRetirement(
        "gpt-3.5-turbo", ("0301", "0613"), "2025-02-13", "gpt-4o-mini", _R, every_version=False
    ),
    ModelRetirement(
        "gpt-3.5-turbo",
        ("0301", "0613", "1106", "0125"),
        "2025-07-16",
        "gpt-4o-mini",
        (s.GPT35_RETIRED,),
    ),
    ModelRetirement("gpt-4-32k", ("0314", "0613"), "2025-06-06", "gpt-4o (2024-11-20)", _R),
    ModelRetirement(
        "gpt-4",
        ("0314", "0613", "1106-preview", "0125-preview"),
        "2025-06-06",
        "gpt-4o (2024-11-20)",
        (s.RETIRED_MODELS, s.GPT35_RETIRED),
    ),
    ModelRetirement("gpt-4.5-preview", (), "2025-07-14", "gpt-4.1 (2025-04-14)", _R),
    ModelRetirement("o1-preview", (), "2025-07-28", "o1", _R),
    ModelRetirement(
        "gpt-4o-realtime-preview",
        ("2024-10-01",),
        "2025-03-26",
        "the 2024-12-17 realtime models",
        _R,
        every_version=False,
    ),
    ModelRetirement("babbage-002", (), "2025-01-27", "gpt-4o-mini", _R),
    ModelRetirement("davinci-002", (), "2025-01-27", "gpt-4o-mini", _R),
    ModelRetirement("dall-e-2", (), "2025-01-27", "gpt-image-1", _R),
    ModelRetirement(
        "text-davinci-003", (), "2024-06-14", "gpt-35-turbo-instruct or a chat model", _R
    ),
    ModelRetirement(
        "text-davinci-002", (), "2024-06-14", "gpt-35-turbo-instruct or a chat model", _R
    ),
    ModelRetirement("code-davinci-002", (), "2024-06-14", "a current chat model", _R),
    ModelRetirement("code-cushman-001", (), "2024-06-14", "a current chat model", _R),
    ModelRetirement("text-similarity-ada-001", (), "2024-06-14", "text-embedding-3-small", _R),
    ModelRetirement("text-search-ada-001", (), "2024-06-14", "text-embedding-3-small", _R),
    ModelRetirement("MAI-DS-R1", (), "2026-02-27", "a current Foundry model", _R),
    ModelRetirement("Mistral-Nemo", (), "2026-01-30", "a current Mistral model", _R),
    ModelRetirement("Mistral-large-2411", (), "2026-01-30", "a current Mistral model", _R),
    ModelRetirement("Mistral-ocr-2503", (), "2026-01-30", "a current Mistral model", _R),
    ModelRetirement("jais-30b-chat", (), "2026-01-30", "a current Foundry model", _R),
    ModelRetirement("Kimi-k2-thinking", (), "2026-03-29", "a current Kimi model", _R),
    ModelRetirement("DeepSeek-V3", (), "2025-08-31", "a current DeepSeek model", _R),
    ModelRetirement("Bria-2.3-Fast", (), "2025-10-31", "a current image model", _R),
    # scheduled: asserted only for a name that carries the version, or when the service says so
    ModelRetirement(
        "gpt-4o",
        ("2024-05-13", "2024-08-06"),
        "2026-03-31",
        "gpt-4.1 or gpt-5",
        _S,
        every_version=False,
        scheduled=True,
    ),
    ModelRetirement(
        "gpt-4o",
        ("2024-11-20",),
        "2026-10-01",
        "gpt-4.1 or gpt-5",
        _S,
        every_version=False,
        scheduled=True,
    ),
    ModelRetirement(
        "gpt-4o-mini", ("2024-07-18",), "2026-03-31", "gpt-4.1-mini", _S, scheduled=True
    ),
    ModelRetirement("o1", ("2024-12-17",), "2026-07-15", "o3", _S, scheduled=True),
    ModelRetirement("o3-mini", ("2025-01-31",), "2026-08-02", "o4-mini", _S, scheduled=True),
    ModelRetirement(
        "gpt-5-chat", ("2025-08-07", "2025-10-03"), "2026-03-01", "gpt-5.x", _S, scheduled=True
    ),
    ModelRetirement("dall-e-3", ("3",), "2026-03-04", "gpt-image-1", _S, scheduled=True),
)


def retired_model(name: str | None, *, now: float) -> tuple[ModelRetirement, str | None] | None:
    """The retirement a deployment or model ``name`` points at, as of ``now`` (epoch
    seconds), with the version the name itself states (``None`` when it states none).
    ``None`` when the name matches no retired model, or only a scheduled retirement the name
    does not pin to a version."""
    if not name:
        return None
    parts = words(name[:128])
    best: tuple[ModelRetirement, str | None] | None = None
    for item in MODEL_RETIREMENTS:
        head = item.name
        if parts[: len(head)] != head or item.retired_at() > now:
            continue
        rest = parts[len(head) :]
        pinned = next((version for version in item.versions if words(version) == rest), None)
        if rest and pinned is None:
            continue  # another model whose name starts the same way (gpt-4 / gpt-4o)
        if pinned is None and (item.scheduled or not item.every_version):
            continue
        if best is None or len(head) > len(best[0].name):
            best = (item, pinned)
    return best
