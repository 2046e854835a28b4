"""Making text and URLs safe to show: what foundry-doctor quotes keeps only what explains.

Services and gateways echo credentials in their error bodies (``api_key=...``, a SAS URL, a
``Cookie:`` header, a bearer token), pasted logs hold whole tokens, and a configured URL can carry
a password or a key in its query. Everything foundry-doctor shows passes through this module, which
works the way azure-core's ``HttpLoggingPolicy`` does: what is known to be harmless passes, every
other value is replaced.

* :func:`safe_url` rebuilds a URL from its parts: scheme, host and port, the path (a segment that
  looks like a key is replaced), and the query with every value replaced except those named in
  :data:`SHOWN_QUERY_NAMES`. User info and fragment are dropped. It holds for URLs that do not
  parse (a bad port, a broken IPv6 literal, ``/`` or ``#`` inside a password, no scheme).
* :func:`quote` is the one function for any text shown to a person: it decodes percent- and
  ``\\u``-escapes (so an encoded secret is seen), keeps words, codes, GUIDs, host names, paths,
  data-action names and ``api-version`` values, replaces the value after any credential-ish name
  (key, secret, password, token, sig, signature, assertion, credential, cookie, authorization,
  a code that is not an error code, ...), after an ``Authorization`` scheme (``Bearer``,
  ``Basic``, ``SharedKey``, ...), JWTs, ``user:password@``, every query value of a URL and
  relative URL but ``api-version``, and any opaque high-entropy run; control characters
  (ANSI escapes, C1, bidi overrides and isolates, zero-width characters, line and paragraph
  separators, newlines) become spaces, so quoted text can neither forge a line of our output
  nor steer a terminal. Its input is capped first, so its cost is bounded.
* :func:`scrub_secrets` is the secret-replacing part alone, for text that is kept as facts and
  parsed later (a pasted JSON body stays JSON).

Personal data (an e-mail address, a upn) is not a secret: it is removed by
:func:`redact_personal` where the caller did not opt in. A URL password is always a secret.
"""

from __future__ import annotations

import re

from foundry_doctor._patterns import lazy

__all__ = [
    "JWT_SHOWN",
    "REDACTED",
    "SHOWN_QUERY_NAMES",
    "guard_text",
    "keepable_url",
    "looks_personal",
    "names_credential",
    "ours",
    "printable",
    "quote",
    "redact_personal",
    "redact_text",
    "safe_url",
    "scrub_secrets",
]

#: what replaces a secret value
REDACTED = "<redacted>"
#: what replaces a whole JWT
JWT_SHOWN = "<token>"

#: the query parameters whose values are shown; every other query value is replaced
#: (``linkid``: the number of a Microsoft documentation link, go.microsoft.com/fwlink/?linkid=N,
#: which service messages point to)
SHOWN_QUERY_NAMES: frozenset[str] = frozenset({"api-version", "linkid"})
#: what a shown query value may look like (``2024-10-21``, ``2025-04-01-preview``, ``v1``)
_SHOWN_QUERY_VALUE = lazy(r"[A-Za-z0-9._-]{1,64}")

_MAX_URL = 4096
_ELLIPSIS = "…"

# --- what makes a name credential-ish ---------------------------------------------------------

#: a name's words: ``apiKey`` -> api, key; ``client_secret`` -> client, secret
_NAME_WORDS = lazy(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
#: a word ending so names a credential (``accesstoken``, ``AccountKey``, ``client_secret``)
_SECRET_WORD_ENDINGS = (
    "key",
    "keys",
    "secret",
    "secrets",
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "pwd",
    "token",
    "signature",
    "assertion",
    "credential",
    "credentials",
    "cookie",
    "cookies",
    "authorization",
    "session",
    "sessionid",
)
#: words that name a credential only as a whole word (``sig``, not ``design``)
_SECRET_WORDS = frozenset({"sig", "sas", "pass", "pw"})
#: a word ending so names a value that is a credential unless it looks like an error code
#: (``code=<a function key>`` against ``"code": "DeploymentNotFound"``)
_CODE_WORD_ENDINGS = ("code",)
#: a name ending in one of these words names something about a credential, not the credential
#: (``key_id``, ``token_type``, ``azure_ad_token_provider``, ``credential_scopes``)
_NOT_SECRET_LAST_WORDS = frozenset(
    {
        "algorithm",
        "audience",
        "audiences",
        "claim",
        "claims",
        "count",
        "endpoint",
        "endpoints",
        "env",
        "error",
        "errors",
        "expiration",
        "expires",
        "expiry",
        "field",
        "file",
        "format",
        "header",
        "headers",
        "hint",
        "id",
        "ids",
        "issuer",
        "kind",
        "label",
        "length",
        "lifetime",
        "limit",
        "location",
        "method",
        "mode",
        "name",
        "names",
        "option",
        "options",
        "param",
        "parameter",
        "path",
        "policy",
        "prefix",
        "property",
        "provider",
        "providers",
        "ref",
        "reference",
        "scope",
        "scopes",
        "size",
        "source",
        "status",
        "tenant",
        "type",
        "types",
        "uri",
        "url",
        "urls",
        "usage",
        "var",
        "variable",
        "vault",
        "version",
        "versions",
    }
)
_NOT_A_NAME, _CODE_NAME, _SECRET_NAME = 0, 1, 2

#: ``Authorization`` schemes: the word after them is the credential
_AUTH_SCHEMES = frozenset(
    {
        "bearer",
        "basic",
        "sharedkey",
        "sharedkeylite",
        "sharedaccesssignature",
        "pop",
        "ssws",
        "hmac-sha256",
    }
)
#: what may follow a scheme word in prose ("bearer token", "Basic tier") rather than a credential
_PROSE_AFTER_SCHEME = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "auth",
        "authentication",
        "authorization",
        "challenge",
        "credential",
        "credentials",
        "error",
        "expected",
        "for",
        "from",
        "header",
        "headers",
        "in",
        "instead",
        "invalid",
        "is",
        "missing",
        "not",
        "of",
        "on",
        "or",
        "plan",
        "prefix",
        "realm",
        "required",
        "scheme",
        "schemes",
        "sku",
        "string",
        "the",
        "tier",
        "to",
        "token",
        "tokens",
        "type",
        "value",
        "values",
        "was",
        "with",
    }
)

