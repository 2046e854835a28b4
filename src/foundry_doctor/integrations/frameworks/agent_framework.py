"""Microsoft Agent Framework: ``OpenAIChatClient`` (the Responses API),
``OpenAIChatCompletionClient``, ``OpenAIEmbeddingClient`` (agent-framework-openai),
``FoundryChatClient``, ``FoundryEmbeddingClient``, ``FoundryAgent`` (agent-framework-foundry),
and an ``Agent`` built on any of them.

Where the clients are (agent-framework-openai >=1.17,<2, agent-framework-foundry >=1.15,<2):
the chat and embedding clients keep their openai client (always an async one: the framework is
async only) in the public attribute ``client``, built in ``__init__`` (``async_client=`` when
the application passes its own); the Foundry ones also keep the azure-ai-projects
``AIProjectClient`` they got it from as ``project_client``; an ``Agent`` keeps its chat client
as ``client``.

The framework raises ``ChatClientException(f"... {ex}", inner_exception=ex) from ex``: its text
quotes ``str(ex)``, so the diagnosis of the openai exception is in it already (inside the
exception's argument tuple), and ``explain()`` finds it along ``__cause__``. Nothing is added.
"""

from __future__ import annotations

from foundry_doctor.integrations.frameworks.clients import cover_attributes, is_from

__all__ = ["NAME", "PACKAGES", "SUPPORTED", "instrument_object"]

#: the framework, as messages name it
NAME = "Agent Framework"
#: the top-level packages its classes come from
PACKAGES = (
    "agent_framework",
    "agent_framework_openai",
    "agent_framework_foundry",
    "agent_framework_azure_ai",
)

#: what instrument() takes of it, as its TypeError names it
SUPPORTED = (
    "Agent Framework: OpenAIChatClient, OpenAIChatCompletionClient, OpenAIEmbeddingClient, "
    "FoundryChatClient, FoundryEmbeddingClient, FoundryAgent, or an Agent using one"
)

_CLIENT_ATTRIBUTES = ("client", "project_client")
#: an Agent wraps a chat client, which may wrap another (a FoundryAgent's)
_DEPTH_LIMIT = 4


def instrument_object(obj: object, *, include_personal: bool) -> bool:
    """Cover the openai and azure-core clients of an Agent Framework client or agent; ``False``
    when it holds none."""
    return _cover(obj, include_personal, _DEPTH_LIMIT) > 0


def _cover(obj: object, include_personal: bool, depth: int) -> int:
    if depth <= 0 or not is_from(obj, *PACKAGES):
        return 0
    covered = cover_attributes(obj, _CLIENT_ATTRIBUTES, include_personal=include_personal)
    inner = getattr(obj, "client", None)
    if inner is not None and inner is not obj:
        covered += _cover(inner, include_personal, depth - 1)
    return covered
