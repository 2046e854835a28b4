"""``foundry_doctor.explain(exc)``: the diagnosis an exception carries."""

from __future__ import annotations

from typing import Any

from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.integrations.pending import resolve

__all__ = ["EXTENSION_KEY", "diagnosis_of", "explain"]

#: where the httpx hooks and instrumented openai clients mark a response (``response.extensions``)
EXTENSION_KEY = "foundry_doctor.diagnosis"


def explain(exc: BaseException | str | None) -> Diagnosis | None:
    """The diagnosis attached to ``exc`` (or to an exception in its ``__cause__`` /
    ``__context__`` chain) by an instrumented client; ``None`` when there is none.

    Also finds the diagnosis for a response the httpx hooks marked (``exc.response``), e.g.
    of an exception built before the hooks enriched that class, and diagnoses a credential's
    exception (a token that could not be obtained) from the exception itself. Given a string
    (an error message copied from a log), diagnoses the text itself, as
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
    return _token_failure(exc)


def _token_failure(exc: BaseException | None) -> Diagnosis | None:
    """The diagnosis of a credential's exception (or one in its cause chain) that no
    instrumented client enriched: a token that could not be obtained, read from the
    exception itself."""
    seen: set[int] = set()
    current: object = exc
    while isinstance(current, BaseException) and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            from foundry_doctor.integrations.credential_errors import diagnose_credential_error

            diagnosis = diagnose_credential_error(current)
            if diagnosis is not None:
                return diagnosis
        current = current.__cause__ or current.__context__
    return None


def diagnosis_of(response: Any) -> Diagnosis | None:
    """The diagnosis of an ``httpx`` / ``httpx2`` ``response`` that the hooks marked (e.g.
    ``exc.response`` of an openai ``APIStatusError``), diagnosed now if that has not happened
    yet (with as much of the body as was read); ``None`` otherwise. Never raises."""
    try:
        extensions = getattr(response, "extensions", None)
        if not isinstance(extensions, dict) or EXTENSION_KEY not in extensions:
            return None
    except Exception:  # an exotic response object: nothing to find
        return None
    return resolve(extensions, EXTENSION_KEY, response)
