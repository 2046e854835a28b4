"""The exceptions a framework raises in place of the SDK's, carrying the diagnosis too.

Semantic Kernel turns the openai exception into a ``ServiceResponseException`` whose text is
the ``repr`` of its arguments (our text in ``str(openai_error)`` does not survive that), and
``Kernel.invoke`` into a ``KernelInvokeException`` with a fixed text. :func:`enrich_wrappers`
makes every exception of such a framework base class, as it is built, look for a diagnosis it
stands for: on an exception among its arguments (``ServiceResponseException(message, ex)``) or
along the exception being handled, which the new one is raised from (a framework builds its
exception in an ``except`` block: ``raise KernelInvokeException(...) from exc``). When it finds
one and its own text does not name the rule already (``FunctionExecutionException`` quotes the
text of the exception it wraps), it is enriched: in the brief form (the rule's code and title,
one line) when an exception along the chain shows the diagnosis in full, else in full. So a
traceback shows the diagnosis once, and ``str(exc)`` of what the application catches names
the rule and its title.
"""

from __future__ import annotations

import sys

from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.integrations.enriched import DiagnosedError
from foundry_doctor.integrations.explain import explain
from foundry_doctor.integrations.pending import enrich_when_built

__all__ = ["enrich_wrappers", "wrapped_diagnosis"]


def enrich_wrappers(error_class: type[BaseException]) -> None:
    """Enrich every exception of ``error_class`` (and its subclasses) that wraps a diagnosed
    one, as it is built (once per class; later calls change nothing)."""
    enrich_when_built(error_class, wrapped_diagnosis)


def wrapped_diagnosis(error: BaseException) -> Diagnosis | None:
    """The diagnosis ``error`` stands for and does not tell yet, or ``None``."""
    if isinstance(error, DiagnosedError):
        return None
    diagnosis = _in_arguments(error) or explain(sys.exc_info()[1])
    if diagnosis is None or diagnosis.summary in _text(error):
        return None
    return diagnosis


def _in_arguments(error: BaseException) -> Diagnosis | None:
    for value in (*error.args, getattr(error, "inner_exception", None)):
        if isinstance(value, BaseException) and value is not error:
            found = explain(value)
            if found is not None:
                return found
    return None


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # an exception whose __str__ fails: it cannot tell anything
        return ""
