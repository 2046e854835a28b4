"""Semantic Kernel: ``AzureChatCompletion``, ``AzureTextEmbedding``, ``OpenAIChatCompletion`` and
the other services on openai's ``AsyncOpenAI`` / ``AsyncAzureOpenAI``,
``AzureAIInferenceChatCompletion`` (on azure-ai-inference), and a ``Kernel``, for all of its
services.

Where the clients are (semantic-kernel >=1.45,<2): a service keeps its client (async only) in
the public pydantic field ``client``, built in ``__init__`` unless given; the models validate
assignments, so a client set later replaces it, and the service is watched for that
(:mod:`~foundry_doctor.integrations.frameworks.watch`). A ``Kernel`` keeps its services in the
public field ``services``; it is watched so that a service added with ``add_service`` later is
covered too.

Errors: a service raises ``ServiceResponseException(message, ex)``, whose text is the
``repr`` of its arguments, and ``Kernel.invoke`` / ``invoke_prompt`` raise
``KernelInvokeException`` with a fixed text, from a ``FunctionExecutionException`` that quotes
the service's exception. Every Semantic Kernel exception is therefore enriched as it is built
(:mod:`~foundry_doctor.integrations.frameworks.errors`), the brief form naming the rule.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from foundry_doctor.integrations.frameworks.clients import cover, is_from
from foundry_doctor.integrations.frameworks.errors import enrich_wrappers
from foundry_doctor.integrations.frameworks.watch import watch

__all__ = ["NAME", "PACKAGES", "SUPPORTED", "instrument_object"]

#: the framework, as messages name it
NAME = "Semantic Kernel"
#: the top-level packages its classes come from
PACKAGES = ("semantic_kernel",)

#: what instrument() takes of it, as its TypeError names it
SUPPORTED = (
    "Semantic Kernel: a Kernel, or an AI service on openai or azure-ai-inference "
    "(AzureChatCompletion, AzureTextEmbedding, OpenAIChatCompletion, ...)"
)

#: the field every Semantic Kernel AI service keeps its SDK client in
_CLIENT = "client"


def instrument_object(obj: object, *, include_personal: bool) -> bool:
    """Cover a Semantic Kernel service's client, or every service of a kernel, and keep
    covering the ones set or added later; ``False`` for an object that is neither."""
    services = getattr(obj, "services", None)
    if isinstance(services, Mapping) and callable(getattr(obj, "add_service", None)):
        _enrich_errors()
        watch(obj, rescans=("add_service",), scan=_cover_kernel, include_personal=include_personal)
        _cover_kernel(obj, include_personal)
        return True
    if not cover(getattr(obj, _CLIENT, None), include_personal=include_personal):
        return False
    _enrich_errors()
    watch(obj, attributes=frozenset({_CLIENT}), include_personal=include_personal)
    return True


def _cover_kernel(kernel: Any, include_personal: bool) -> None:
    for service in list(getattr(kernel, "services", {}).values()):
        if is_from(service, *PACKAGES):
            instrument_object(service, include_personal=include_personal)


def _enrich_errors() -> None:
    module = sys.modules.get("semantic_kernel.exceptions.kernel_exceptions")
    base = getattr(module, "KernelException", None)
    if isinstance(base, type) and issubclass(base, BaseException):
        enrich_wrappers(base)