# --- patterns ---------------------------------------------------------------------------------

_PERCENT = lazy(r"%[0-9A-Fa-f]{2}")
_UNICODE_ESCAPE = lazy(r"\\u([0-9A-Fa-f]{4})")
_JWT = lazy(
    r"eyJ[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*){0,4}|eyJ[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]+){1,4}"
)
#: the part of a URL after ``://`` (the scheme before it never holds a secret); a quote ends it
#: unless an '@' follows (a quote inside a password)
_URL_TAIL = lazy(r"://((?:[^\s<>\"'`]+|[\"'`](?=[^\s<>]*@))+)")
_URL_TRAILER = ".,;:!?)]}"
_URL_WITH_EQUALS = lazy(r"://[^\s<>\"'`=]*=")
#: the part after ``://`` of a URL with nothing :func:`safe_url` would change but its path
#: segments (which the run pass judges like any other text)
_PLAIN_URL_TAIL = lazy(
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::[0-9]{1,5})?"
    r"(?:/[A-Za-z0-9._~!$*+,:()-]*)*(?:\?api-version=[A-Za-z0-9._-]{1,64})?[.,;:!)\]}]*"
)
#: ``?name=value`` / ``&name=value`` / ``#name=value`` anywhere (relative URLs, form bodies);
#: not ``?name==`` (a JMESPath filter in an az command)
_QUERY_PAIR = lazy(r"([?&#])([A-Za-z0-9_.~%\[\]-]{1,64})=(?!=)([^&#\s\"'<>]*)")
#: the user name of ``user:password@host`` (see :func:`_userinfos`)
_USER = lazy(r"(?://)?[A-Za-z0-9._%+-]{1,64}")
_WORD_BREAKS = " \t\r\n<>"
_COOKIE = lazy(
    r"(?i)\b((?:set-)?cookies?)(\\?[\"']?\s{0,3}[:=]\s{0,3})([^\s;\"'<>]*(?:;\s?[^\s;\"'<>]+)*)"
)
#: an ``Authorization`` scheme and the word after it, matched in lower-cased text
_SCHEME_VALUE = lazy(
    r"(bearer|basic|sharedkeylite|sharedkey|sharedaccesssignature|pop|ssws|hmac-sha256)"
    r"(\s+)([^\s\"'<>,;)\]]+)"
)
_XML_ELEMENT = lazy(r"<([A-Za-z][\w.:-]{0,63})(\s[^<>]{0,200})?>([^<]{1,1024})</\1\s*>")
#: where a ``name = value`` / ``"name": "value"`` / ``name provided: value`` may be
_SEPARATOR = lazy(r"[:=]|%3[Dd]")
#: the value after a separator: quoted, escaped-quoted, in angle brackets, or a bare word
_VALUE = lazy(
    r"\s{0,3}(\\\"(?:(?!\\\")[^\n]){0,1024}\\\""
    r"|\"(?:[^\"\\\n]|\\.){0,1024}\""
    r"|'(?:[^'\\\n]|\\.){0,1024}'"
    r"|<[^<>\n]{0,64}>"
    r"|[^\s&;,\"'<>()\[\]{}`|\\]*)"
)
#: a name before a separator, read backwards: spaces, a closing quote (maybe escaped), the name
_REVERSED_NAME = lazy(r"[ \t]{0,3}(?:[\"']\\?)?([A-Za-z0-9_.-]{1,64})")
#: "key provided: ...": the word before the separator is not the name
_VIA_WORDS = frozenset({"provided", "supplied", "given", "used", "sent", "value"})
#: "The key 'abc' is invalid", "secret `abc` expired": a quoted value right after a name
_QUOTED_AFTER_NAME = lazy(
    r"([A-Za-z][A-Za-z0-9_.-]{0,63})(\s+(?:is\s+|was\s+)?)(['\"`])([^'\"`\n]{1,256})\3"
)
#: what a name must hold for that pass to look at it
_CREDENTIAL_STEMS = (
    "key",
    "secret",
    "pass",
    "pw",
    "token",
    "sig",
    "credential",
    "cookie",
    "assertion",
)
_OPENAI_KEY = lazy(r"\bsk-[A-Za-z0-9_*-]{6,}")
#: a piece (between '/' and '.') long enough to be an opaque secret (see :func:`_is_opaque`)
_LONG_PIECE = lazy(r"[A-Za-z0-9+_~=%-]{16,}")
#: the characters of a run that :func:`_is_opaque` judges as one: a path segment with its dots
_SEGMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_~=%-.")

