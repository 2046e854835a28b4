"""The ``api-version`` strings the service has published, and the well-known mistakes.

Per surface: the dated Azure OpenAI inference API (stable and preview folders of the REST
specs), the v1 API (no api-version, ``v1`` or ``preview``), the retired Model Inference API
(``/models``), and the project routes (``v1``, ``2025-11-15-preview``). A folder in the spec
repository does not prove the service still answers a version (``routes.md`` 2.1), so these
lists say what *exists*; which old previews still answer is an open question and is not
asserted here. :func:`classify` tells what kind of string a given value is.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "DATED_PREVIEW",
    "DATED_STABLE",
    "LATEST_DATED_STABLE",
    "MODELS_API",
    "MODELS_API_DEFAULT",
    "MODEL_VERSIONS",
    "PROJECT",
    "RESPONSES_DATED",
    "RETIRED_PREVIEWS",
    "V1",
    "VersionKind",
    "VersionSet",
    "classify",
    "is_dated",
]


class VersionSet(NamedTuple):
    """The api-versions one surface was published with."""

    values: tuple[str, ...]
    sources: tuple[Source, ...]

    def __contains__(self, value: object) -> bool:
        return value in self.values


DATED_STABLE = VersionSet(
    ("2022-12-01", "2023-05-15", "2024-02-01", "2024-06-01", "2024-10-21"), (s.SPEC_AOAI,)
)
#: The last generally available dated inference version; no later stable folder exists.
LATEST_DATED_STABLE = "2024-10-21"
DATED_PREVIEW = VersionSet(
    (
        "2022-03-01-preview",
        "2022-06-01-preview",
        "2023-03-15-preview",
        "2023-06-01-preview",
        "2023-07-01-preview",
        "2023-08-01-preview",
        "2023-09-01-preview",
        "2023-10-01-preview",
        "2023-12-01-preview",
        "2024-02-15-preview",
        "2024-03-01-preview",
        "2024-04-01-preview",
        "2024-05-01-preview",
        "2024-07-01-preview",
        "2024-08-01-preview",
        "2024-09-01-preview",
        "2024-10-01-preview",
        "2024-12-01-preview",
        "2025-01-01-preview",
        "2025-02-01-preview",
        "2025-03-01-preview",
        "2025-04-01-preview",
    ),
    (s.SPEC_AOAI, s.LIFECYCLE),
)
#: Dated previews known to be retired or no longer answered.
RETIRED_PREVIEWS = VersionSet(("2023-11-01-preview", "2023-12-01-preview"), (s.PREVIEW_RETIREMENTS,))
#: The dated Responses route exists from these versions on (``/openai/responses``).
RESPONSES_DATED = VersionSet(("2025-03-01-preview", "2025-04-01-preview"), (s.SPEC_AOAI, s.LIFECYCLE))
#: ``/openai/v1``: no api-version (meaning ``v1``), ``v1`` or ``preview``.
V1 = VersionSet(("v1", "preview"), (s.SPEC_V1, s.REST_V1, s.LIFECYCLE))
MODELS_API = VersionSet(
    (
        "2024-04-01-preview",
        "2024-05-01-preview",
        "2025-02-01-preview",
        "2025-04-01",
        "2025-05-01",
        "2025-05-01-preview",
        "2025-05-15-preview",
    ),
    (s.MODEL_INFERENCE_SPEC,),
)
#: What azure-ai-inference 1.0.0b9 sends unless told otherwise.
MODELS_API_DEFAULT = "2024-05-01-preview"
PROJECT = VersionSet(("v1", "2025-11-15-preview"), (s.AIP, s.AZD))

#: Model versions people put where an api-version belongs: each names the model it belongs to.
MODEL_VERSIONS: dict[str, str] = {
    "0301": "gpt-35-turbo",
    "0314": "gpt-4",
    "0613": "gpt-35-turbo / gpt-4",
    "1106": "gpt-35-turbo",
    "0125": "gpt-35-turbo",
    "1106-preview": "gpt-4",
    "0125-preview": "gpt-4",
    "turbo-2024-04-09": "gpt-4",
    "2024-05-13": "gpt-4o",
    "2024-08-06": "gpt-4o",
    "2024-11-20": "gpt-4o",
    "2024-07-18": "gpt-4o-mini",
    "2024-12-17": "o1",
    "2025-01-31": "o3-mini",
    "2025-04-14": "gpt-4.1",
    "2025-04-16": "o3 / o4-mini",
    "2025-08-07": "gpt-5",
}
MODEL_VERSIONS_SOURCES = (s.MODEL_VERSION_AS_API_VERSION, s.RETIRED_MODELS, s.SCHEDULED_RETIREMENTS)

VersionKind = Literal[
    "absent",
    "dated-stable",
    "dated-preview",
    "dated-unpublished",  # YYYY-MM-DD[-preview] that no spec folder has
    "model-version",  # a model's version, not an api-version
    "v1",
    "preview",
    "latest",
    "other",
]


_WORDS: dict[str, VersionKind] = {"v1": "v1", "preview": "preview", "latest": "latest"}


def is_dated(value: str) -> bool:
    """Whether ``value`` has the dated shape ``YYYY-MM-DD`` or ``YYYY-MM-DD-preview``."""
    head, _, tail = value.partition("-preview")
    if tail or len(head) != 10:
        return False
    year, month, day = head[:4], head[5:7], head[8:10]
    return (
        head[4] == "-"
        and head[7] == "-"
        and year.isdigit()
        and month.isdigit()
        and day.isdigit()
        and 1 <= int(month) <= 12
        and 1 <= int(day) <= 31
    )


def classify(value: str | None) -> VersionKind:
    """What kind of string an ``api-version`` value is."""
    if value is None:
        return "absent"
    text = value.strip().lower()
    if text in DATED_STABLE:
        return "dated-stable"
    if text in DATED_PREVIEW or text in RETIRED_PREVIEWS:
        return "dated-preview"
    if text in MODEL_VERSIONS:
        return "model-version"
    word = _WORDS.get(text)
    if word is not None:
        return word
    if is_dated(text):
        return "dated-unpublished"
    return "other"
