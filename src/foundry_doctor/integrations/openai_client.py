"""The openai integration: ``instrument_openai(client)`` for ``AzureOpenAI``,
``AsyncAzureOpenAI``, ``OpenAI`` / ``AsyncOpenAI`` (the ones pointed at an Azure ``/openai/v1/``
endpoint are what it is for; also the client ``azure-ai-projects``' ``get_openai_client()``
returns) and an application's own subclasses of them.

How it hooks in, and why this way
---------------------------------
openai builds every status error in one place: after its retry loop (and, on releases that have
it, the workload-identity token refresh) has given up, the client calls
``self._make_status_error(err_msg, body=..., response=...)`` with the final response (body
already read, for streamed calls too) and raises what it returns. ``instrument_openai`` swaps the
client's class for a subclass (same name, module and qualname, so ``repr``, the ``User-Agent``
openai derives from the class name, and ``isinstance`` checks are unchanged) whose
``_make_status_error`` marks that response with what the client was configured with and calls
openai's own; the ``APIStatusError`` openai builds from a marked response is diagnosed as it is
built and becomes the same-name subclass carrying ``.diagnosis``
(:mod:`foundry_doctor.integrations.pending`). This one mechanism is used on every supported
release (openai 1.109.x, 2.x, 3.x; same private signature throughout) because it is right on
all of them:

* it runs once per failed call, after openai's retries and token refreshes, so a call sends
  exactly the requests it would send without us and openai's recovery is untouched;
* the exception is the one openai builds itself, message format and attributes included, on
  whatever release is installed;
* the success path does not run a line of ours, and streams stay streams;
* ``with_options()`` / ``copy()`` build their copies with ``self.__class__(...)``, so copies keep
  it, even ``copy(http_client=...)`` with a new http client, and it affects only clients that were
  instrumented, never others sharing the same http client.

The response event hooks (:mod:`foundry_doctor.integrations.httpx_hooks`) mark responses the
same way, for code that builds its own http client; when both are in place the client's mark
(which knows the configuration) is the one used, and there is still one WARNING record per
failure.

The price: ``type(client) is AzureOpenAI`` no longer holds (``isinstance`` does), and the
mechanism rests on two private methods; should a future openai release lack them,
``instrument_openai`` falls back to the event hook on the client's http client.

Only 400/401/403/404 are looked at, a 400 only when a rule recognises it, and a host that is no
Azure AI service only when a rule has something specific to say: an ``OpenAI`` client for
api.openai.com or a local server is accepted and stays quiet otherwise. If anything goes wrong
while diagnosing, the caller gets openai's own exception unchanged and a DEBUG record on
``foundry_doctor`` says why. The client's key or token is only classified (a key, a JWT, a
provider callable), never kept or logged; a token's claims come from the request that failed.
"""

from __future__ import annotations

import inspect
import threading
from typing import Any, TypeVar

import openai

from foundry_doctor._logging import logger_for
from foundry_doctor.integrations.explain import EXTENSION_KEY
from foundry_doctor.integrations.httpx_hooks import (
    WATCHED_STATUSES,
    ExchangeWatcher,
    enrich_openai_errors,
    install_hooks,
)
from foundry_doctor.integrations.openai_facts import OpenAIProfile
from foundry_doctor.integrations.pending import mark

__all__ = ["instrument_openai", "is_instrumented", "is_openai_client"]

logger = logger_for("foundry_doctor")

C = TypeVar("C")

#: (openai client class, include_personal) -> its instrumented subclass
_classes: dict[tuple[type[Any], bool], type[Any]] = {}
#: guards _classes and the class swap, so concurrent calls on one client install once
_lock = threading.Lock()

#: the private methods of openai's clients this relies on (the same from 1.109 to 3.x)
_OPENAI_ERROR_PATH = ("_make_status_error", "_make_status_error_from_response")

#: where openai calls the token provider (azure_ad_token_provider=, a callable api_key=) before
#: each request: the same name on every supported release
_PREPARE_OPTIONS = "_prepare_options"

#: class attribute of an instrumented subclass: the openai class it extends
_BASE_ATTRIBUTE = "_foundry_doctor_base"

#: the openai client classes (an application's subclasses of them are accepted too)
_CLIENT_CLASSES = (openai.OpenAI, openai.AsyncOpenAI)


def is_openai_client(client: object) -> bool:
    """Whether ``client`` is an openai ``OpenAI`` / ``AsyncOpenAI`` client (``AzureOpenAI`` and
    any subclass included)."""
    return isinstance(client, _CLIENT_CLASSES)


