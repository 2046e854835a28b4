"""The frameworks: ``foundry_doctor.instrument(obj)`` for the objects applications hold instead of
an SDK client (a LangChain chat model, an Agent Framework chat client, a Semantic Kernel
service or kernel, a LlamaIndex model, an AutoGen model client, the ``litellm`` module).

Each framework has a module here that knows where that framework keeps its openai / azure-core
clients (sync and async, made eagerly, lazily or anew) and how it re-raises their exceptions;
it covers them with the SDK integrations, so the diagnosis and the SDK's behaviour are those of
an instrumented client. Every module has the same face: ``NAME``, ``PACKAGES`` (the top-level
packages of the framework's classes), ``SUPPORTED`` (what it takes, for the ``TypeError``) and
``instrument_object(obj, *, include_personal) -> bool`` (whether ``obj`` held something to
cover). The framework of an object is told by the top-level package of its class (or of a
class it extends), never by importing the framework: these modules import none, and load an
SDK integration only for a client of that SDK, which is loaded then.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TypeVar

from foundry_doctor.integrations.frameworks.clients import is_from

__all__ = ["FRAMEWORK_MODULES", "framework_of", "instrument_framework", "supported"]

T = TypeVar("T")

#: the modules of this package, one per framework
FRAMEWORK_MODULES = (
    "langchain",
    "agent_framework",
    "semantic_kernel",
    "llama_index",
    "autogen",
    "litellm",
)


def _modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{name}") for name in FRAMEWORK_MODULES]


def framework_of(obj: object) -> ModuleType | None:
    """Our module for the framework ``obj`` belongs to (the ``litellm`` module itself counts),
    or ``None``."""
    module_name = obj.__name__ if isinstance(obj, ModuleType) else None
    for module in _modules():
        packages: tuple[str, ...] = module.PACKAGES
        if module_name in packages or is_from(obj, *packages):
            return module
    return None


def supported() -> list[str]:
    """What :func:`instrument_framework` takes, per framework, for error messages."""
    return [str(module.SUPPORTED) for module in _modules()]


def instrument_framework(obj: T, framework: ModuleType, *, include_personal: bool) -> T:
    """Cover the SDK clients ``obj`` (of ``framework``) holds, now and, where the framework
    makes them later, then; returns ``obj``. Raises ``TypeError`` naming what of the framework
    is supported when ``obj`` holds no client foundry-doctor knows."""
    if not framework.instrument_object(obj, include_personal=include_personal):
        raise TypeError(
            f"foundry_doctor.instrument() does not support {type(obj).__name__} of "
            f"{framework.NAME}: it holds no openai or azure-core client that foundry-doctor "
            f"knows; it takes {framework.SUPPORTED}"
        )
    return obj
