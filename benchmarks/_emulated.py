"""Real SDK clients against the bundled emulator, for the benchmarks.

Build them inside ``with served() as emulator:`` (the emulator in a child process, this
process routed to it) or ``with Emulator() as emu:`` (in this process): httpx reads the proxy
settings when a client is built. Authentication is by key, so no token is minted per call.

One deliberate change from the defaults, for azure-ai-inference only: urllib3 turns Nagle's
algorithm back *on* for connections through a proxy (``connectionpool.py``: "Enable Nagle's
algorithm for proxies"), and the emulator is reached through its proxy. azure-core's requests
transport writes a POST's headers and body separately, so the body waits for the ACK of the
headers, which the emulator's side delays by ~40 ms: every call would cost ~44 ms instead of
~3 ms, drowning what we want to see. The real service is normally reached without a proxy,
with ``TCP_NODELAY`` on, so the benchmarks give the requests session ``TCP_NODELAY`` for
proxied connections too (:func:`nodelay_transport`).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AZURE_OPENAI_ENDPOINT",
    "INFERENCE_ENDPOINT",
    "OPENAI_V1_BASE_URL",
    "Served",
    "inference_client",
    "nodelay_transport",
    "openai_client",
    "served",
]

INFERENCE_ENDPOINT = "https://myres.services.ai.azure.com/models"
AZURE_OPENAI_ENDPOINT = "https://myres.openai.azure.com"
OPENAI_V1_BASE_URL = "https://myres.openai.azure.com/openai/v1/"

_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def nodelay_transport() -> Any:
    """azure-core's ``RequestsTransport`` on a session that keeps ``TCP_NODELAY`` on proxied
    connections (see the module docstring)."""
    import requests
    from azure.core.pipeline.transport import RequestsTransport

    class NoDelayAdapter(requests.adapters.HTTPAdapter):
        def proxy_manager_for(self, proxy: Any, **proxy_kwargs: Any) -> Any:
            proxy_kwargs.setdefault("socket_options", _NODELAY)
            return super().proxy_manager_for(proxy, **proxy_kwargs)

    session = requests.Session()
    session.mount("https://", NoDelayAdapter())
    return RequestsTransport(session=session, session_owner=True)


def inference_client(key: str, *policies: Any) -> Any:
    """A ``ChatCompletionsClient`` for ``myres``'s ``/models`` endpoint; ``policies`` per call."""
    from azure.ai.inference import ChatCompletionsClient
    from azure.core.credentials import AzureKeyCredential

    return ChatCompletionsClient(
        endpoint=INFERENCE_ENDPOINT,
        credential=AzureKeyCredential(key),
        per_call_policies=list(policies),
        transport=nodelay_transport(),
    )


def openai_client(key: str, kind: str = "AzureOpenAI") -> Any:
    """An ``AzureOpenAI`` client for ``myres`` (``kind="OpenAI"``: an ``OpenAI`` client on its
    ``/openai/v1/`` endpoint), default http client, no retries."""
    import openai

    if kind == "OpenAI":
        return openai.OpenAI(base_url=OPENAI_V1_BASE_URL, api_key=key, max_retries=0)
    return openai.AzureOpenAI(
        azure_endpoint=AZURE_OPENAI_ENDPOINT,
        api_key=key,
        api_version="2024-10-21",
        max_retries=0,
    )


@contextlib.contextmanager
def served() -> Iterator[Served]:
    """The emulator in a child process (``foundry-doctor emulator --json``), with this
    process's environment routed to it for the block; the child is stopped afterwards.

    A separate process keeps the emulator's threads off this interpreter's GIL, so what is
    timed here is the client's side of the exchange only."""
    from foundry_doctor.emulator.wire.environment import routed_environment

    process = subprocess.Popen(
        [sys.executable, "-m", "foundry_doctor", "emulator", "--json", "--ca-dir", _ca_dir()],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator did not start (see its stderr above)")
        summary = json.loads(line)
        keys = {resource["name"]: resource["keys"][0] for resource in summary["resources"]}
        with routed_environment(summary["env"]):
            yield Served(keys=keys, proxy_url=summary["proxy_url"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ca_dir() -> str:
    # a fresh CA per run, removed with the process's other temporary files
    path = tempfile.mkdtemp(prefix="fd-bench-emulator-ca-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@dataclass(frozen=True)
class Served:
    """What a served emulator hands out: key 1 of each resource, and where it listens."""

    keys: dict[str, str]
    proxy_url: str
