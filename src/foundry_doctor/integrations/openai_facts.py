"""Facts about calls made with the ``openai`` SDK: what the client was configured with, and what
one failed exchange on its ``httpx`` / ``httpx2`` client showed.

Nothing here imports ``openai``, ``httpx`` or ``httpx2``: clients, requests and responses are
read by attribute (the same names on all supported releases: openai 1.109 to 3.x, httpx 0.2x and
httpx2 2.x), so the event hooks can use this module without loading either transport.

Secrets stay out: the configured key or token is only classified (a key, a JWT, a provider
callable, nothing) and never kept; request headers go to :meth:`Facts.observe`, which keeps the
auth *kinds* and a JWT's decoded claims and drops the values.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from foundry_doctor.facts import BODY_READ_LIMIT, CredentialKind, Facts, looks_like_jwt
from foundry_doctor.facts.versions import installed_versions

__all__ = [
    "AZURE_CLIENT",
    "OPENAI_CLIENT",
    "ClientKind",
    "OpenAIProfile",
    "client_kind_of",
    "observe_exchange",
    "sender_class_name",
]

ClientKind = Literal["openai.AzureOpenAI", "openai.OpenAI"]

#: the client kind of ``AzureOpenAI`` / ``AsyncAzureOpenAI``
AZURE_CLIENT: Final = "openai.AzureOpenAI"
#: the client kind of ``OpenAI`` / ``AsyncOpenAI`` (pointed at an Azure ``/openai/v1/`` endpoint)
OPENAI_CLIENT: Final = "openai.OpenAI"

#: what ``AzureOpenAI`` stores as ``api_key`` when it was given a token instead
_AZURE_API_KEY_SENTINEL = "<missing API key>"

#: openai's ``User-Agent`` is ``<client class name>/Python <version>``
_USER_AGENT_KINDS: Mapping[str, ClientKind] = {
    "AzureOpenAI": AZURE_CLIENT,
    "AsyncAzureOpenAI": AZURE_CLIENT,
    "OpenAI": OPENAI_CLIENT,
    "AsyncOpenAI": OPENAI_CLIENT,
}

#: request bodies larger than this are not parsed for the model name
_REQUEST_BODY_PARSE_LIMIT = 1024 * 1024


@dataclass(frozen=True, slots=True)
class OpenAIProfile:
    """What an openai client was configured with, minus its secrets.

    ``endpoint`` is ``azure_endpoint`` as given (or ``base_url`` when the client was built from
    one), ``deployment`` is ``azure_deployment``, ``api_version`` the ``api-version`` the client
    sends, ``credential`` the kind of credential configured: ``"api-key"`` (an ``api_key``),
    ``"token"`` (``azure_ad_token``, ``azure_ad_token_provider``, a JWT or a token-provider
    callable as the ``api_key`` of a plain ``OpenAI`` client) or ``"none"``.
    """

    client: ClientKind
    endpoint: str | None = None
    deployment: str | None = None
    api_version: str | None = None
    credential: CredentialKind | None = None

    @classmethod
    def of(cls, client: object) -> OpenAIProfile:
        """Read the profile of an openai client without calling any credential provider."""
        if _is_azure_client(client):
            azure_endpoint = getattr(client, "_azure_endpoint", None)
            deployment = getattr(client, "_azure_deployment", None)
            if azure_endpoint:
                endpoint: str | None = str(azure_endpoint)
            else:
                # built from base_url, or a copy made by openai < 3 (which keeps only base_url):
                # undo the "/openai[/deployments/<d>]" that AzureOpenAI appends
                endpoint, deployment = _split_azure_base_url(_text_or_none(client, "base_url"))
            api_version = getattr(client, "_api_version", None)
            return cls(
                client=AZURE_CLIENT,
                endpoint=endpoint,
                deployment=deployment if isinstance(deployment, str) else None,
                api_version=api_version if isinstance(api_version, str) else None,
                credential=_azure_credential_kind(client),
            )
        return cls(
            client=OPENAI_CLIENT,
            endpoint=_text_or_none(client, "base_url"),
            api_version=_default_api_version(client),
            credential=_openai_credential_kind(client),
        )


def _is_azure_client(client: object) -> bool:
    return any(
        klass.__name__ in ("AzureOpenAI", "AsyncAzureOpenAI", "BaseAzureClient")
        and klass.__module__.startswith("openai")
        for klass in type(client).__mro__
    )


def _text_or_none(client: object, name: str) -> str | None:
    try:
        value = getattr(client, name, None)
    except Exception:
        return None
    return str(value) if value is not None else None


_AZURE_BASE_URL = re.compile(
    r"^(?P<endpoint>.+?)/openai(?:/deployments/(?P<deployment>[^/?#]+))?/?$"
)


def _split_azure_base_url(base_url: str | None) -> tuple[str | None, str | None]:
    """``(azure_endpoint, azure_deployment)`` equivalent to an ``AzureOpenAI`` base URL."""
    if base_url is None:
        return None, None
    match = _AZURE_BASE_URL.match(base_url)
    if match is None:
        return base_url, None
    return match.group("endpoint"), match.group("deployment")


def _default_api_version(client: object) -> str | None:
    query = getattr(client, "_custom_query", None)
    if isinstance(query, Mapping):
        value = query.get("api-version")
        return value if isinstance(value, str) else None
    return None


def _azure_credential_kind(client: object) -> CredentialKind:
    if getattr(client, "_azure_ad_token", None) is not None:
        return "token"
    if getattr(client, "_azure_ad_token_provider", None) is not None:
        return "token"
    if getattr(client, "_api_key_provider", None) is not None:
        return "api-key"  # AzureOpenAI sends what an api_key callable returns as ``api-key``
    api_key = getattr(client, "api_key", None)
    if isinstance(api_key, str) and api_key and api_key != _AZURE_API_KEY_SENTINEL:
        # an Entra token handed over as api_key (it goes out as "api-key", checked as a key)
        return "token" if looks_like_jwt(api_key) else "api-key"
    return _header_credential_kind(client)


def _openai_credential_kind(client: object) -> CredentialKind:
    if getattr(client, "_api_key_provider", None) is not None:
        return "token"  # e.g. azure-identity's get_bearer_token_provider(...)
    api_key = getattr(client, "api_key", None)
    if isinstance(api_key, str) and api_key:
        return "token" if looks_like_jwt(api_key) else "api-key"
    return _header_credential_kind(client)


def _header_credential_kind(client: object) -> CredentialKind:
    """A credential given as a custom default header instead (names only, values untouched)."""
    headers = getattr(client, "_custom_headers", None)
    if isinstance(headers, Mapping):
        names = {str(name).lower() for name in headers}
        if "api-key" in names:
            return "api-key"
        if "authorization" in names:
            return "token"
    return "none"


def sender_class_name(request_headers: Any) -> str | None:
    """The openai client class that sent a request, read from its ``User-Agent`` (openai sends
    ``<class name>/Python <version>``): ``"AzureOpenAI"``, ``"AsyncOpenAI"``, ... or ``None``."""
    try:
        agent = request_headers.get("user-agent")
    except Exception:
        return None
    if not isinstance(agent, str):
        return None
    name = agent.split("/", 1)[0].strip()
    return name if name in _USER_AGENT_KINDS else None


def client_kind_of(request_headers: Any, url: str | None) -> ClientKind | None:
    """The kind of openai client that sent a request: from its ``User-Agent`` or, failing
    that, from the URL's shape."""
    name = sender_class_name(request_headers)
    if name is not None:
        return _USER_AGENT_KINDS[name]
    if url and "/openai/v1/" in url:
        return OPENAI_CLIENT  # AzureOpenAI cannot target /openai/v1 (it adds ?api-version=)
    if url and "/openai/" in url and "api-version=" in url:
        return AZURE_CLIENT
    return None