def instrument_openai(client: C, *, include_personal: bool = False) -> C:
    """Make ``client`` explain its 400/401/403/404 failures, and return the same client.

    ``client`` is an ``openai.AzureOpenAI`` / ``AsyncAzureOpenAI`` / ``OpenAI`` /
    ``AsyncOpenAI`` or a subclass of one; an ``httpx`` / ``httpx2`` client (e.g. openai's
    ``DefaultHttpxClient``) gets the event hook (:func:`~foundry_doctor.install_hooks`).
    Calling it again changes nothing (except ``include_personal``, which the last call sets),
    also from several threads at once; ``with_options()`` / ``copy()`` of an instrumented
    client are instrumented too.

    Raises ``TypeError`` for anything else.
    """
    if not is_openai_client(client):
        if isinstance(getattr(client, "event_hooks", None), dict):
            return install_hooks(client)
        raise TypeError(
            f"foundry_doctor cannot instrument {type(client).__name__}: expected an openai "
            "client (AzureOpenAI, AsyncAzureOpenAI, OpenAI, AsyncOpenAI or a subclass) or an "
            "httpx / httpx2 client"
        )
    with _lock:
        base: type[Any] = getattr(type(client), _BASE_ATTRIBUTE, type(client))
        if not all(callable(getattr(base, name, None)) for name in _OPENAI_ERROR_PATH):
            # an openai release that builds its errors some other way: fall back to the hook on
            # the client's http client
            logger.debug(
                "openai %s has no _make_status_error; using the event hook", openai.__version__
            )
            install_hooks(client._client)  # type: ignore[attr-defined]
            return client
        enrich_openai_errors()
        client.__class__ = _instrumented_class(base, include_personal)
    return client


def is_instrumented(client: object) -> bool:
    """Whether ``client`` is an openai client that :func:`instrument_openai` instrumented."""
    return getattr(type(client), _BASE_ATTRIBUTE, None) is not None


def _instrumented_class(base: type[Any], include_personal: bool) -> type[Any]:
    key = (base, include_personal)
    cls = _classes.get(key)
    if cls is None:
        cls = _make_class(base, include_personal)
        _classes[key] = cls
    return cls


def _make_class(base: type[Any], include_personal: bool) -> type[Any]:
    cls: type[Any] = type(
        base.__name__,
        (base,),
        {
            "__module__": base.__module__,
            "__qualname__": base.__qualname__,
            "__doc__": base.__doc__,
            _BASE_ATTRIBUTE: base,
        },
    )

    def _make_status_error(
        self: Any, err_msg: str, *, body: object, response: Any
    ) -> openai.APIStatusError:
        if response.status_code in WATCHED_STATUSES:
            _mark(self, response, include_personal=include_personal)
        error: openai.APIStatusError = super(cls, self)._make_status_error(
            err_msg, body=body, response=response
        )
        return error

    cls._make_status_error = _make_status_error
    if inspect.iscoroutinefunction(getattr(base, _PREPARE_OPTIONS, None)):

        async def _prepare_options_async(self: Any, options: Any) -> Any:
            try:
                return await super(cls, self)._prepare_options(options)
            except Exception as error:
                _explain_token_failure(self, error, include_personal=include_personal)
                raise

        setattr(cls, _PREPARE_OPTIONS, _prepare_options_async)
    elif callable(getattr(base, _PREPARE_OPTIONS, None)):

        def _prepare_options(self: Any, options: Any) -> Any:
            try:
                return super(cls, self)._prepare_options(options)
            except Exception as error:
                _explain_token_failure(self, error, include_personal=include_personal)
                raise

        setattr(cls, _PREPARE_OPTIONS, _prepare_options)
    return cls


def _explain_token_failure(client: object, error: BaseException, *, include_personal: bool) -> None:
    """A token provider's exception raised in ``_prepare_options`` (before any request):
    enriched in place when it is a credential's. Never raises."""
    from foundry_doctor.integrations.credential_errors import enrich_credential_error

    try:
        profile = OpenAIProfile.of(client)
    except Exception:
        logger.debug("foundry-doctor could not read this client's profile", exc_info=True)
        return
    enrich_credential_error(
        error,
        sdk="openai",
        client=profile.client,
        endpoint=profile.endpoint,
        include_personal=include_personal,
    )


def _mark(client: object, response: Any, *, include_personal: bool) -> None:
    """Mark ``response`` with what ``client`` was configured with. Never raises."""
    try:
        watcher = ExchangeWatcher(
            "openai", OpenAIProfile.of(client), include_personal=include_personal
        )
        mark(response.extensions, EXTENSION_KEY, watcher)
    except Exception:
        logger.debug("foundry-doctor could not mark this response", exc_info=True)
