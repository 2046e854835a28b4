"""What a failed token request tells, judged once for every rule of the token causes.

A :class:`TokenAttempt` is derived from the facts of a credential failure (no request reached
the service) and the knowledge tables (:mod:`foundry_doctor.knowledge.entra`):

- which credential failed: for a ``DefaultAzureCredential`` / ``ChainedTokenCredential`` chain,
  the link to look at and fix - the one that stopped the chain (it tried and failed), else one
  that tried and failed while the chain went on (a developer tool's sign-in that failed), else,
  when every link said it could not even try, the one this machine most likely meant: the
  managed identity where the environment names an Azure host (App Service, Cloud Shell, ...),
  the service principal whose variables are set, a developer tool that is installed, else the
  Azure CLI;
- the decisive text (that link's message, or the credential's whole message), the ``AADSTS``
  codes in it and the first one the knowledge table holds, and the known credential text it
  is (:data:`~foundry_doctor.knowledge.entra.CREDENTIAL_TEXTS`);
- the scopes asked for next to the scope this endpoint needs, and what is wrong with a scope
  that is malformed ("did you mean ..."): two resources, no ``/.default``, ``.default``
  without its slash, a near miss of a Foundry audience, another cloud's audience, an
  ``api://`` URI, a resource Entra does not know.

The rules (one per cause) read this value and decide for themselves; the engine arbitrates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple

from foundry_doctor.diagnosis.model import Evidence
from foundry_doctor.facts.credential_failure import ChainLink, CredentialFailure
from foundry_doctor.facts.redaction import redact_personal
from foundry_doctor.knowledge.entra import (
    DEFAULT_SCOPE_SUFFIX,
    IDENTITY_HOSTS,
    IMDS_HOST,
    KNOWN_RESOURCES,
    ArgumentText,
    CredentialClass,
    CredentialText,
    IdentityHost,
    KnownResource,
    StsCode,
    argument_text,
    credential,
    credential_text,
    identity_host,
    normalized,
    sts_code,
)
from foundry_doctor.knowledge.hosts import CloudName, cloud_spec
from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.fixes import client_line, recommended_audience, scope_of

__all__ = [
    "ScopeProblem",
    "TokenAttempt",
    "attempt_evidence",
    "attempt_of",
    "client_argument",
    "needed_scope",
    "resource_of",
    "scope_fix",
    "scope_problem",
    "split_scopes",
    "tenant_argument",
]

#: the situations in which a link tried and failed although the chain went on past it
_TRIED = frozenset({"sign-in-needed", "identity-missing", "audience-refused", "msi-refused"})
#: credentials that turn a scope into a v1 resource themselves (a bare resource works there)
_RESOURCE_CREDENTIALS = frozenset(
    {"AzureCliCredential", "AzurePowerShellCredential", "ManagedIdentityCredential"}
)
#: OpenID Connect scopes MSAL adds to user sign-ins (a scope list holding them is not one
#: resource's)
_SIGN_IN_SCOPES = frozenset({"openid", "offline_access", "profile", "email"})
#: the largest edit distance at which a resource counts as a typo of a known one
_TYPO_DISTANCE = 3
_WORKLOAD_HOST = "WorkloadIdentityCredential"

ScopeKind = Literal[
    "several-resources",
    "no-default",
    "missing-slash",
    "typo",
    "other-cloud",
    "app-uri",
    "unknown-resource",
]


class ScopeProblem(NamedTuple):
    """What is wrong with the scope asked for: ``kind``, the ``scope`` as given, the scope to
    ask for instead (``suggestion``) and one sentence saying why (``note``)."""

    kind: ScopeKind
    scope: str
    suggestion: str
    note: str


class TokenAttempt(NamedTuple):
    """A failed token request as the token rules see it (see the module documentation)."""

    failure: CredentialFailure
    credential: str | None
    spec: CredentialClass | None
    link: ChainLink | None
    link_reason: str | None
    all_unavailable: bool
    text: str
    codes: tuple[int, ...]
    sts: StsCode | None
    said: CredentialText | None
    refused: ArgumentText | None
    host: IdentityHost | None
    requested: tuple[str, ...]
    requested_from_message: bool
    needed: str | None
    accepted: tuple[str, ...]
    scope_problem: ScopeProblem | None

    @property
    def in_chain(self) -> bool:
        return bool(self.failure.links)

    @property
    def failing(self) -> str | None:
        """The credential to fix: the chain's link, else the credential itself (for a chain
        quoted without its links, the one whose text it is)."""
        if self.link is not None:
            return self.link.name
        if (self.spec is None or self.spec.kind == "chain") and self.said is not None:
            return self.said.credential or self.credential
        return self.credential

    @property
    def failing_spec(self) -> CredentialClass | None:
        spec = credential(self.failing)
        if spec is not None and spec.part_of:
            return credential(spec.part_of) or spec
        return spec

    @property
    def situation(self) -> str | None:
        return self.said.situation if self.said is not None else None

    def states(self, *codes: int) -> bool:
        """Whether the decisive text carries one of ``codes``."""
        return any(code in self.codes for code in codes)


def attempt_of(ctx: RuleContext) -> TokenAttempt | None:
    """The judged token request of ``ctx`` (``None`` when a request reached the service)."""
    failure = ctx.credential_failure
    if failure is None:
        return None
    links = failure.links
    link, reason = _link_to_fix(failure) if links else (None, None)
    source = link.message if link is not None else (failure.message or "")
    text = normalized(source)
    said = credential_text(text)
    codes = link.codes if link is not None else failure.aadsts
    sts = next((entry for entry in map(sts_code, codes) if entry is not None), None)
    name = _credential_name(failure, said)
    requested = _requested(ctx, failure)
    needed = needed_scope(ctx)
    spec = credential(name)
    # a message names the resource (as Entra ID writes it), not the scope asked for - unless
    # Entra ID's code is about the scope itself
    from_message = not (ctx.facts.scopes or failure.scopes)
    scope_code = sts is not None and sts.cause == "scope-invalid"
    tolerant = (from_message and not scope_code) or (
        link is None and spec is not None and (spec.part_of or spec.name) in _RESOURCE_CREDENTIALS
    )
    return TokenAttempt(
        failure=failure,
        credential=name,
        spec=spec,
        link=link,
        link_reason=reason,
        all_unavailable=bool(links) and all(item.unavailable for item in links),
        text=text,
        codes=codes,
        sts=sts,
        said=said,
        refused=argument_text(text),
        host=_host(failure, source, said),
        requested=requested,
        requested_from_message=from_message and bool(requested),
        needed=needed,
        accepted=ctx.accepted_audiences(),
        scope_problem=scope_problem(
            requested, needed=needed, cloud=ctx.cloud if ctx.site else None, tolerant=tolerant
        ),
    )


def _credential_name(failure: CredentialFailure, said: CredentialText | None) -> str | None:
    if failure.credential_class:
        return failure.credential_class
    return said.credential if said is not None else None


def _requested(ctx: RuleContext, failure: CredentialFailure) -> tuple[str, ...]:
    """The scopes asked for: as configured or observed, else as the message names them."""
    return split_scopes(ctx.facts.scopes or failure.scopes or failure.named_scopes)


def split_scopes(scopes: Iterable[str] | None) -> tuple[str, ...]:
    """Scopes one by one: a space-separated list counts as the scopes it lists."""
    found: list[str] = []
    for scope in scopes or ():
        if isinstance(scope, str):
            found.extend(part for part in scope.split() if part not in found)
    return tuple(found[:8])


def needed_scope(ctx: RuleContext) -> str | None:
    """The scope this endpoint takes (the recommended one), or ``None`` with no endpoint."""
    return scope_of(recommended_audience(ctx)) if ctx.site is not None else None


# --- the link of a chain to fix ------------------------------------------------------------------


def _link_to_fix(failure: CredentialFailure) -> tuple[ChainLink | None, str | None]:
    links = failure.links
    last = links[-1]
    if not last.unavailable:
        return last, "it stopped the chain: it tried and failed"
    # a sign-in that Entra ID refused says more about what was meant than a host's endpoint
    # answering that it has no identity
    tried = sorted(
        (item for item in links if item.codes or item.situation in _TRIED),
        key=lambda item: (not item.codes, item.situation == "identity-missing"),
    )
    if tried:
        return tried[0], "it was the one set up here: it tried and failed, and the chain went on"
    variables = frozenset(failure.environment)
    host = identity_host(variables)
    if host is not None:
        wanted = (
            _WORKLOAD_HOST if host.credential == _WORKLOAD_HOST else "ManagedIdentityCredential"
        )
        found = _named(links, wanted)
        if found is not None:
            names = ", ".join(name for name in host.variables)
            return found, f"the environment points at {host.name} ({names} set)"
    if "AZURE_CLIENT_ID" in variables and (
        "AZURE_CLIENT_SECRET" in variables or "AZURE_CLIENT_CERTIFICATE_PATH" in variables
    ):
        found = _named(links, "EnvironmentCredential")
        if found is not None:
            return found, "AZURE_CLIENT_ID and a client secret or certificate are set"
    for item in links:
        if item.situation in ("signed-out", "tool-failed"):
            return item, "its tool is installed here, but it could not sign in"
    for name in ("AzureCliCredential", "AzureDeveloperCliCredential"):
        found = _named(links, name)
        if found is not None:
            return found, (
                "nothing here points at an Azure host's identity: off Azure, a developer "
                "sign-in is what the chain can use"
            )
    return links[0], None


def _named(links: tuple[ChainLink, ...], name: str) -> ChainLink | None:
    return next((item for item in links if item.name == name), None)


def _host(
    failure: CredentialFailure, text: str, said: CredentialText | None
) -> IdentityHost | None:
    """The managed-identity host the environment names, else the one an inner credential
    named in the text (``AppServiceCredential.get_token failed``) or the text itself stands
    for."""
    host = identity_host(frozenset(failure.environment))
    if host is not None:
        return host
    for entry in (*IDENTITY_HOSTS, IMDS_HOST):
        if entry.credential in text:
            return entry
    if said is not None and said.host is not None:
        if said.host == IMDS_HOST.credential:
            return IMDS_HOST
        return next((entry for entry in IDENTITY_HOSTS if entry.credential == said.host), None)
    return None


# --- scopes --------------------------------------------------------------------------------------


def resource_of(scope: str) -> str:
    """The resource a scope names: without ``/.default`` (or a permission after the host)
    and without a trailing slash, lower-cased."""
    text = scope.strip().lower()
    if text.endswith(DEFAULT_SCOPE_SUFFIX):
        text = text[: -len(DEFAULT_SCOPE_SUFFIX)]
    text = text.rstrip("/")
    scheme, sep, rest = text.partition("://")
    if sep and scheme in ("https", "http") and "/" in rest:
        host, _, _ = rest.partition("/")
        if _known(f"{scheme}://{host}") is not None:
            return f"{scheme}://{host}"
    return text


def _known(resource: str) -> KnownResource | None:
    return next((entry for entry in KNOWN_RESOURCES if entry.uri == resource), None)


def _distance(left: str, right: str, bound: int) -> int:
    """Levenshtein distance, or ``bound + 1`` as soon as it exceeds ``bound``."""
    if abs(len(left) - len(right)) > bound:
        return bound + 1
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i]
        for j, b in enumerate(right, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]


def _closest_foundry(resource: str) -> KnownResource | None:
    best: tuple[int, KnownResource] | None = None
    for entry in KNOWN_RESOURCES:
        if not entry.foundry:
            continue
        distance = _distance(resource, entry.uri, _TYPO_DISTANCE)
        if distance <= _TYPO_DISTANCE and (best is None or distance < best[0]):
            best = (distance, entry)
    return best[1] if best else None


def _foundry_scope(cloud: CloudName | None, needed: str | None) -> str:
    if needed:
        return needed
    return scope_of(cloud_spec(cloud or "public").cognitive_audience)


def scope_problem(
    requested: tuple[str, ...],
    *,
    needed: str | None,
    cloud: CloudName | None,
    tolerant: bool = False,
) -> ScopeProblem | None:
    """What is wrong with the scopes asked for, or ``None`` when nothing is. ``needed`` is
    the scope this endpoint takes (``None``: no endpoint known), ``cloud`` its cloud;
    ``tolerant`` for a credential that accepts a bare resource (it converts it itself)."""
    if not requested:
        return None
    fallback = _foundry_scope(cloud, needed)
    resources = list(dict.fromkeys(resource_of(scope) for scope in requested))
    sign_in_scopes = [scope for scope in requested if scope.lower() in _SIGN_IN_SCOPES]
    if sign_in_scopes and len(requested) > 1:
        return ScopeProblem(
            "several-resources",
            " ".join(requested),
            fallback,
            f"{', '.join(sign_in_scopes)} are sign-in scopes the libraries add themselves; a "
            "token request for a resource names its scope alone",
        )
    if len(resources) > 1:
        return ScopeProblem(
            "several-resources",
            " ".join(requested),
            fallback,
            "one token is for one resource: a request naming several is refused",
        )
    scope = requested[0].strip()
    lowered = scope.lower()
    resource = resources[0]
    if lowered.startswith("api://"):
        return ScopeProblem(
            "app-uri",
            scope,
            fallback,
            "an api:// URI names an app registration of your own; Foundry and Azure OpenAI "
            "take a token for their own resource",
        )
    if lowered.endswith(".default") and not lowered.endswith(DEFAULT_SCOPE_SUFFIX):
        base = lowered[: -len(".default")].rstrip("/")
        known = _known(base) or _closest_foundry(base)
        suggestion = scope_of(known.uri) if known is not None else fallback
        return ScopeProblem(
            "missing-slash",
            scope,
            suggestion,
            "'.default' must follow the resource after a slash",
        )
    known = _known(resource)
    if known is None:
        near = _closest_foundry(resource)
        if near is not None:
            return ScopeProblem(
                "typo",
                scope,
                scope_of(near.uri),
                f"no resource is called {resource}; it is one edit or so from {near.uri}",
            )
        return ScopeProblem(
            "unknown-resource",
            scope,
            fallback,
            f"{resource} is not a resource Entra ID knows in every tenant",
        )
    if known.foundry and cloud is not None and known.cloud != cloud:
        return ScopeProblem(
            "other-cloud",
            scope,
            fallback,
            f"{known.uri} is the audience of another cloud than this endpoint's ({cloud})",
        )
    if not lowered.endswith(DEFAULT_SCOPE_SUFFIX) and not tolerant:
        return ScopeProblem(
            "no-default",
            scope,
            scope_of(known.uri),
            "a scope for a whole resource ends in /.default; the bare resource is the older "
            "(v1) audience, which Entra ID's v2.0 token requests do not take",
        )
    return None


# --- what the token rules show ------------------------------------------------------------------


def _link_gist(item: ChainLink, *, include_personal: bool) -> str:
    known = credential_text(normalized(item.message))
    state = "skipped" if item.unavailable else "failed"
    if item.codes:
        state = "tried and failed"
    gist = known.gist if known is not None else item.message
    return f"{state}: {gist if include_personal else redact_personal(gist)}"


def attempt_evidence(
    ctx: RuleContext, attempt: TokenAttempt, *, said: bool = True
) -> list[Evidence | None]:
    """The observed values every token finding shows: the credential, every link of a chain
    with why it was skipped or failed and which one to fix, the scope asked for next to the
    one the endpoint needs, the ids, and the credential's own words (the signed-in person's
    name only on opt-in)."""
    found: list[Evidence | None] = []
    if attempt.credential:
        found.append(Evidence("credential", attempt.credential))
    for index, item in enumerate(attempt.failure.links, 1):
        gist = _link_gist(item, include_personal=ctx.include_personal)
        found.append(Evidence(f"chain link {index}, {item.name}", gist))
    if attempt.link is not None:
        reason = f" ({attempt.link_reason})" if attempt.link_reason else ""
        found.append(Evidence("link to fix", f"{attempt.link.name}{reason}"))
    if attempt.requested:
        label = "scope the message names" if attempt.requested_from_message else "scope requested"
        fits = attempt.accepted and all(
            resource_of(scope) in attempt.accepted for scope in attempt.requested
        )
        expected = None if fits or not attempt.needed else attempt.needed
        found.append(Evidence(label, " ".join(attempt.requested), expected=expected))
    elif attempt.needed:
        found.append(Evidence("scope this endpoint needs", attempt.needed))
    if attempt.failure.tenant_id:
        found.append(Evidence("tenant id", attempt.failure.tenant_id))
    if attempt.failure.client_id:
        found.append(Evidence("client id", attempt.failure.client_id))
    if attempt.failure.correlation_id:
        found.append(Evidence("correlation id", attempt.failure.correlation_id))
    if attempt.failure.token_status is not None:
        found.append(Evidence("token endpoint answered", str(attempt.failure.token_status)))
    if said:
        message = attempt.link.message if attempt.link is not None else attempt.failure.message
        if message:
            if not ctx.include_personal:
                message = redact_personal(message)
            found.append(Evidence("credential said", message[:600]))
    return found


def tenant_argument(attempt: TokenAttempt) -> str:
    """The tenant id the failure names, or a placeholder for the resource's tenant."""
    return attempt.failure.tenant_id or "<tenant id of the resource's subscription>"


def client_argument(attempt: TokenAttempt) -> str:
    """The client id the failure names, or a placeholder."""
    return attempt.failure.client_id or "<application (client) id>"


def scope_fix(ctx: RuleContext, scope: str, credential_name: str | None = None) -> str:
    """The line that asks for ``scope``: this client's construction (with the credential the
    caller used) when the client is known, else how to ask any credential for it."""
    if ctx.spec.endpoint_argument and ctx.facts.client:
        line = client_line(ctx, scope=scope)
        if credential(credential_name) is not None and credential_name != "DefaultAzureCredential":
            line = line.replace("DefaultAzureCredential()", f"{credential_name}(...)")
        return line
    return (
        f'ask for "{scope}": credential_scopes=["{scope}"] on an azure-core client, '
        f'get_bearer_token_provider(credential, "{scope}") for openai, '
        f"az account get-access-token --scope {scope} from a shell"
    )
