"""Making text and URLs safe to show: credentials are replaced before anything is quoted.

A service message can echo part of a key ("Incorrect API key provided: sk-..."), a pasted log can
hold a whole bearer token, and a URL can carry a key or a SAS signature in its query. What a
diagnosis quotes goes through :func:`redact_text` or :func:`safe_url` first.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["looks_personal", "redact_personal", "redact_text", "safe_url"]

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*)?")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{16,}")
_HEADER_VALUE = re.compile(
    r"(?i)\b(api-key|ocp-apim-subscription-key|x-api-key|subscription-key|authorization)"
    r"(['\"]?\s*[:=]\s*['\"]?)(?!bearer\b)[A-Za-z0-9._~+/=-]{8,}"
)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b")
_OPENAI_KEY = re.compile(r"\bsk-[A-Za-z0-9_*-]{6,}")
# long runs of key-like characters (Azure keys are 32 hex or 84 base62 characters)
_LONG_SECRET = re.compile(
    r"(?<![A-Za-z0-9/_.-])[A-Za-z0-9+_=-]{32,}(?![A-Za-z0-9/_-]|\.[A-Za-z0-9])"
)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SAFE_QUERY = frozenset({"api-version"})
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _long_secret(match: re.Match[str]) -> str:
    token = match.group(0)
    if _GUID.match(token) or not re.search(r"\d", token) or not re.search(r"[A-Za-z]", token):
        return token
    return "<redacted>"


def redact_text(text: str, *, limit: int = 1000) -> str:
    """``text`` cut to ``limit`` characters with tokens, keys and credential header values
    replaced by placeholders; control characters become spaces."""
    cut = text[: limit * 2]
    lowered = cut.lower()
    if "eyj" in lowered:
        cut = _JWT.sub("<token>", cut)
    if "bearer" in lowered:
        cut = _BEARER.sub(lambda m: f"{m.group(1)} <redacted>", cut)
    if "key" in lowered or "authorization" in lowered:
        cut = _HEADER_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}<redacted>", cut)
    if "sk-" in lowered:
        cut = _OPENAI_KEY.sub("sk-<redacted>", cut)
    cut = _LONG_SECRET.sub(_long_secret, cut)
    cut = _CONTROL.sub(" ", cut)
    if len(cut) > limit:
        cut = cut[: limit - 1] + "…"
    return cut


def looks_personal(text: str) -> bool:
    """Whether ``text`` holds something that names a person (an e-mail address or upn)."""
    return _EMAIL.search(text) is not None


def redact_personal(text: str) -> str:
    """``text`` with e-mail addresses and upns replaced by ``<user>``."""
    return _EMAIL.sub("<user>", text)


def safe_url(url: str, *, limit: int = 300) -> str:
    """``url`` without user info and with every query value but ``api-version`` hidden."""
    try:
        parts = urlsplit(url.strip()[:4096])
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        pairs = parse_qsl(parts.query, keep_blank_values=True, max_num_fields=64)
    except ValueError:
        return redact_text(url, limit=limit)
    query = urlencode(
        [(name, value if name.lower() in _SAFE_QUERY else "<redacted>") for name, value in pairs],
        safe="<>",
    )
    text = urlunsplit((parts.scheme, host, parts.path, query, ""))
    return redact_text(text, limit=limit)
