"""A local emulator of the Microsoft Foundry / Azure OpenAI data plane.

The real, unmodified SDK clients (azure-ai-inference with requests or aiohttp, openai with
httpx / httpx2) talk to it under the real host names, because it is an HTTPS proxy on
127.0.0.1 with a local CA, selected through environment variables::

    from foundry_doctor.emulator import Emulator

    with Emulator() as emu:                      # starts it and routes HTTPS to it
        client = ChatCompletionsClient(
            endpoint="https://myres.services.ai.azure.com/models",
            credential=emu.credential("alice"),
            credential_scopes=["https://cognitiveservices.azure.com/.default"],
        )
        client.complete(model="gpt-4o", messages=[UserMessage("hi")])

It answers the way the service does on the wire (status, exact error bodies, headers), for
the classic deployment route, ``/openai/v1``, the Model Inference API (``/models``) and
project endpoints. Needs the ``[emulator]`` extra (trustme, cryptography); credentials also
need azure-core.

The default world (:func:`default_world`; see also ``docs/emulator.md``):

========================  ==============================================================
tenant                    ``aaaaaaaa-0000-0000-0000-000000000001`` (``eve`` lives in
                          ``aaaaaaaa-0000-0000-0000-000000000002``)
resource ``myres``        East US; ``myres.openai.azure.com``,
                          ``myres.services.ai.azure.com``,
                          ``myres.cognitiveservices.azure.com``; key auth on, public network
                          on; project ``myproject``; deployments ``gpt-4o``, ``gpt-4o-mini``,
                          ``text-embedding-3-small`` (OpenAI), ``Llama-3.3-70B-Instruct``,
                          ``DeepSeek-R1``, ``Cohere-embed-v3-english`` (non-OpenAI)
resource ``keyless``      like ``myres`` (deployment ``gpt-4o``) but key auth disabled
resource ``private``      like ``myres`` (deployment ``gpt-4o``) but public network disabled
regional host             ``eastus.api.cognitive.microsoft.com``: keys of the East US
                          resources work on the classic route; tokens get the 400
                          custom-subdomain error
``alice`` (user)          Cognitive Services User + Azure AI User on ``myres``;
                          Cognitive Services User on ``keyless`` and ``private``
``bob`` (user)            Cognitive Services OpenAI User on ``myres``
``carol`` (user)          Owner on ``myres`` (no data-plane access)
``dave`` (user)           no roles
``app`` (service princ.)  Cognitive Services User on ``myres``
``eve`` (user)            other tenant; Cognitive Services User on ``myres`` (still refused:
                          wrong tenant)
api-versions              classic route: 2023-05-15, 2024-02-01, 2024-06-01, 2024-10-21,
                          2024-05/08/10/12-01-preview, 2025-01/03/04-01-preview;
                          ``/models``: 2024-05-01-preview; ``/openai/v1``: none, ``v1``,
                          ``preview``, ``latest``
========================  ==============================================================

Keys are random per world; ask :meth:`Emulator.key`. Principal object ids are
``bbbbbbbb-0000-0000-0000-00000000000N`` (alice 1, bob 2, carol 3, dave 4, app 5, eve 6).

Faults on the wire (a connection dropped mid-body, a truncated, mislabelled or endless body, a
slow reply, another answer in place of the service's) for the requests that match:
``emu.inject(DropConnection(status=401))``, see :mod:`foundry_doctor.emulator.faults`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foundry_doctor.emulator.faults import (
        Answer,
        DropConnection,
        EndlessBody,
        Fault,
        Injection,
        MislabelledBody,
        SlowReply,
        TruncatedBody,
    )
    from foundry_doctor.emulator.recording import RecordedRequest
    from foundry_doctor.emulator.session import COGNITIVE_SERVICES_SCOPE, Emulator
    from foundry_doctor.emulator.world import (
        Deployment,
        HostMatch,
        Principal,
        Resource,
        World,
        default_world,
    )

# public name -> module that defines it, imported on first use (PEP 562): the data modules
# (world, scenarios) stay usable without the [emulator] extra's TLS dependencies
_LAZY = {
    "COGNITIVE_SERVICES_SCOPE": "foundry_doctor.emulator.session",
    "Emulator": "foundry_doctor.emulator.session",
    "RecordedRequest": "foundry_doctor.emulator.recording",
    "Answer": "foundry_doctor.emulator.faults",
    "DropConnection": "foundry_doctor.emulator.faults",
    "EndlessBody": "foundry_doctor.emulator.faults",
    "Fault": "foundry_doctor.emulator.faults",
    "Injection": "foundry_doctor.emulator.faults",
    "MislabelledBody": "foundry_doctor.emulator.faults",
    "SlowReply": "foundry_doctor.emulator.faults",
    "TruncatedBody": "foundry_doctor.emulator.faults",
    "Deployment": "foundry_doctor.emulator.world",
    "HostMatch": "foundry_doctor.emulator.world",
    "Principal": "foundry_doctor.emulator.world",
    "Resource": "foundry_doctor.emulator.world",
    "World": "foundry_doctor.emulator.world",
    "default_world": "foundry_doctor.emulator.world",
}

__all__ = [
    "COGNITIVE_SERVICES_SCOPE",
    "Answer",
    "Deployment",
    "DropConnection",
    "Emulator",
    "EndlessBody",
    "Fault",
    "HostMatch",
    "Injection",
    "MislabelledBody",
    "Principal",
    "RecordedRequest",
    "Resource",
    "SlowReply",
    "TruncatedBody",
    "World",
    "default_world",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'foundry_doctor.emulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
