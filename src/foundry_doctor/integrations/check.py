"""``foundry_doctor.check(client)``: judge a constructed client's configuration without a call.

The client is read, never used: no request is sent, no credential is asked for a token. Its
kind, endpoint, credential kind, scopes and api-version come from the client object; the model
(deployment) the calls will use can be given, since most clients take it per call.
"""

from __future__ import annotations

import sys

from foundry_doctor.diagnosis.checkup import Checkup, check_configuration
from foundry_doctor.facts.configuration import Configuration
from foundry_doctor.facts.versions import installed_versions
from foundry_doctor.integrations.instrument import is_openai_object, unsupported

__all__ = ["check", "configuration_of"]


def check(
    client: object,
    *,
    model: str | None = None,
    operation: str | None = None,
    now: float | None = None,
) -> Checkup:
    """Check ``client``'s configuration with every rule that can tell a problem before a call.

    ``model`` is the deployment name the calls use (``model=`` of ``complete`` /
    ``chat.completions.create``), ``operation`` the path they call (``"chat/completions"`` or,
    for an embeddings model or client, ``"embeddings"``). Returns a
    :class:`~foundry_doctor.diagnosis.checkup.Checkup`: ``.ok``, ``.findings``, ``.render()``.
    Raises ``TypeError`` for an object that is neither an azure-core nor an openai client (an
    application's subclass of one is fine).
    """
    return check_configuration(configuration_of(client, model=model, operation=operation), now=now)


def configuration_of(
    client: object, *, model: str | None = None, operation: str | None = None
) -> Configuration:
    """The :class:`Configuration` of an azure-core or openai client (read, not called)."""
    versions = installed_versions()
    if is_openai_object(client):
        from foundry_doctor.integrations.openai_client import is_openai_client
        from foundry_doctor.integrations.openai_facts import OpenAIProfile

        if not is_openai_client(client):
            raise unsupported("check", client)

        openai_profile = OpenAIProfile.of(client)
        return Configuration.of(
            openai_profile.client,
            endpoint=openai_profile.endpoint,
            credential=openai_profile.credential,
            model=model,
            deployment=openai_profile.deployment,
            api_version=openai_profile.api_version,
            operation=operation,
            sdk_versions=versions,
        )
    if "azure.core" not in sys.modules:  # without azure-core loaded it cannot be its client
        raise unsupported("check", client)
    from foundry_doctor.integrations.azure_core import ClientProfile, is_azure_core_client

    if not is_azure_core_client(client):
        raise unsupported("check", client)
    profile = ClientProfile.of(client)
    config = getattr(client, "_config", None)
    api_version = getattr(config, "api_version", None)
    configured_model = getattr(client, "_model", None)  # azure-ai-inference's model= default
    names = [klass.__name__ for klass in type(client).__mro__]
    if operation is None and any("Embeddings" in name for name in names):
        image = any("ImageEmbeddings" in name for name in names)
        operation = "images/embeddings" if image else "embeddings"
    return Configuration.of(
        profile.client or "azure-core",
        endpoint=profile.endpoint,
        credential=profile.credential,
        scopes=profile.scopes,
        model=model or (configured_model if isinstance(configured_model, str) else None),
        api_version=api_version if isinstance(api_version, str) else None,
        operation=operation,
        sdk_versions=versions,
    )
