"""AutoGen: autogen-ext's ``AzureOpenAIChatCompletionClient`` and ``OpenAIChatCompletionClient``
(on openai's async clients) and ``AzureAIChatCompletionClient`` (on azure-ai-inference).

Where the clients are (autogen-ext >=0.7,<0.8, the last line of AutoGen, now in maintenance):
in the private attribute ``_client``, built in ``__init__`` and built again by
``__setstate__``, which ``copy.copy`` / ``copy.deepcopy`` and unpickling call. The model client
is watched (:mod:`~foundry_doctor.integrations.frameworks.watch`) so that a client assigned to
``_client`` later is covered too; a copy keeps that, an unpickled object is the framework's own
(instrument it again). ``load_component`` builds a new object: instrument that one.

The exceptions are openai's (or azure-core's) own, diagnosed in full; AutoGen does not retry.
"""

from __future__ import annotations

from foundry_doctor.integrations.frameworks.clients import cover
from foundry_doctor.integrations.frameworks.watch import watch

__all__ = ["NAME", "PACKAGES", "SUPPORTED", "instrument_object"]

#: the framework, as messages name it
NAME = "AutoGen"
#: the top-level packages its classes come from
PACKAGES = ("autogen_ext",)

#: what instrument() takes of it, as its TypeError names it
SUPPORTED = (
    "AutoGen: AzureOpenAIChatCompletionClient, OpenAIChatCompletionClient, "
    "AzureAIChatCompletionClient"
)

_CLIENT = "_client"


def instrument_object(obj: object, *, include_personal: bool) -> bool:
    """Cover an AutoGen model client's SDK client, now and when it is built anew; ``False``
    for an object that holds none."""
    if not cover(getattr(obj, _CLIENT, None), include_personal=include_personal):
        return False
    watch(obj, attributes=frozenset({_CLIENT}), include_personal=include_personal)
    return True
