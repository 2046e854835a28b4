"""The facts observed about one failed call: one immutable value that every rule reads.

Integrations build :class:`Facts` from a live request and response (:meth:`Facts.observe`);
the command line builds them from a JSON case record (:meth:`Facts.from_case`). Secrets never
enter a ``Facts`` value: of the credential headers only their *kind* is kept (a JWT, an opaque
string such as a key, or nothing) together with the JWT's decoded claims.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from foundry_doctor.facts.credential_failure import CredentialFailure
from foundry_doctor.facts.tokens import TokenClaims, decode_claims, looks_like_jwt

__all__ = [
    "BODY_READ_LIMIT",
    "SECRET_HEADERS",
    "AuthFacts",
    "BearerKind",
    "CredentialKind",
    "Facts",
    "capped_body",
    "safe_headers",
]

#: At most this many bytes of an error body are read and kept.
BODY_READ_LIMIT = 16 * 1024

#: Headers whose values are secrets: never stored, never shown.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "api-key",
        "ocp-apim-subscription-key",
        "x-api-key",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    }
)

_MAX_HEADERS = 100
_MAX_HEADER_VALUE = 1024

BearerKind = Literal["jwt", "opaque"]
CredentialKind = Literal["api-key", "token", "none"]


class AuthFacts(NamedTuple):
    """What the request carried for authentication, without the secrets themselves.

    ``authorization`` is ``"jwt"`` when ``Authorization: Bearer`` held a JWT, ``"opaque"`` when
    it held anything else (typically an API key), ``None`` when there was no such header.
    ``api_key`` says whether an ``api-key`` header was sent, ``x_api_key`` an ``x-api-key``
    header (Claude's), ``subscription_key`` an API Management ``Ocp-Apim-Subscription-Key``
    header. ``api_key_kind`` is what the ``api-key`` header held (``"jwt"``: an Entra token,
    as LlamaIndex sends with ``use_azure_ad=True``; ``"opaque"``: a key), and ``same_token``
    whether it held the very token ``Authorization`` carried. ``claims`` are the JWT's decoded,
    unverified claims when one was sent and readable. ``observed`` is ``False`` when the request
    headers were never seen (a pasted error message, a case record without ``request.auth``):
    then ``authorization=None`` / ``api_key=False`` mean "unknown", not "absent".
    """

    authorization: BearerKind | None = None
    api_key: bool = False
    claims: TokenClaims | None = None
    observed: bool = True
    x_api_key: bool = False
    subscription_key: bool = False
    api_key_kind: BearerKind | None = None
    same_token: bool = False

    @property
    def key_headers(self) -> tuple[str, ...]:
        """The key headers the request carried (``api-key``, ``x-api-key``,
        ``ocp-apim-subscription-key``; ``authorization`` for a non-JWT bearer value)."""
        found = [
            name
            for name, sent in (
                ("api-key", self.api_key),
                ("x-api-key", self.x_api_key),
                ("ocp-apim-subscription-key", self.subscription_key),
            )
            if sent
        ]
        if self.authorization == "opaque":
            found.append("authorization")
        return tuple(found)

    @classmethod
    def from_headers(cls, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> "AuthFacts":
        """Classify the credential headers of a request. Never raises on odd input."""
        authorization: BearerKind | None = None
        api_key = x_api_key = subscription_key = False
        claims: TokenClaims | None = None
        key_value = bearer_value = ""
        for name, value in _header_items(headers):
            lowered = name.lower()
            if lowered == "api-key":
                key_value = value.strip()
                api_key = bool(key_value)
            elif lowered == "x-api-key":
                x_api_key = bool(value.strip())
            elif lowered == "ocp-apim-subscription-key":
                subscription_key = bool(value.strip())
            elif lowered == "authorization":
                scheme, _, credential = value.strip().partition(" ")
                credential = credential.strip()
                if scheme.lower() != "bearer" or not credential:
                    authorization = "opaque" if value.strip() else None
                    continue
                bearer_value = credential
                if looks_like_jwt(credential):
                    authorization = "jwt"
                    claims = decode_claims(credential)
                else:
                    authorization = "opaque"
        key_kind: BearerKind | None = None
        if api_key:
            key_kind = "jwt" if looks_like_jwt(key_value) else "opaque"
        return cls(
            authorization=authorization,
            api_key=api_key,
            claims=claims,
            x_api_key=x_api_key,
            subscription_key=subscription_key,
            api_key_kind=key_kind,
            same_token=bool(key_value) and key_value == bearer_value,
        )


def _header_items(
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> Iterable[tuple[str, str]]:
    if headers is None:
        return ()
    try:
        items: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers
        result: list[tuple[str, str]] = []
        for pair in items:
            name, value = pair
            result.append((_text(name), _text(value)))
            if len(result) >= _MAX_HEADERS:
                break
        return result
    except Exception:  # odd header containers or values must not break the caller
        return ()


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else str(value)


def safe_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
) -> Mapping[str, str]:
    """Lower-cased headers without any secret, values capped in length; never raises."""
    return {
        name.lower(): value[:_MAX_HEADER_VALUE]
        for name, value in _header_items(headers)
        if name.lower() not in SECRET_HEADERS
    }


def capped_body(body: object) -> str | None:
    """``body`` as text, at most :data:`BODY_READ_LIMIT` characters; ``None`` for no body."""
    if body is None:
        return None
    if isinstance(body, memoryview):
        try:
            body = body.cast("B")  # slice bytes, not items of a wider format
        except (TypeError, ValueError):  # not C-contiguous: copy, then cap
            body = body.tobytes()
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body[:BODY_READ_LIMIT]).decode("utf-8", errors="replace")
    if isinstance(body, str):
        return body[:BODY_READ_LIMIT]
    return None


_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class Facts(NamedTuple):
    """Everything known about one failed call; unknown values are ``None``.

    ``client`` names the client kind: ``"azure-ai-inference"``, ``"azure-ai-projects"``,
    ``"openai.AzureOpenAI"``, ``"openai.OpenAI"``, ``"azure-core"`` (another azure-core client)
    or ``"http"`` (anything else). ``credential`` is what the user configured (``"api-key"``,
    ``"token"``, ``"none"``), which may differ from what the request actually carried
    (``auth``). ``headers`` are the *response* headers, lower-cased, secrets removed. ``body``
    is the response body as text, at most :data:`BODY_READ_LIMIT` characters. ``now`` is the
    call's time in epoch seconds. ``credential_failure`` is set when no request reached the
    service because the credential could not get a token: then there is no status and no
    body, only what the credential said.
    """

    client: str | None = None
    endpoint: str | None = None
    credential: CredentialKind | None = None
    scopes: tuple[str, ...] | None = None
    method: str | None = None
    url: str | None = None
    model: str | None = None
    auth: AuthFacts = AuthFacts()
    status: int | None = None
    reason: str | None = None
    headers: Mapping[str, str] = _NO_HEADERS
    body: str | None = None
    now: float | None = None
    sdk_versions: Mapping[str, str] = _NO_HEADERS
    case_id: str | None = None
    credential_failure: CredentialFailure | None = None

    @property
    def reached_service(self) -> bool:
        """Whether a response came back: a status or a body, and no failed credential."""
        if isinstance(self.credential_failure, CredentialFailure):
            return False
        return isinstance(self.status, int) or isinstance(self.body, str)

    @classmethod
    def observe(
        cls,
        *,
        status: int | None,
        request_headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        response_headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        body: str | bytes | None = None,
        client: str | None = None,
        endpoint: str | None = None,
        credential: CredentialKind | None = None,
        scopes: Iterable[str] | None = None,
        method: str | None = None,
        url: str | None = None,
        model: str | None = None,
        reason: str | None = None,
        now: float | None = None,
        sdk_versions: Mapping[str, str] | None = None,
        credential_failure: CredentialFailure | None = None,
    ) -> "Facts":
        """Build facts from a live exchange: request headers are reduced to :class:`AuthFacts`
        (the credential values are dropped here), response headers lose any secret, and the
        body is capped. ``credential_failure`` describes a token that could not be obtained
        (then ``status`` is ``None``: nothing was sent). Never raises on malformed input."""
        return cls(
            client=client,
            endpoint=endpoint,
            credential=credential,
            scopes=tuple(scopes) if scopes is not None else None,
            method=method,
            url=url,
            model=model,
            auth=AuthFacts.from_headers(request_headers if request_headers is not None else {}),
            status=status if isinstance(status, int) else None,
            reason=reason,
            headers=safe_headers(response_headers),
            body=capped_body(body),
            now=now,
            sdk_versions=dict(sdk_versions or {}),
            credential_failure=credential_failure,
        )

    @classmethod
    def from_case(cls, record: Mapping[str, Any]) -> "Facts":
        """Build facts from a case record (the JSON object ``foundry-doctor explain --case``
        reads). Missing keys, unknown keys, nulls and values of the wrong type are tolerated:
        whatever cannot be read is unknown. Never raises."""
        from foundry_doctor.facts.case_record import facts_from_case

        return facts_from_case(record)

    def with_changes(self, **changes: Any) -> "Facts":
        """A copy with some fields replaced."""
        return self._replace(**changes)
