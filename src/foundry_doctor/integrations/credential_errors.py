"""A credential that could not get a token, caught on its way out of a client: its own
exception, enriched in place.

No request reaches the service then, and the SDK has nothing to build: the exception is the
credential's (azure-identity's ``ClientAuthenticationError`` / ``CredentialUnavailableError``,
or a ``ValueError`` it raised for an argument). It leaves an azure-core pipeline through
``BearerTokenCredentialPolicy.on_request``, and so through
:meth:`~foundry_doctor.integrations.azure_core.DiagnosticsPolicy.on_exception`; it leaves an
openai client through ``_prepare_options``, where the token provider runs
(:mod:`~foundry_doctor.integrations.openai_client`); ``foundry_doctor.explain(exc)`` reads a
bare one too. :func:`enrich_credential_error` turns it into the same-name subclass carrying
``.diagnosis`` (the object stays the same: attributes, traceback, cause), appends the
explanation to ``str(exc)``, and logs one WARNING record. (A ``ValueError`` cannot change its
class: it gets the explanation as a note instead.)

What the failure showed is read from the exception alone, without calling anything: its
message and status, and its traceback - the frames of the credential that raised it say which
credential it was (the outermost one: a chain, not its link), the scopes it was asked for
(the ``scopes`` argument of ``get_token``) and the tenant and client ids it holds (ids only,
never a secret: a value that is not shaped like an id is not read). The names - never the
values - of the identity variables set in the process say which Azure host it runs on.
Nothing here imports an SDK: classes are recognised by their module's name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from types import FrameType

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis import Diagnosis, diagnose
from foundry_doctor.facts import CredentialFailure, Facts
from foundry_doctor.facts.versions import installed_versions
from foundry_doctor.integrations.enriched import DiagnosedError, attach
from foundry_doctor.integrations.reporting import report
from foundry_doctor.knowledge.entra import IDENTITY_VARIABLES

__all__ = ["credential_failure_of", "diagnose_credential_error", "enrich_credential_error"]

logger = logger_for("foundry_doctor")

#: modules whose code gets tokens: a frame of theirs in the traceback marks a token failure
_TOKEN_MODULES = ("azure.identity", "msal")
#: the exception class azure-core raises for a failed authentication (and its subclasses)
_AUTHENTICATION_ERROR = ("azure.core.exceptions", "ClientAuthenticationError")
#: at most this many frames of a traceback are looked at
_MAX_FRAMES = 200


def _frames(error: BaseException) -> Iterator[FrameType]:
    tb = error.__traceback__
    count = 0
    while tb is not None and count < _MAX_FRAMES:
        yield tb.tb_frame
        tb = tb.tb_next
        count += 1


def _module(frame: FrameType) -> str:
    name = frame.f_globals.get("__name__")
    return name if isinstance(name, str) else ""


def _in_token_code(module: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in _TOKEN_MODULES)


def _is_authentication_error(error: BaseException) -> bool:
    return any(
        (klass.__module__, klass.__name__) == _AUTHENTICATION_ERROR for klass in type(error).__mro__
    )


def _is_credential(value: object) -> bool:
    return callable(getattr(value, "get_token", None)) or callable(
        getattr(value, "get_token_info", None)
    )


def _credential_name(value: object) -> str:
    """The azure-identity class a credential is (an application's subclass counts as the
    azure-identity class it extends)."""
    for klass in type(value).__mro__:
        if _in_token_code(klass.__module__):
            return klass.__name__
    return type(value).__name__


def is_credential_error(error: BaseException) -> bool:
    """Whether ``error`` was raised while a credential tried to get a token: raised in (or
    through) azure-identity's or MSAL's code, or an authentication error raised by a
    credential's ``get_token``."""
    if isinstance(error, DiagnosedError):
        return False
    authentication = _is_authentication_error(error)
    for frame in _frames(error):
        if _in_token_code(_module(frame)):
            return True
        if authentication and _is_credential(frame.f_locals.get("self")):
            return True
    return False


