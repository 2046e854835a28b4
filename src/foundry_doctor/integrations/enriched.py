"""Exceptions that keep the SDK's own type and also carry a diagnosis.

:func:`diagnosed_class` makes (once per SDK class) a subclass of the SDK's exception class that
adds ``.diagnosis`` and appends the rendered diagnosis to ``str(exc)``. The subclass keeps the
SDK class's name and module, so tracebacks and ``except`` clauses read exactly as before.

An exception that wraps one already carrying the diagnosis in full (a framework re-raising the
SDK's error with its own class and text: LangChain, Semantic Kernel, LiteLLM) is enriched in
the *brief* form: ``str(exc)`` ends with the one line naming the rule and its title, and points
to the full text, which a traceback shows once, on the SDK's exception it was raised from
(:func:`told_along`).

An enriched exception pickles as the plain SDK exception, without its diagnosis: it unpickles
(or fails to, as some SDK exceptions do) exactly like the bare one, also in a process that does
not have foundry-doctor (multiprocessing, Celery). ``copy.copy`` gives that plain exception too.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TypeVar

from foundry_doctor.diagnosis.model import Diagnosis

__all__ = ["DiagnosedError", "attach", "brief_line", "diagnosed_class", "told_along"]

E = TypeVar("E", bound=BaseException)

_classes: dict[type[BaseException], type[BaseException]] = {}
#: the attribute an enriched exception carries its diagnosis in
_DIAGNOSIS = "diagnosis"
#: the attribute set on an exception enriched in the brief form
_BRIEF = "_fd_brief"
#: our attributes, left out when an enriched exception is pickled
_OURS = frozenset({_DIAGNOSIS, _BRIEF})
#: how far along a chain of causes :func:`told_along` looks
_CHAIN_LIMIT = 32
_lock = threading.Lock()


class DiagnosedError(BaseException):
    """Marker base of every enriched exception class: ``isinstance(exc, DiagnosedError)``
    tells that ``exc.diagnosis`` is set. Only ever used as a mixin next to an SDK class."""

    diagnosis: Diagnosis
    _fd_base: type[BaseException]


def brief_line(diagnosis: Diagnosis) -> str:
    """The one line a wrapping exception ends with: the rule, its title, where the rest is."""
    return (
        f"foundry-doctor {diagnosis.summary} (the full diagnosis is on the error this one was "
        "raised from, and foundry_doctor.explain(error) returns it)"
    )


def _enriched_str(self: DiagnosedError) -> str:
    text = self._fd_base.__str__(self)
    if getattr(self, _BRIEF, False):
        return f"{text}\n\n{brief_line(self.diagnosis)}"
    return f"{text}\n\n{self.diagnosis.render()}"


def _reduce_to_base(self: DiagnosedError) -> str | tuple[Any, ...]:
    # pickle the plain SDK exception: neither the enriched class nor the diagnosis may need
    # foundry-doctor to unpickle
    reduced = self._fd_base.__reduce__(self)
    if not isinstance(reduced, tuple) or not reduced:
        return reduced
    parts = list(reduced)
    if parts[0] is type(self):
        parts[0] = self._fd_base
    if len(parts) > 2 and isinstance(parts[2], dict) and not _OURS.isdisjoint(parts[2]):
        parts[2] = {name: value for name, value in parts[2].items() if name not in _OURS}
    return tuple(parts)


def diagnosed_class(base: type[E]) -> type[E]:
    """The enriched subclass of ``base`` (made once, then cached)."""
    if issubclass(base, DiagnosedError):
        return base
    with _lock:
        cls = _classes.get(base)
        if cls is None:
            cls = type(
                base.__name__,
                (base, DiagnosedError),
                {
                    "__module__": base.__module__,
                    "__qualname__": base.__qualname__,
                    "__doc__": base.__doc__,
                    "_fd_base": base,
                    # in the class itself: the SDK class may define its own __str__
                    "__str__": _enriched_str,
                    "__reduce__": _reduce_to_base,
                },
            )
            _classes[base] = cls
    return cls  # type: ignore[return-value]


def attach(exc: E, diagnosis: Diagnosis, *, brief: bool = False) -> E:
    """Turn ``exc`` into its enriched subclass in place and set ``.diagnosis``.

    The object stays the same (same attributes, traceback, cause); only its class changes to
    the subclass of its own class. ``brief=True`` appends only the one line of
    :func:`brief_line`, for an exception wrapping one that shows the diagnosis in full.
    """
    cls = diagnosed_class(type(exc))
    exc.__class__ = cls
    exc.diagnosis = diagnosis  # type: ignore[attr-defined]
    if brief:
        setattr(exc, _BRIEF, True)
    return exc


def told_along(diagnosis: Diagnosis, start: BaseException | None = None) -> bool:
    """Whether an exception along the chain from ``start`` (by default: the exception being
    handled, which a wrapping exception built in an ``except`` block is raised from) already
    shows ``diagnosis`` in full."""
    current: BaseException | None = sys.exc_info()[1] if start is None else start
    for _ in range(_CHAIN_LIMIT):
        if current is None:
            return False
        if (
            isinstance(current, DiagnosedError)
            and getattr(current, _DIAGNOSIS, None) is diagnosis
            and not getattr(current, _BRIEF, False)
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
