"""``foundry_doctor.explain(exc)``: the diagnosis an exception carries."""

from __future__ import annotations

from typing import Any

from foundry_doctor.diagnosis.model import Diagnosis

__all__ = ["EXTENSION_KEY", "diagnosis_of", "explain"]

#: where the httpx hooks keep a diagnosis on a response (``response.extensions``)
EXTENSION_KEY = "foundry_doctor.diagnosis"


def explain(exc: BaseException | str | None) -> Diagnosis | None:
    """The diagnosis attached to ``exc`` (or to an exception in its ``__cause__`` /
    ``__context__`` chain) by an instrumented client; ``None`` when there is none.

    Also finds the diagnosis the httpx hooks leave on a response they may not raise from
    (openai < 2.31 would retry an exception raised in a hook): ``exc.response``'s extensions.
    Given a string (an error message copied from a log), diagnoses the text itself, as
    :func:`foundry_doctor.diagnose_text` does. Never raises.
    """
    if isinstance(exc, str):
        from foundry_doctor.diagnosis.text import diagnose_text

        return diagnose_text(exc)
    seen: set[int] = set()
    current: object = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        diagnosis = getattr(current, "diagnosis", None)
        if isinstance(diagnosis, Diagnosis):
            return diagnosis
        left = diagnosis_of(getattr(current, "response", None))
        if left is not None:
            return left
        current = getattr(current, "__cause__", None) or getattr(current, "__context__", None)
    return None


def diagnosis_of(response: Any) -> Diagnosis | None:
    """The diagnosis an httpx hook left on ``response`` (e.g. ``exc.response`` of an openai
    ``APIStatusError``), or ``None``. Never raises."""
    try:
        extensions = getattr(response, "extensions", None)
        found = extensions.get(EXTENSION_KEY) if isinstance(extensions, dict) else None
    except Exception:  # an exotic response object: nothing to find
        return None
    return found if isinstance(found, Diagnosis) else None