_PLACEHOLDER = lazy(r"<[a-z][a-z0-9 ._/-]{0,40}>")
_HARMLESS_VALUES = frozenset(
    {"", "...", "…", "none", "null", "nil", "true", "false", "undefined", "empty", "n/a"}
)
_CODE_EXPRESSION = lazy(r"[A-Za-z_][A-Za-z0-9_]*(?:[._][A-Za-z0-9_]+)+|(?:[A-Z][a-z0-9]+){2,}")
#: a credential class of azure-identity or an SDK ("Attempted credentials: EnvironmentCredential")
_CREDENTIAL_CLASS = lazy(r"(?:[A-Z][a-z]+)+Credentials?")
_ENV_REFERENCE = lazy(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_][A-Za-z0-9_]*%")
_ERROR_CODE = lazy(r"[A-Za-z]+(?:[_. -][A-Za-z]+)*|[0-9]{1,6}|[A-Z]{2,12}[0-9]{1,8}")
#: words that start prose after "token:" ("a fresh token: az account get-access-token")
_PROSE_AFTER_COLON = frozenset(
    {
        "a",
        "an",
        "az",
        "bad",
        "call",
        "check",
        "empty",
        "expired",
        "get",
        "invalid",
        "is",
        "it",
        "missing",
        "no",
        "not",
        "required",
        "run",
        "see",
        "set",
        "that",
        "the",
        "this",
        "unknown",
        "use",
        "was",
        "wrong",
    }
)

_GUID = lazy(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_GUID_LENGTH = 36
_HEX = lazy(r"[0-9a-fA-F]+")
_DIGIT = lazy(r"[0-9]")
_CLASS_RUNS = lazy(r"[a-z]+|[A-Z]+|[0-9]+")
_WORD_RUNS = lazy(r"[A-Za-z0-9]+")
_SEPARATOR_CHARS = lazy(r"[+_~=%-]")
_OPAQUE_MIN = 16
_OPAQUE_LONG = 32
#: one word (no '-', '_' or '~' in it) this long with letters and digits is a key, not a name
_OPAQUE_WORD = 24
_OPAQUE_RATIO = 0.3
#: the same for a run of letters alone (32 or more): CamelCase codes change case less often
_OPAQUE_RATIO_LETTERS = 0.38

#: short text that cannot hold a secret: words, numbers, dashes, dots, slashes, spaces
_SHORT_TEXT = lazy(r"(?![\s\S]*(?:[Bb]earer|BEARER|[Bb]asic|BASIC|eyJ|sk-))[\w .,/()'-]*")
#: :data:`_SHORT_TEXT` for ASCII text, without the pattern: its characters, and the words it refuses
_SHORT_TEXT_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ .,/()'-"
)
_SHORT_TEXT_WORDS = ("Bearer", "bearer", "BEARER", "Basic", "basic", "BASIC", "eyJ", "sk-")
#: an e-mail address or upn; not the end of a URL's user info (``https://u:p/w@host``), which
#: is a secret and :func:`quote` replaces
_EMAIL = lazy(r"(?<![\w.%+:/-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b")

# --- the one function for shown text ----------------------------------------------------------


def _is_short_text(text: str) -> bool:
    """Whether :data:`_SHORT_TEXT` matches all of ``text``; ASCII text (the usual) is judged
    by its characters, without compiling the pattern."""
    if not text.isascii():
        return _SHORT_TEXT().fullmatch(text) is not None
    return _SHORT_TEXT_CHARS.issuperset(text) and not any(
        word in text for word in _SHORT_TEXT_WORDS
    )


def quote(text: object, *, limit: int = 1000) -> str:
    """``text`` as foundry-doctor may show it: at most ``limit`` characters on one line, with
    escapes decoded, every credential replaced and control characters turned into spaces.

    Idempotent: quoting quoted text changes nothing. Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) < _OPAQUE_MIN and _is_short_text(text):
        return text  # a word or two: no room for a secret without a name, scheme or '@' to it
    window = limit * 3 + 64
    cut = len(text) > window
    if cut:
        text = text[:window]
    if "%" in text or "\\u" in text:
        text = _decoded(text)
    text = scrub_secrets(text)
    if not text.isprintable():
        text = " ".join(printable(text).split())
    if cut:
        space = text.rfind(" ")  # the last word may be the first part of a secret
        text = (text[:space] if space > 0 else "") + _ELLIPSIS
    if len(text) > limit:
        text = text[: limit - 1] + _ELLIPSIS
    return text


def guard_text(text: object, *, limit: int = 4000) -> str:
    """Text foundry-doctor composed (a title, an explanation, a fix step), made safe to show:
    on one line, without control characters, every URL in it through :func:`safe_url`, JWTs
    and ``sk-`` keys replaced. Much cheaper than :func:`quote` (a few substring tests on the
    usual sentence), it leaves ``name=value`` forms and long words alone: our own fix steps are
    full of them (``api_key=<key>``, ``credential=DefaultAzureCredential()``), and the values a
    rule puts into a sentence are names and ids, while what the service said is quoted as
    evidence. Idempotent; never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > limit:
        text = text[: limit - 1] + _ELLIPSIS
    elif text in _OURS:
        return text  # guarded already (see ours())
    if "eyJ" in text:
        text = _JWT().sub(JWT_SHOWN, text)
    if "://" in text and _urls_may_hide(text):
        text = _URL_TAIL().sub(_url_in_text, text)
    if "sk-" in text:
        text = _OPENAI_KEY().sub("sk-" + REDACTED, text)
    return text if text.isprintable() else printable(text)


