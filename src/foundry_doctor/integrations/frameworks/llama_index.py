"""LlamaIndex: ``AzureOpenAI`` (llama-index-llms-azure-openai), ``AzureOpenAIEmbedding``
(llama-index-embeddings-azure-openai), and the ``OpenAI`` / ``OpenAIEmbedding`` classes they
extend.

Where the clients are (llama-index-llms-azure-openai and -embeddings-azure-openai >=0.6,<0.7,
on llama-index-llms-openai 0.8, which needs openai <3): nowhere at first. The model makes its
openai clients when a call first needs one, in ``_get_client()`` / ``_get_aclient()``, and keeps
them in the pydantic private attributes ``_client`` / ``_aclient``; with
``reuse_client=False`` it makes a new one on every call and keeps none. Both methods are
private, hence the pinned range. The model is watched
(:mod:`~foundry_doctor.integrations.frameworks.watch`) so that whatever those two methods make
is covered before the call uses it; clients made already are covered at once.

The exceptions are openai's own (the model does not wrap them), diagnosed in full. LlamaIndex
retries only connection errors, timeouts, 429 and 5xx, none of which is diagnosed.

With ``use_azure_ad=True`` the model sends its Entra token twice: as ``api-key`` (the token it
got when it made the client, never refreshed) and as ``Authorization: Bearer`` (a fresh one per
request). Which of the two the service reads is not published; the diagnosis states what each
header carried and does not guess.
"""

from __future__ import annotations

from foundry_doctor.integrations.frameworks.clients import cover_attributes
from foundry_doctor.integrations.frameworks.watch import watch

__all__ = ["NAME", "PACKAGES", "SUPPORTED", "instrument_object"]

#: the framework, as messages name it
NAME = "LlamaIndex"
#: the top-level packages its classes come from
PACKAGES = ("llama_index",)

#: what instrument() takes of it, as its TypeError names it
SUPPORTED = "LlamaIndex: AzureOpenAI, AzureOpenAIEmbedding, OpenAI, OpenAIEmbedding"

#: the methods that make the clients, and where the model keeps them
_FACTORIES = ("_get_client", "_get_aclient")
_CLIENT_ATTRIBUTES = ("_client", "_aclient")


def instrument_object(obj: object, *, include_personal: bool) -> bool:
    """Cover a LlamaIndex model's openai clients now and whenever it makes new ones; ``False``
    for an object that makes no openai clients."""
    if not all(callable(getattr(obj, name, None)) for name in _FACTORIES):
        return False
    watch(obj, factories=_FACTORIES, include_personal=include_personal)
    cover_attributes(obj, _CLIENT_ATTRIBUTES, include_personal=include_personal)
    return True
