"""A small Azure Resource Manager client over azure-core: GET and POST with an api-version,
``nextLink`` paging, ARM's error bodies as :class:`ArmError`, and nothing else.

The pipeline is azure-core's own (``PipelineClient`` with ``HeadersPolicy``,
``UserAgentPolicy``, ``RetryPolicy`` and ``BearerTokenCredentialPolicy`` for the management
scope of the endpoint's cloud); ``RetryPolicy`` honours ``Retry-After`` on a 429, and the retry
budget is small, because the access check reads little and ARM throttles per principal. No
azure-mgmt-* package: the check reads a handful of GET templates (``arm.md`` section 9). No
write is ever sent (in particular no automatic resource-provider registration).

The caller's token is fetched once, for the claims it carries (who is calling); the pipeline
reuses it. ``nextLink`` is followed only to the same Resource Manager host, so the token never
goes anywhere else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from foundry_doctor._version import __version__
from foundry_doctor.facts.redaction import redact_personal, redact_text
from foundry_doctor.facts.tokens import TokenClaims, decode_claims
from foundry_doctor.knowledge.arm import arm_cloud
from foundry_doctor.knowledge.hosts import CloudName

if TYPE_CHECKING:
    from azure.core.credentials import AccessToken, TokenCredential

__all__ = ["ArmClient", "ArmError", "ArmUnavailable"]

logger = logging.getLogger(__name__)

#: pages followed per list before stopping (a guard, far beyond what one account has)
MAX_PAGES = 20
_RETRIES = 2
#: characters ``$filter`` values keep as they are (``assignedTo('...')``, ``eq``)
_FILTER_SAFE = "()'=,"


class ArmError(Exception):
    """Resource Manager answered with an error: its status, ``error.code`` and
    ``error.message`` (personal names and anything credential-like removed)."""

    def __init__(self, status: int, code: str | None, message: str) -> None:
        super().__init__(f"{status} {code or ''}: {message}".strip())
        self.status = status
        self.code = code
        self.message = message

    @property
    def forbidden(self) -> bool:
        return self.status == 403


class ArmUnavailable(Exception):
    """Resource Manager could not be asked at all: no token (``"credential"``) or no answer
    (``"network"``); ``detail`` is safe to show."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class _CachedCredential:
    """The caller's credential, asked once per scope; the token is kept in memory only."""

    def __init__(self, credential: TokenCredential) -> None:
        self._credential = credential
        self._tokens: dict[tuple[str, ...], AccessToken] = {}

    def __repr__(self) -> str:
        return "_CachedCredential(***)"

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        cached = self._tokens.get(scopes)
        if cached is not None and cached.expires_on - 300 > time.time():
            return cached
        token = self._credential.get_token(*scopes, **kwargs)
        self._tokens[scopes] = token
        return token


def _safe(text: str) -> str:
    return redact_personal(redact_text(text, limit=600))


