"""``foundry_doctor.explain(exc)``: the diagnosis an exception carries."""

from __future__ import annotations

from foundry_doctor.diagnosis.model import Diagnosis

__all__ = ["explain"]


def explain(exc: BaseException | None) -> Diagnosis | None:
    """The diagnosis attached to ``exc`` (or to an exception in its ``__cause__`` /
    ``__context__`` chain) by an instrumented client; ``None`` when there is none."""
    seen: set[int] = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        diagnosis = getattr(current, "diagnosis", None)
        if isinstance(diagnosis, Diagnosis):
            return diagnosis
        current = current.__cause__ or current.__context__
    return None
