"""Facts from an error message copied out of a log or a terminal.

Best effort: the status, the error body and the URLs are picked out of whatever the text holds -
openai's ``Error code: 401 - {...}``, azure-core's ``(Code) message / Code: / Message:`` block,
a raw JSON body, .NET's ``Status: 404 (Not Found) ErrorCode: ...``, ``Operation returned an
invalid status 'Not Found'``. What a pasted message cannot show (which headers went out) stays
unknown; a bearer token found in the text is reduced to its claims and never kept.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping

from foundry_doctor.facts.credential_failure import (
    CredentialFailure,
    looks_like_credential_failure,
)
from foundry_doctor.facts.endpoints import classify_endpoint
from foundry_doctor.facts.observation import AuthFacts, Facts, capped_body
from foundry_doctor.facts.redaction import safe_url, scrub_secrets
from foundry_doctor.facts.tokens import TokenClaims, decode_claims

__all__ = ["facts_from_text", "quoted_request_url"]

_MAX_TEXT = 256 * 1024
_MAX_LITERAL = 64 * 1024

_REASONS = {
    "bad request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not found": 404,
    "notfound": 404,
}
_EXCEPTIONS = {
    "clientauthenticationerror": 401,
    "authenticationerror": 401,
    "permissiondeniederror": 403,
    "resourcenotfounderror": 404,
    "notfounderror": 404,
    "badrequesterror": 400,
}
_STATUS_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"error code:?\s*(\d{3})\b",
        r"['\"]?status_?code['\"]?\s*[:=]\s*['\"]?(\d{3})\b",
        r"\b(?:http(?:/\d(?:\.\d)?)?|status(?: code)?)\s*[:=]?\s*(\d{3})\b",
        r"\b(\d{3})\s*\(?(?:unauthorized|forbidden|not found|bad request|permissiondenied)",
        r"\bresponse \[(\d{3})\]",
    )
)
_INVALID_STATUS = re.compile(r"invalid status\s*['\"]?([A-Za-z ]{3,30})['\"]?", re.IGNORECASE)
# a reason phrase alone on a line; anywhere else "not found" is a message's words, not a status
_REASON_LINE = re.compile(
    r"^\s*(unauthorized|forbidden|not found|bad request)\s*$", re.IGNORECASE | re.MULTILINE
)
# what only a service's HTTP answer writes in a log: openai's status error, a .NET status line,
# an HTTP status line (a token endpoint's JSON can look like a service body; these cannot)
_SERVICE_ANSWER = re.compile(
    r"error code:?\s*\d{3}\b|\bstatus:\s*\d{3}\s*\(|\bhttp/\d(?:\.\d)?\s+\d{3}\b",
    re.IGNORECASE,
)
_EXCEPTION_NAMES = re.compile(r"\b(\w+Error)\b")
_CODE_LINE = re.compile(
    r"^\s*(?:Code|ErrorCode|Error code)\s*:\s*(\S[^\r\n]{0,127})$", re.MULTILINE
)
_MESSAGE_LINE = re.compile(r"^\s*Message\s*:\s*(\S[^\r\n]{0,4095})$", re.MULTILINE)
_PAREN_CODE = re.compile(r"^\s*\(([A-Za-z_][\w.]{1,63})\)\s+(\S[^\r\n]{0,4095})$", re.MULTILINE)
_URL = re.compile(r"https?://[^\s'\"<>()\[\]{}\\,`|]+", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_REQUEST_ID = re.compile(
    r"\b(apim-request-id|x-request-id|x-ms-request-id)['\"]?\s*[:=]\s*['\"]?([\w-]{8,64})",
    re.IGNORECASE,
)
# documentation links and audiences quoted inside messages are not where the call went
_NOT_A_TARGET = re.compile(
    r"^https?://(?:aka\.ms|learn\.microsoft\.com|docs\.[^/]+|platform\.openai\.com|github\.com"
    r"|(?:cognitiveservices|ai|ml|management)\.azure\.(?:com|us|cn))(?:[/:]|$)",
    re.IGNORECASE,
)


def facts_from_text(text: object) -> Facts:
    """Facts from a pasted error message; what the text does not show stays unknown.

    Never raises."""
    if not isinstance(text, str):
        return Facts(auth=AuthFacts(observed=False))
    text = text[:_MAX_TEXT]
    try:
        return _read(text)
    except Exception:
        return Facts(auth=AuthFacts(observed=False), body=capped_body(_scrub(text[:8192])))


def _read(text: str) -> Facts:
    if looks_like_credential_failure(text) and not _SERVICE_ANSWER.search(text):
        return _credential_failure(text)
    body = _structured_body(text)
    status = _status(text, body)
    url, endpoint = _targets(text)
    claims = _claims(text)
    request_ids = {name.lower(): value for name, value in _REQUEST_ID.findall(text)}
    message = body if body is not None else _plain_message(text)
    return Facts(
        client=_client(text, url),
        endpoint=safe_url(endpoint) if endpoint else None,
        url=safe_url(url, limit=2048) if url else None,
        auth=AuthFacts(
            authorization="jwt" if claims is not None else None, claims=claims, observed=False
        ),
        status=status,
        headers=request_ids,
        body=capped_body(_scrub(message)) if message is not None else None,
    )


def _scrub(text: str) -> str:
    """The text without credentials (and otherwise as it was: it is parsed later as a body)."""
    return scrub_secrets(text)


def _status(text: str, body: str | None) -> int | None:
    for pattern in _STATUS_PATTERNS:
        for match in pattern.finditer(text):
            value = int(match.group(1))
            if 400 <= value <= 599:
                return value
    if body is not None:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, Mapping):
            code = parsed.get("statusCode")
            if isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 599:
                return code
    invalid = _INVALID_STATUS.search(text)
    if invalid and invalid.group(1).strip().lower() in _REASONS:
        return _REASONS[invalid.group(1).strip().lower()]
    for name in _EXCEPTION_NAMES.findall(text):
        status = _EXCEPTIONS.get(name.lower())
        if status is not None:
            return status
    reason = _REASON_LINE.search(text)
    return _REASONS[reason.group(1).lower()] if reason else None


def _credential_failure(text: str) -> Facts:
    """A credential's failure: no request reached the service, so no status and no body."""
    return Facts(
        client=_client(text, None),
        auth=AuthFacts(observed=False),
        credential="token",
        credential_failure=CredentialFailure.from_text(text[:16384]),
    )


