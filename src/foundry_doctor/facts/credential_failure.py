"""Facts of a failure before any request reached the service: the credential could not get a
token.

Half of Entra ID trouble happens there (``entra.md``): there is no HTTP status and no service
body, only the credential's own message. A :class:`CredentialFailure` keeps what such a failure
shows - the credential's class, the exception's class, the scopes asked for, its message
(redacted and bounded), the ``AADSTS`` codes and the OAuth ``error`` value in it, the status
the *token endpoint* answered (never the service's: nothing reached it), the tenant and client
ids it names, the resource it names, the links of a ``DefaultAzureCredential`` /
``ChainedTokenCredential`` chain with what each said, and the names (never the values) of the
identity variables set in the process - so that a diagnosis never has to invent a status for
it. :func:`looks_like_credential_failure` tells such a text from a service's error response.

A chain's message lists each credential it tried as ``\\t<Name>: <message>`` (azure-identity
1.19-1.27); quoted in issues and logs the tab is often spaces, the lines re-wrapped or joined,
so the links are found by the credential names, not by the layout.
"""

import functools
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from foundry_doctor.facts.redaction import redact_text

__all__ = [
    "ChainLink",
    "CredentialFailure",
    "aadsts_codes",
    "chain_links",
    "looks_like_credential_failure",
]

_MAX_MESSAGE = 4096
_MAX_LINK_MESSAGE = 1024
_MAX_LINKS = 16
#: phrases only a failed token acquisition writes (azure-identity, MSAL, the CLIs, Entra ID);
#: a credential's class name alone is not one (logs also say which credential *succeeded*).
#: With them, every text of the credential-text tables (:func:`_markers`).
_MARKERS = (
    "aadsts",
    "defaultazurecredential failed",
    "chainedtokencredential failed",
    "failed to retrieve a token",
    "credentialunavailableerror",
    "authentication unavailable",
    "get_token failed",
    "get_token_info failed",
    "failed to connect to msi",
    "azd auth login",
    "unable to get authority configuration",
    "error_description",
    "invalid_client",
    "invalid_grant",
    "invalid_scope",
    "invalid_resource",
    "interaction_required",
)
_OAUTH_ERRORS = (
    "invalid_client",
    "invalid_grant",
    "invalid_scope",
    "invalid_resource",
    "invalid_request",
    "invalid_tenant",
    "unauthorized_client",
    "interaction_required",
)
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_TENANT_ID = rf"(?:{_GUID}|[A-Za-z0-9][A-Za-z0-9-]{{0,62}}(?:\.[A-Za-z0-9-]{{1,63}})+)"
_SCOPE_WORD = r"[^\s'\"<>,()\[\]]{3,300}"


class _Patterns:
    """The compiled patterns (a plain class: cheaper to define than a named tuple, and the
    facts load with every diagnosis)."""

    __slots__ = (
        "chain_head",
        "chain_tail",
        "client",
        "correlation",
        "echoed_id",
        "link",
        "scope",
        "tenant",
        "token_status",
    )

    def __init__(self, **patterns: Any) -> None:
        for name, pattern in patterns.items():
            setattr(self, name, pattern)

    chain_head: re.Pattern[str]
    link: re.Pattern[str]
    chain_tail: re.Pattern[str]
    client: tuple[re.Pattern[str], ...]
    tenant: tuple[re.Pattern[str], ...]
    scope: tuple[re.Pattern[str], ...]
    token_status: tuple[re.Pattern[str], ...]
    correlation: tuple[re.Pattern[str], ...]
    echoed_id: re.Pattern[str]


@functools.cache
def _markers() -> tuple[str, ...]:
    """Every phrase that marks a credential's failure (the knowledge tables load on the first
    text that needs them, not with the facts)."""
    from foundry_doctor.knowledge.entra import ARGUMENT_TEXTS, CREDENTIAL_TEXTS

    return (
        *_MARKERS,
        *(entry.marker for entry in CREDENTIAL_TEXTS),
        *(entry.marker for entry in ARGUMENT_TEXTS),
    )


@functools.cache
def _credential_names() -> tuple[str, ...]:
    """azure-identity's credential class names, longest first."""
    from foundry_doctor.knowledge.entra import CREDENTIALS

    return tuple(sorted((entry.name for entry in CREDENTIALS), key=len, reverse=True))


