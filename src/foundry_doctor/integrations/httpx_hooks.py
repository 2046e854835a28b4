"""Event hooks for the ``httpx`` / ``httpx2`` client that openai uses.

For code that builds its own http client for openai (or cannot hand the openai client itself
to :func:`foundry_doctor.instrument`)::

    hooks = {"response": [foundry_doctor.response_hook]}
    client = openai.AzureOpenAI(..., http_client=openai.DefaultHttpxClient(event_hooks=hooks))

or, on an http client that already exists, ``foundry_doctor.install_hooks(http_client)``.
``async_response_hook`` is the twin for ``AsyncAzureOpenAI`` / ``AsyncOpenAI`` (httpx awaits the
hooks of an async client, so it needs the ``async def`` one; :func:`install_hooks` picks the
right one by itself).

The hooks are duck-typed: they work on ``httpx`` (openai 1.x / 2.x) and ``httpx2`` (openai 3.x,
also a legacy ``httpx`` client handed to openai 3.x) responses, and this module imports neither.
They never raise, never read a body and never decide that a response is a failure: a hook runs
on *every* response, also on the ones openai is about to retry (``x-should-retry``, 429, 5xx) or
to answer by fetching a new token and sending the request again (openai's workload identity on
a 401). On a 400/401/403/404 a hook only marks the response
(:mod:`foundry_doctor.integrations.pending`) and returns; a success costs a status comparison,
and a streamed body stays a stream.

The diagnosis comes when an exception is built from a marked response: for a request openai
sent, when openai builds its ``APIStatusError`` (``AuthenticationError``, ``NotFoundError``, ...)
for the response it gives up on, body read by openai, on every supported release alike; that
exception becomes the same-name subclass carrying ``.diagnosis``, and one WARNING record is
logged. For a request made directly on the http client, when the caller's
``response.raise_for_status()`` builds the ``HTTPStatusError`` (or when
:func:`~foundry_doctor.integrations.explain.diagnosis_of` asks for it). A 400 that no rule
recognises, or a host that is no Azure AI service with nothing specific to say, gets no
diagnosis. If anything goes wrong while diagnosing, the exception stays exactly the SDK's and a
DEBUG record on ``foundry_doctor`` says why.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, Final, TypeVar

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis import Diagnosis, diagnose
from foundry_doctor.integrations.explain import EXTENSION_KEY, diagnosis_of
from foundry_doctor.integrations.openai_facts import OpenAIProfile, observe_exchange
from foundry_doctor.integrations.pending import enrich_when_built, mark, resolve
from foundry_doctor.integrations.reporting import worth_telling

__all__ = [
    "EXTENSION_KEY",
    "WATCHED_STATUSES",
    "ExchangeWatcher",
    "async_response_hook",
    "diagnose_response",
    "diagnosis_of",
    "enrich_openai_errors",
    "install_hooks",
    "response_hook",
]

logger = logger_for("foundry_doctor")

#: statuses the hooks look at; everything else passes straight through
WATCHED_STATUSES: Final = frozenset({400, 401, 403, 404})

#: serialises install_hooks, so concurrent calls on one http client install once
_install_lock = threading.Lock()

H = TypeVar("H")


class ExchangeWatcher:
    """Diagnoses a marked ``httpx`` / ``httpx2`` exchange: what the request and the response
    show, plus what ``profile`` knows about the openai client, if anything."""

    __slots__ = ("include_personal", "profile", "sdk")

    def __init__(
        self,
        sdk: str,
        profile: OpenAIProfile | None = None,
        *,
        include_personal: bool = False,
    ) -> None:
        self.sdk = sdk
        self.profile = profile
        self.include_personal = include_personal

    def diagnose(self, response: Any) -> Diagnosis | None:
        return diagnose_response(response, self.profile, include_personal=self.include_personal)


#: the watchers of the hooks: for requests openai sent, and for the others
_OPENAI_REQUESTS: Final = ExchangeWatcher("openai")
_OTHER_REQUESTS: Final = ExchangeWatcher("httpx")


def response_hook(response: Any) -> None:
    """Response event hook for a synchronous ``httpx`` / ``httpx2`` client."""
    if response.status_code in WATCHED_STATUSES:
        _mark(response)


async def async_response_hook(response: Any) -> None:
    """Response event hook for an asynchronous ``httpx`` / ``httpx2`` client."""
    if response.status_code in WATCHED_STATUSES:
        _mark(response)


_HOOKS: Final = (response_hook, async_response_hook)


def install_hooks(http_client: H) -> H:
    """Append the foundry-doctor response hook to ``http_client`` (an ``httpx`` / ``httpx2``
    ``Client`` or ``AsyncClient``, e.g. ``openai.DefaultHttpxClient()``) and return it.

    The async hook goes on async clients, the sync one on the others. Hooks already there
    (openai 3.x's ``AzureOpenAI`` adds a request hook of its own) are kept; installing twice,
    also from several threads at once, installs once. Raises ``TypeError`` for an object
    without ``event_hooks``.
    """
    event_hooks = getattr(http_client, "event_hooks", None)
    if not isinstance(event_hooks, dict) or not isinstance(event_hooks.get("response"), list):
        hint = (
            "; for an openai client use foundry_doctor.instrument(client)"
            if type(http_client).__module__.startswith("openai")
            else ""
        )
        raise TypeError(
            f"install_hooks() expects an httpx / httpx2 client, got {type(http_client).__name__}"
            + hint
        )
    hook = async_response_hook if _is_async_client(http_client) else response_hook
    with _install_lock:
        hooks: list[Callable[..., Any]] = event_hooks["response"]
        if not any(existing in _HOOKS for existing in hooks):
            hooks.append(hook)
    return http_client


def _is_async_client(http_client: object) -> bool:
    return any(klass.__name__ == "AsyncClient" for klass in type(http_client).__mro__)


def _mark(response: Any) -> None:
    """Mark a watched response for the exception that may be built from it. Never raises."""
    try:
        extensions = response.extensions
        if _sent_by_openai(response):
            enrich_openai_errors()
            mark(extensions, EXTENSION_KEY, _OPENAI_REQUESTS)
        else:
            _enrich_status_errors_of(response)
            mark(extensions, EXTENSION_KEY, _OTHER_REQUESTS)
    except Exception:
        logger.debug("foundry-doctor could not mark this response", exc_info=True)


def diagnose_response(
    response: Any, profile: OpenAIProfile | None = None, *, include_personal: bool = False
) -> Diagnosis | None:
    """The diagnosis of a failed exchange (with as much of the body as was read), or ``None``
    when there is nothing worth telling (a 400 that no rule recognises, nothing specific off
    Azure). May raise."""
    facts = observe_exchange(response, profile)
    diagnosis = diagnose(facts, include_personal=include_personal)
    return diagnosis if worth_telling(diagnosis, facts.url) else None


def _sent_by_openai(response: Any) -> bool:
    """Whether the request came from the openai SDK (it sends its ``X-Stainless-*`` headers)."""
    try:
        return response.request.headers.get("x-stainless-lang") is not None
    except Exception:
        return False


# --- the exceptions built from marked responses ------------------------------------------------


def _resolved(error: BaseException) -> Diagnosis | None:
    """The diagnosis for an exception being built from a marked response."""
    response = getattr(error, "response", None)
    extensions = getattr(response, "extensions", None)
    if not isinstance(extensions, dict) or EXTENSION_KEY not in extensions:
        return None
    return resolve(extensions, EXTENSION_KEY, response)


def _resolved_unless_openai(error: BaseException) -> Diagnosis | None:
    """The same for httpx's ``HTTPStatusError``, except for a request openai sent: openai builds
    one internally on every error status, also for responses it goes on to retry, and raises
    its own exception for the final one."""
    response = getattr(error, "response", None)
    extensions = getattr(response, "extensions", None)
    if not isinstance(extensions, dict):
        return None
    if getattr(extensions.get(EXTENSION_KEY), "sdk", None) == _OPENAI_REQUESTS.sdk:
        return None
    return _resolved(error)


def enrich_openai_errors() -> None:
    """Make every ``openai.APIStatusError`` built from a marked response carry its diagnosis
    (once per process; openai must be imported already)."""
    module = sys.modules.get("openai")
    error_class = getattr(module, "APIStatusError", None)
    if isinstance(error_class, type) and issubclass(error_class, BaseException):
        enrich_when_built(error_class, _resolved)


def _enrich_status_errors_of(response: Any) -> None:
    """The same for the ``HTTPStatusError`` of the response's own library (httpx or httpx2)."""
    package = type(response).__module__.split(".", 1)[0]
    error_class = getattr(sys.modules.get(package), "HTTPStatusError", None)
    if isinstance(error_class, type) and issubclass(error_class, BaseException):
        enrich_when_built(error_class, _resolved_unless_openai)
