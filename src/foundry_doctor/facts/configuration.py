"""A client's configuration, before any call: what ``foundry-doctor check`` and
``foundry_doctor.check(client)`` judge.

A :class:`Configuration` holds what a user sets when building a client (its kind, endpoint,
credential kind, token scopes, the model or deployment, the api-version) and no secret. It turns
into :class:`~foundry_doctor.facts.Facts` with the URL the client *will* request, built the way
that client builds it, so the rules that judge endpoint shapes, paths and audiences read a static
configuration exactly as they read a failed call. No status, no body, no headers: nothing was
sent.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from foundry_doctor.facts.observation import AuthFacts, CredentialKind, Facts
from foundry_doctor.knowledge.api_versions import MODELS_API_DEFAULT
from foundry_doctor.knowledge.clients import build_url, client_spec

__all__ = ["CLIENT_KINDS", "MODELS_DEFAULT_API_VERSION", "Configuration"]

#: client kinds a configuration can name, as :class:`Facts` spells them
CLIENT_KINDS = (
    "azure-ai-inference",
    "openai.AzureOpenAI",
    "openai.OpenAI",
    "azure-ai-projects",
)

#: the api-version azure-ai-inference sends unless told otherwise
MODELS_DEFAULT_API_VERSION = MODELS_API_DEFAULT

_EMBEDDING_HINTS = ("embed",)


@dataclass(frozen=True, slots=True)
class Configuration:
    """How one client is set up. Unknown values are ``None``.

    ``client`` is one of :data:`CLIENT_KINDS`. ``endpoint`` is what the client was given
    (``endpoint=``, ``azure_endpoint=`` or ``base_url=``), ``deployment`` an ``AzureOpenAI``
    ``azure_deployment``, ``model`` the model / deployment name the calls use, ``operation`` the
    path the call appends (``"chat/completions"`` unless said otherwise).
    """

    client: str
    endpoint: str | None = None
    credential: CredentialKind | None = None
    scopes: tuple[str, ...] | None = None
    model: str | None = None
    deployment: str | None = None
    api_version: str | None = None
    operation: str = "chat/completions"
    sdk_versions: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        client: str,
        *,
        endpoint: str | None = None,
        credential: CredentialKind | None = None,
        scopes: Sequence[str] | None = None,
        model: str | None = None,
        deployment: str | None = None,
        api_version: str | None = None,
        operation: str | None = None,
        sdk_versions: Mapping[str, str] | None = None,
    ) -> Configuration:
        """A configuration from loosely given parts: blanks count as unknown, an embeddings
        model makes the operation ``embeddings``."""
        chosen = model or deployment
        if operation is None:
            embeddings = bool(chosen) and any(h in str(chosen).lower() for h in _EMBEDDING_HINTS)
            operation = "embeddings" if embeddings else "chat/completions"
        return cls(
            client=client,
            endpoint=(endpoint or "").strip() or None,
            credential=credential,
            scopes=tuple(s for s in scopes if s) if scopes else None,
            model=model or None,
            deployment=deployment or None,
            api_version=api_version or None,
            operation=operation,
            sdk_versions=dict(sdk_versions or {}),
        )

    def request_url(self) -> str | None:
        """The URL the client would request for :attr:`operation`, built as that client builds
        it (``None`` when the endpoint is unknown)."""
        if not self.endpoint:
            return None
        url = build_url(
            client_spec(self.client),
            self.endpoint,
            self.operation,
            deployment=self.deployment or self.model,
            api_version=self.api_version,
        )
        return url.replace("?api-version=<api-version>", "") if url else None

    def to_facts(self, *, now: float | None = None) -> Facts:
        """Facts as the rules read them: the configured endpoint, the predicted request URL,
        and nothing observed on the wire."""
        return Facts(
            client=self.client,
            endpoint=self.endpoint,
            credential=self.credential,
            scopes=self.scopes,
            method="POST" if self.client != "azure-ai-projects" else None,
            url=self.request_url(),
            model=self.model or self.deployment,
            auth=AuthFacts(observed=False),
            now=time.time() if now is None else now,
            sdk_versions=dict(self.sdk_versions),
        )

    def to_dict(self) -> dict[str, object]:
        """The configuration as JSON-ready data (it holds no secret)."""
        return {
            "client": self.client,
            "endpoint": self.endpoint,
            "credential": self.credential,
            "scopes": list(self.scopes) if self.scopes is not None else None,
            "model": self.model,
            "deployment": self.deployment,
            "api_version": self.api_version,
            "operation": self.operation,
            "request_url": self.request_url(),
        }
