"""``foundry_doctor.instrument(client)``: one line to add diagnostics to an existing client."""

from __future__ import annotations

import sys
from typing import TypeVar

__all__ = ["instrument"]

C = TypeVar("C")


def instrument(client: C, *, include_personal: bool = False) -> C:
    """Add foundry-doctor to ``client`` and return the same client.

    Supported: azure-core clients (``azure.ai.inference`` ``ChatCompletionsClient``,
    ``EmbeddingsClient``, ``ImageEmbeddingsClient`` and their ``aio`` twins,
    ``azure.ai.projects.AIProjectClient``, any client built on an azure-core pipeline) and
    openai clients (``AzureOpenAI``, ``AsyncAzureOpenAI``, and ``OpenAI`` / ``AsyncOpenAI``
    pointed at an Azure ``/openai/v1/`` endpoint). Calling it again on the same client changes
    nothing. From then on, a 400/401/403/404 that foundry-doctor can explain raises the SDK's
    usual exception class carrying ``.diagnosis`` and logs one WARNING record on the
    ``foundry_doctor`` logger. ``include_personal=True`` lets the diagnosis name the signed-in
    user (upn, name) from the token; by default only object and tenant ids appear.

    Raises ``TypeError`` for an object that is neither.
    """
    if type(client).__module__.split(".", 1)[0] == "openai":
        from foundry_doctor.integrations.openai_client import instrument_openai

        return instrument_openai(client, include_personal=include_personal)
    if "azure.core" not in sys.modules:  # without azure-core loaded it cannot be its client
        raise TypeError(
            f"foundry_doctor.instrument() does not support {type(client).__name__}: "
            "expected an azure-core or openai client"
        )
    from foundry_doctor.integrations.azure_core import instrument_azure_core

    return instrument_azure_core(client, include_personal=include_personal)