#: texts of ours made of constants alone, as :func:`guard_text` shows them (see :func:`ours`)
_OURS: set[str] = set()


def ours(text: str) -> str:
    """``text`` guarded (:func:`guard_text`) and remembered, so that guarding it again costs
    one lookup: for the texts foundry-doctor makes of its own constants alone (a rule's title,
    its docs link, a sentence composed of the knowledge tables), never for anything that holds
    a value of a call. Guarding is idempotent, so a remembered text is shown as it is."""
    if text in _OURS:
        return text
    shown = guard_text(text)
    _OURS.add(shown)
    return shown


def redact_text(text: str, *, limit: int = 1000) -> str:
    """The same as :func:`quote` (the older name)."""
    return quote(text, limit=limit)


def printable(text: str) -> str:
    """``text`` with every character that is not printable (controls, format characters such
    as bidi overrides and zero-width spaces, line and paragraph separators) as a space."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else " " for char in text)


def _decoded(text: str) -> str:
    """Percent- and ``\\uXXXX``-escapes decoded (twice-encoded text too)."""
    from urllib.parse import unquote

    for _ in range(3):
        before = text
        if "%" in text and _PERCENT().search(text):
            text = unquote(text, errors="replace")
        if "\\u" in text:
            text = _UNICODE_ESCAPE().sub(lambda m: chr(int(m.group(1), 16)), text)
        if text == before:
            break
    return text


def scrub_secrets(text: str) -> str:
    """``text`` with every credential replaced, and nothing else changed (no cap, no escape
    decoding, control characters kept): for text kept as facts and parsed later.

    Each pass runs only when a substring test says it may find something, so that the usual
    sentence costs a few of those tests and one scan for long runs."""
    if "eyJ" in text:
        text = _JWT().sub(JWT_SHOWN, text)
    urls = text.count("://")
    if urls and _urls_may_hide(text):
        text = _URL_TAIL().sub(_url_in_text, text)
    if "@" in text:
        text = _userinfos(text)
    if "=" in text and ("?" in text or "&" in text or "#" in text):
        text = _QUERY_PAIR().sub(_query_pair, text)
    lowered = text.lower()
    if "cookie" in lowered:
        text = _COOKIE().sub(_cookie, text)
        lowered = text.lower()
    if (
        "bearer" in lowered
        or "basic" in lowered
        or "shared" in lowered
        or "pop" in lowered
        or "ssws" in lowered
        or "hmac" in lowered
    ):
        text = _scheme_values(text, lowered)
    if "</" in text:
        text = _XML_ELEMENT().sub(_xml_element, text)
    if "=" in text or "%3" in text or text.count(":") > urls:
        text = _assignments(text)
    if ("'" in text or '"' in text or "`" in text) and any(
        stem in lowered for stem in _CREDENTIAL_STEMS
    ):
        text = _QUOTED_AFTER_NAME().sub(_quoted_after_name, text)
    if "sk-" in text:
        text = _OPENAI_KEY().sub("sk-" + REDACTED, text)
    return _opaque_runs(text)


# --- the parts --------------------------------------------------------------------------------


def _replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` span (in order, not overlapping)."""
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end, replacement in spans:
        parts.append(text[last:start])
        parts.append(replacement)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _urls_may_hide(text: str) -> bool:
    """Whether a URL in ``text`` may hold something :func:`safe_url` would take out: user info,
    a query, a fragment, an escape or parameters (substring tests on the whole text first)."""
    if "@" in text or "?" in text or "#" in text or "%" in text or ";" in text:
        return True
    return "=" in text and _URL_WITH_EQUALS().search(text) is not None


def _url_in_text(match: re.Match[str]) -> str:
    tail = match.group(1)
    if _PLAIN_URL_TAIL().fullmatch(tail):
        return match.group(0)  # nothing to hide but key-like path segments: see the run pass
    stripped = tail.rstrip(_URL_TRAILER)
    shown = safe_url("x://" + stripped, limit=_MAX_URL)[len("x://") :]
    return "://" + shown + tail[len(stripped) :]


