"""One live, minimal call with a configured client, and what it tells: ``foundry-doctor probe``.

:func:`probe` builds the real SDK client for a
:class:`~foundry_doctor.facts.configuration.Configuration`, instruments it, makes one small call
(no retries) and reports whether it worked, the identity the token belongs to (its decoded
claims, never the token), and the diagnosis when it failed. The credential is wrapped only to
read the claims of the token it hands out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from foundry_doctor.diagnosis.checkup import Checkup, check_configuration
from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.facts.configuration import Configuration
from foundry_doctor.facts.endpoints import classify_endpoint
from foundry_doctor.facts.redaction import REDACTED, quote
from foundry_doctor.facts.tokens import TokenClaims, decode_claims
from foundry_doctor.integrations.explain import explain
from foundry_doctor.integrations.instrument import instrument

__all__ = ["COGNITIVE_SERVICES_SCOPE", "ProbeResult", "probe"]

#: the scope openai clients on Azure need (azure-ai-inference defaults to another one)
COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"
#: the scope AIProjectClient asks for
AI_SCOPE = "https://ai.azure.com/.default"
_DEFAULT_AZURE_OPENAI_API_VERSION = "2024-10-21"
_PROMPT = "Reply with the word OK."
#: how the user info of an endpoint splits into the pieces an error message may repeat
_SECRET_PIECES = re.compile(r"[:/#?@&=;]")
#: shorter pieces are not looked for (they would match ordinary words of a message)
_SHORTEST_SECRET_PIECE = 3


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What one probe found.

    ``ok`` is true when the call succeeded. ``status`` is the HTTP status when one came back.
    ``claims`` are the decoded claims of the token the client sent (``None`` with a key).
    ``diagnosis`` explains a failed call; ``error`` is the SDK's own one-line message for a
    failure foundry-doctor did not diagnose (a timeout, a 500). ``checkup`` holds the static
    findings about the configuration.
    """

    configuration: Configuration
    checkup: Checkup
    ok: bool
    status: int | None = None
    elapsed_ms: float = 0.0
    claims: TokenClaims | None = field(default=None, repr=False)
    diagnosis: Diagnosis | None = None
    error: str | None = None

    def identity(self, *, include_personal: bool = False) -> dict[str, Any]:
        """Who the token belongs to and what it is for (person-identifying claims on opt-in)."""
        if self.claims is None:
            return {}
        data = self.claims.to_dict(include_personal=include_personal)
        dropped = ("iss", "nbf", "iat", "ver")  # not who, nor for what
        return {key: _shown(value) for key, value in data.items() if key not in dropped}

    def to_dict(self, *, include_personal: bool = False) -> dict[str, Any]:
        endpoint = classify_endpoint(self.configuration.endpoint)
        return {
            "ok": self.ok,
            "status": self.status,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "configuration": self.configuration.to_dict(),
            "endpoint": {
                "family": endpoint.family if endpoint else None,
                "route": endpoint.route if endpoint else None,
                "resource": endpoint.resource if endpoint else None,
            },
            "identity": self.identity(include_personal=include_personal) or None,
            "checks": self.checkup.to_dict()["findings"],
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis is not None else None,
            "error": self.error,
        }


def _shown(value: object) -> object:
    """A claim's value as it may be shown (claims are text the token's issuer chose)."""
    if isinstance(value, str):
        return quote(value, limit=256)
    if isinstance(value, (list, tuple)):
        return [_shown(item) for item in value]
    return value


class _ClaimsRecorder:
    """Keeps the claims of the last token handed out (never the token)."""

    def __init__(self) -> None:
        self.claims: TokenClaims | None = None

    def saw(self, token: str) -> str:
        self.claims = decode_claims(token)
        return token


class _RecordingCredential:
    """A ``TokenCredential`` that passes through to another and records each token's claims."""

    def __init__(self, inner: Any, recorder: _ClaimsRecorder) -> None:
        self._inner = inner
        self._recorder = recorder

    def __repr__(self) -> str:
        return f"_RecordingCredential({type(self._inner).__name__})"

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        access = self._inner.get_token(*scopes, **kwargs)
        self._recorder.saw(access.token)
        return access

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if callable(close):
            close()


