"""Successful answers of the model routes: chat completions (whole and streamed), embeddings,
model information, the Responses API (whole and streamed), Anthropic's Messages API.

The payloads carry every field the SDKs read: azure-ai-inference's ``ChatCompletions`` /
``StreamingChatCompletionsUpdate`` / ``EmbeddingsResult`` / ``ModelInfo``, openai's
``ChatCompletion`` / ``ChatCompletionChunk`` / ``CreateEmbeddingResponse`` / ``Response`` and
its stream events, anthropic's ``Message`` and its stream events.
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
    "anthropic_events",
    "anthropic_message",
    "anthropic_token_count",
    "chat_chunks",
    "chat_completion",
    "chat_reply_text",
    "embeddings",
    "estimate_tokens",
    "input_items",
    "model_entry",
    "model_info",
    "model_list",
    "response_deleted",
    "response_events",
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


def _content_text(content: object) -> str:
    """The text of a message's ``content``: a string, or a list of parts with ``text``."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            part["text"]
            for part in content
            if isinstance(part, Mapping) and isinstance(part.get("text"), str)
        )
    return ""


def _prompt_text(messages: object) -> str:
    if isinstance(messages, str):
        return messages
    if not isinstance(messages, list):
        return ""
    parts: list[str] = []
    for message in messages:
        if isinstance(message, Mapping):
            parts.append(_content_text(message.get("content")))
    return " ".join(part for part in parts if part)


def estimate_tokens(deployment: Deployment, body: Mapping[str, Any]) -> int:
    """The tokens a call counts against a quota: the prompt's words (``messages``, ``input``
    or ``prompt``) plus the answer's (the emulator's estimate)."""
    prompt = " ".join(
        _prompt_text(body.get(name)) for name in ("messages", "input", "prompt", "system")
    )
    return _tokens(prompt) + _tokens(chat_reply_text(deployment))


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


def model_list(deployments: Sequence[Deployment]) -> dict[str, Any]:
    """``GET /openai/v1/models``: the resource's deployments."""
    return {"object": "list", "data": [_model_entry(item) for item in deployments]}


def model_entry(deployment: Deployment) -> dict[str, Any]:
    """``GET /openai/v1/models/<id>``."""
    return _model_entry(deployment)


def _message_item(text: str, status: str, item_id: str) -> dict[str, Any]:
    content = [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]
    return {
        "type": "message",
        "id": item_id,
        "status": status,
        "role": "assistant",
        "content": content if text or status == "completed" else [],
    }


def response_object(
    deployment: Deployment, body: Mapping[str, Any], *, model: str | None = None
) -> dict[str, Any]:
    """A completed ``response`` (the Responses API, ``/openai/v1/responses`` and the dated
    ``/openai/responses``); ``model`` overrides what the response names (an agent's)."""
    text = chat_reply_text(deployment)
    input_tokens = _tokens(_prompt_text(body.get("input")))
    output_tokens = _tokens(text)
    return {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": _now(),
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "metadata": body.get("metadata") or {},
        "model": model or deployment.model,
        "output": [_message_item(text, "completed", f"msg_{uuid.uuid4().hex}")],
        "parallel_tool_calls": True,
        "previous_response_id": body.get("previous_response_id"),
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "tool_choice": "auto",
        "tools": [],
        "text": {"format": {"type": "text"}},
        "truncation": "disabled",
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
    }


def response_events(response: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The server-sent events of a streamed ``response``: created, in progress, the message
    item and its text part added, one text delta per word, then everything done and
    ``response.completed`` (the event sequence of the Responses API, each with its
    ``sequence_number``)."""
    item = response["output"][0]
    text = item["content"][0]["text"]
    item_id = item["id"]
    pending = {**response, "status": "in_progress", "output": [], "usage": None}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": pending},
        {"type": "response.in_progress", "response": pending},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": _message_item("", "in_progress", item_id),
        },
        {
            "type": "response.content_part.added",
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
            "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []},
        },
    ]
    words = text.split(" ")
    for position, word in enumerate(words):
        events.append(
            {
                "type": "response.output_text.delta",
                "item_id": item_id,
                "output_index": 0,
                "content_index": 0,
                "delta": word if position == 0 else f" {word}",
                "logprobs": [],
            }
        )
    events += [
        {
            "type": "response.output_text.done",
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
            "text": text,
            "logprobs": [],
        },
        {
            "type": "response.content_part.done",
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
            "part": item["content"][0],
        },
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {"type": "response.completed", "response": dict(response)},
    ]
    for number, event in enumerate(events):
        yield {**event, "sequence_number": number}


def input_items(body: Mapping[str, Any]) -> dict[str, Any]:
    """``GET .../responses/<id>/input_items``: the input the response was created from."""
    given = body.get("input")
    messages = (
        [{"role": "user", "content": given}]
        if isinstance(given, str)
        else [m for m in given if isinstance(m, Mapping)]
        if isinstance(given, list)
        else []
    )
    data = [
        {
            "type": "message",
            "id": f"msg_{uuid.uuid4().hex}",
            "status": "completed",
            "role": str(message.get("role", "user")),
            "content": [{"type": "input_text", "text": _content_text(message.get("content"))}],
        }
        for message in messages
    ]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": False,
    }


def response_deleted(response_id: str) -> dict[str, Any]:
    return {"id": response_id, "object": "response.deleted", "deleted": True}


def _anthropic_prompt(body: Mapping[str, Any]) -> str:
    system = body.get("system")
    return " ".join(
        part for part in (_content_text(system), _prompt_text(body.get("messages"))) if part
    )


def anthropic_message(deployment: Deployment, body: Mapping[str, Any]) -> dict[str, Any]:
    """A Messages API ``message`` (``POST /anthropic/v1/messages``)."""
    text = chat_reply_text(deployment)
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": deployment.model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": _tokens(_anthropic_prompt(body)),
            "output_tokens": _tokens(text),
        },
    }


def anthropic_events(message: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The server-sent events of a streamed message: ``message_start``, the text block (one
    delta per word), ``message_delta`` with the stop reason, ``message_stop``."""
    text = message["content"][0]["text"]
    usage = message["usage"]
    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": usage["input_tokens"], "output_tokens": 1},
    }
    yield {"type": "message_start", "message": start}
    yield {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    for position, word in enumerate(text.split(" ")):
        delta = word if position == 0 else f" {word}"
        yield {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": delta},
        }
    yield {"type": "content_block_stop", "index": 0}
    yield {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": usage["output_tokens"]},
    }
    yield {"type": "message_stop"}


def anthropic_token_count(body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /anthropic/v1/messages/count_tokens``."""
    return {"input_tokens": _tokens(_anthropic_prompt(body))}
