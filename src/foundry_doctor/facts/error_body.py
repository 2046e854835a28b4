"""Reading an error response body once, whatever its shape.

The services answer in a few shapes: the Cognitive Services envelope
``{"error": {"code": ..., "message": ...}}``, the gateway's ``{"statusCode": 401, "message":
...}``, a flat ``{"code": ..., "message": ...}``, odd ones such as ``{"status": "<text>"}``, or
plain text. :func:`parse_error_body` reduces any of them (or a truncated, binary or huge body)
to one :class:`ErrorBody` and never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["PARSE_LIMIT", "BodyShape", "ErrorBody", "parse_error_body"]

#: Only this many characters of a body are parsed: service error bodies are a few hundred bytes,
#: and parsing (a JSON attempt, then the fragment patterns) is the costly part of a diagnosis.
PARSE_LIMIT = 4 * 1024
_MAX_MESSAGE = 4096
_MAX_CODE = 128

BodyShape = Literal["error-envelope", "status-message", "code-message", "json", "text", "empty"]

_FIELD_CODE = re.compile(r'"code"\s*:\s*"?([^",}\s][^",}]{0,127})"?')
_FIELD_MESSAGE = re.compile(r'"message"\s*:\s*"((?:[^"\\]|\\.){0,4096})')
_FIELD_STATUS = re.compile(r'"statusCode"\s*:\s*(\d{3})')


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """The parts of an error body a diagnosis reads.

    ``code`` and ``message`` come from wherever the shape keeps them; ``status`` is a status code
    written inside the body (``statusCode``); ``details`` gathers nested codes and details.
    ``text`` is everything searchable, lower-cased and bounded.
    """

    shape: BodyShape = "empty"
    code: str | None = None
    message: str | None = None
    status: int | None = None
    details: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self.shape == "empty"


_EMPTY = ErrorBody()


def parse_error_body(body: str | bytes | None) -> ErrorBody:
    """Parse an error body of any shape; an :class:`ErrorBody` with ``shape="empty"`` for none."""
    if body is None:
        return _EMPTY
    try:
        text = _as_text(body)
    except Exception:
        return _EMPTY
    text = text.strip()
    if not text:
        return _EMPTY
    if text[0] in "{[":
        parsed = _json(text)
        if isinstance(parsed, Mapping):
            return _from_mapping(parsed)
        if parsed is not None:
            return _build("json", None, None, None, None, text)
        return _from_fragments(text)
    code, message = _parenthesised_code(text)
    if code is None and message is None:
        return _build("text", None, text[:_MAX_MESSAGE], None, None, text)
    return _build("text", code, message, None, text[:_MAX_MESSAGE], text)


def _parenthesised_code(text: str) -> tuple[str | None, str | None]:
    """azure-core's rendering of a service error, ``(Code) message``, as code and message."""
    if not text.startswith("("):
        return None, None
    end = text.find(")", 1, _MAX_CODE)
    code = text[1:end] if end > 1 else ""
    if not code or not all(char.isalnum() or char in "_.-" for char in code):
        return None, None
    message = text[end + 1 :].strip().split("\n", 1)[0]
    return (None if code == "None" else code), (message[:_MAX_MESSAGE] or None)


def _as_text(body: str | bytes | object) -> str:
    if isinstance(body, str):
        return body[:PARSE_LIMIT]
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body[:PARSE_LIMIT]).decode("utf-8", errors="replace")
    return ""


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _str(value: object, limit: int) -> str | None:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int)):
        text = str(value).strip()
        return text[:limit] or None
    return None


def _status(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 100 <= value <= 599:
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 3:
        return int(value.strip())
    return None


def _nested_details(error: Mapping[Any, Any]) -> str | None:
    parts: list[str] = []
    details = error.get("details")
    if isinstance(details, str):
        parts.append(details)
    elif isinstance(details, list):
        for item in details[:8]:
            if isinstance(item, Mapping):
                parts.extend(
                    text
                    for key in ("code", "message")
                    if (text := _str(item.get(key), _MAX_MESSAGE)) is not None
                )
            elif isinstance(item, str):
                parts.append(item)
    inner = error.get("innererror") or error.get("innerError")
    depth = 0
    while isinstance(inner, Mapping) and depth < 4:
        parts.extend(
            text
            for key in ("code", "message")
            if (text := _str(inner.get(key), _MAX_MESSAGE)) is not None
        )
        inner = inner.get("innererror") or inner.get("innerError")
        depth += 1
    for key in ("type", "param"):
        text = _str(error.get(key), _MAX_CODE)
        if text is not None:
            parts.append(text)
    joined = " | ".join(part[:_MAX_MESSAGE] for part in parts)
    return joined[:_MAX_MESSAGE] or None


def _from_mapping(data: Mapping[Any, Any]) -> ErrorBody:
    error = data.get("error")
    if isinstance(error, Mapping):
        return _build(
            "error-envelope",
            _str(error.get("code"), _MAX_CODE),
            _str(error.get("message"), _MAX_MESSAGE),
            _status(data.get("statusCode")) or _status(error.get("status")),
            _nested_details(error),
            None,
        )
    status = _status(data.get("statusCode")) or _status(data.get("status"))
    message = None
    for key in ("message", "Message", "error_description", "detail", "error", "status"):
        message = _str(data.get(key), _MAX_MESSAGE)
        if message is not None and not message.isdigit():
            break
        message = None
    code = _str(data.get("code"), _MAX_CODE) or _str(data.get("Code"), _MAX_CODE)
    if code is None and message is None:
        return _build("json", None, None, status, _nested_details(data), None)
    shape: BodyShape = "code-message" if code is not None else "status-message"
    return _build(shape, code, message, status, _nested_details(data), None)


def _from_fragments(text: str) -> ErrorBody:
    """A body that looks like JSON but does not parse (truncated, nested too deep): pick the
    fields out of the text."""
    code_match = _FIELD_CODE.search(text)
    message_match = _FIELD_MESSAGE.search(text)
    status_match = _FIELD_STATUS.search(text)
    code = code_match.group(1).strip()[:_MAX_CODE] if code_match else None
    message = _unescape(message_match.group(1)) if message_match else None
    status = int(status_match.group(1)) if status_match else None
    if code is None and message is None:
        return _build("text", None, text[:_MAX_MESSAGE], status, None, text)
    shape: BodyShape = "error-envelope" if '"error"' in text[:64] else "code-message"
    return _build(shape, code, message, status, None, None)


def _unescape(fragment: str) -> str:
    try:
        value = json.loads(f'"{fragment}"')
    except ValueError:
        return fragment[:_MAX_MESSAGE]
    return value[:_MAX_MESSAGE] if isinstance(value, str) else fragment[:_MAX_MESSAGE]


def _build(
    shape: BodyShape,
    code: str | None,
    message: str | None,
    status: int | None,
    details: str | None,
    raw: str | None,
) -> ErrorBody:
    searchable = " ".join(part for part in (code, message, details) if part)
    if raw is not None and not searchable:
        searchable = raw
    return ErrorBody(
        shape=shape,
        code=code,
        message=message,
        status=status,
        details=details,
        text=searchable[: 2 * _MAX_MESSAGE].lower(),
    )