@functools.cache
def _patterns() -> _Patterns:
    """The patterns, compiled on the first credential failure (not when the facts load)."""

    def each(*sources: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(source, re.I) for source in sources)

    return _Patterns(
        chain_head=re.compile(
            r"\b(DefaultAzureCredential|ChainedTokenCredential) failed to retrieve a token",
            re.I,
        ),
        # one link of a chain: a credential's name and a colon, after a line break or spaces
        link=re.compile(r"(?:^|(?<=\s))([A-Z][A-Za-z]{2,60}Credential):\s"),
        # what the chain writes after its links
        chain_tail=re.compile(
            r"\s*To mitigate this issue, please refer to the troubleshooting guidelines here at "
            r"https://aka\.ms/azsdk/python/identity/defaultazurecredential/troubleshoot\.?\s*$",
            re.I,
        ),
        client=each(
            rf"application with identifier '({_GUID})'",
            rf"\bapp (?:id )?'({_GUID})'",
            rf"\bclient[ _]?id[ :=]+'?({_GUID})",
        ),
        tenant=each(
            rf"in the directory '({_TENANT_ID})'",
            rf"in the tenant named ({_TENANT_ID})(?=[\s.,;]|$)",
            rf"\btenant '({_TENANT_ID})' not found",
            rf"authority configuration for https://[\w.-]+/({_TENANT_ID})(?=[\s.,;/]|$)",
            rf"does not exist in tenant '({_TENANT_ID})'",
            rf"acquire tokens for tenant ({_TENANT_ID})(?=[\s.,;]|$)",
        ),
        scope=each(
            rf"resource principal named ({_SCOPE_WORD}) was not found",
            rf"value for scope ({_SCOPE_WORD}) is not valid",
            rf"\bscope ({_SCOPE_WORD}(?: {_SCOPE_WORD}){{0,4}}) is not valid",
            rf"\baudience ({_SCOPE_WORD}) is not a supported",
            rf"\baz login --scope ({_SCOPE_WORD})",
            rf"--resource ({_SCOPE_WORD})",
        ),
        token_status=each(r"<Response \[(\d{3})\]>", r"token request error: \(\w+\) (\d{3})\b"),
        correlation=each(rf"correlation[ _]?id\W{{1,4}}({_GUID})"),
        echoed_id=re.compile(
            r"((?:application with identifier|\bapp(?: id)?|\bclient[ _]?id) ')"
            r"([^'\r\n]{1,512})(')",
            re.I,
        ),
    )


class ChainLink(NamedTuple):
    """One credential a chain tried: its class ``name``, what it said (redacted, bounded),
    whether it said it could not even try (``unavailable``: the chain went on), the situation
    a known text names (see :data:`~foundry_doctor.knowledge.entra.Situation`) and the
    ``AADSTS`` codes in it."""

    name: str
    message: str
    unavailable: bool
    situation: str | None = None
    codes: tuple[int, ...] = ()


class CredentialFailure(NamedTuple):
    """What a failed token acquisition showed. All parts may be unknown (``None`` / empty).

    ``credential_class`` is the credential that was asked for the token (for a chain, the
    chain); ``exception`` the class name of what it raised; ``token_status`` the status a
    token endpoint answered with, when known; ``links`` a chain's links in order;
    ``named_scopes`` the scopes or resources the message names; ``environment`` the identity
    variables set in the process (names only, and only for a live failure);
    ``correlation_id`` the id Entra ID's sign-in logs know the request by.
    """

    credential_class: str | None = None
    message: str | None = None
    aadsts: tuple[int, ...] = ()
    error: str | None = None
    scopes: tuple[str, ...] = ()
    token_endpoint: str | None = None
    exception: str | None = None
    token_status: int | None = None
    tenant_id: str | None = None
    client_id: str | None = None
    named_scopes: tuple[str, ...] = ()
    links: tuple[ChainLink, ...] = ()
    environment: tuple[str, ...] = ()
    correlation_id: str | None = None

    @classmethod
    def from_text(
        cls,
        text: str | None,
        *,
        credential_class: str | None = None,
        scopes: Iterable[str] | None = None,
        token_endpoint: str | None = None,
        exception: str | None = None,
        token_status: int | None = None,
        tenant_id: str | None = None,
        client_id: str | None = None,
        environment: Iterable[str] = (),
    ) -> "CredentialFailure":
        """Read a credential's message. The chain's links and the ids are read from the raw
        text; everything kept is redacted and bounded first."""
        raw = _without_echoed_ids(text) if isinstance(text, str) else ""
        message = redact_text(raw, limit=_MAX_MESSAGE) if raw else None
        # codes and OAuth errors are read from the text itself: redaction may take a value
        # after a credential-ish word ("fetching token: AADSTS...") with the code in it
        lowered = raw[:16384].lower()
        error = next((name for name in _OAUTH_ERRORS if name in lowered), None)
        if token_status is None:
            token_status = _token_status(raw)
        return cls(
            credential_class=credential_class or _credential_in(raw),
            message=message or None,
            aadsts=aadsts_codes(lowered),
            error=error,
            scopes=tuple(scope for scope in scopes or () if isinstance(scope, str))[:16],
            token_endpoint=_without_query(token_endpoint),
            exception=exception,
            token_status=token_status,
            tenant_id=_id(tenant_id, _TENANT_ID) or _first(_patterns().tenant, raw),
            client_id=_id(client_id, _GUID) or _first(_patterns().client, raw),
            named_scopes=_named_scopes(raw),
            links=chain_links(raw),
            environment=tuple(name for name in environment if isinstance(name, str))[:32],
            correlation_id=_first(_patterns().correlation, raw),
        )


