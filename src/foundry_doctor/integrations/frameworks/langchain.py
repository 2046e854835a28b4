"""LangChain: langchain-openai's ``AzureChatOpenAI``, ``ChatOpenAI`` (on an Azure ``/openai/v1/``
base URL) and ``AzureOpenAIEmbeddings``; langchain-azure-ai's ``AzureAIOpenAIApiChatModel``
(a ``ChatOpenAI``), ``AzureAIChatCompletionsModel`` and ``AzureAIEmbeddingsModel`` (on
azure-ai-inference); and the runnables that wrap a model (``bind_tools``, ``with_retry``,
``with_structured_output``, ``with_fallbacks``, ``with_config``).

Where the clients are (langchain-openai >=1.6,<2, langchain-azure-ai >=1.2,<1.3):

* chat models keep the openai clients in the public fields ``root_client`` /
  ``root_async_client`` (``client`` / ``async_client`` are their ``chat.completions``
  resources); all four are built by the model's validator when it is made and never again;
* embeddings keep only the resources, ``client`` / ``async_client`` (their ``_client`` is the
  openai client);
* the azure-ai-inference models keep their clients in the pydantic private attributes
  ``_client`` / ``_async_client``, built when the model is made.

LangChain's own exceptions (``OpenAIAuthenticationError``, ...) extend openai's and are built
from the same response, in the ``except`` block that caught openai's: they carry the
diagnosis in the brief form; openai's exception, their ``__cause__``, carries it in full.
"""

from __future__ import annotations

from foundry_doctor.integrations.frameworks.clients import cover_attributes, is_from

__all__ = ["NAME", "PACKAGES", "SUPPORTED", "instrument_object"]

#: the packages whose objects this module takes
#: the framework, as messages name it
NAME = "LangChain"
#: the top-level packages its classes come from
PACKAGES = ("langchain_openai", "langchain_azure_ai", "langchain_core")

#: what instrument() takes of it, as its TypeError names it
SUPPORTED = (
    "LangChain: AzureChatOpenAI, ChatOpenAI, AzureOpenAIEmbeddings, AzureAIOpenAIApiChatModel, "
    "AzureAIChatCompletionsModel, AzureAIEmbeddingsModel, or a runnable wrapping one "
    "(bind_tools, with_retry, with_structured_output, with_fallbacks)"
)

#: where the models keep their clients (openai clients, openai resources, azure-core clients)
_CLIENT_ATTRIBUTES = (
    "root_client",
    "root_async_client",
    "client",
    "async_client",
    "_client",
    "_async_client",
)

#: how deep runnables wrapping runnables are followed
_DEPTH_LIMIT = 16


def instrument_object(obj: object, *, include_personal: bool) -> bool:
    """Cover the clients of a LangChain model, or of the models a runnable wraps; ``False``
    when there is none in it."""
    return _cover(obj, include_personal, _DEPTH_LIMIT, set()) > 0


def _cover(obj: object, include_personal: bool, depth: int, seen: set[int]) -> int:
    if depth <= 0 or id(obj) in seen or not is_from(obj, *PACKAGES):
        return 0
    seen.add(id(obj))
    covered = cover_attributes(obj, _CLIENT_ATTRIBUTES, include_personal=include_personal)
    for inner in _wrapped(obj):
        covered += _cover(inner, include_personal, depth - 1, seen)
    return covered


def _wrapped(obj: object) -> list[object]:
    """The runnables ``obj`` wraps: ``bound`` (a binding, ``with_retry``), ``steps`` (a
    sequence), ``runnable`` and ``fallbacks``."""
    found: list[object] = []
    for name in ("bound", "runnable"):
        value = getattr(obj, name, None)
        if value is not None:
            found.append(value)
    for name in ("steps", "fallbacks"):
        values = getattr(obj, name, None)
        if isinstance(values, (list, tuple)):
            found.extend(values)
    return found