def _userinfos(text: str) -> str:
    """Each ``user:password@`` outside a URL with a scheme replaced (``//user:pw@host``,
    ``proxy svc:pw@host:8080``); the password may hold '@', '/', '#', '?': it runs to the last
    '@' of its word that a host follows. One look per '@', so the cost stays linear."""
    spans: list[tuple[int, int, str]] = []
    at = text.find("@")
    while at >= 0:
        following = text[at + 1 : at + 2]
        if following and (following.isalnum() or following in "[_"):
            start = max(text.rfind(char, 0, at) for char in _WORD_BREAKS) + 1
            if spans and start < spans[-1][1]:  # the same word: one user info up to here
                start = spans[-1][0]
                spans.pop()
            word = text[start:at]
            colon = word.find(":")
            user = _USER().fullmatch(word[:colon]) if colon > 0 else None
            if user is not None and not word.startswith("//", colon + 1):
                lead = 2 if word.startswith("//") else 0
                spans.append((start + lead, at, REDACTED))
        at = text.find("@", at + 1)
    return _replaced(text, spans)


def _query_pair(match: re.Match[str]) -> str:
    lead, name, value = match.group(1), match.group(2), match.group(3)
    if _query_value_shown(name, value) or not value:
        return match.group(0)
    return f"{lead}{name}={REDACTED}"


def _query_value_shown(name: str, value: str) -> bool:
    return (
        name.lower() in SHOWN_QUERY_NAMES and _SHOWN_QUERY_VALUE().fullmatch(value) is not None
    ) or _PLACEHOLDER().fullmatch(value) is not None


def _cookie(match: re.Match[str]) -> str:
    value = match.group(3)
    if not value or _PLACEHOLDER().fullmatch(value):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}{REDACTED}"


def _scheme_values(text: str, lowered: str) -> str:
    """The word after each ``Authorization`` scheme (``Bearer abc``) replaced, unless it is a
    placeholder, a challenge parameter (``Bearer realm=...``) or prose (``bearer token``)."""
    if len(lowered) != len(text):  # a character whose lower case is longer: match as is
        lowered = "".join(char if len(char.lower()) != 1 else char.lower() for char in text)
    spans: list[tuple[int, int, str]] = []
    for match in _SCHEME_VALUE().finditer(lowered):
        start = match.start()
        if start and (lowered[start - 1].isalnum() or lowered[start - 1] in "-_"):
            continue  # inside a word ("unpopular")
        scheme = text[start : match.end(1)]
        value = text[match.start(3) : match.end(3)]
        if scheme[0].islower() and match.group(1) != "bearer":
            continue  # "basic", "pop" in lower case: a word, not a header
        if _scheme_word_is_prose(value):
            continue
        spans.append((match.start(3), match.end(3), REDACTED))
    return _replaced(text, spans)


def _scheme_word_is_prose(value: str) -> bool:
    lowered = value.lower()
    if lowered in _PROSE_AFTER_SCHEME or lowered.rstrip(".") in _PROSE_AFTER_SCHEME:
        return True
    if lowered in _AUTH_SCHEMES or _PLACEHOLDER().fullmatch(value):
        return True
    name, equals, _ = value.partition("=")
    # a challenge parameter: Bearer realm="", authorization_uri="https://..."
    return bool(equals) and name.replace("_", "").replace("-", "").isalpha()


def _xml_element(match: re.Match[str]) -> str:
    tag, attributes, value = match.group(1), match.group(2) or "", match.group(3)
    kind = _name_kind(tag.rsplit(":", 1)[-1])
    if kind == _NOT_A_NAME or (kind == _CODE_NAME and _ERROR_CODE().fullmatch(value.strip())):
        return match.group(0)
    return f"<{tag}{attributes}>{REDACTED}</{tag}>"


def names_credential(name: str) -> bool:
    """Whether ``name`` (a field, header, parameter or flag name) names a credential:
    ``api_key``, ``apiKey``, ``client_secret``, ``x-functions-key``, ``AccountKey``, ``sig``."""
    return _name_kind(name) == _SECRET_NAME


def _name_kind(name: str) -> int:
    """Whether ``name`` names a credential, a code (a credential unless it is an error code),
    or neither."""
    words = [word.lower() for word in _NAME_WORDS().findall(name)]
    if not words or (len(words) > 1 and words[-1] in _NOT_SECRET_LAST_WORDS):
        return _NOT_A_NAME
    if _CREDENTIAL_CLASS().fullmatch(name) and len(words) > 1:
        return _NOT_A_NAME  # a class: "EnvironmentCredential: EnvironmentCredential unavailable"
    kind = _NOT_A_NAME
    for word in words:
        if word in _SECRET_WORDS or word.endswith(_SECRET_WORD_ENDINGS):
            return _SECRET_NAME
        if word.endswith(_CODE_WORD_ENDINGS):
            kind = _CODE_NAME
    return kind


def _name_before(reversed_text: str, end: int) -> str:
    """The name that ends at ``end`` of the text (a closing quote and spaces skipped), read
    in the reversed text so that it is one anchored match."""
    size = len(reversed_text)
    match = _REVERSED_NAME().match(reversed_text, size - end)
    if match is None:
        return ""
    name = match.group(1)[::-1].lstrip("0123456789_.-")
    if name.lower() in _VIA_WORDS:  # "key provided: ..."
        return _name_before(reversed_text, size - match.end())
    return name


