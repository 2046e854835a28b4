"""azure-ai-projects: ``instrument(AIProjectClient(...))`` also covers the OpenAI clients the
project client hands out.

``AIProjectClient.get_openai_client()`` (sync, and its ``aio`` twin) builds a new openai client
on every call, pointed at the project's ``/openai/v1`` routes with an Entra token provider. An
instrumented project client is watched (:mod:`~foundry_doctor.integrations.frameworks.watch`)
so that every client ``get_openai_client()`` returns is instrumented before it is handed out;
``foundry_doctor.instrument(project.get_openai_client())`` stays valid and changes nothing.

Since azure-ai-projects 2.5 the client ``get_openai_client()`` builds runs on a transport of
its own, which does not read ``HTTPS_PROXY``: to reach the emulator (or any forward proxy),
pass openai's default http client, ``get_openai_client(http_client=openai.DefaultHttpxClient())``
(``openai.DefaultAsyncHttpxClient()`` for ``aio``), which the method passes to the openai client.
"""

from __future__ import annotations

from foundry_doctor.integrations.frameworks.clients import is_from
from foundry_doctor.integrations.frameworks.watch import watch

__all__ = ["HANDS_OUT", "cover_handed_out", "is_project_client"]

#: the method of a project client that makes openai clients
HANDS_OUT = "get_openai_client"


def is_project_client(client: object) -> bool:
    """Whether ``client`` is an azure-ai-projects client that hands out openai clients."""
    return is_from(client, "azure") and any(
        klass.__module__.startswith("azure.ai.projects") and HANDS_OUT in vars(klass)
        for klass in type(client).__mro__
    )


def cover_handed_out(client: object, *, include_personal: bool) -> None:
    """Make every openai client ``client.get_openai_client()`` returns an instrumented one."""
    watch(client, factories=(HANDS_OUT,), include_personal=include_personal)