def observe_exchange(response: Any, profile: OpenAIProfile | None = None) -> Facts:
    """Facts from a finished ``httpx`` / ``httpx2`` response (its body already read) and the
    request it answers; ``profile`` adds what the client was configured with."""
    request = response.request
    headers = request.headers
    url = str(request.url)
    client = profile.client if profile is not None else client_kind_of(headers, url) or "http"
    return Facts.observe(
        status=response.status_code,
        reason=_reason(response),
        request_headers=headers,
        response_headers=response.headers,
        body=_response_body(response),
        client=client,
        endpoint=profile.endpoint if profile is not None else None,
        credential=profile.credential if profile is not None else None,
        method=str(request.method),
        url=url,
        model=_model_of(request),
        now=time.time(),
        sdk_versions=installed_versions(),
    )


def _reason(response: Any) -> str | None:
    try:
        reason = response.reason_phrase
    except Exception:
        return None
    return reason if isinstance(reason, str) and reason else None


def _response_body(response: Any) -> bytes | None:
    try:
        content = response.content  # raises when the body was not read
    except Exception:
        return None
    return bytes(content[:BODY_READ_LIMIT]) if isinstance(content, (bytes, bytearray)) else None


def _model_of(request: Any) -> str | None:
    """The ``model`` field of the request's JSON body (the deployment for ``/openai/v1``)."""
    try:
        content = request.content  # raises for a streamed (e.g. multipart upload) body
    except Exception:
        return None
    if not isinstance(content, (bytes, bytearray)) or len(content) > _REQUEST_BODY_PARSE_LIMIT:
        return None
    if b'"model"' not in content:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) else None
