"""LiteLLM: ``foundry_doctor.instrument(litellm)``, once, for every ``completion`` /
``acompletion`` / ``embedding`` / ``aembedding`` call to an ``azure/...`` model.

LiteLLM holds no client object an application could pass: it builds its openai clients itself,
per set of parameters, and caches them. It maps every openai exception to one of its own
classes (``litellm.AuthenticationError``, ``NotFoundError``, ... which extend openai's), built
in the ``except`` block that caught openai's, with a text rebuilt from the body's ``message``.
``instrument(litellm)`` makes every exception of those classes, as it is built, find the openai
exception it maps (the exception being handled, or along its chain), diagnose the exchange that
one holds (its response, body read by openai, and the request as sent: the same facts as the
event hooks see), log the one WARNING record and carry the diagnosis (in full; in the brief
form when an instrumented client's exception along the chain shows it already).

Why this way: LiteLLM classifies an error by the words of ``str(openai_error)`` first
("DeploymentNotFound", "Internal server error", content-policy and context-window phrases)
and by its status after. The openai exception it reads is left exactly as it was, so the class
the application gets is LiteLLM's own choice, as without foundry-doctor, and so are its
retries (``num_retries``, each a new call: the repeated diagnosis is logged once,
:mod:`~foundry_doctor.integrations.repeats`). LiteLLM's failure callbacks would not do: with
retries, LiteLLM calls them once per call, for the first attempt, not for the exception it
finally raises.

A call with ``client=foundry_doctor.instrument(AzureOpenAI(...))`` is diagnosed by the
instrumented client instead (and its openai exception then carries our text, which LiteLLM
reads: the rules' texts contain none of the phrases it classifies by, and a test keeps it so).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any, Final

from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.integrations.enriched import DiagnosedError
from foundry_doctor.integrations.explain import EXTENSION_KEY
from foundry_doctor.integrations.frameworks.errors import wrapped_diagnosis
from foundry_doctor.integrations.httpx_hooks import WATCHED_STATUSES, ExchangeWatcher
from foundry_doctor.integrations.pending import enrich_when_built, mark, resolve

__all__ = ["NAME", "PACKAGES", "SUPPORTED", "instrument_object", "is_litellm"]

#: the framework, as messages name it
NAME = "LiteLLM"
#: the top-level packages its classes come from
PACKAGES = ("litellm",)

#: what instrument() takes of it, as its TypeError names it
SUPPORTED = "the litellm module (foundry_doctor.instrument(litellm))"

#: the watcher of the exchanges LiteLLM's openai clients had (openai sent them)
_WATCHER: Final = ExchangeWatcher("openai")
#: how far along an exception chain the openai exception is looked for
_CHAIN_LIMIT = 16
#: ``include_personal`` of the last ``instrument(litellm)``
_include_personal = False


def is_litellm(obj: object) -> bool:
    """Whether ``obj`` is the ``litellm`` module itself."""
    return isinstance(obj, ModuleType) and obj.__name__ == "litellm"


def instrument_object(module: object, *, include_personal: bool) -> bool:
    """Make LiteLLM's exceptions carry the diagnosis (once; ``include_personal`` is the last
    call's)."""
    if not is_litellm(module):
        return False
    global _include_personal
    _include_personal = include_personal
    exceptions = importlib.import_module("litellm.exceptions")
    for value in vars(exceptions).values():
        if (
            isinstance(value, type)
            and issubclass(value, BaseException)
            and value.__module__.split(".", 1)[0] == "litellm"
        ):
            enrich_when_built(value, _mapped_diagnosis)
    return True


def _mapped_diagnosis(error: BaseException) -> Diagnosis | None:
    """The diagnosis of the openai exception a LiteLLM exception being built maps: the nearest
    one along the exception being handled (each retry's own, so that it counts as a repeat),
    else one the arguments or the chain carry."""
    if isinstance(error, DiagnosedError):
        return None
    diagnosis = _diagnose_chain(sys.exc_info()[1], include_personal=_include_personal)
    if diagnosis is None:
        return wrapped_diagnosis(error)
    return None if diagnosis.summary in _text(error) else diagnosis


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # a LiteLLM exception still being built may not print yet
        return ""


def _diagnose_chain(error: BaseException | None, *, include_personal: bool) -> Diagnosis | None:
    """The diagnosis of the failed exchange an exception along ``error``'s chain holds (the
    openai exception LiteLLM maps; LiteLLM's own exceptions hold a copy of the response
    without the request's credentials), diagnosed and reported now (once per response)."""
    current: BaseException | None = error
    for _ in range(_CHAIN_LIMIT):
        if current is None:
            return None
        response = getattr(current, "response", None) if _is_openai_own(current) else None
        extensions = getattr(response, "extensions", None)
        if (
            isinstance(extensions, dict)
            and getattr(response, "status_code", None) in WATCHED_STATUSES
            and _has_request(response)
        ):
            watcher = (
                ExchangeWatcher("openai", include_personal=True) if include_personal else _WATCHER
            )
            mark(extensions, EXTENSION_KEY, watcher)
            return resolve(extensions, EXTENSION_KEY, response)
        current = current.__cause__ or current.__context__
    return None


def _is_openai_own(error: BaseException) -> bool:
    """Whether ``error`` is an exception of the openai package itself (not of a package that
    extends openai's classes, as LiteLLM does)."""
    return type(error).__module__.split(".", 1)[0] == "openai"


def _has_request(response: Any) -> bool:
    try:
        return response.request is not None  # httpx raises for a response made without one
    except Exception:
        return False