def _assignments(text: str) -> str:
    """The value after each credential-ish name replaced: ``api_key=...``, ``"apiKey": "..."``,
    ``client_secret=...``, ``Password: ...``, ``key provided: ...``."""
    spans: list[tuple[int, int, str]] = []
    floor = 0
    reversed_text = ""
    for separator in _SEPARATOR().finditer(text):
        start, end = separator.span()
        if start < floor or (text.startswith("//", end) and separator.group() == ":"):
            continue
        reversed_text = reversed_text or text[::-1]
        kind = _name_kind(_name_before(reversed_text, start))
        if kind == _NOT_A_NAME:
            continue
        match = _VALUE().match(text, end)
        if match is None:
            continue
        value = match.group(1)
        mark = ""
        inner = value
        if value.startswith('\\"'):
            mark, inner = '\\"', value[2:-2]
        elif value[:1] in ("'", '"'):
            mark, inner = value[0], value[1:-1]
        following = text[match.end() : match.end() + 1]
        harmless = _harmless_value(
            inner, following, quoted=bool(mark), colon=":" in separator.group()
        )
        if harmless or (kind == _CODE_NAME and _ERROR_CODE().fullmatch(inner.strip())):
            continue
        spans.append((match.start(1), match.end(1), f"{mark}{REDACTED}{mark}"))
        floor = match.end(1)
    return _replaced(text, spans)


def _quoted_after_name(match: re.Match[str]) -> str:
    name, space, mark, value = match.groups()
    if not names_credential(name) or _harmless_value(value, "", quoted=True, colon=False):
        return match.group(0)
    return f"{name}{space}{mark}{REDACTED}{mark}"


def _harmless_value(value: str, following: str, *, quoted: bool, colon: bool) -> bool:
    """Whether the value after a credential-ish name is plainly not a credential: nothing, a
    placeholder (``<key>``, ``...``), code (``DefaultAzureCredential()``, ``os.environ[...]``),
    an environment variable, an auth scheme word, or prose after a colon."""
    stripped = value.strip()
    if stripped.endswith(":") and not quoted:  # "credentials: EnvironmentCredential: ..."
        stripped = stripped[:-1]
    lowered = stripped.lower()
    if lowered in _HARMLESS_VALUES or lowered in _AUTH_SCHEMES:
        return True
    if _PLACEHOLDER().fullmatch(stripped) or set(stripped) <= {"*", "x", "X", "•", "."}:
        return True
    if not quoted and following in ("(", "[") and _CODE_EXPRESSION().fullmatch(stripped):
        return True
    if _ENV_REFERENCE().fullmatch(stripped) or _CREDENTIAL_CLASS().fullmatch(stripped):
        return True
    return not quoted and colon and following == " " and lowered in _PROSE_AFTER_COLON


def _opaque_runs(text: str) -> str:
    """Each path segment (with its dots) that holds an opaque, key-like piece replaced."""
    spans: list[tuple[int, int, str]] = []
    floor = 0
    for match in _LONG_PIECE().finditer(text):
        piece = match.group()
        if len(piece) < _OPAQUE_LONG and (piece.isalpha() or _DIGIT().search(piece) is None):
            continue  # a word such as cognitiveservices or credential_scopes
        if len(piece) == _GUID_LENGTH and _GUID().fullmatch(piece):
            continue
        start, end = match.span()
        if start < floor or not _is_opaque(piece):
            continue
        while start > floor and text[start - 1] in _SEGMENT_CHARS:
            start -= 1
        while end < len(text) and text[end] in _SEGMENT_CHARS:
            end += 1
        spans.append((start, end, REDACTED))
        floor = end
    return _replaced(text, spans)


def _is_opaque(segment: str) -> bool:
    """Whether a path-free run of characters (``a.b~c-d``) holds a key-like piece: long, and
    random-looking (many changes between lower case, upper case and digits inside its words),
    or a long hexadecimal string. GUIDs, words, names such as ``gpt-4o-mini-2024-07-18`` or
    ``Llama-4-Maverick-17B-128E-Instruct-FP8`` and host names are not."""
    for piece in segment.split(".") if "." in segment else (segment,):
        if len(piece) < _OPAQUE_MIN:
            continue
        if len(piece) < _OPAQUE_LONG and _DIGIT().search(piece) is None:
            continue  # a word such as cognitiveservices or credential_scopes
        if _GUID().fullmatch(piece):
            continue
        alnum = _SEPARATOR_CHARS().sub("", piece)
        length = len(alnum)
        if length < _OPAQUE_MIN:
            continue
        letters_only = alnum.isalpha()
        if alnum.isdigit() or (letters_only and length < _OPAQUE_LONG):
            continue
        # changes of character class inside each word (a '-', '_' or '~' starts a new word)
        words = _WORD_RUNS().findall(piece)
        changes = len(_CLASS_RUNS().findall(piece)) - len(words)
        ratio = changes / (length - 1)
        if letters_only:  # random letters change case about every other one, codes do not
            if ratio >= _OPAQUE_RATIO_LETTERS:
                return True
            continue
        if ratio >= _OPAQUE_RATIO:
            return True
        if length >= _OPAQUE_LONG and _HEX().fullmatch(alnum):
            return True
        longest = max(words, key=len)
        if len(longest) >= _OPAQUE_WORD and not longest.isalpha() and not longest.isdigit():
            return True
    return False


# --- URLs -------------------------------------------------------------------------------------