class ArmClient:
    """Reads from Resource Manager of ``cloud`` with the caller's ``credential``.

    ``calls`` counts the requests sent (retries included). ``timeout`` is in seconds per
    request. ``transport`` is an azure-core transport to use instead of the default one.
    """

    def __init__(
        self,
        credential: TokenCredential,
        *,
        cloud: CloudName = "public",
        timeout: float = 30.0,
        transport: Any = None,
    ) -> None:
        from azure.core import PipelineClient
        from azure.core.pipeline.policies import (
            BearerTokenCredentialPolicy,
            HeadersPolicy,
            RetryPolicy,
            SansIOHTTPPolicy,
            UserAgentPolicy,
        )

        client = self

        class _Counter(SansIOHTTPPolicy):  # type: ignore[type-arg]
            """Counts what goes on the wire, each retry included."""

            def on_request(self, request: Any) -> None:
                client.calls += 1

        spec = arm_cloud(cloud)
        self.host = spec.host
        self.scope = spec.scope
        self.calls = 0
        self._timeout = timeout
        self._credential = _CachedCredential(credential)
        policies: list[Any] = [
            HeadersPolicy({"Accept": "application/json"}),
            UserAgentPolicy(sdk_moniker=f"foundry-doctor/{__version__}"),
            RetryPolicy(retry_total=_RETRIES, retry_backoff_factor=0.5),
            BearerTokenCredentialPolicy(self._credential, spec.scope),
            _Counter(),
        ]
        kwargs: dict[str, Any] = {"policies": policies}
        if transport is not None:
            kwargs["transport"] = transport
        self._client = PipelineClient(f"https://{spec.host}", **kwargs)

    def caller(self) -> TokenClaims | None:
        """The claims of the caller's token for Resource Manager (fetching it if needed);
        raises :class:`ArmUnavailable` when the credential gives no token."""
        from azure.core.exceptions import ClientAuthenticationError

        try:
            token = self._credential.get_token(self.scope)
        except ClientAuthenticationError as error:
            raise ArmUnavailable("credential", _safe(str(error).split("\n", 1)[0])) from None
        return decode_claims(token.token)

    # --- requests -----------------------------------------------------------------------------

    def _url(self, path: str, api_version: str, query: Mapping[str, str] | None) -> str:
        """The URL with the query written out by hand: ARM takes ``$filter`` values such as
        ``assignedTo('...')`` unencoded (``x-ms-skip-url-encoding``)."""
        pairs = [f"api-version={quote(api_version)}"]
        for name, value in (query or {}).items():
            pairs.append(f"{name}={quote(value, safe=_FILTER_SAFE)}")
        return f"https://{self.host}{quote(path, safe='/')}?{'&'.join(pairs)}"

    def _send(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            ServiceRequestError,
            ServiceResponseError,
        )
        from azure.core.rest import HttpRequest

        request = (
            HttpRequest(method, url, json=body) if body is not None else HttpRequest(method, url)
        )
        before = time.monotonic()
        try:
            response = self._client.send_request(
                request,
                connection_timeout=self._timeout,
                read_timeout=self._timeout,
            )
            response.read()
        except ClientAuthenticationError as error:
            raise ArmUnavailable("credential", _safe(str(error).split("\n", 1)[0])) from None
        except (ServiceRequestError, ServiceResponseError) as error:
            raise ArmUnavailable("network", _safe(str(error).split("\n", 1)[0])) from None
        logger.debug(
            "ARM %s %s -> %s (%.0f ms)",
            method,
            urlsplit(url).path,
            response.status_code,
            (time.monotonic() - before) * 1000,
        )
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {}
        if response.status_code >= 400:
            problem = data.get("error") if isinstance(data, dict) else None
            code = problem.get("code") if isinstance(problem, dict) else None
            message = problem.get("message") if isinstance(problem, dict) else None
            raise ArmError(
                response.status_code,
                code if isinstance(code, str) else None,
                _safe(message) if isinstance(message, str) else response.reason or "",
            )
        return data if isinstance(data, dict) else {}

    def get(
        self, path: str, api_version: str, query: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """One GET of ``path`` (an ARM path, ``/subscriptions/...``)."""
        return self._send("GET", self._url(path, api_version, query))

    def post(self, path: str, api_version: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._send("POST", self._url(path, api_version, None), dict(body))

    def list(
        self, path: str, api_version: str, query: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a list, following ``nextLink`` (on this host only)."""
        found: list[dict[str, Any]] = []
        url: str | None = self._url(path, api_version, query)
        for _ in range(MAX_PAGES):
            if url is None:
                break
            page = self._send("GET", url)
            value = page.get("value")
            if isinstance(value, list):
                found.extend(item for item in value if isinstance(item, dict))
            following = page.get("nextLink")
            url = following if isinstance(following, str) and self._ours(following) else None
        return found

    def _ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "https" and (parts.hostname or "").lower() == self.host
