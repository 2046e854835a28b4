"""The openai integration: ``instrument_openai(client)`` for ``AzureOpenAI``,
``AsyncAzureOpenAI`` and ``OpenAI`` / ``AsyncOpenAI`` pointed at an Azure ``/openai/v1/``
endpoint (also the client ``azure-ai-projects``' ``get_openai_client()`` returns).

How it hooks in, and why this way
---------------------------------
openai builds every status error in one place: after its retry loop has given up, the client
calls ``self._make_status_error(err_msg, body=..., response=...)`` with the final response (body
already read, for streamed calls too) and raises what it returns. ``instrument_openai`` swaps the
client's class for a subclass (same name, module and qualname, so ``repr``, the ``User-Agent``
openai derives from the class name, and ``isinstance`` checks are unchanged) whose
``_make_status_error`` calls openai's own, then diagnoses the response and returns that same
exception enriched (:func:`~foundry_doctor.integrations.enriched.attach`). This one mechanism is
used on every supported release (openai 1.109.x, 2.x, 3.x; same private signature throughout)
because it is the only one that is right on all of them:

* it runs once per failed call, after openai's retries, so a call sends exactly the requests it
  would send without us and openai's retry behaviour is untouched;
* the exception is the one openai builds itself, message format and attributes included, on
  whatever release is installed;
* the success path does not run a line of ours, and streams stay streams;
* ``with_options()`` / ``copy()`` build their copies with ``self.__class__(...)``, so copies keep
  it, even ``copy(http_client=...)`` with a new http client, and it affects only clients that were
  instrumented, never others sharing the same http client.

A response event hook (:mod:`foundry_doctor.integrations.httpx_hooks`) would instead run on every
response, be shared by every client on that http client, and, before openai 2.31, turn its
exception into a retried ``APIConnectionError``. The hooks stay available for code that builds
its own http client; when both are in place the hook's diagnosis is reused, so there is still
one WARNING record per failure.

The price: ``type(client) is AzureOpenAI`` no longer holds (``isinstance`` does), and the
mechanism rests on two private methods; should a future openai release lack them,
``instrument_openai`` falls back to the event hook on the client's http client.

Only 400/401/403/404 are looked at, and a 400 only when a rule recognises it. If anything goes
wrong while diagnosing, the caller gets openai's own exception unchanged and a DEBUG record on
``foundry_doctor`` says why. The client's key or token is only classified (a key, a JWT, a
provider callable), never kept or logged; a token's claims come from the request that failed.
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

import openai

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis import Diagnosis
from foundry_doctor.facts.endpoints import classify_endpoint
from foundry_doctor.integrations.enriched import attach
from foundry_doctor.integrations.httpx_hooks import (
    WATCHED_STATUSES,
    diagnose_response,
    diagnosis_of,
    install_hooks,
)
from foundry_doctor.integrations.openai_facts import OpenAIProfile, sender_class_name
from foundry_doctor.integrations.reporting import report

__all__ = ["instrument_openai", "is_instrumented", "status_error"]

logger = logger_for("foundry_doctor")

C = TypeVar("C")

#: (openai client class, include_personal) -> its instrumented subclass
_classes: dict[tuple[type[Any], bool], type[Any]] = {}
_lock = threading.Lock()

#: the private methods of openai's clients this relies on (the same from 1.109 to 3.x)
_OPENAI_ERROR_PATH = ("_make_status_error", "_make_status_error_from_response")

#: class attribute of an instrumented subclass: the openai class it extends
_BASE_ATTRIBUTE = "_foundry_doctor_base"


def instrument_openai(client: C, *, include_personal: bool = False) -> C:
    """Make ``client`` explain its 400/401/403/404 failures, and return the same client.

    ``client`` is an ``openai.AzureOpenAI`` / ``AsyncAzureOpenAI``, or an ``openai.OpenAI`` /
    ``AsyncOpenAI`` for an Azure ``/openai/v1/`` endpoint; an openai ``DefaultHttpxClient`` /
    ``DefaultAsyncHttpxClient`` gets the event hook (:func:`~foundry_doctor.install_hooks`).
    Calling it again changes nothing (except ``include_personal``, which the last call sets);
    ``with_options()`` / ``copy()`` of an instrumented client are instrumented too.

    Raises ``TypeError`` for anything else, and ``ValueError`` for a plain ``OpenAI`` client
    that talks to the OpenAI platform (``api.openai.com``) rather than to Azure.
    """
    if isinstance(getattr(client, "event_hooks", None), dict) and not isinstance(
        client, (openai.OpenAI, openai.AsyncOpenAI)
    ):
        return install_hooks(client)
    if not isinstance(client, (openai.OpenAI, openai.AsyncOpenAI)):
        raise TypeError(
            f"foundry_doctor cannot instrument {type(client).__name__}: expected an openai "
            "AzureOpenAI, AsyncAzureOpenAI, OpenAI or AsyncOpenAI client"
        )
    base: type[Any] = getattr(type(client), _BASE_ATTRIBUTE, type(client))
    if any("Bedrock" in klass.__name__ for klass in base.__mro__):
        raise TypeError(
            f"foundry_doctor cannot instrument {base.__name__}: it explains Azure OpenAI and "
            "Foundry endpoints"
        )
    if not isinstance(client, (openai.AzureOpenAI, openai.AsyncAzureOpenAI)):
        info = classify_endpoint(str(client.base_url))
        if info is not None and info.family == "openai-platform":
            raise ValueError(
                f"this {base.__name__} client talks to {info.origin}, not to Azure: "
                "foundry_doctor explains Azure OpenAI and Foundry endpoints (base_url="
                "'https://<resource>.openai.azure.com/openai/v1/')"
            )
    if not all(callable(getattr(base, name, None)) for name in _OPENAI_ERROR_PATH):
        # an openai release that builds its errors some other way: fall back to the hook on the
        # client's http client (it raises the diagnosed error itself on openai >= 2.31)
        logger.debug(
            "openai %s has no _make_status_error; using the event hook", openai.__version__
        )
        install_hooks(client._client)
        return client
    client.__class__ = _instrumented_class(base, include_personal)
    return client


def is_instrumented(client: object) -> bool:
    """Whether ``client`` is an openai client that :func:`instrument_openai` instrumented."""
    return getattr(type(client), _BASE_ATTRIBUTE, None) is not None


def _instrumented_class(base: type[Any], include_personal: bool) -> type[Any]:
    key = (base, include_personal)
    with _lock:
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
        error: openai.APIStatusError = super(cls, self)._make_status_error(
            err_msg, body=body, response=response
        )
        if response.status_code not in WATCHED_STATUSES:
            return error
        return _enriched(self, error, response, include_personal=include_personal)

    cls._make_status_error = _make_status_error
    return cls


def _enriched(
    client: object, error: openai.APIStatusError, response: Any, *, include_personal: bool
) -> openai.APIStatusError:
    """``error`` carrying the diagnosis of ``response``; ``error`` unchanged when there is none
    or anything fails. Never raises."""
    try:
        diagnosis: Diagnosis | None = diagnosis_of(response)  # a hook got there first
        if diagnosis is None:
            diagnosis = diagnose_response(
                response, OpenAIProfile.of(client), include_personal=include_personal
            )
            if diagnosis is None:
                return error
            report(diagnosis, sdk="openai")
        return attach(error, diagnosis)
    except Exception:
        logger.debug(
            "foundry-doctor could not diagnose this response; openai's error is unchanged",
            exc_info=True,
        )
        return error


#: clients never constructed (no ``__init__``), used only to run openai's own error builders
_builders: dict[type[Any], Any] = {}


def status_error(response: Any) -> openai.APIStatusError:
    """The exception openai raises for an error ``response`` (body already read), built by
    openai's own code (``_make_status_error_from_response``) of the client class that sent it,
    so the message format is exactly the installed release's."""
    name = sender_class_name(response.request.headers) or "OpenAI"
    klass: type[Any] = getattr(openai, name, openai.OpenAI)
    builder = _builders.get(klass)
    if builder is None:
        builder = object.__new__(klass)
        _builders[klass] = builder
    error: openai.APIStatusError = builder._make_status_error_from_response(response)
    return error