_SCHEME = lazy(r"([A-Za-z][A-Za-z0-9+.-]{0,15})://")
_HOST = lazy(r"[\w~-][\w.~-]{0,252}|\[[0-9A-Fa-f:.]{2,45}(?:%(?:25)?[\w.~-]{1,16})?\]")
_PORT = lazy(r"[0-9]{1,5}")
_QUERY_NAME = lazy(r"[A-Za-z0-9_.~%\[\]-]{1,64}")
_LONE_API_VERSION = lazy(r"api-version=[A-Za-z0-9._-]{1,64}")
_ANCHOR = lazy(r"[A-Za-z][A-Za-z0-9._~-]{0,63}")
#: the characters of an ASCII host name :data:`_HOST` accepts
_HOST_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.~-")


def safe_url(url: object, *, limit: int = 300) -> str:
    """``url`` as it may be shown: scheme, host, port and path (key-like segments replaced),
    the query with every value replaced but those of :data:`SHOWN_QUERY_NAMES`; no user info,
    no fragment. Holds for text that does not parse as a URL; never raises."""
    if not isinstance(url, str):
        return ""
    text = url.strip()[:_MAX_URL]
    shown = text if _is_plain_url(text) else _shown_url(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + _ELLIPSIS
    return shown


#: the characters of a plain URL's host and of its path (see :func:`_is_plain_url`)
_PLAIN_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
_PLAIN_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-/")


def _is_plain_url(text: str) -> bool:
    """Whether ``text`` is a URL :func:`_shown_url` returns unchanged, judged by its characters:
    ``http(s)://``, a lower-case host name of short labels, no port, user info, query or
    fragment, and a path of short segments of unreserved characters (a piece shorter than
    :data:`_OPAQUE_MIN` is never key-like)."""
    if text.startswith("https://"):
        rest = text[8:]
    elif text.startswith("http://"):
        rest = text[7:]
    else:
        return False
    host, slash, path = rest.partition("/")
    if not host or host[0] == "." or len(host) > 253 or not _PLAIN_HOST_CHARS.issuperset(host):
        return False
    if max(map(len, host.split("."))) >= _OPAQUE_MIN:
        return False
    if not slash:
        return True
    return _PLAIN_PATH_CHARS.issuperset(path) and max(map(len, path.split("/"))) < _OPAQUE_MIN


def _shown_url(text: str) -> str:
    """:func:`safe_url`'s work on a stripped, capped ``text``, before the length limit."""
    prefix = ""
    scheme = _SCHEME().match(text)
    if scheme is not None:
        prefix, rest = f"{scheme.group(1).lower()}://", text[scheme.end() :]
    elif text.startswith("//"):
        prefix, rest = "//", text[2:]
    else:
        rest = text
    if prefix or _starts_with_authority(rest):
        host, tail = _authority(rest)
    else:
        host, tail = "", rest
    rest_of_url, _, fragment = tail.partition("#")
    path, _, query = rest_of_url.partition("?")
    shown = prefix + host + _safe_path(path)
    if query:
        items = [_safe_query_item(item) for item in query.split("&") if item]
        if items:
            shown += "?" + "&".join(items)
    if fragment and _ANCHOR().fullmatch(fragment):
        shown += "#" + fragment  # a heading in a page; any other fragment may hold a token
    return _url_printable(shown)


def keepable_url(url: str) -> tuple[str, bool]:
    """``(url fit to keep, whether it may be kept)``: ``url`` without user info and fragment and
    with every query value but those of :data:`SHOWN_QUERY_NAMES` replaced, host and path
    exactly as given (what classifying a URL reads). It may be kept (in a cache) unless its path
    holds a key-like segment."""
    if "@" not in url and "#" not in url:  # the usual URL: nothing to take out but the query
        before, question, query = url.partition("?")
        if not question or _LONE_API_VERSION().fullmatch(query):
            return url, _LONG_PIECE().search(before) is None or _opaque_runs(before) == before
    prefix = ""
    scheme = _SCHEME().match(url)
    if scheme is not None:
        prefix, rest = url[: scheme.end()], url[scheme.end() :]
    elif url.startswith("//"):
        prefix, rest = "//", url[2:]
    else:
        rest = url
    if "@" in rest:
        end = _authority_end(rest)
        authority, tail = rest[:end], rest[end:]
        if "@" in authority:
            authority = authority[authority.rfind("@") + 1 :]
        if "@" in tail and _suspect_authority(authority):
            after = tail[tail.find("@") + 1 :]
            end = _authority_end(after)
            authority, tail = after[:end], after[end:]
        rest = authority + tail
    rest, _, _ = rest.partition("#")
    before, question, query = rest.partition("?")
    if question:
        items = (_safe_query_item(item) for item in query.split("&") if item)
        rest = before + question + "&".join(items)
    keep = _LONG_PIECE().search(before) is None or _opaque_runs(before) == before
    return prefix + rest, keep


def _starts_with_authority(rest: str) -> bool:
    """Whether a URL without a scheme starts with a host (``myres.openai.azure.com/...``)."""
    if rest.startswith("/"):
        return False
    first = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return "." in first or ":" in first or "@" in first or first.lower() == "localhost"


def _authority(rest: str) -> tuple[str, str]:
    """``(host[:port] as shown, the rest after the authority)``; user info dropped."""
    end = _authority_end(rest)
    authority, tail = rest[:end], rest[end:]
    if "%" in authority and _PERCENT().search(authority):
        from urllib.parse import unquote

        authority = unquote(authority, errors="replace")
    if "@" in authority:
        authority = authority[authority.rfind("@") + 1 :]
    if "@" in tail and _suspect_authority(authority):
        # a '/', '?', '#' or '@' inside a password: the user info runs to the next '@'
        after = tail[tail.find("@") + 1 :]
        end = _authority_end(after)
        authority, tail = after[:end], after[end:]
        if "@" in authority:
            authority = authority[authority.rfind("@") + 1 :]
    return _safe_host_port(authority), tail


def _authority_end(text: str) -> int:
    ends = [index for index in (text.find("/"), text.find("?"), text.find("#")) if index >= 0]
    return min(ends) if ends else len(text)


def _suspect_authority(authority: str) -> bool:
    """An authority that cannot be a host: a non-numeric port, or no dot in a name that is not
    ``localhost`` (``user`` of ``https://user/pass@host``)."""
    host, colon, port = authority.rpartition(":") if not authority.startswith("[") else ("", "", "")
    if colon and not _PORT().fullmatch(port):
        return True
    name = host if colon else authority
    return bool(name) and "." not in name and name.lower() != "localhost" and ":" not in name


def _is_host(host: str) -> bool:
    """Whether :data:`_HOST` matches all of ``host``; an ASCII name (the usual) is judged by
    its characters, without compiling the pattern."""
    if host.isascii() and not host.startswith("["):
        return 0 < len(host) <= 253 and host[0] != "." and _HOST_NAME_CHARS.issuperset(host)
    return _HOST().fullmatch(host) is not None


def _is_ipv4(host: str) -> bool:
    """Whether ``host`` is four dotted numbers of one to three ASCII digits each."""
    parts = host.split(".")
    return len(parts) == 4 and all(
        0 < len(part) <= 3 and part.isascii() and part.isdigit() for part in parts
    )


def _safe_host_port(authority: str) -> str:
    if authority.startswith("["):
        close = authority.find("]")
        host, port = (
            (authority, "") if close < 0 else (authority[: close + 1], authority[close + 1 :])
        )
        port = port[1:] if port.startswith(":") else port
    elif authority.count(":") > 1:  # an IPv6 address without brackets
        host, port = authority, ""
    else:
        host, _, port = authority.partition(":")
    host = host.lower()
    if not host:
        shown = ""
    elif not _is_host(host):
        shown = "<invalid-host>"
    elif host.startswith("[") or _is_ipv4(host):
        shown = host
    else:
        labels = host.split(".")
        if any(len(label) >= _OPAQUE_MIN for label in labels):  # shorter ones are never opaque
            labels = [REDACTED if _is_opaque(label) else label for label in labels]
        shown = ".".join(labels)
    if port:
        shown += ":" + (port if _PORT().fullmatch(port) else REDACTED)
    return shown


def _safe_path(path: str) -> str:
    if not path:
        return ""
    segments = path.split("/")
    for index, segment in enumerate(segments):
        if ";" in segment:
            segments[index] = _safe_parameters(segment)
        elif len(segment) >= _OPAQUE_MIN and _is_opaque(segment):
            segments[index] = REDACTED
        elif "@" in segment:
            segments[index] = _userinfos(segment)
    return "/".join(segments)


def _safe_parameters(segment: str) -> str:
    """A path segment with ``;name=value`` parameters: names kept, values replaced."""
    head, *parameters = segment.split(";")
    if len(head) >= _OPAQUE_MIN and _is_opaque(head):
        head = REDACTED
    shown = [head]
    for parameter in parameters:
        name, equals, value = parameter.partition("=")
        safe_name = name if _QUERY_NAME().fullmatch(name) else REDACTED
        shown.append(f"{safe_name}={REDACTED if value else ''}" if equals else safe_name)
    return ";".join(shown)


def _safe_query_item(item: str) -> str:
    name, equals, value = item.partition("=")
    if not equals:
        return REDACTED
    if _query_value_shown(_unquoted(name), value) or (not value and _QUERY_NAME().fullmatch(name)):
        return item
    safe_name = name if _QUERY_NAME().fullmatch(name) else REDACTED
    return f"{safe_name}={REDACTED}"


def _unquoted(name: str) -> str:
    if "%" not in name:
        return name
    from urllib.parse import unquote

    return unquote(name, errors="replace")


def _url_printable(url: str) -> str:
    """Characters that are not printable, and spaces, percent-encoded: a URL stays one word."""
    if url.isprintable() and " " not in url:
        return url
    return "".join(
        char if char.isprintable() and char != " " else "".join(f"%{b:02X}" for b in char.encode())
        for char in url
    )


# --- personal data ----------------------------------------------------------------------------


def looks_personal(text: str) -> bool:
    """Whether ``text`` holds something that names a person (an e-mail address or upn)."""
    return "@" in text and _EMAIL().search(text) is not None


def redact_personal(text: str) -> str:
    """``text`` with e-mail addresses and upns replaced by ``<user>``."""
    return _EMAIL().sub("<user>", text) if "@" in text else text