def probe(
    configuration: Configuration,
    *,
    key: str | None = None,
    credential: Any = None,
    timeout: float = 30.0,
) -> ProbeResult:
    """Make one call with ``configuration`` and report on it.

    Give ``key`` for key authentication or ``credential`` (an azure-core ``TokenCredential``
    such as ``DefaultAzureCredential()``) for Microsoft Entra ID. Needs the SDK of the client
    kind installed. Never raises for a failed call; raises ``ValueError`` when the
    configuration cannot make a call (no endpoint, no model for a chat call).
    """
    if configuration.client == "openai.AzureOpenAI" and not configuration.api_version:
        configuration = replace(configuration, api_version=_DEFAULT_AZURE_OPENAI_API_VERSION)
    checkup = check_configuration(configuration)
    recorder = _ClaimsRecorder()
    secrets = _known_secrets(configuration, key)
    _check_callable(configuration, key, credential)
    try:
        call = _caller(configuration, key, credential, recorder, timeout)
    except ImportError:
        raise
    except Exception as error:  # the SDK refused to build a client for this configuration
        raise ValueError(
            f"the {configuration.client} client refused this configuration: "
            f"{_failure_text(error, secrets)}"
        ) from None
    started = time.perf_counter()
    try:
        call()
    except Exception as error:
        elapsed = (time.perf_counter() - started) * 1000
        status = getattr(error, "status_code", None)
        diagnosis = explain(error)
        message = None if diagnosis is not None else _failure_text(error, secrets)
        return ProbeResult(
            configuration,
            checkup,
            ok=False,
            status=status if isinstance(status, int) else None,
            elapsed_ms=elapsed,
            claims=recorder.claims,
            diagnosis=diagnosis,
            error=message,
        )
    elapsed = (time.perf_counter() - started) * 1000
    return ProbeResult(
        configuration, checkup, ok=True, status=200, elapsed_ms=elapsed, claims=recorder.claims
    )


def _known_secrets(configuration: Configuration, key: str | None) -> tuple[str, ...]:
    """What this probe knows to be secret, longest first: the key, and the pieces of the
    endpoint that :func:`~foundry_doctor.facts.redaction.safe_url` takes out (user info, query
    values), which an SDK may repeat in its own error message."""
    found = [key] if key else []
    endpoint = configuration.endpoint or ""
    rest = endpoint.split("://", 1)[-1]
    if "@" in rest:
        found += _SECRET_PIECES.split(rest[: rest.rfind("@")])
    if "?" in rest:
        found += [item.partition("=")[2] for item in rest.split("?", 1)[1].split("&")]
    pieces = {piece for piece in found if len(piece) >= _SHORTEST_SECRET_PIECE}
    return tuple(sorted(pieces, key=len, reverse=True))


def _failure_text(error: BaseException, secrets: tuple[str, ...]) -> str:
    """The first line of an SDK's error, as it may be shown."""
    text = (str(error).strip().splitlines() or [""])[0]
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return quote(f"{type(error).__name__}: {text}", limit=300)


def _check_callable(configuration: Configuration, key: str | None, credential: Any) -> None:
    """Raise ``ValueError`` when ``configuration`` cannot make a call."""
    if not configuration.endpoint:
        raise ValueError("the configuration has no endpoint")
    if key is None and credential is None and configuration.credential != "none":
        raise ValueError("give a key or a credential")
    if configuration.client == "azure-ai-projects":
        if credential is None:
            raise ValueError("AIProjectClient takes Microsoft Entra ID credentials only")
        return
    if not (configuration.model or configuration.deployment):
        raise ValueError("the call needs a model (deployment) name")
    if configuration.client not in ("azure-ai-inference", "openai.AzureOpenAI", "openai.OpenAI"):
        raise ValueError(f"cannot probe a {configuration.client} client")


def _scope(configuration: Configuration, default: str) -> str:
    return configuration.scopes[0] if configuration.scopes else default


