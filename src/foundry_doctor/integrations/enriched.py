"""Exceptions that keep the SDK's own type and also carry a diagnosis.

:func:`diagnosed_class` makes (once per SDK class) a subclass of the SDK's exception class that
adds ``.diagnosis`` and appends the rendered diagnosis to ``str(exc)``. The subclass keeps the
SDK class's name and module, so tracebacks and ``except`` clauses read exactly as before.

An enriched exception pickles as the plain SDK exception, without its diagnosis: it unpickles
(or fails to, as some SDK exceptions do) exactly like the bare one, also in a process that does
not have foundry-doctor (multiprocessing, Celery). ``copy.copy`` gives that plain exception too.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from foundry_doctor.diagnosis.model import Diagnosis

__all__ = ["DiagnosedError", "attach", "diagnosed_class"]

E = TypeVar("E", bound=BaseException)

_classes: dict[type[BaseException], type[BaseException]] = {}
#: the attribute an enriched exception carries its diagnosis in
_DIAGNOSIS = "diagnosis"
_lock = threading.Lock()


class DiagnosedError(BaseException):
    """Marker base of every enriched exception class: ``isinstance(exc, DiagnosedError)``
    tells that ``exc.diagnosis`` is set. Only ever used as a mixin next to an SDK class."""

    diagnosis: Diagnosis
    _fd_base: type[BaseException]


def _enriched_str(self: DiagnosedError) -> str:
    text = self._fd_base.__str__(self)
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
    if len(parts) > 2 and isinstance(parts[2], dict) and _DIAGNOSIS in parts[2]:
        parts[2] = {name: value for name, value in parts[2].items() if name != _DIAGNOSIS}
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


def attach(exc: E, diagnosis: Diagnosis) -> E:
    """Turn ``exc`` into its enriched subclass in place and set ``.diagnosis``.

    The object stays the same (same attributes, traceback, cause); only its class changes to
    the subclass of its own class.
    """
    cls = diagnosed_class(type(exc))
    exc.__class__ = cls
    exc.diagnosis = diagnosis  # type: ignore[attr-defined]
    return exc