def _balanced(text: str, start: int) -> str | None:
    """The ``{...}`` starting at ``start`` with its braces balanced (quotes respected)."""
    depth = 0
    quote: str | None = None
    escaped = False
    for index in range(start, min(len(text), start + _MAX_LITERAL)):
        char = text[index]
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
            continue
        if char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None


def _as_mapping(fragment: str) -> Mapping[object, object] | None:
    try:
        value = json.loads(fragment)
    except (ValueError, RecursionError):
        try:
            value = ast.literal_eval(fragment)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, Mapping) else None


def _structured_body(text: str) -> str | None:
    start = text.find("{")
    tries = 0
    while start >= 0 and tries < 8:
        fragment = _balanced(text, start)
        if fragment is not None:
            mapping = _as_mapping(fragment)
            if mapping is not None and _looks_like_error(mapping):
                try:
                    return json.dumps(mapping, default=str)
                except (TypeError, ValueError, RecursionError):
                    return None
        start = text.find("{", start + 1)
        tries += 1
    code = _CODE_LINE.search(text)
    message = _MESSAGE_LINE.search(text)
    paren = _PAREN_CODE.search(text)
    code_text = code.group(1).strip() if code else (paren.group(1) if paren else None)
    message_text = message.group(1).strip() if message else (paren.group(2) if paren else None)
    if code_text in ("None", "null"):
        code_text = None
    if code_text is None and message_text is None:
        return None
    error: dict[str, str] = {}
    if code_text:
        error["code"] = code_text
    if message_text:
        error["message"] = message_text
    return json.dumps({"error": error})


def _looks_like_error(mapping: Mapping[object, object]) -> bool:
    keys = {str(key).lower() for key in mapping}
    return bool(keys & {"error", "message", "code", "statuscode", "status"})


def _plain_message(text: str) -> str | None:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    # the last lines of a traceback carry the message; keep them bounded
    return "\n".join(lines[-20:])[:8192]


def quoted_request_url(text: str) -> str | None:
    """The request URL a message quotes (an operation URL on a host of a known family), for a
    record that keeps the message but not the URL; ``None`` when it quotes none."""
    url, _ = _targets(text[:_MAX_TEXT])
    if url is None:
        return None
    info = classify_endpoint(url)
    return safe_url(url, limit=2048) if info is not None and info.family != "unknown" else None


def _targets(text: str) -> tuple[str | None, str | None]:
    url: str | None = None
    endpoint: str | None = None
    for match in _URL.finditer(text):
        candidate = match.group(0).rstrip(".;:!?'\"")
        if _NOT_A_TARGET.match(candidate):
            continue
        info = classify_endpoint(candidate)
        if info is None:
            continue
        if info.operation and url is None:
            url = candidate
        elif not info.operation and endpoint is None:
            endpoint = candidate
    return url, endpoint


def _claims(text: str) -> TokenClaims | None:
    match = _JWT.search(text)
    return decode_claims(match.group(0)) if match else None


def _client(text: str, url: str | None) -> str | None:
    lowered = text.lower()
    if "azure.ai.inference" in lowered or "chatcompletionsclient" in lowered:
        return "azure-ai-inference"
    if "azure.ai.projects" in lowered or "aiprojectclient" in lowered:
        return "azure-ai-projects"
    if "azureopenai" in lowered:
        return "openai.AzureOpenAI"
    info = classify_endpoint(url)
    if lowered.lstrip().startswith("error code:") or "openai." in lowered:
        if info is not None and info.route == "openai-v1":
            return "openai.OpenAI"
        if info is not None and info.route == "deployments":
            return "openai.AzureOpenAI"
    return None
