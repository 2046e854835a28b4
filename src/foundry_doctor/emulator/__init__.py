"""Local emulations of the services a Foundry / Azure OpenAI caller talks to: the data plane,
Microsoft Entra ID's token service, the managed-identity endpoints of the Azure hosts, and
Azure Resource Manager.

The real, unmodified SDK clients (azure-ai-inference with requests or aiohttp, openai with
httpx / httpx2) and the real azure-identity credentials talk to it under the real host names,
because it is an HTTPS proxy on 127.0.0.1 with a local CA, selected through environment
variables; the managed-identity endpoints are plain HTTP on the same port::

    from foundry_doctor.emulator import Emulator

    with Emulator() as emu:                      # starts it and routes HTTPS to it
        credential = ClientSecretCredential(     # the real credential, against emulated Entra ID
            "aaaaaaaa-0000-0000-0000-000000000001",
            emu.world.app("chat-backend").client_id,
            emu.client_secret("chat-backend"),
        )
        client = ChatCompletionsClient(
            endpoint="https://myres.services.ai.azure.com/models",
            credential=credential,
            credential_scopes=["https://cognitiveservices.azure.com/.default"],
        )
        client.complete(model="gpt-4o", messages=[UserMessage("hi")])

Each service answers the way the real one does on the wire (status, exact error bodies,
headers). Layout, after moto's: :mod:`~foundry_doctor.emulator.services` holds one package
per service (``spec``, ``world``, ``errors``, ``handlers``), :mod:`~foundry_doctor.emulator.wire`
the proxy, CA, environment, request log, faults and the network guard. Needs the
``[emulator]`` extra (trustme, cryptography); credentials also need azure-core.

The default world (:func:`default_world`; see also ``docs/emulator.md``):

========================  ==============================================================
tenants                   ``aaaaaaaa-0000-0000-0000-000000000001`` (contoso, public cloud;
                          everyone below lives here unless said otherwise),
                          ``...0002`` (fabrikam: ``eve``), ``...0003`` (US Government),
                          ``...0004`` (China)
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
``alice`` (user)          Cognitive Services User + Foundry User (formerly Azure AI
                          User) on ``myres``;
                          Cognitive Services User on ``keyless`` and ``private``
``bob`` (user)            Cognitive Services OpenAI User on ``myres``
``carol`` (user)          Owner on ``myres`` (no data-plane access)
``dave`` (user)           no roles
``app`` (service princ.)  Cognitive Services User on ``myres``; the service principal of
                          app registration ``chat-backend``
``eve`` (user)            other tenant; Cognitive Services User on ``myres`` (still refused:
                          wrong tenant)
``workload`` (s.p.)       Cognitive Services User; service principal of ``aks-workload``
managed identities        ``webapp-mi``, ``vm-mi``, ``uami-chat`` (Cognitive Services User
                          on ``myres``), ``uami-batch`` (no roles)
Resource Manager          ``management.azure.com``: the resources as accounts, alice also
                          Reader on ``rg-foundry``; ``frank`` (Foundry User on project
                          ``myproject`` only), ``grace`` (Cognitive Services User, assigned a
                          minute before the world was built), ``heidi`` (Foundry User through
                          two nested groups), ``ivan`` (PIM-eligible for Foundry User)
app ``chat-backend``      client id ``dddddddd-...0005``; secret 1 valid, secret 2 expired
                          (values random per world: :meth:`Emulator.client_secret`);
                          certificates on demand (:meth:`Emulator.client_certificate`)
app ``aks-workload``      client id ``dddddddd-...0007``; a federated credential for an AKS
                          issuer and ``system:serviceaccount:default:chat-backend``
platforms                 ``app-service`` (``webapp-mi`` + ``uami-chat``), ``vm``
                          (``vm-mi``), ``vm-user-assigned`` (``uami-chat``, ``uami-batch``,
                          no system identity), ``vm-no-identity``, ``cloud-shell`` (signed
                          in as ``alice``; refuses the ai.azure.com and
                          cognitiveservices.azure.com audiences)
api-versions              classic route: 2023-05-15, 2024-02-01, 2024-06-01, 2024-10-21,
                          2024-05/08/10/12-01-preview, 2025-01/03/04-01-preview;
                          ``/models``: 2024-05-01-preview; ``/openai/v1``: none, ``v1``,
                          ``preview``, ``latest``
========================  ==============================================================

Keys are random per world; ask :meth:`Emulator.key`. Principal object ids are
``bbbbbbbb-0000-0000-0000-00000000000N`` (alice 1, bob 2, carol 3, dave 4, app 5, eve 6,
workload 7, webapp-mi 8, vm-mi 9, uami-chat a, uami-batch b, frank c, grace d, heidi e,
ivan f); client ids of the apps and
identities are ``dddddddd-0000-0000-0000-00000000000N`` with the same N.

Faults on the wire (a connection dropped mid-body, a truncated, mislabelled or endless body, a
slow reply, another answer in place of the service's) for the requests that match:
``emu.inject(DropConnection(status=401))``, see :mod:`foundry_doctor.emulator.wire.faults`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foundry_doctor.emulator.services.entra.world import (
        AppRegistration,
        ClientCertificate,
        ClientSecret,
        FederatedCredential,
        Tenant,
    )
    from foundry_doctor.emulator.services.managed_identity.world import Platform
    from foundry_doctor.emulator.session import COGNITIVE_SERVICES_SCOPE, Emulator
    from foundry_doctor.emulator.wire.faults import (
        Answer,
        DropConnection,
        EndlessBody,
        Fault,
        Injection,
        MislabelledBody,
        SlowReply,
        TruncatedBody,
    )
    from foundry_doctor.emulator.wire.recording import RecordedRequest
    from foundry_doctor.emulator.world import (
        Agent,
        Application,
        Connection,
        Deployment,
        FoundrySettings,
        Gateway,
        GatewayApi,
        HostMatch,
        Principal,
        Project,
        Quota,
        Refusal,
        Resource,
        RoleDefinition,
        ServerlessEndpoint,
        World,
        default_world,
    )

_ENTRA_WORLD = "foundry_doctor.emulator.services.entra.world"
_FAULTS = "foundry_doctor.emulator.wire.faults"
_WORLD = "foundry_doctor.emulator.world"

# public name -> module that defines it, imported on first use (PEP 562): the data modules
# (world, statements) stay usable without the [emulator] extra's TLS dependencies
_LAZY = {
    "Answer": _FAULTS,
    "AppRegistration": _ENTRA_WORLD,
    "COGNITIVE_SERVICES_SCOPE": "foundry_doctor.emulator.session",
    "ClientCertificate": _ENTRA_WORLD,
    "ClientSecret": _ENTRA_WORLD,
    "Agent": _WORLD,
    "Application": _WORLD,
    "Connection": _WORLD,
    "FoundrySettings": _WORLD,
    "Gateway": _WORLD,
    "GatewayApi": _WORLD,
    "Project": _WORLD,
    "Quota": _WORLD,
    "Refusal": _WORLD,
    "RoleDefinition": _WORLD,
    "ServerlessEndpoint": _WORLD,
    "Deployment": _WORLD,
    "DropConnection": _FAULTS,
    "Emulator": "foundry_doctor.emulator.session",
    "EndlessBody": _FAULTS,
    "Fault": _FAULTS,
    "FederatedCredential": _ENTRA_WORLD,
    "HostMatch": _WORLD,
    "Injection": _FAULTS,
    "MislabelledBody": _FAULTS,
    "Platform": "foundry_doctor.emulator.services.managed_identity.world",
    "Principal": _WORLD,
    "RecordedRequest": "foundry_doctor.emulator.wire.recording",
    "Resource": _WORLD,
    "SlowReply": _FAULTS,
    "Tenant": _ENTRA_WORLD,
    "TruncatedBody": _FAULTS,
    "World": _WORLD,
    "default_world": _WORLD,
}

__all__ = [
    "COGNITIVE_SERVICES_SCOPE",
    "Agent",
    "Answer",
    "AppRegistration",
    "Application",
    "ClientCertificate",
    "ClientSecret",
    "Connection",
    "Deployment",
    "DropConnection",
    "Emulator",
    "EndlessBody",
    "Fault",
    "FederatedCredential",
    "FoundrySettings",
    "Gateway",
    "GatewayApi",
    "HostMatch",
    "Injection",
    "MislabelledBody",
    "Platform",
    "Principal",
    "Project",
    "Quota",
    "RecordedRequest",
    "Refusal",
    "Resource",
    "RoleDefinition",
    "ServerlessEndpoint",
    "SlowReply",
    "Tenant",
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
