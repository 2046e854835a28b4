"""``foundry_doctor.instrument(client)``: one line to add diagnostics to an existing client."""

from __future__ import annotations

import sys
from typing import TypeVar

__all__ = ["SUPPORTED", "instrument", "instrument_sdk_client", "is_openai_object", "unsupported"]

C = TypeVar("C")

#: what instrument() and check() take, for the error message
SUPPORTED = (
    "an openai client (AzureOpenAI, AsyncAzureOpenAI, OpenAI, AsyncOpenAI or a subclass)",
    "an azure-core client (azure-ai-inference, AIProjectClient, any client built on an "
    "azure-core pipeline, or a subclass)",
)


def instrument(client: C, *, include_personal: bool = False) -> C:
    """Add foundry-doctor to ``client`` and return the same client.

    Supported: azure-core clients (``azure.ai.inference`` ``ChatCompletionsClient``,
    ``EmbeddingsClient``, ``ImageEmbeddingsClient`` and their ``aio`` twins,
    ``azure.ai.projects.AIProjectClient``, with the openai clients its ``get_openai_client()``
    hands out, any client built on an azure-core pipeline), openai clients (``AzureOpenAI``,
    ``AsyncAzureOpenAI``, ``OpenAI``, ``AsyncOpenAI``), an application's subclasses of either,
    the framework objects that hold such clients (LangChain models, Agent Framework clients
    and agents, Semantic Kernel services and kernels, LlamaIndex models, AutoGen model clients,
    and the ``litellm`` module: :mod:`foundry_doctor.integrations.frameworks`), and ``httpx`` /
    ``httpx2`` clients (the event hook, :func:`~foundry_doctor.install_hooks`). Calling it
    again on the same object changes nothing, also from several threads at once. From then
    on, a 400/401/403/404 that foundry-doctor can explain raises the SDK's usual exception
    class carrying ``.diagnosis`` and logs one WARNING record on the ``foundry_doctor`` logger
    (a repeat of the same failure soon after, a framework's retry, only a DEBUG record); a
    client pointed at a host that is no Azure AI service (api.openai.com, a local server)
    stays quiet unless a rule has something specific to say. ``include_personal=True`` lets
    the diagnosis name the signed-in user (upn, name) from the token; by default only object
    and tenant ids appear.

    Raises ``TypeError`` for anything else.
    """
    if instrument_sdk_client(client, include_personal=include_personal):
        return client
    from foundry_doctor.integrations.frameworks import (
        framework_of,
        instrument_framework,
        supported,
    )

    framework = framework_of(client)
    if framework is not None:
        return instrument_framework(client, framework, include_personal=include_personal)
    if isinstance(getattr(client, "event_hooks", None), dict):
        from foundry_doctor.integrations.httpx_hooks import install_hooks

        return install_hooks(client)
    raise unsupported("instrument", client, also=(*supported(), "an httpx / httpx2 client"))


def instrument_sdk_client(client: object, *, include_personal: bool) -> bool:
    """Instrument ``client`` if it is an openai or azure-core client (an AIProjectClient with
    the openai clients it hands out); returns whether it was one."""
    if is_openai_object(client):
        from foundry_doctor.integrations.openai_client import instrument_openai, is_openai_client

        if not is_openai_client(client):
            return False
        instrument_openai(client, include_personal=include_personal)
        return True
    if "azure.core" not in sys.modules:  # without azure-core loaded it cannot be its client
        return False
    from foundry_doctor.integrations.azure_core import instrument_azure_core, is_azure_core_client

    if not is_azure_core_client(client):
        return False
    instrument_azure_core(client, include_personal=include_personal)
    from foundry_doctor.integrations.projects import cover_handed_out, is_project_client

    if is_project_client(client):
        cover_handed_out(client, include_personal=include_personal)
    return True


def is_openai_object(value: object) -> bool:
    """Whether ``value`` is an instance of a class from the openai package, or of a subclass of
    one (an application's own ``AzureOpenAI`` subclass)."""
    return any(klass.__module__.split(".", 1)[0] == "openai" for klass in type(value).__mro__[:-1])


def unsupported(function: str, value: object, *, also: tuple[str, ...] = ()) -> TypeError:
    """The ``TypeError`` for an object ``foundry_doctor.<function>()`` does not take."""
    kinds = [*SUPPORTED, *also]
    supported = "; ".join(kinds[:-1]) + "; or " + kinds[-1]
    return TypeError(
        f"foundry_doctor.{function}() does not support {type(value).__name__}; it takes {supported}"
    )