def _caller(
    configuration: Configuration,
    key: str | None,
    credential: Any,
    recorder: _ClaimsRecorder,
    timeout: float,
) -> Callable[[], object]:
    """The call to make (``configuration`` passed :func:`_check_callable`)."""
    client = configuration.client
    if client == "azure-ai-projects":
        return _project_call(configuration, credential, recorder, timeout)
    model = configuration.model or configuration.deployment or ""
    if client == "azure-ai-inference":
        return _inference_call(configuration, model, key, credential, recorder, timeout)
    return _openai_call(configuration, model, key, credential, recorder, timeout)


def _inference_call(
    configuration: Configuration,
    model: str,
    key: str | None,
    credential: Any,
    recorder: _ClaimsRecorder,
    timeout: float,
) -> Callable[[], object]:
    import azure.ai.inference as inference
    from azure.ai.inference.models import UserMessage
    from azure.core.credentials import AzureKeyCredential

    auth: Any = (
        AzureKeyCredential(key) if key is not None else _RecordingCredential(credential, recorder)
    )
    kwargs: dict[str, Any] = {"retry_total": 0, "connection_timeout": timeout}
    if configuration.scopes:
        kwargs["credential_scopes"] = list(configuration.scopes)
    if configuration.api_version:
        kwargs["api_version"] = configuration.api_version
    embeddings = configuration.operation in ("embeddings", "images/embeddings")
    cls = inference.EmbeddingsClient if embeddings else inference.ChatCompletionsClient
    client: Any = instrument(cls(endpoint=configuration.endpoint or "", credential=auth, **kwargs))
    if embeddings:
        return lambda: client.embed(input=[_PROMPT], model=model)
    return lambda: client.complete(model=model, messages=[UserMessage(_PROMPT)])


def _openai_call(
    configuration: Configuration,
    model: str,
    key: str | None,
    credential: Any,
    recorder: _ClaimsRecorder,
    timeout: float,
) -> Callable[[], object]:
    import openai

    secret: Any = key
    if key is None and credential is not None:
        scope = _scope(configuration, COGNITIVE_SERVICES_SCOPE)
        secret = lambda: recorder.saw(credential.get_token(scope).token)  # noqa: E731
    common: dict[str, Any] = {"max_retries": 0, "timeout": timeout}
    client: Any
    if configuration.client == "openai.AzureOpenAI":
        kwargs: dict[str, Any] = {
            "azure_endpoint": configuration.endpoint,
            "api_version": configuration.api_version or _DEFAULT_AZURE_OPENAI_API_VERSION,
            **common,
        }
        if configuration.deployment:
            kwargs["azure_deployment"] = configuration.deployment
        if callable(secret):
            kwargs["azure_ad_token_provider"] = secret
        else:
            kwargs["api_key"] = secret or "none"
        client = openai.AzureOpenAI(**kwargs)
    else:
        query = {"api-version": configuration.api_version} if configuration.api_version else None
        client = openai.OpenAI(
            base_url=configuration.endpoint, api_key=secret or "none", default_query=query, **common
        )
    client = instrument(client)
    if configuration.operation == "embeddings":
        return lambda: client.embeddings.create(model=model, input=_PROMPT)
    if configuration.operation == "responses":
        return lambda: client.responses.create(model=model, input=_PROMPT)
    messages = [{"role": "user", "content": _PROMPT}]
    return lambda: client.chat.completions.create(model=model, messages=messages)


def _project_call(
    configuration: Configuration, credential: Any, recorder: _ClaimsRecorder, timeout: float
) -> Callable[[], object]:
    from azure.ai.projects import AIProjectClient  # type: ignore[import-not-found,import-untyped,unused-ignore]

    kwargs: dict[str, Any] = {"retry_total": 0, "connection_timeout": timeout}
    if configuration.scopes:
        kwargs["credential_scopes"] = list(configuration.scopes)
    client: Any = instrument(
        AIProjectClient(
            endpoint=configuration.endpoint or "",
            credential=_RecordingCredential(credential, recorder),
            **kwargs,
        )
    )
    return lambda: list(client.deployments.list())
