"""The facts of one failed call, read once for all rules.

A :class:`RuleContext` is derived from a :class:`~foundry_doctor.facts.Facts` value alone (plus
the clock when the facts carry no time): the body is parsed, its meanings read and both URLs
classified exactly once per diagnosis, so every rule stays a cheap, pure function of the facts.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable, Mapping

from foundry_doctor.diagnosis.model import Evidence
from foundry_doctor.facts.client_kinds import ClientKind, client_kind
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
from foundry_doctor.rules.meaning import (
    Meaning,
    expected_audiences_in,
    principal_in,
    read_meanings,
)

__all__ = ["SPECIFIC_CAUSES", "RuleContext"]

#: Meanings that name a cause on their own: a rule about something else stays quiet next to them.
SPECIFIC_CAUSES = frozenset(
    {
        Meaning.PERMISSION_DENIED,
        Meaning.KEY_AUTH_DISABLED,
        Meaning.NETWORK_DENIED,
        Meaning.TENANT_MISMATCH,
        Meaning.CUSTOM_SUBDOMAIN_REQUIRED,
        Meaning.DEPLOYMENT_MISSING,
        Meaning.MODEL_UNNAMED,
        Meaning.PROJECT_MISSING,
        Meaning.API_VERSION_REJECTED,
        Meaning.KEY_REJECTED,
    }
)


#: The status a service error code comes with, for bodies seen without their status line.
_STATUS_OF_CODE = {
    "permissiondenied": 401,
    "unauthorized": 401,
    "invalid_api_key": 401,
    "authenticationtypedisabled": 403,
    "forbidden": 403,
    "deploymentnotfound": 404,
    "unknown_model": 404,
    "notfound": 404,
    "resourcenotfound": 404,
    "badrequest": 400,
    "no_model_name": 400,
}


class RuleContext:
    """One failed call as the rules see it: the :class:`Facts` plus what is derived from them.

    ``request`` / ``configured`` classify the request URL and the configured endpoint; ``site``
    is whichever of the two is known (the request first). ``status`` is the response status,
    or the one the body states or implies when the facts lack it. ``now`` is the call's time,
    or the current time when the facts do not say (``now_observed`` tells which).
    """

    __slots__ = (
        "_message_evidence",
        "auth",
        "body",
        "body_audiences",
        "claims",
        "client",
        "configured",
        "facts",
        "include_personal",
        "meanings",
        "now",
        "now_observed",
        "request",
        "site",
        "status",
    )

    def __init__(
        self,
        facts: Facts,
        *,
        include_personal: bool = False,
        clock: Callable[[], float] = time.time,
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
        auth = facts.auth
        self.auth = auth if isinstance(auth, AuthFacts) else AuthFacts(observed=False)
        claims = self.auth.claims
        self.claims: TokenClaims | None = claims if isinstance(claims, TokenClaims) else None
        now = facts.now
        if isinstance(now, (int, float)) and not isinstance(now, bool) and math.isfinite(now):
            self.now, self.now_observed = float(now), True
        else:
            self.now, self.now_observed = clock(), False
        self.body_audiences = expected_audiences_in(self.body.message)
        self.status: int | None = self._status()
        self._message_evidence: Evidence | bool | None = False  # False: not computed yet

    # -- the response -------------------------------------------------------------------------

    def _status(self) -> int | None:
        """The response status; when the facts lack it, what the body states or implies."""
        status = self.facts.status
        if isinstance(status, int) and not isinstance(status, bool):
            return status
        if self.body.status is not None:
            return self.body.status
        code = (self.body.code or "").strip().lower()
        if code.isdigit() and len(code) == 3:
            return int(code)
        return _STATUS_OF_CODE.get(code)

    def says(self, *meanings: Meaning) -> bool:
        """Whether the error body expresses any of ``meanings``."""
        return any(meaning in self.meanings for meaning in meanings)

    def names_other_cause(self, *allowed: Meaning) -> bool:
        """Whether the body names a specific cause other than the ``allowed`` ones."""
        return bool((self.meanings & SPECIFIC_CAUSES) - set(allowed))

    @property
    def body_is_silent(self) -> bool:
        """No body, or one that says nothing recognisable."""
        return not self.meanings

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
    def route(self) -> str | None:
        info = self.request or self.configured
        return info.route if info is not None else None

    @property
    def family(self) -> str | None:
        return self.site.family if self.site is not None else None

    @property
    def resource(self) -> str | None:
        """The Azure resource name, from the request host or the configured endpoint."""
        for info in (self.request, self.configured):
            if info is not None and info.is_azure_resource and info.resource:
                return info.resource
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
    def api_version(self) -> str | None:
        for info in (self.request, self.configured):
            if info is not None and info.api_version is not None:
                return info.api_version
        return None

    def accepted_audiences(self) -> tuple[str, ...]:
        """The audiences the endpoint takes: as the service listed them in its answer when it
        did, else as known for the endpoint's family and route. Normalised, best first."""
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
        """Known for sure that the request carried no credential at all."""
        return self.auth_known and self.bearer is None and not self.api_key_sent

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
        named = principal_in(self.body.message)
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
