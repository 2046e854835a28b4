"""The azure-core integration: a pipeline policy that diagnoses failed calls.

:class:`DiagnosticsPolicy` (sync) and :class:`AsyncDiagnosticsPolicy` (async) go first in a
pipeline (``per_call_policies=[...]``), so they see the final response after retries and auth
challenges, never an intermediate one. On the success path they only compare the status code.
On a 400/401/403/404 they read the body, build :class:`~foundry_doctor.facts.Facts` from the
request as it went out (by then the auth policy has set its header: the policy reads the bearer
token's claims, never keeps the token) and the response, diagnose, log one WARNING record, and
raise the exception the SDK would have raised (``ClientAuthenticationError`` for 401,
``ResourceNotFoundError`` for 404, ``HttpResponseError`` otherwise, built from the same
response) as a subclass that carries ``.diagnosis``.

A 400 is only raised from here when a rule recognised it: other 400s (a bad parameter, a
content filter) are left to the SDK untouched. If building the diagnosis fails for any reason,
the response goes on unchanged and the SDK raises exactly what it would have raised; a DEBUG
record says why.

One difference from the bare SDK, by design: ``client.send_request(...)`` returns error
responses instead of raising, but a pipeline with this policy raises the diagnosed exception
from ``send_request`` too (the policy cannot tell the two kinds of call apart).
``raise_errors=False`` turns the policy into an observer for such code: it logs and stores the
diagnosis in the pipeline context (``"foundry_doctor.diagnosis"``) and returns the response
untouched, so ``response.raise_for_status()`` behaves as without foundry-doctor.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from azure.core.credentials import AzureKeyCredential, AzureSasCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import AsyncHTTPPolicy, HTTPPolicy

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis import Diagnosis, diagnose
from foundry_doctor.facts import BODY_READ_LIMIT, CredentialKind, Facts
from foundry_doctor.facts.versions import installed_versions
from foundry_doctor.integrations.enriched import attach
from foundry_doctor.integrations.reporting import report

__all__ = [
    "CONTEXT_KEY",
    "AsyncDiagnosticsPolicy",
    "ClientProfile",
    "DiagnosticsPolicy",
    "instrument_azure_core",
]

logger = logger_for("foundry_doctor")

#: where the diagnosis is stored in the pipeline context
CONTEXT_KEY = "foundry_doctor.diagnosis"

#: statuses the policy looks at; everything else passes straight through
WATCHED_STATUSES = frozenset({400, 401, 403, 404})

#: what azure-core's generated operations raise per status (``map_error`` with the default map)
_SDK_ERRORS: Mapping[int, type[HttpResponseError]] = {
    401: ClientAuthenticationError,
    404: ResourceNotFoundError,
}

#: request bodies larger than this are not parsed for the model name
_REQUEST_BODY_PARSE_LIMIT = 1024 * 1024

#: user-agent prefixes of azure-core based SDKs -> (client kind, distribution name)
_USER_AGENTS = (
    ("azsdk-python-ai-inference/", "azure-ai-inference"),
    ("azsdk-python-ai-projects/", "azure-ai-projects"),
)

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
        azure-ai-projects, ...) from its configuration, without touching the credential."""
        config = getattr(client, "_config", None)
        module = type(client).__module__
        if module.startswith("azure.ai.inference"):
            kind = "azure-ai-inference"
        elif module.startswith("azure.ai.projects"):
            kind = "azure-ai-projects"
        else:
            kind = "azure-core"
        endpoint = getattr(config, "endpoint", None)
        scopes = getattr(config, "credential_scopes", None)
        credential = getattr(config, "credential", None)
        return cls(
            client=kind,
            endpoint=endpoint if isinstance(endpoint, str) else None,
            credential=_credential_kind(credential),
            scopes=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, Sequence) and not isinstance(scopes, str)
            else None,
        )


def _credential_kind(credential: object) -> CredentialKind | None:
    if credential is None:
        return None
    if isinstance(credential, (AzureKeyCredential, AzureSasCredential)):
        return "api-key"
    if hasattr(credential, "get_token") or hasattr(credential, "get_token_info"):
        return "token"
    return None


class _Diagnostician:
    """The sync/async-independent part of the policy: from a finished exchange to a
    diagnosis and the exception to raise."""

    def __init__(
        self,
        profile: ClientProfile,
        *,
        raise_errors: bool,
        include_personal: bool,
    ) -> None:
        self.profile = profile
        self.raise_errors = raise_errors
        self.include_personal = include_personal

    def failure(
        self, request: PipelineRequest[Any], response: PipelineResponse[Any, Any]
    ) -> HttpResponseError | None:
        """The exception to raise for this response, or ``None`` to let it through.

        Never raises: any problem while diagnosing is logged at DEBUG and the response is
        left to the SDK.
        """
        try:
            diagnosis = diagnose(
                self.observe(request, response), include_personal=self.include_personal
            )
            if diagnosis.status == 400 and diagnosis.rule == "unknown":
                return None  # a 400 we know nothing about is not ours to explain
            request.context[CONTEXT_KEY] = diagnosis
            report(diagnosis, sdk="azure-core")
            if not self.raise_errors:
                return None
            return self._sdk_error(response, diagnosis)
        except Exception:
            logger.debug("foundry-doctor could not diagnose this response", exc_info=True)
            return None

    def observe(self, request: PipelineRequest[Any], response: PipelineResponse[Any, Any]) -> Facts:
        http_request = request.http_request
        http_response = response.http_response
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

    @staticmethod
    def _sdk_error(response: PipelineResponse[Any, Any], diagnosis: Diagnosis) -> HttpResponseError:
        http_response = response.http_response
        error_type = _SDK_ERRORS.get(http_response.status_code, HttpResponseError)
        return attach(error_type(response=http_response), diagnosis)


