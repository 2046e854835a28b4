"""Diagnosing a failed response only when the SDK raises for it.

The integrations never decide on their own that a response is a failure: an SDK may retry it,
fetch a new token and send the request again, or treat the status as an answer (azure-core's
``check_existence`` returns ``False`` on a 404). So a policy or hook only *marks* a response it
may have something to say about, with the :class:`Watcher` that can diagnose it, and goes on.
The diagnosis happens when the SDK itself builds its exception from that response:
:func:`enrich_when_built` wraps the ``__init__`` of the SDK's base exception class once, and
after the SDK's own ``__init__`` has run it looks for a mark on the exception's response,
resolves it (one diagnosis and one WARNING record per response, however many exceptions are
built from it) and turns the exception into its enriched subclass
(:func:`~foundry_doctor.integrations.enriched.attach`). The SDK raises its own exception, with
its own class (``error_map`` included), message, model and attributes; it has read the body
itself by then (or not: a streamed response that nobody read is diagnosed without its body).

A mark lives in a mapping that travels with the response (``response.extensions`` of httpx /
httpx2, the ``__dict__`` of an azure-core response) under one key: first the watcher, then the
diagnosis, or :data:`NOTHING` when there was nothing to say or diagnosing failed. Without a mark
the wrapped ``__init__`` costs one dictionary lookup. Nothing here raises to the SDK: a failure
while diagnosing leaves the SDK's exception exactly as it was, and a DEBUG record says why.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, MutableMapping
from typing import Any, Final, Protocol

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.integrations.enriched import attach, told_along
from foundry_doctor.integrations.reporting import report

__all__ = ["NOTHING", "Watcher", "enrich_when_built", "mark", "resolve"]

logger = logger_for("foundry_doctor")


class Watcher(Protocol):
    """Whoever marked a response: knows how to diagnose it, and for which SDK it reports."""

    @property
    def sdk(self) -> str:
        """The SDK named in the WARNING record (``record.diagnosis_sdk``)."""
        ...

    def diagnose(self, response: Any) -> Diagnosis | None:
        """The diagnosis of ``response``, or ``None`` when there is nothing to say. May raise."""
        ...


class _Nothing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOTHING"


#: what a mark holds once resolved without a diagnosis
NOTHING: Final = _Nothing()

#: guards resolving a mark, so one response is diagnosed and reported once
_lock = threading.Lock()

#: attribute of a wrapped ``__init__``: the function it wraps
_WRAPPED = "__foundry_doctor_wraps__"


def mark(slot: MutableMapping[str, Any], key: str, watcher: Watcher) -> None:
    """Leave ``watcher`` on a response (in ``slot``, under ``key``) for the moment the SDK raises
    for it. A later mark replaces an earlier one that is still pending; a resolved one stays."""
    if not isinstance(slot.get(key), (Diagnosis, _Nothing)):
        slot[key] = watcher


def resolve(slot: MutableMapping[str, Any] | None, key: str, response: Any) -> Diagnosis | None:
    """The diagnosis for the mark in ``slot``: diagnosed and reported on the first call, the same
    object afterwards; ``None`` without a mark or a diagnosis. Never raises."""
    if slot is None:
        return None
    value = slot.get(key)
    if value is None or isinstance(value, Diagnosis):
        return value
    with _lock:
        value = slot.get(key)
        if isinstance(value, Diagnosis):
            return value
        if value is None or isinstance(value, _Nothing):
            return None
        slot[key] = NOTHING
    watcher: Watcher = value
    try:
        diagnosis = watcher.diagnose(response)
        if diagnosis is None:
            return None
        report(diagnosis, sdk=watcher.sdk, call=_call_of(response))
    except Exception:
        logger.debug(
            "foundry-doctor could not diagnose this response; the SDK's error is unchanged",
            exc_info=True,
        )
        return None
    slot[key] = diagnosis
    return diagnosis


def _call_of(response: Any) -> tuple[str, str] | None:
    """The method and URL of the request ``response`` answers (httpx, httpx2 and azure-core
    responses all carry ``request.method`` and ``request.url``), for telling repeats apart."""
    try:
        request = response.request  # httpx raises when the response has no request
        method, url = request.method, request.url
    except Exception:
        return None
    if method is None or url is None:
        return None
    return str(method), str(url)


def enrich_when_built(
    error_class: type[BaseException], find: Callable[[BaseException], Diagnosis | None]
) -> None:
    """Wrap ``error_class.__init__`` (once; later calls change nothing) so that every exception
    of that class or a subclass, right after the SDK's own ``__init__``, gets the diagnosis
    ``find`` returns for it attached. ``find`` must be cheap when there is nothing to find."""
    with _lock:
        current = error_class.__dict__.get("__init__")
        if getattr(current, _WRAPPED, None) is not None:
            return
        original: Callable[..., None] = error_class.__init__

        @functools.wraps(original)
        def __init__(self: BaseException, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            try:
                diagnosis = find(self)
                if diagnosis is not None:
                    # built while handling an exception that shows the same diagnosis (a
                    # framework re-raising the SDK's error as its own): the one line only
                    attach(self, diagnosis, brief=told_along(diagnosis))
            except Exception:
                logger.debug("foundry-doctor could not enrich %r", type(self), exc_info=True)

        setattr(__init__, _WRAPPED, original)
        error_class.__init__ = __init__  # type: ignore[method-assign]
