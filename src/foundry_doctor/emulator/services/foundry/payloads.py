"""Successful answers: chat completions (whole and streamed), embeddings, model information.

The payloads carry every field both SDKs read: azure-ai-inference's ``ChatCompletions`` /
``StreamingChatCompletionsUpdate`` / ``EmbeddingsResult`` / ``ModelInfo`` and openai's
``ChatCompletion`` / ``ChatCompletionChunk`` / ``CreateEmbeddingResponse`` / ``Response``.
Content is deterministic: it names the deployment, so a test can tell which one answered.
Embeddings are derived from a hash of the input; ``encoding_format="base64"`` (openai's
default) is honoured.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from foundry_doctor.emulator.services.foundry.world import Deployment

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "chat_chunks",
    "chat_completion",
    "chat_reply_text",
    "embeddings",
    "model_entry",
    "model_info",
    "model_list",
    "project_deployment",
    "response_object",
    "text_completion",
]

#: length of every emulated embedding vector
EMBEDDING_DIMENSIONS = 8

_FINGERPRINT = "fp_emulator"


def _now() -> int:
    return int(time.time())


def _tokens(text: str) -> int:
    return max(1, len(text.split()))


def chat_reply_text(deployment: Deployment) -> str:
    """The assistant's answer: always the same for one deployment."""
    return f"Hello from {deployment.name} on the foundry-doctor emulator."


def _prompt_text(messages: object) -> str:
    if not isinstance(messages, list):
        return ""
    parts: list[str] = []
    for message in messages:
        if isinstance(message, Mapping):
            content = message.get("content")
            if isinstance(content, str):
                parts.append(content)
    return " ".join(parts)


def _usage(prompt: str, completion: str) -> dict[str, int]:
    prompt_tokens, completion_tokens = _tokens(prompt), _tokens(completion)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def chat_completion(deployment: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    """A non-streamed ``chat.completion``."""
    text = chat_reply_text(deployment)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": _now(),
        "model": deployment.model,
        "system_fingerprint": _FINGERPRINT,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {"role": "assistant", "content": text},
            }
        ],
        "usage": _usage(_prompt_text(body.get("messages")), text),
    }


def chat_chunks(deployment: Deployment, body: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``chat.completion.chunk`` events of a streamed answer: a role chunk, one chunk per
    word, a final chunk with ``finish_reason`` and ``usage``."""
    text = chat_reply_text(deployment)
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", _now()

    def chunk(
        delta: dict[str, Any], finish: str | None, usage: dict[str, int] | None = None
    ) -> dict[str, Any]:
        event: dict[str, Any] = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": deployment.model,
            "system_fingerprint": _FINGERPRINT,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }
        if usage is not None:
            event["usage"] = usage
        return event

    yield chunk({"role": "assistant", "content": ""}, None)
    words = text.split(" ")
    for position, word in enumerate(words):
        yield chunk({"content": word if position == 0 else f" {word}"}, None)
    yield chunk({}, "stop", _usage(_prompt_text(body.get("messages")), text))


def text_completion(deployment: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    """A legacy ``text_completion`` (``/completions``)."""
    text = chat_reply_text(deployment)
    prompt = body.get("prompt")
    return {
        "id": f"cmpl-{uuid.uuid4().hex[:24]}",
        "object": "text_completion",
        "created": _now(),
        "model": deployment.model,
        "choices": [{"text": text, "index": 0, "finish_reason": "stop", "logprobs": None}],
        "usage": _usage(prompt if isinstance(prompt, str) else "", text),
    }


def _vector(text: str, dimensions: int) -> list[float]:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [round((digest[i % len(digest)] - 128) / 128.0, 6) for i in range(dimensions)]


def _inputs(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        items: list[str] = []
        for item in value:
            if isinstance(item, str):
                items.append(item)
            elif isinstance(item, Mapping):  # image embeddings: {"image": ..., "text": ...}
                items.append(str(item.get("text") or item.get("image") or ""))
            else:
                items.append(str(item))
        return items
    return []


def embeddings(deployment: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    """An embeddings result for every input (floats, or base64 float32 when asked for)."""
    requested = body.get("dimensions")
    dimensions = (
        requested if isinstance(requested, int) and 0 < requested <= 64 else EMBEDDING_DIMENSIONS
    )
    as_base64 = body.get("encoding_format") == "base64"
    inputs = _inputs(body.get("input"))
    data: list[dict[str, Any]] = []
    for index, text in enumerate(inputs):
        vector = _vector(text, dimensions)
        embedding: object = vector
        if as_base64:
            embedding = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    prompt_tokens = sum(_tokens(text) for text in inputs)
    return {
        "id": f"embd-{uuid.uuid4().hex[:24]}",
        "object": "list",
        "model": deployment.model,
        "data": data,
        "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens},
    }


def model_info(deployment: Deployment) -> dict[str, Any]:
    """``GET /models/info``."""
    return {
        "model_name": deployment.model,
        "model_type": "chat_completion" if deployment.kind == "chat" else "embeddings",
        "model_provider_name": deployment.provider,
    }


def _model_entry(deployment: Deployment) -> dict[str, Any]:
    return {
        "id": deployment.name,
        "object": "model",
        "created": 1_700_000_000,
        "owned_by": deployment.provider.lower(),
    }


def project_deployment(deployment: Deployment) -> dict[str, Any]:
    """A deployment as a project's ``GET /deployments`` lists it (azure-ai-projects'
    ``ModelDeployment``)."""
    capability = "embeddings" if deployment.kind == "embeddings" else "chat_completion"
    return {
        "type": "ModelDeployment",
        "name": deployment.name,
        "modelName": deployment.model,
        "modelVersion": "1",
        "modelPublisher": deployment.provider,
        "capabilities": {capability: "true"},
        "sku": {"name": "GlobalStandard", "capacity": 1, "family": "", "size": "", "tier": ""},
    }


def model_list(deployments: Sequence[Deployment]) -> dict[str, Any]:
    """``GET /openai/v1/models``: the resource's deployments."""
    return {"object": "list", "data": [_model_entry(item) for item in deployments]}


def model_entry(deployment: Deployment) -> dict[str, Any]:
    """``GET /openai/v1/models/<id>``."""
    return _model_entry(deployment)


def response_object(deployment: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    """A completed ``response`` (the Responses API, ``/openai/v1/responses``)."""
    text = chat_reply_text(deployment)
    prompt = body.get("input")
    input_tokens = _tokens(prompt if isinstance(prompt, str) else "")
    output_tokens = _tokens(text)
    return {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": _now(),
        "status": "completed",
        "model": deployment.model,
        "output": [
            {
                "type": "message",
                "id": f"msg_{uuid.uuid4().hex}",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
    }