def _response_body(http_response: Any) -> bytes | None:
    try:
        body = http_response.body()
    except Exception:  # a stream that could not be read: diagnose without the body
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


class _ConfiguredPolicy:
    """What the sync and async policies share: their settings and the diagnostician."""

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
        self._diagnostician = _Diagnostician(
            profile, raise_errors=raise_errors, include_personal=include_personal
        )

    @property
    def profile(self) -> ClientProfile:
        return self._diagnostician.profile


class DiagnosticsPolicy(_ConfiguredPolicy, HTTPPolicy[HTTPRequestType, Any]):
    """Explains 400/401/403/404 responses of a synchronous azure-core pipeline.

    Add it with ``per_call_policies=[DiagnosticsPolicy()]`` when building a client, or let
    :func:`foundry_doctor.instrument` add it to an existing one. The keyword arguments describe
    the client when the policy cannot read it (``instrument`` fills them in): ``client``
    (``"azure-ai-inference"``, ...), ``endpoint``, ``credential`` (``"api-key"`` / ``"token"``)
    and ``scopes``. ``include_personal=True`` lets the diagnosis show the signed-in user's
    name/upn from the token.
    """

    def send(self, request: PipelineRequest[HTTPRequestType]) -> PipelineResponse[Any, Any]:
        response = self.next.send(request)
        if response.http_response.status_code not in WATCHED_STATUSES:
            return response
        try:
            response.http_response.read()  # the SDK reads a failed stream before raising too
        except Exception:
            logger.debug("foundry-doctor could not read the error body", exc_info=True)
        error = self._diagnostician.failure(request, response)
        if error is not None:
            raise error
        return response


class AsyncDiagnosticsPolicy(_ConfiguredPolicy, AsyncHTTPPolicy[HTTPRequestType, Any]):
    """The asynchronous twin of :class:`DiagnosticsPolicy`, for ``aio`` clients."""

    async def send(self, request: PipelineRequest[HTTPRequestType]) -> PipelineResponse[Any, Any]:
        response = await self.next.send(request)
        if response.http_response.status_code not in WATCHED_STATUSES:
            return response
        try:
            await response.http_response.read()
        except Exception:
            logger.debug("foundry-doctor could not read the error body", exc_info=True)
        error = self._diagnostician.failure(request, response)
        if error is not None:
            raise error
        return response


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


def instrument_azure_core(
    client: _Client, *, include_personal: bool = False, raise_errors: bool = True
) -> _Client:
    """Put a diagnostics policy at the very front of ``client``'s pipeline; idempotent.

    Returns the same client. Raises ``TypeError`` when the object has no azure-core pipeline.
    """
    pipeline = _pipeline_of(client)
    if pipeline is None:
        raise TypeError(
            f"{type(client).__name__} has no azure-core pipeline to instrument; "
            "pass per_call_policies=[foundry_doctor.DiagnosticsPolicy()] when building it"
        )
    policies: list[Any] = pipeline._impl_policies
    if any(isinstance(p, (DiagnosticsPolicy, AsyncDiagnosticsPolicy)) for p in policies):
        return client
    profile = ClientProfile.of(client)
    is_async = type(pipeline).__name__ == "AsyncPipeline" or type(client).__module__.split(
        "."
    ).count("aio")
    policy_type = AsyncDiagnosticsPolicy if is_async else DiagnosticsPolicy
    policy: Any = policy_type(
        client=profile.client,
        endpoint=profile.endpoint,
        credential=profile.credential,
        scopes=profile.scopes,
        include_personal=include_personal,
        raise_errors=raise_errors,
    )
    if policies:
        policy.next = policies[0]
    else:
        policy.next = _transport_runner(pipeline)
    policies.insert(0, policy)
    return client


def _transport_runner(pipeline: Any) -> Any:
    # a pipeline without policies: the runner that wraps its transport
    if type(pipeline).__name__ == "AsyncPipeline":
        from azure.core.pipeline._base_async import _AsyncTransportRunner

        return _AsyncTransportRunner(pipeline._transport)
    from azure.core.pipeline._base import _TransportRunner

    return _TransportRunner(pipeline._transport)
