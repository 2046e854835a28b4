"""The facts of one failed call, read once for all rules.

A :class:`RuleContext` is derived from a :class:`~foundry_doctor.facts.Facts` value alone (plus
the clock when the facts carry no time): the body is parsed, its meanings read, both URLs
classified and matched against the service surface exactly once per diagnosis, so every rule
stays a cheap, pure function of the facts and the knowledge tables.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from foundry_doctor.diagnosis.model import Evidence
from foundry_doctor.facts.client_kinds import ClientKind, client_kind
from foundry_doctor.facts.credential_failure import CredentialFailure
from foundry_doctor.facts.endpoints import (
    EndpointInfo,
    accepted_audiences,
    classify_endpoint,
    normalize_audience,
)
from foundry_doctor.facts.error_body import ErrorBody, parse_error_body
from foundry_doctor.facts.observation import AuthFacts, Facts
from foundry_doctor.facts.redaction import looks_personal, redact_personal
from foundry_doctor.facts.tokens import TokenClaims
from foundry_doctor.knowledge.clients import ClientSpec, client_spec
from foundry_doctor.knowledge.hosts import CloudName, HostKind
from foundry_doctor.knowledge.matching import RouteMatch
from foundry_doctor.knowledge.models import ModelFamily, family_of_model
from foundry_doctor.knowledge.routes import Surface
from foundry_doctor.rules.meaning import (
    SPECIFIC,
    Meaning,
    expected_audiences_in,
    principal_in,
    read_meanings,
)

if TYPE_CHECKING:
    from foundry_doctor.rules.token_request import TokenAttempt

__all__ = ["RuleContext"]

#: The status a service error code always comes with, for bodies seen without their status.
_STATUS_OF_CODE = {
    "authenticationtypedisabled": 403,
    "deploymentnotfound": 404,
    "no_model_name": 400,
    "badrequest": 400,
    "modeldeprecated": 410,
}


#: what OpenAI's platform writes into its own error messages (its key page), lower-cased
_PLATFORM_SIGNATURE = "platform.openai.com"


class RuleContext:
    """One failed call as the rules see it: the :class:`Facts` plus what is derived from them.

    ``request`` / ``configured`` classify the request URL and the configured endpoint; ``site``
    is whichever of the two is known (the request first). ``status`` is the response status,
    or the one the body states or its code always comes with; never one guessed from words.
    ``now`` is the call's time, or the current time when the facts do not say
    (``now_observed`` tells which).
    """

    __slots__ = (
        "_accepted",
        "_family",
        "_message_evidence",
        "_surface",
        "_token",
        "auth",
        "body",
        "body_audiences",
        "claims",
        "client",
        "configured",
        "credential_failure",
        "facts",
        "include_personal",
        "meanings",
        "now",
        "now_observed",
        "reached_service",
        "request",
        "site",
        "spec",
        "status",
    )

    def __init__(
        self,
        facts: Facts,
        *,
        include_personal: bool = False,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.facts = facts
        self.include_personal = include_personal
        self.body: ErrorBody = parse_error_body(facts.body)
        headers = facts.headers if isinstance(facts.headers, Mapping) else {}
        self.meanings = read_meanings(
            self.body,
            reason=_str_or_none(facts.reason),
            header_code=_str_or_none(headers.get("x-ms-error-code")),
            challenge=_str_or_none(headers.get("www-authenticate")),
        )
        self.request: EndpointInfo | None = classify_endpoint(facts.url)
        self.configured: EndpointInfo | None = classify_endpoint(facts.endpoint)
        self.site = self.request or self.configured
        self.client: ClientKind = client_kind(_str_or_none(facts.client))
        self.spec: ClientSpec = client_spec(self.client)
        auth = facts.auth
        self.auth = auth if isinstance(auth, AuthFacts) else AuthFacts(observed=False)
        claims = self.auth.claims
        self.claims: TokenClaims | None = claims if isinstance(claims, TokenClaims) else None
        now = facts.now
        if isinstance(now, (int, float)) and not isinstance(now, bool) and math.isfinite(now):
            self.now, self.now_observed = float(now), True
        else:
            self.now, self.now_observed = (clock or time.time)(), False
        self.body_audiences = expected_audiences_in(self.body.message)
        failure = facts.credential_failure
        #: what a credential said when it could not get a token (no request was sent)
        self.credential_failure: CredentialFailure | None = (
            failure if isinstance(failure, CredentialFailure) else None
        )
        self.status: int | None = self._status()
        #: whether the facts hold a response (a status or a body) and no failed credential
        self.reached_service: bool = self.credential_failure is None and (
            self.status is not None or not self.body.is_empty
        )
        self._message_evidence: Evidence | bool | None = False  # False: not computed yet
        self._accepted: tuple[str, ...] | None = None
        self._surface = next(
            (
                info.match.surface
                for info in (self.request, self.configured)
                if info is not None and info.match.surface is not None
            ),
            None,
        )
        self._family: ModelFamily | bool | None = False
        self._token: TokenAttempt | bool | None = False

    # -- a token that could not be obtained ----------------------------------------------------

    @property
    def token(self) -> TokenAttempt | None:
        """The failed token request, judged (:mod:`~foundry_doctor.rules.token_request`);
        ``None`` when a request reached the service."""
        if self._token is False:
            self._token = None
            if self.credential_failure is not None:
                from foundry_doctor.rules.token_request import attempt_of

                self._token = attempt_of(self)
        return self._token if not isinstance(self._token, bool) else None

    # -- the response -------------------------------------------------------------------------

    def _status(self) -> int | None:
        """The response status; when the facts lack it, what the body states or its code
        always comes with."""
        if self.credential_failure is not None:
            return None
        status = self.facts.status
        if isinstance(status, int) and not isinstance(status, bool):
            return status
        if self.body.status is not None:
            return self.body.status
        code = (self.body.code or "").strip().lower()
        if code.isdigit() and len(code) == 3 and code[0] in "45":
            return int(code)
        return _STATUS_OF_CODE.get(code)

    def says(self, *meanings: Meaning) -> bool:
        """Whether the error body expresses any of ``meanings``."""
        return not self.meanings.isdisjoint(meanings)

    @property
    def stated_causes(self) -> frozenset[Meaning]:
        """The specific meanings the body states (see :data:`~.meaning.SPECIFIC`)."""
        return self.meanings & SPECIFIC

    @property
    def body_is_silent(self) -> bool:
        """No body, or one that says nothing recognisable."""
        return not self.meanings

    @property
    def only_not_found(self) -> bool:
        """The body is silent or says only a generic "not found"."""
        return self.meanings <= {Meaning.RESOURCE_NOT_FOUND}

    def message_evidence(self) -> Evidence | None:
        """The service's own words as evidence (an :class:`Evidence` value quotes them: the
        credentials in them replaced, on one line); the person they name only on opt-in."""
        if self._message_evidence is False:
            self._message_evidence = self._quote_message()
        return self._message_evidence if isinstance(self._message_evidence, Evidence) else None

    def _quote_message(self) -> Evidence | None:
        message = self.body.message or (self.body.text if self.body.shape == "text" else None)
        if not message:
            return None
        if self.body.code and self.body.code.lower() not in message.lower():
            message = f"({self.body.code}) {message}"
        if not self.include_personal:
            message = redact_personal(message)
        return Evidence("service said", message)

    # -- where the call went ------------------------------------------------------------------

    @property
    def host_kind(self) -> HostKind | None:
        """``"azure"`` for an Azure AI host, ``"other"`` for a host known not to be one, and
        ``None`` when no host is known at all."""
        return self.site.host_family.kind if self.site is not None else None

    @property
    def family(self) -> str | None:
        return self.site.family if self.site is not None else None

    @property
    def key_refusal_labelled_permission(self) -> bool:
        """A 401 whose only word is the reason 'PermissionDenied' (no body) for a request that
        carried a key and no token: .NET's SDK labels the invalid-key 401 so (wire.md A.2), and a
        key is never judged by roles (roles.md section 4)."""
        if not self.body.is_empty or not self.says(Meaning.PERMISSION_DENIED):
            return False
        key = self.api_key_sent or (not self.auth_known and self.credential == "api-key")
        return key and self.bearer is None

    @property
    def openai_platform(self) -> bool:
        """The answer came from OpenAI's own platform: the host is api.openai.com, or no host
        is known and the message links the platform's key page (``platform.openai.com``), as
        OpenAI's 401s do and no Azure service's do (cases openaidotnet148, dify144)."""
        if self.family == "openai-platform":
            return True
        return self.site is None and _PLATFORM_SIGNATURE in self.body.text

    @property
    def cloud(self) -> CloudName:
        return self.site.cloud if self.site is not None else "public"

    @property
    def match(self) -> RouteMatch | None:
        """The request's nearest route; the configured endpoint's when no request was seen."""
        info = self.request or self.configured
        return info.match if info is not None else None

    @property
    def surface(self) -> Surface | None:
        """The route family the call went to (or, with no request seen, the one the configured
        endpoint belongs to)."""
        return self._surface

    def on(self, *surfaces: str) -> bool:
        """Whether the call went to one of the named surfaces."""
        found = self._surface
        return found is not None and found.name in surfaces

    @property
    def on_project(self) -> bool:
        """Whether the call went to a Foundry project's routes."""
        return self.on(
            "project", "project-v1", "project-dated", "agent-endpoint", "agent-application"
        )

    @property
    def resource(self) -> str | None:
        """The Azure resource name, from the request host or the configured endpoint."""
        for info in (self.request, self.configured):
            if info is not None and info.is_azure_resource and info.resource:
                return info.resource
        return None

    @property
    def project(self) -> str | None:
        for info in (self.request, self.configured):
            if info is not None and info.project:
                return info.project
        return None

    @property
    def deployment(self) -> str | None:
        """The deployment named in the URL path, else the model sent in the body."""
        for info in (self.request, self.configured):
            if info is not None and info.deployment:
                return info.deployment
        model = self.facts.model
        return model if isinstance(model, str) and model else None

    @property
    def model(self) -> str | None:
        """The model the call named: the body's ``model`` on routes that read it, else the
        deployment in the path."""
        model = self.facts.model
        if isinstance(model, str) and model and not self.on("dated-deployment"):
            return model
        return self.deployment

    @property
    def model_family(self) -> ModelFamily | None:
        if self._family is False:
            self._family = family_of_model(self.model)
        return self._family if isinstance(self._family, ModelFamily) else None

    @property
    def api_version(self) -> str | None:
        for info in (self.request, self.configured):
            if info is not None and info.api_version is not None:
                return info.api_version
        return None

    def accepted_audiences(self) -> tuple[str, ...]:
        """The audiences the endpoint takes: as the service listed them in its answer when it
        did, else as known for the endpoint's host and route. Normalised."""
        if self._accepted is None:
            self._accepted = self._audiences()
        return self._accepted

    def _audiences(self) -> tuple[str, ...]:
        if self.body_audiences:
            return tuple(dict.fromkeys(normalize_audience(a) for a in self.body_audiences))
        for info in (self.request, self.configured):
            audiences = accepted_audiences(info)
            if audiences:
                return audiences
        return ()

    # -- who called, and how ------------------------------------------------------------------

    @property
    def auth_known(self) -> bool:
        return bool(self.auth.observed)

    @property
    def bearer(self) -> str | None:
        """``"jwt"``, ``"opaque"`` or ``None`` (no ``Authorization: Bearer``, or unknown)."""
        authorization = self.auth.authorization
        return authorization if authorization in ("jwt", "opaque") else None

    @property
    def api_key_sent(self) -> bool:
        return self.auth.api_key is True

    @property
    def credential(self) -> str | None:
        return self.facts.credential

    @property
    def sent_nothing(self) -> bool:
        """Known for sure that the request carried no credential at all: seen so, or, with
        the headers unseen, nothing was configured to send (``credential`` ``"none"``)."""
        if not self.auth_known:
            return self.credential == "none"
        return (
            self.bearer is None
            and not self.api_key_sent
            and not self.auth.x_api_key
            and not self.auth.subscription_key
        )

    @property
    def token_expired(self) -> bool:
        """Whether the token's ``exp`` lies at or before the call's time (or, when the facts do
        not carry that time, the current time)."""
        exp = self.claims.exp if self.claims is not None else None
        return exp is not None and exp <= self.now

    @property
    def audience_refused(self) -> bool:
        """Whether the token's decoded ``aud`` is known not to be one the endpoint accepts."""
        aud = self.claims.aud if self.claims is not None else None
        expected = self.accepted_audiences()
        return bool(aud and expected and normalize_audience(aud) not in expected)

    @property
    def principal_id(self) -> str | None:
        """The caller's object id: from the token, else as the service's message names it."""
        if self.claims is not None and self.claims.oid:
            return self.claims.oid
        named = principal_in(self.body.message or self.body.text)
        if named and looks_personal(named) and not self.include_personal:
            return None  # a upn: personal, shown only on opt-in
        return named

    @property
    def principal_is_app(self) -> bool:
        """Whether the token belongs to an application (service principal, managed identity)."""
        claims = self.claims
        if claims is None:
            return False
        if claims.idtyp:
            return claims.idtyp.lower() == "app"
        return not claims.scp and claims.appid is not None and bool(claims.roles or claims.oid)

    def identity_label(self) -> str | None:
        """The signed-in person's name or upn, only when the caller opted in."""
        if not self.include_personal or self.claims is None:
            return None
        personal = self.claims.personal
        for key in ("upn", "preferred_username", "unique_name", "email", "name"):
            value = personal.get(key)
            if value:
                return value
        return None

    def time_text(self, epoch: float) -> str:
        """An epoch time as ``YYYY-MM-DD HH:MM:SS UTC``."""
        try:
            moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return str(epoch)
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
