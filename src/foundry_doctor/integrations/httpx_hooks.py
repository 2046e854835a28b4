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
On a success they compare the status code and return: a streamed body stays a stream. On a
400/401/403/404 they read the body, diagnose the exchange, log the one WARNING record, and then:

* **openai >= 2.31** (any 3.x included) lets an ``openai.OpenAIError`` raised in a hook
  propagate unchanged, without a retry. For a request that openai sent, the hook raises the
  exception openai itself would have raised (``AuthenticationError``, ``PermissionDeniedError``,
  ``NotFoundError``, ``BadRequestError``), built by openai's own code from the same response,
  carrying ``.diagnosis``.
* **older openai** (1.x, 2.0 to 2.30) wraps anything a hook raises into an ``APIConnectionError``
  and *retries the request*, so there the hook raises nothing. It stores the diagnosis on the
  response (:func:`diagnosis_of` reads it back from ``exc.response``), and an instrumented client
  attaches that same diagnosis to the exception openai raises, without a second WARNING.

A 400 that no rule recognises is left alone. If anything goes wrong while diagnosing, the hook
returns quietly (a DEBUG record on ``foundry_doctor`` says why) and openai raises its usual
exception.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, Final, TypeVar

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis import Diagnosis, diagnose
from foundry_doctor.facts.versions import installed_versions
from foundry_doctor.integrations.enriched import attach
from foundry_doctor.integrations.explain import EXTENSION_KEY, diagnosis_of
from foundry_doctor.integrations.openai_facts import OpenAIProfile, observe_exchange
from foundry_doctor.integrations.reporting import report

__all__ = [
    "EXTENSION_KEY",
    "WATCHED_STATUSES",
    "async_response_hook",
    "diagnosis_of",
    "install_hooks",
    "response_hook",
]

logger = logger_for("foundry_doctor")

#: statuses the hooks look at; everything else passes straight through
WATCHED_STATUSES: Final = frozenset({400, 401, 403, 404})


#: the first openai release that lets an ``OpenAIError`` raised in an event hook propagate as-is
#: (earlier ones wrap it into ``APIConnectionError`` and retry; wire.md B.2)
HOOK_ERRORS_PROPAGATE_SINCE: Final = (2, 31)

H = TypeVar("H")


def response_hook(response: Any) -> None:
    """Response event hook for a synchronous ``httpx`` / ``httpx2`` client."""
    if response.status_code not in WATCHED_STATUSES:
        return
    try:
        response.read()
    except Exception:
        logger.debug("foundry-doctor could not read the error body", exc_info=True)
    error = _hook_error(response)
    if error is not None:
        raise error


async def async_response_hook(response: Any) -> None:
    """Response event hook for an asynchronous ``httpx`` / ``httpx2`` client."""
    if response.status_code not in WATCHED_STATUSES:
        return
    try:
        await response.aread()
    except Exception:
        logger.debug("foundry-doctor could not read the error body", exc_info=True)
    error = _hook_error(response)
    if error is not None:
        raise error


_HOOKS: Final = (response_hook, async_response_hook)


def install_hooks(http_client: H) -> H:
    """Append the foundry-doctor response hook to ``http_client`` (an ``httpx`` / ``httpx2``
    ``Client`` or ``AsyncClient``, e.g. ``openai.DefaultHttpxClient()``) and return it.

    The async hook goes on async clients, the sync one on the others. Hooks already there
    (openai 3.x's ``AzureOpenAI`` adds a request hook of its own) are kept; installing twice
    installs once. Raises ``TypeError`` for an object without ``event_hooks``.
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
    hooks: list[Callable[..., Any]] = event_hooks["response"]
    if any(hook in _HOOKS for hook in hooks):
        return http_client
    hooks.append(async_response_hook if _is_async_client(http_client) else response_hook)
    return http_client


def _is_async_client(http_client: object) -> bool:
    return any(klass.__name__ == "AsyncClient" for klass in type(http_client).__mro__)


def _hook_error(response: Any) -> BaseException | None:
    """Diagnose a watched response for a hook; the exception the hook should raise, if any.

    Never raises.
    """
    try:
        if _will_be_retried(response):
            return None  # an intermediate answer; the final one is diagnosed
        diagnosis = diagnose_response(response)
        if diagnosis is None:
            return None
        report(diagnosis, sdk="openai")
        _remember(response, diagnosis)
    except Exception:
        logger.debug(
            "foundry-doctor could not diagnose this response; openai raises its own error",
            exc_info=True,
        )
        return None
    if not (_hook_errors_propagate() and _sent_by_openai(response)):
        return None
    try:
        from foundry_doctor.integrations.openai_client import status_error

        return attach(status_error(response), diagnosis)
    except Exception:
        logger.debug(
            "foundry-doctor could not build openai's exception; openai raises its own error",
            exc_info=True,
        )
        return None


def diagnose_response(
    response: Any, profile: OpenAIProfile | None = None, *, include_personal: bool = False
) -> Diagnosis | None:
    """The diagnosis of a failed exchange (body already read), or ``None`` for a 400 that no
    rule recognises (a bad parameter, a content filter: not ours to explain). May raise."""
    facts = observe_exchange(response, profile)
    diagnosis = diagnose(facts, include_personal=include_personal)
    if diagnosis.status == 400 and diagnosis.rule == "unknown":
        return None
    return diagnosis


def _remember(response: Any, diagnosis: Diagnosis) -> None:
    extensions = getattr(response, "extensions", None)
    if isinstance(extensions, dict):
        extensions[EXTENSION_KEY] = diagnosis


def _sent_by_openai(response: Any) -> bool:
    """Whether the request came from the openai SDK (it sends its ``X-Stainless-*`` headers):
    only then is an openai exception the right thing to raise."""
    try:
        return response.request.headers.get("x-stainless-lang") is not None
    except Exception:
        return False


def _will_be_retried(response: Any) -> bool:
    """Whether openai retries this response anyway (the service asked for it with
    ``x-should-retry: true``); raising here would cut that retry short."""
    value = response.headers.get("x-should-retry")
    return isinstance(value, str) and value.strip().lower() == "true"


@functools.lru_cache(maxsize=1)
def _hook_errors_propagate() -> bool:
    """Whether the openai in use propagates an ``OpenAIError`` raised in an event hook."""
    module = sys.modules.get("openai")  # the one imported, if any; else the installed one
    version = getattr(module, "__version__", None) or installed_versions().get("openai")
    if not isinstance(version, str):
        return False
    parts: list[int] = []
    for piece in version.split(".")[:2]:
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        parts.append(int(digits) if digits else 0)
    return tuple(parts) >= HOOK_ERRORS_PROPAGATE_SINCE