#: what takes the place of a value Entra ID echoed as an id that has no id's shape
_NOT_AN_ID = "<not an id>"


def _without_echoed_ids(text: str) -> str:
    """``text`` with every value Entra ID echoes as an application (client) id replaced when
    it is not shaped like one: a client secret put where the client id belongs comes back in
    "Application with identifier '<it>' was not found" and must not be quoted."""
    lowered = text.lower()
    if "identifier '" not in lowered and "app" not in lowered and "client" not in lowered:
        return text

    def replace(match: re.Match[str]) -> str:
        value = match.group(2)
        if re.fullmatch(_GUID, value) or value.startswith(("api://", "https://")):
            return match.group(0)
        return f"{match.group(1)}{_NOT_AN_ID}{match.group(3)}"

    return _patterns().echoed_id.sub(replace, text[:65536])


def _without_query(url: str | None) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    head = url.strip().split("?", 1)[0].split("#", 1)[0]
    scheme, sep, rest = head.partition("://")
    if sep:
        authority, slash, path = rest.partition("/")
        head = f"{scheme}://{authority.rsplit('@', 1)[-1]}{slash}{path}"
    return head[:512]


def _id(value: str | None, pattern: str) -> str | None:
    """``value`` when it has the shape of an id (a secret put in its place must not pass)."""
    if isinstance(value, str) and re.fullmatch(pattern, value.strip()):
        return value.strip()
    return None


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
    window = text[:16384]
    for pattern in patterns:
        found = pattern.search(window)
        if found:
            return found.group(1).rstrip(".")
    return None


def _named_scopes(text: str) -> tuple[str, ...]:
    window = text[:16384]
    found: list[str] = []
    for pattern in _patterns().scope:
        for match in pattern.finditer(window):
            for part in match.group(1).split():
                part = part.rstrip(".;:")
                if ("://" in part or part.endswith("/.default")) and part not in found:
                    found.append(part)
    return tuple(found[:8])


def _token_status(text: str) -> int | None:
    for pattern in _patterns().token_status:
        found = pattern.search(text[:16384])
        if found and 400 <= int(found.group(1)) <= 599:
            return int(found.group(1))
    return None


def _credential_in(text: str) -> str | None:
    """The credential class a text names first (a chain's name, a log line's
    ``<Name>.get_token failed``), or ``None``."""
    window = text[:16384]
    first: tuple[int, str] | None = None
    for name in _credential_names():
        index = window.find(name)
        if index >= 0 and (first is None or index < first[0]):
            first = (index, name)
    return first[1] if first else None


def chain_links(text: str) -> tuple[ChainLink, ...]:
    """The links of a chain's message (``()`` when ``text`` is not one), in order."""
    window = text[:16384]
    from foundry_doctor.knowledge.entra import CHAIN_CLASSES

    patterns = _patterns()
    head = patterns.chain_head.search(window)
    if head is None:
        return ()
    body = patterns.chain_tail.sub("", window[head.end() :])
    starts = [
        match for match in patterns.link.finditer(body) if match.group(1) not in CHAIN_CLASSES
    ]
    links: list[ChainLink] = []
    for index, match in enumerate(starts[:_MAX_LINKS]):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        raw = body[match.end() : end].strip()
        links.append(_link(match.group(1), raw, last=index == len(starts) - 1))
    return tuple(links)


def _link(name: str, raw: str, *, last: bool) -> ChainLink:
    from foundry_doctor.knowledge.entra import credential_text, normalized

    known = credential_text(normalized(raw))
    codes = aadsts_codes(raw.lower())
    # a chain goes on only past an unavailable credential: every link before the last one was
    # unavailable; the last one was too when its text is a known "did not try" text
    unavailable = not last or (known is not None and known.unavailable and not codes)
    return ChainLink(
        name=name,
        message=redact_text(raw, limit=_MAX_LINK_MESSAGE),
        unavailable=unavailable,
        situation=known.situation if known is not None else None,
        codes=codes,
    )


def aadsts_codes(text: str) -> tuple[int, ...]:
    """The ``AADSTS<n>`` codes in ``text``, in order of appearance, each once."""
    found: list[int] = []
    lowered = text.lower()
    start = lowered.find("aadsts")
    while start >= 0 and len(found) < 8:
        digits = ""
        for char in lowered[start + 6 : start + 16]:
            if not char.isdigit():
                break
            digits += char
        if digits and int(digits) not in found:
            found.append(int(digits))
        start = lowered.find("aadsts", start + 6)
    return tuple(found)


def looks_like_credential_failure(text: str) -> bool:
    """Whether ``text`` reads like a token acquisition failure rather than a service's answer."""
    lowered = " ".join(text[:16384].lower().split())
    return any(marker in lowered for marker in _markers())
