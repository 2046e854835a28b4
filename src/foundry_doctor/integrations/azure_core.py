"""The azure-core integration: a pipeline policy whose diagnosis rides on the SDK's own exception.

:class:`DiagnosticsPolicy` is a ``SansIOHTTPPolicy``. azure-core wraps such a policy in a runner
of its own in every pipeline it joins, and the runner, not the policy, holds the link to the
next policy: one instance can serve any number of pipelines, sync and async, at the same time
(frameworks hand the same keyword arguments to a sync and an async client). The policy keeps no
state per request.

On the success path it compares the status code and returns. On a 400/401/403/404 it only
*marks* the response (:mod:`foundry_doctor.integrations.pending`) and hands it on untouched; the
SDK then does exactly what it does without foundry-doctor: retries it, answers an auth
challenge, returns it as a value (``check_existence`` turns a 404 into ``False``), maps it with
a per-call ``error_map=``, or raises. Only when an ``HttpResponseError`` (of any subclass: the
SDK's, an ``error_map`` class, ``ResourceNotFoundError``, ...) is built from a marked response is
the exchange diagnosed: from the request as it went out (the auth policy has set its header by
then: the policy reads the bearer token's claims, never keeps the token), the response, and the
body as far as the SDK has read it (generated operations read an error body before raising,
even for ``stream=True``; foundry-doctor never reads a byte of its own). The exception keeps
its class, message, ``model`` and ``error`` (``error_format``) and becomes the same-name
subclass that carries ``.diagnosis``; one WARNING record is logged. For that, the policy wraps
``HttpResponseError.__init__`` once, when the first policy is made; without a mark on the
response the wrapper costs one lookup.

Where the policy sits does not matter for what is diagnosed: ``per_call_policies`` (outside
retries and auth challenges, where :func:`instrument_azure_core` puts it) or
``per_retry_policies`` alike; a response the SDK retries or resends never becomes an exception.

``client.send_request(request)`` returns the response, error statuses included, as without
foundry-doctor; ``response.raise_for_status()`` raises the enriched ``HttpResponseError``.
With ``stream=True`` nothing reads the body before the caller; an error that is raised before
the body was read is diagnosed without it.

``raise_errors=False`` leaves exceptions alone: the policy then diagnoses every final
400/401/403/404 as it passes (statuses an operation treats as a value too), logs the WARNING
record and stores the diagnosis in the pipeline context (:data:`CONTEXT_KEY`), for code that
looks at responses itself.

An exception raised below the policy passes through :meth:`DiagnosticsPolicy.on_exception`
and goes on as the same object. A credential that could not get a token (raised by the
authentication policy before any request was sent) is diagnosed there: its exception keeps
its class, becomes the same-name subclass carrying ``.diagnosis`` and logs one WARNING record
(:mod:`~foundry_doctor.integrations.credential_errors`). Anything else (a connection error)
goes on unchanged; a DEBUG record notes it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from azure.core.credentials import AzureKeyCredential, AzureSasCredential
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import SansIOHTTPPolicy

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis import Diagnosis, diagnose
from foundry_doctor.facts import BODY_READ_LIMIT, CredentialKind, Facts
from foundry_doctor.facts.versions import installed_versions
from foundry_doctor.integrations.pending import enrich_when_built, mark, resolve
from foundry_doctor.integrations.reporting import report, worth_telling

__all__ = [
    "CONTEXT_KEY",
    "WATCHED_STATUSES",
    "AsyncDiagnosticsPolicy",
    "ClientProfile",
    "DiagnosticsPolicy",
    "instrument_azure_core",
    "is_azure_core_client",
]

logger = logger_for("foundry_doctor")

#: where ``raise_errors=False`` stores the diagnosis in the pipeline context
CONTEXT_KEY: Final = "foundry_doctor.diagnosis"

#: statuses the policy looks at; everything else passes straight through
WATCHED_STATUSES: Final = frozenset({400, 401, 403, 404})

#: the key of a mark in :data:`_marks`
_MARK: Final = "foundry_doctor.diagnosis"

#: marked responses -> their mark. Kept beside the response rather than in it, so that a
#: pickled response (and an exception holding it) carries nothing of foundry-doctor's
_marks: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()

#: request bodies larger than this are not parsed for the model name
_REQUEST_BODY_PARSE_LIMIT = 1024 * 1024

#: user-agent prefixes of azure-core based SDKs -> (client kind, distribution name)
_USER_AGENTS = (
    ("azsdk-python-ai-inference/", "azure-ai-inference"),
    ("azsdk-python-ai-projects/", "azure-ai-projects"),
)

#: module prefixes of azure-core based SDKs -> client kind
_CLIENT_MODULES = (
    ("azure.ai.inference", "azure-ai-inference"),
    ("azure.ai.projects", "azure-ai-projects"),
)

#: serialises instrument_azure_core, so concurrent calls on one client install once
_install_lock = threading.Lock()

HTTPRequestType = TypeVar("HTTPRequestType")


@dataclass(frozen=True, slots=True)
class ClientProfile:
    """What is known about the client a policy serves: its kind, the endpoint and credential
    it was configured with, and the token scopes it asks for. All optional: a policy added
    by hand knows nothing until it sees a request."""

    client: str | None = None
    endpoint: str | None = None
    credential: CredentialKind | None = None
    scopes: tuple[str, ...] | None = None

    @classmethod
    def of(cls, client: object) -> ClientProfile:
        """Read the profile of an azure-core generated client (azure-ai-inference,
        azure-ai-projects, an application's subclass of one, ...) from its configuration,
        without touching the credential."""
        config = getattr(client, "_config", None)
        endpoint = getattr(config, "endpoint", None)
        scopes = getattr(config, "credential_scopes", None)
        credential = getattr(config, "credential", None)
        return cls(
            client=_client_kind(type(client)),
            endpoint=endpoint if isinstance(endpoint, str) else None,
            credential=_credential_kind(credential),
            scopes=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, Sequence) and not isinstance(scopes, str)
            else None,
        )


def _client_kind(client_type: type[Any]) -> str:
    """The SDK a client class (or the SDK class it extends) comes from."""
    for klass in client_type.__mro__:
        module = klass.__module__
        for prefix, kind in _CLIENT_MODULES:
            if module == prefix or module.startswith(prefix + "."):
                return kind
    return "azure-core"


def _credential_kind(credential: object) -> CredentialKind | None:
    if credential is None:
        return None
    if isinstance(credential, (AzureKeyCredential, AzureSasCredential)):
        return "api-key"
    if hasattr(credential, "get_token") or hasattr(credential, "get_token_info"):
        return "token"
    return None


class _Diagnostician:
    """What a policy knows about its client, and how it turns a failed exchange into a
    diagnosis (the :class:`~foundry_doctor.integrations.pending.Watcher` of its marks)."""

    sdk: Final = "azure-core"

    def __init__(self, profile: ClientProfile, *, include_personal: bool) -> None:
        self.profile = profile
        self.include_personal = include_personal

    def diagnose(self, http_response: Any) -> Diagnosis | None:
        """The diagnosis of ``http_response`` (and the request it answers), or ``None`` when
        there is nothing worth telling. May raise."""
        facts = self.observe(http_response)
        diagnosis = diagnose(facts, include_personal=self.include_personal)
        return diagnosis if worth_telling(diagnosis, facts.url) else None

    def observe(self, http_response: Any) -> Facts:
        http_request = http_response.request
        headers = http_request.headers
        client, sdk_versions = self._client_kind(headers.get("User-Agent") or "")
        return Facts.observe(
            status=http_response.status_code,
            reason=http_response.reason,
            request_headers=headers,
            response_headers=http_response.headers,
            body=_response_body(http_response),
            client=client,
            endpoint=self.profile.endpoint,
            credential=self.profile.credential,
            scopes=self.profile.scopes,
            method=http_request.method,
            url=http_request.url,
            model=_model_of(http_request),
            now=time.time(),
            sdk_versions=sdk_versions,
        )

    def _client_kind(self, user_agent: str) -> tuple[str | None, dict[str, str]]:
        versions = dict(installed_versions())
        client = self.profile.client
        for prefix, kind in _USER_AGENTS:
            start = user_agent.find(prefix)
            if start < 0:
                continue
            if client in (None, "azure-core"):
                client = kind
            version = user_agent[start + len(prefix) :].split(" ", 1)[0]
            if version:
                versions[kind] = version
        return client or "azure-core", versions


def _response_body(http_response: Any) -> bytes | None:
    """What the SDK has read of the body (``None`` for a stream nobody read); never reads."""
    try:
        body = http_response.body()
    except Exception:  # not read: diagnose without the body
        return None
    return bytes(body[:BODY_READ_LIMIT]) if isinstance(body, (bytes, bytearray)) else None


def _model_of(http_request: Any) -> str | None:
    """The ``model`` field of a JSON request body, or the model-routing header."""
    header = http_request.headers.get("x-ms-model-mesh-model-name")
    if isinstance(header, str) and header:
        return header
    content = getattr(http_request, "content", None)
    if content is None:
        content = getattr(http_request, "body", None)
    if isinstance(content, (bytes, bytearray)):
        content = bytes(content[:_REQUEST_BODY_PARSE_LIMIT]).decode("utf-8", "replace")
    if not isinstance(content, str) or len(content) > _REQUEST_BODY_PARSE_LIMIT:
        return None
    if '"model"' not in content:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) else None


# --- the exception the SDK builds --------------------------------------------------------------


def _diagnosis_for(error: BaseException) -> Diagnosis | None:
    """The diagnosis for an ``HttpResponseError`` being built from a marked response."""
    response = getattr(error, "response", None)
    if response is None:
        return None
    try:
        slot = _marks.get(response)
    except TypeError:  # a response that cannot be weakly referenced was never marked
        return None
    return resolve(slot, _MARK, response)


def _mark(http_response: Any, diagnostician: _Diagnostician) -> None:
    try:
        slot = _marks.get(http_response)
        if slot is None:
            slot = _marks.setdefault(http_response, {})
    except TypeError:
        logger.debug("foundry-doctor cannot mark a %s", type(http_response).__name__)
        return
    mark(slot, _MARK, diagnostician)


# --- the policy ----------------------------------------------------------------------------------


class DiagnosticsPolicy(SansIOHTTPPolicy[HTTPRequestType, Any]):
    """Explains the 400/401/403/404 failures of an azure-core pipeline, sync or async.

    Add it with ``per_call_policies=[DiagnosticsPolicy()]`` when building a client, or let
    :func:`foundry_doctor.instrument` add it to an existing one; one instance may serve several
    clients. The keyword arguments describe the client when the policy cannot read it
    (``instrument`` fills them in): ``client`` (``"azure-ai-inference"``, ...), ``endpoint``,
    ``credential`` (``"api-key"`` / ``"token"``) and ``scopes``. ``include_personal=True`` lets
    the diagnosis show the signed-in user's name/upn from the token. ``raise_errors=False``
    leaves the SDK's exceptions alone and only logs (see the module documentation).
    """

    def __init__(
        self,
        *,
        client: str | None = None,
        endpoint: str | None = None,
        credential: CredentialKind | None = None,
        scopes: Sequence[str] | None = None,
        raise_errors: bool = True,
        include_personal: bool = False,
    ) -> None:
        super().__init__()
        profile = ClientProfile(
            client=client,
            endpoint=endpoint,
            credential=credential,
            scopes=tuple(scopes) if scopes is not None else None,
        )
        self._diagnostician = _Diagnostician(profile, include_personal=include_personal)
        self.raise_errors = raise_errors
        enrich_when_built(HttpResponseError, _diagnosis_for)

    @property
    def profile(self) -> ClientProfile:
        return self._diagnostician.profile

    def on_response(
        self,
        request: PipelineRequest[HTTPRequestType],
        response: PipelineResponse[HTTPRequestType, Any],
    ) -> None:
        http_response = response.http_response
        if http_response.status_code not in WATCHED_STATUSES:
            return
        if self.raise_errors:
            _mark(http_response, self._diagnostician)
        else:
            self._observe(request, http_response)

    def on_exception(self, request: PipelineRequest[HTTPRequestType]) -> None:
        """An exception raised below the policy goes on as the same object (the runner
        re-raises it). A credential's failure to get a token (raised by the authentication
        policy) is enriched in place and logged
        (:mod:`~foundry_doctor.integrations.credential_errors`; with ``raise_errors=False``
        only logged, the diagnosis in the pipeline context); anything else passes unchanged."""
        error = sys.exc_info()[1]
        if error is None:
            return
        from foundry_doctor.integrations.credential_errors import enrich_credential_error

        profile = self._diagnostician.profile
        diagnosis = enrich_credential_error(
            error,
            sdk=self._diagnostician.sdk,
            client=profile.client,
            endpoint=profile.endpoint,
            scopes=profile.scopes,
            include_personal=self._diagnostician.include_personal,
            attach_to_error=self.raise_errors,
        )
        if diagnosis is None:
            logger.debug(
                "foundry-doctor leaves %s raised inside the pipeline unchanged",
                type(error).__name__,
            )
        elif not self.raise_errors:
            request.context[CONTEXT_KEY] = diagnosis

    def _observe(self, request: PipelineRequest[HTTPRequestType], http_response: Any) -> None:
        """``raise_errors=False``: diagnose now, report, store in the context. Never raises."""
        try:
            diagnosis = self._diagnostician.diagnose(http_response)
            if diagnosis is None:
                return
            report(diagnosis, sdk=self._diagnostician.sdk)
            request.context[CONTEXT_KEY] = diagnosis
        except Exception:
            logger.debug("foundry-doctor could not diagnose this response", exc_info=True)


class AsyncDiagnosticsPolicy(DiagnosticsPolicy[HTTPRequestType]):
    """The same policy under the name async code has used: :class:`DiagnosticsPolicy` works in
    ``aio`` pipelines as it is."""


_Client = TypeVar("_Client")


def _pipeline_of(client: object) -> Any:
    """The azure-core ``Pipeline`` / ``AsyncPipeline`` behind a generated client (or a
    ``PipelineClient`` itself), or ``None``."""
    for holder in (getattr(client, "_client", None), client):
        pipeline = getattr(holder, "_pipeline", None)
        if pipeline is not None and isinstance(getattr(pipeline, "_impl_policies", None), list):
            return pipeline
    return None


def is_azure_core_client(client: object) -> bool:
    """Whether ``client`` runs on an azure-core pipeline that can be instrumented."""
    return _pipeline_of(client) is not None


def _is_ours(policy: object) -> bool:
    return isinstance(getattr(policy, "_policy", policy), DiagnosticsPolicy)


def instrument_azure_core(
    client: _Client, *, include_personal: bool = False, raise_errors: bool = True
) -> _Client:
    """Put a diagnostics policy at the very front of ``client``'s pipeline; idempotent, also
    when called from several threads at once.

    Returns the same client. Raises ``TypeError`` when the object has no azure-core pipeline.
    """
    pipeline = _pipeline_of(client)
    if pipeline is None:
        raise TypeError(f"{type(client).__name__} is not a client on an azure-core pipeline")
    profile = ClientProfile.of(client)
    policy: DiagnosticsPolicy[Any] = DiagnosticsPolicy(
        client=profile.client,
        endpoint=profile.endpoint,
        credential=profile.credential,
        scopes=profile.scopes,
        include_personal=include_personal,
        raise_errors=raise_errors,
    )
    is_async = any(klass.__name__ == "AsyncPipeline" for klass in type(pipeline).__mro__)
    with _install_lock:
        policies: list[Any] = pipeline._impl_policies
        if any(_is_ours(p) for p in policies):
            return client
        runner = _runner(policy, is_async=is_async)
        runner.next = policies[0] if policies else _transport_runner(pipeline, is_async=is_async)
        policies.insert(0, runner)
    return client


def _runner(policy: DiagnosticsPolicy[Any], *, is_async: bool) -> Any:
    """The runner azure-core itself wraps a SansIO policy in, for a sync or async pipeline."""
    if is_async:
        from azure.core.pipeline._base_async import _SansIOAsyncHTTPPolicyRunner

        return _SansIOAsyncHTTPPolicyRunner(policy)
    from azure.core.pipeline._base import _SansIOHTTPPolicyRunner

    return _SansIOHTTPPolicyRunner(policy)


def _transport_runner(pipeline: Any, *, is_async: bool) -> Any:
    # a pipeline without policies: the runner that wraps its transport
    if is_async:
        from azure.core.pipeline._base_async import _AsyncTransportRunner

        return _AsyncTransportRunner(pipeline._transport)
    from azure.core.pipeline._base import _TransportRunner

    return _TransportRunner(pipeline._transport)
