"""In-process transports for the benchmarks: the real SDK clients, minus the network.

Each factory returns a client whose transport answers from memory, so a benchmark sees the
cost of the SDK's own pipeline and of whatever we add to it, not the cost of sockets. These are
benchmark fixtures only; the test suite talks to the emulator over real sockets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

CHAT_COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1764000000,
        "model": "gpt-4o",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": "hello"},
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }
).encode()

STREAM_CHUNKS = [
    b'data: {"id":"c","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o",'
    b'"choices":[{"index":0,"delta":{"role":"assistant","content":"' + part + b'"},'
    b'"finish_reason":null}]}\n\n'
    for part in (b"hel", b"lo", b"!")
] + [b"data: [DONE]\n\n"]

JSON_HEADERS = {"Content-Type": "application/json", "apim-request-id": "bench"}


# --- azure-core (azure-ai-inference) ------------------------------------------------------


def inference_client(
    *policies: Any,
    stream_body: bool = False,
    status: int = 200,
    body: bytes | None = None,
) -> Any:
    """A ``ChatCompletionsClient`` on an in-memory transport; ``policies`` go per call. With
    ``status`` / ``body`` every call gets that answer instead of a chat completion."""
    import requests
    from azure.ai.inference import ChatCompletionsClient
    from azure.core.credentials import AzureKeyCredential
    from azure.core.pipeline.transport import HttpTransport
    from azure.core.rest._requests_basic import RestRequestsTransportResponse

    class InMemoryTransport(HttpTransport):  # type: ignore[type-arg]
        def __enter__(self) -> InMemoryTransport:
            return self

        def __exit__(self, *args: object) -> None:
            return None

        def open(self) -> None:
            return None

        def close(self) -> None:
            return None

        def send(self, request: Any, **kwargs: Any) -> Any:
            raw = requests.Response()
            raw.status_code = status
            raw.reason = "OK" if status == 200 else "Error"
            if body is not None:
                raw.headers.update(JSON_HEADERS)
                raw.raw = _ChunkReader([body])
            elif stream_body:
                raw.headers.update({"Content-Type": "text/event-stream"})
                raw.raw = _ChunkReader(STREAM_CHUNKS)
            else:
                raw.headers.update(JSON_HEADERS)
                raw.raw = _ChunkReader([CHAT_COMPLETION])
            response = RestRequestsTransportResponse(  # type: ignore[no-untyped-call]
                request=request, internal_response=raw
            )
            if not kwargs.get("stream", False) and not stream_body:
                response.read()
            return response

    return ChatCompletionsClient(
        endpoint="https://myres.services.ai.azure.com/models",
        credential=AzureKeyCredential("bench-key"),
        transport=InMemoryTransport(),
        per_call_policies=list(policies),
    )


class _ChunkReader:
    """The bit of ``urllib3.HTTPResponse`` that requests' ``iter_content`` uses."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = list(chunks)

    def stream(self, chunk_size: int, decode_content: bool = True) -> Iterator[bytes]:
        yield from self._chunks

    def close(self) -> None:
        return None


# --- openai ---------------------------------------------------------------------------------


def openai_client(
    install: Callable[[Any], Any] | None = None,
    *,
    stream: bool = False,
    kind: str = "AzureOpenAI",
    status: int = 200,
    body: bytes | None = None,
) -> Any:
    """An ``AzureOpenAI`` client (``kind="OpenAI"``: an ``OpenAI`` client on the Azure
    ``/openai/v1/`` endpoint) whose http client answers from memory (httpx or httpx2, whichever
    the installed openai uses); ``install`` may instrument it. With ``status`` / ``body`` every
    call gets that answer instead of a chat completion."""
    import openai

    transport_module = _openai_transport_module()

    def handler(request: Any) -> Any:
        if body is not None:
            return transport_module.Response(status, headers=JSON_HEADERS, content=body)
        if stream:
            return transport_module.Response(
                200,
                headers={"Content-Type": "text/event-stream"},
                content=iter(STREAM_CHUNKS),
            )
        return transport_module.Response(200, headers=JSON_HEADERS, content=CHAT_COMPLETION)

    http_client = openai.DefaultHttpxClient(transport=transport_module.MockTransport(handler))
    if kind == "OpenAI":
        client: Any = openai.OpenAI(
            base_url="https://myres.openai.azure.com/openai/v1/",
            api_key="bench-key",
            http_client=http_client,
            max_retries=0,
        )
    else:
        client = openai.AzureOpenAI(
            azure_endpoint="https://myres.openai.azure.com",
            api_key="bench-key",
            api_version="2024-10-21",
            http_client=http_client,
            max_retries=0,
        )
    return install(client) if install is not None else client


def _openai_transport_module() -> Any:
    import openai

    base = openai.DefaultHttpxClient.__mro__[1].__module__.split(".", 1)[0]
    if base == "httpx2":
        import httpx2

        return httpx2
    import httpx

    return httpx