def _scopes(value: object) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)) and all(isinstance(item, str) for item in value):
        return tuple(value)[:16]
    return ()


def _text_attribute(value: object, name: str) -> str | None:
    try:
        found = getattr(value, name, None)
    except Exception:  # an exotic object: nothing to read
        return None
    return found if isinstance(found, str) else None


def _message(error: BaseException) -> str:
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    try:
        return BaseException.__str__(error)
    except Exception:
        return ""


def credential_failure_of(error: BaseException) -> CredentialFailure:
    """What ``error`` and its traceback show of the failed token request."""
    credential: str | None = None
    scopes: tuple[str, ...] = ()
    tenant = client = None
    for frame in _frames(error):
        owner = frame.f_locals.get("self")
        if owner is None:
            continue
        if (
            credential is None
            and _is_credential(owner)
            and (_in_token_code(_module(frame)) or _is_authentication_error(error))
        ):
            credential = _credential_name(owner)
        if not scopes:
            scopes = _scopes(frame.f_locals.get("scopes"))
        if _in_token_code(_module(frame)):
            tenant = tenant or _text_attribute(owner, "_tenant_id")
            client = client or _text_attribute(owner, "_client_id")
    status = getattr(error, "status_code", None)
    return CredentialFailure.from_text(
        _message(error),
        credential_class=credential,
        scopes=scopes,
        exception=type(error).__name__,
        token_status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        tenant_id=tenant,
        client_id=client,
        environment=(name for name in IDENTITY_VARIABLES if os.environ.get(name)),
    )


def diagnose_credential_error(
    error: BaseException,
    *,
    client: str | None = None,
    endpoint: str | None = None,
    scopes: Sequence[str] | None = None,
    include_personal: bool = False,
) -> Diagnosis | None:
    """The diagnosis of a credential's exception, or ``None`` when ``error`` is none (or
    already carries one). Does not change ``error``. Never raises."""
    try:
        if not is_credential_error(error):
            return None
        failure = credential_failure_of(error)
        facts = Facts.observe(
            status=None,
            client=client,
            endpoint=endpoint,
            credential="token",
            scopes=failure.scopes or scopes or None,
            now=time.time(),
            sdk_versions=installed_versions(),
            credential_failure=failure,
        )
        return diagnose(facts, include_personal=include_personal)
    except Exception:
        logger.debug("foundry-doctor could not diagnose this credential failure", exc_info=True)
        return None


def _attach(error: BaseException, diagnosis: Diagnosis) -> None:
    """``error`` becomes its class's enriched subclass; an exception of a built-in class (a
    credential's ``ValueError``) cannot change class, so it gets the explanation as a note
    (Python 3.11+), which tracebacks show and which pickles as plain text;
    ``foundry_doctor.explain`` diagnoses it again from the exception."""
    try:
        attach(error, diagnosis)
    except TypeError:
        add_note = getattr(error, "add_note", None)
        if callable(add_note):
            add_note(diagnosis.render())


def enrich_credential_error(
    error: BaseException,
    *,
    sdk: str,
    client: str | None = None,
    endpoint: str | None = None,
    scopes: Sequence[str] | None = None,
    include_personal: bool = False,
    attach_to_error: bool = True,
) -> Diagnosis | None:
    """Diagnose a credential's exception on its way out of a client, make it carry the
    diagnosis (unless ``attach_to_error`` is false) and log one WARNING record; ``None`` and
    nothing changed for anything else. Never raises."""
    diagnosis = diagnose_credential_error(
        error, client=client, endpoint=endpoint, scopes=scopes, include_personal=include_personal
    )
    if diagnosis is None:
        return None
    try:
        report(diagnosis, sdk=sdk)
        if attach_to_error:
            _attach(error, diagnosis)
    except Exception:  # the caller gets the credential's exception exactly as it was
        logger.debug("foundry-doctor could not report this credential failure", exc_info=True)
        return None
    return diagnosis
