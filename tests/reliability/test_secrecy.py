"""Secrecy: no key, token or token signature ever comes back out of foundry-doctor.

The promise (DEVELOPERS.md, "Security"): tokens, keys, ``Authorization`` / ``api-key`` header
values and signatures never appear in a log record, an exception message or a ``repr``; personal
claims (upn) only on opt-in. Checked end to end, through real clients instrumented with
``foundry_doctor.instrument`` against the emulator, for every scenario preset and every client
kind it applies to, sync and async, with three credentials:

* ``scenario``: the scenario's own credential (real emulator keys and signed emulator tokens,
  which reach every rule: wrong audience, expired, wrong tenant, missing role, ...);
* ``canary-key``: a distinctive API key of our own (``api_key=`` / ``AzureKeyCredential``; the
  service answers 401 invalid key, or whatever the endpoint answers before authentication);
* ``canary-jwt``: a syntactically valid JWT with a distinctive signature segment and a upn
  (``azure_ad_token=`` / a fixed-token credential / the ``OpenAI`` client's key);
* ``echo``: the canary key, and the service's error body replaced (the emulator's
  ``MislabelledBody`` fault) by one that echoes credentials the way gateways do
  (``support.echoes``: ``api_key=``, ``"apiKey":``, ``client_secret=``, SAS and function URLs,
  ``Cookie:``, short bearer values, keys in paths, ``user:password@``, JWTs, refresh tokens,
  connection strings, and forms issue 11 does not list) together with text that tries to forge
  lines of our output or steer a terminal.

Wherever the exception and its diagnosis can show up, the secret must be absent: ``str``,
``repr``, the formatted traceback, ``__notes__``, ``repr`` / ``render`` / JSON of the diagnosis
(also as ``foundry_doctor.explain`` returns it), every record of the ``foundry_doctor`` logger
tree at DEBUG, formatted together with the whole ``record.__dict__`` (so ``extra`` data,
``args`` and ``exc_info`` count too), and the OpenTelemetry span events of the call (recorded
with the SDK's in-memory exporter). Besides the known values (the canary, every key of the
emulated world, the token and signature the failed request carried, every principal's upn, the
echoed secrets), no JWT-shaped text may appear there at all, which also covers the tokens of
successful calls. What foundry-doctor appends to the exception's message is, line by line,
printable text with one ``Fix:`` heading at most: an echoed body cannot add its own.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import re
import traceback
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Literal

import openai
import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator, MislabelledBody
from support.clients import (
    DEFAULT_AZURE_OPENAI_API_VERSION,
    INVALID_KEY,
    AsyncFixedTokenCredential,
    FixedTokenCredential,
    acall,
    build,
    call,
)
from support.echoes import INJECTIONS, Echo, echo_body, echo_groups
from support.scenarios import (
    SCENARIOS,
    ClientKind,
    Scenario,
    ScenarioCredential,
)

pytest.importorskip("opentelemetry.sdk.trace")
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

Variant = Literal["scenario", "canary-key", "canary-jwt", "echo"]
VARIANTS: tuple[Variant, ...] = ("scenario", "canary-key", "canary-jwt", "echo")

#: the statuses whose body the ``echo`` variant replaces
ERROR_STATUSES = (400, 401, 403, 404)
ECHO_GROUPS = echo_groups()
ECHO_MARKER = "gateway-echo"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


#: letters only: the redaction heuristics (long runs with digits, key-shaped values) would not
#: catch it, so it can only stay hidden if it is never copied anywhere in the first place
CANARY_KEY = "FoundryDoctorCanaryKeyQuxWaldoPlughXyzzyThud"
CANARY_UPN = "canary.person@fabrikam.example"
CANARY_SIGNATURE = _b64(b"foundry-doctor canary signature - it must never be shown anywhere!")
CANARY_JWT = ".".join(
    (
        _b64(json.dumps({"alg": "RS256", "kid": "fd-canary", "typ": "JWT"}).encode()),
        _b64(
            json.dumps(
                {
                    # a wrong audience: the token is decoded and named by a rule, not just
                    # refused for its (forged) signature
                    "aud": "https://ml.azure.com",
                    "iss": "https://sts.windows.net/aaaaaaaa-0000-0000-0000-000000000001/",
                    "iat": 1700000000,
                    "nbf": 1700000000,
                    "exp": 4102444800,  # 2100-01-01: never expired
                    "tid": "aaaaaaaa-0000-0000-0000-000000000001",
                    "oid": "cccccccc-0000-0000-0000-00000000c0de",
                    "appid": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                    "idtyp": "user",
                    "scp": "user_impersonation",
                    "upn": CANARY_UPN,
                    "name": "Canary Person",
                    "ver": "1.0",
                }
            ).encode()
        ),
        CANARY_SIGNATURE,
    )
)

#: any JWT, known or not: its header and payload segments (a token's signature is checked
#: separately, where the token is known)
_ANY_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")


def _marks(kind: ClientKind) -> list[pytest.MarkDecorator]:
    return [pytest.mark.azure if kind == "azure-ai-inference" else pytest.mark.openai]


CASES = [
    pytest.param(
        item, kind, variant, id=f"{item.name}-{kind.split('.')[-1]}-{variant}", marks=_marks(kind)
    )
    for item in SCENARIOS
    for kind in item.clients
    for variant in VARIANTS
]


def _echoes(item: Scenario) -> tuple[Echo, ...]:
    """The forms a scenario's ``echo`` run gets: the groups in turn, so each is echoed by
    several scenarios, clients and routes."""
    return ECHO_GROUPS[SCENARIOS.index(item) % len(ECHO_GROUPS)]


def _echo_fault(echoes: tuple[Echo, ...], injection: str = "") -> MislabelledBody:
    body = echo_body(echoes, marker=ECHO_MARKER + injection)
    return MislabelledBody(status=ERROR_STATUSES, body=body)


# --- traces ----------------------------------------------------------------------------------


def _span_events(exporter: InMemorySpanExporter) -> str:
    """The span events foundry-doctor added (an SDK's own ``exception`` events carry the SDK's
    message, which is the SDK's business)."""
    return repr(
        [
            (event.name, dict(event.attributes or {}))
            for span in exporter.get_finished_spans()
            for event in span.events
            if event.name.startswith("foundry_doctor")
        ]
    )


# --- logging ---------------------------------------------------------------------------------


class _EverythingFormatter(logging.Formatter):
    """The formatted record (message, traceback, stack) followed by its whole ``__dict__``."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{super().format(record)}\n{record.__dict__!r}"


class _Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream
        self.levels: list[int] = []

    @property
    def text(self) -> str:
        return self._stream.getvalue()


class _LevelRecorder(logging.Handler):
    def __init__(self, captured: _Captured) -> None:
        super().__init__(logging.DEBUG)
        self._captured = captured

    def emit(self, record: logging.LogRecord) -> None:
        self._captured.levels.append(record.levelno)


@pytest.fixture
def logged() -> Iterator[_Captured]:
    """Everything the ``foundry_doctor`` logger tree emits at DEBUG and above, while the test
    runs (level and handlers restored afterwards)."""
    logger = logging.getLogger("foundry_doctor")
    stream = io.StringIO()
    captured = _Captured(stream)
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(_EverythingFormatter("%(levelname)s %(name)s %(message)s"))
    recorder = _LevelRecorder(captured)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    logger.addHandler(recorder)
    try:
        yield captured
    finally:
        logger.removeHandler(recorder)
        logger.removeHandler(handler)
        logger.setLevel(previous)


# --- clients ---------------------------------------------------------------------------------


def _canary_client(item: Scenario, kind: ClientKind, variant: Variant, *, aio: bool) -> Any:
    """The scenario's client, configured as usual but with a canary credential."""
    if kind == "azure-ai-inference":
        from azure.core.credentials import AzureKeyCredential

        if aio:
            from azure.ai.inference import aio as package
        else:
            import azure.ai.inference as package  # type: ignore[no-redef]

        kwargs: dict[str, Any] = {}
        if variant == "canary-key":
            credential: Any = AzureKeyCredential(CANARY_KEY)
        else:
            fixed = AsyncFixedTokenCredential if aio else FixedTokenCredential
            credential = fixed(CANARY_JWT)
            if item.credential.scope is not None:
                kwargs["credential_scopes"] = [item.credential.scope]
        if item.api_version is not None:
            kwargs["api_version"] = item.api_version
        cls = (
            package.EmbeddingsClient
            if item.operation == "embeddings"
            else package.ChatCompletionsClient
        )
        return cls(endpoint=item.endpoint, credential=credential, **kwargs)
    if kind == "openai.AzureOpenAI":
        azure_cls: Any = openai.AsyncAzureOpenAI if aio else openai.AzureOpenAI
        auth = (
            {"api_key": CANARY_KEY} if variant == "canary-key" else {"azure_ad_token": CANARY_JWT}
        )
        return azure_cls(
            azure_endpoint=item.endpoint,
            api_version=item.api_version or DEFAULT_AZURE_OPENAI_API_VERSION,
            **auth,
        )
    plain_cls: Any = openai.AsyncOpenAI if aio else openai.OpenAI
    query = {"default_query": {"api-version": item.api_version}} if item.api_version else {}
    key = CANARY_KEY if variant == "canary-key" else CANARY_JWT
    return plain_cls(base_url=item.endpoint, api_key=key, **query)


def _client(emu: Emulator, item: Scenario, kind: ClientKind, variant: Variant, *, aio: bool) -> Any:
    if variant == "scenario":
        return build(emu, item, kind, aio=aio)
    return _canary_client(item, kind, "canary-key" if variant == "echo" else variant, aio=aio)


def _called(item: Scenario, variant: Variant) -> Scenario:
    """The scenario as :func:`call` should make it: with a canary, credentials are sent."""
    if variant == "scenario":
        return item
    return replace(item, credential=ScenarioCredential("key"))


# --- what must stay hidden -------------------------------------------------------------------


def _header(headers: Any, name: str) -> str | None:
    for key, value in dict(headers).items():
        if key.lower() == name:
            return str(value)
    return None


def _request_headers(error: BaseException) -> Any:
    response = getattr(error, "response", None)
    request = getattr(response, "request", None)
    return getattr(request, "headers", None) or {}


def _secrets(
    emu: Emulator, variant: Variant, error: BaseException | None, echoes: tuple[Echo, ...] = ()
) -> list[str]:
    """The values that must not be shown for this run."""
    if variant == "echo":
        return [CANARY_KEY, *(secret for echo in echoes for secret in echo.secrets)]
    if variant == "canary-key":
        return [CANARY_KEY]
    if variant == "canary-jwt":
        return [CANARY_JWT, CANARY_SIGNATURE, CANARY_UPN]
    found = [INVALID_KEY]
    for name in emu.world.resources:
        found += [emu.key(name, 1), emu.key(name, 2)]
    found += [p.upn for p in emu.world.principals.values() if p.upn]
    if error is not None:  # what the failed request really carried
        headers = _request_headers(error)
        key = _header(headers, "api-key")
        if key:
            found.append(key)
        authorization = _header(headers, "authorization") or ""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value:
            found.append(value)
            if value.count(".") == 2:
                found.append(value.rsplit(".", 1)[1])
    return [secret for secret in found if len(secret) >= 8]


def _places(
    error: BaseException | None,
    captured: _Captured,
    exporter: InMemorySpanExporter,
    *,
    sdk_text_is_echoed: bool = False,
) -> dict[str, str]:
    """Everything foundry-doctor shows, by where it shows it. When the service's body echoes
    secrets, the SDK's own message (and so ``str``, ``repr`` and the traceback of its
    exception) holds them: that is the SDK's business, and only what foundry-doctor appends to
    the message counts."""
    places = {"log": captured.text, "span events": _span_events(exporter)}
    if error is None:
        return places
    places["appended to the message"] = _appended(error)
    if not sdk_text_is_echoed:
        places["str"] = str(error)
        places["repr"] = repr(error)
        places["traceback"] = "".join(traceback.format_exception(error))
    places["__notes__"] = repr(getattr(error, "__notes__", []))
    diagnosis = getattr(error, "diagnosis", None)
    if diagnosis is not None:
        places["diagnosis repr"] = repr(diagnosis)
        places["diagnosis json"] = json.dumps(diagnosis.to_dict())
    explained = foundry_doctor.explain(error)
    if explained is not None:
        places["explain repr"] = repr(explained)
        places["explain render"] = explained.render()
        places["explain json"] = json.dumps(explained.to_dict())
    try:
        raise RuntimeError("the application's own wrapper") from error
    except RuntimeError as wrapper:
        places["explain(wrapper)"] = repr(foundry_doctor.explain(wrapper))
        if not sdk_text_is_echoed:
            places["wrapper traceback"] = "".join(traceback.format_exception(wrapper))
    return places


def _status_error(kind: ClientKind) -> type[Exception]:
    """The base class of the SDK's exceptions for an HTTP error status."""
    if kind == "azure-ai-inference":
        from azure.core.exceptions import HttpResponseError

        return HttpResponseError
    return openai.APIStatusError


def _appended(error: BaseException) -> str:
    """What foundry-doctor appended to the exception's message."""
    text = str(error)
    start = text.find("foundry-doctor [")
    return text[start:] if start >= 0 else ""


def _assert_lines_are_ours(text: str) -> None:
    lines = text.splitlines()
    for line in lines:
        assert line.isprintable(), repr(line)
    for heading in ("Evidence:", "Fix:", "Also:", "Docs:"):
        assert sum(line.startswith(heading) for line in lines) <= 1, text
    assert not any(line.lstrip().startswith("1. curl") for line in lines), text


def _check(
    emu: Emulator,
    item: Scenario,
    kind: ClientKind,
    variant: Variant,
    outcome: Any,
    captured: _Captured,
    exporter: InMemorySpanExporter,
) -> None:
    error = outcome if isinstance(outcome, BaseException) else None
    if variant == "scenario" and item.succeeds:
        assert error is None, repr(error)
    else:
        assert isinstance(error, _status_error(kind)), repr(outcome)
        status = error.status_code  # type: ignore[union-attr]
        if variant == "scenario":
            assert status == item.expected_status
        if status in (401, 403, 404):
            # the secrets were really run through a diagnosis and its WARNING record
            assert foundry_doctor.explain(error) is not None, str(error)
            assert logging.WARNING in captured.levels
            assert "foundry_doctor.diagnosis" in _span_events(exporter)

    echoes = _echoes(item) if variant == "echo" else ()
    secrets = _secrets(emu, variant, error, echoes)
    assert secrets
    places = _places(error, captured, exporter, sdk_text_is_echoed=variant == "echo")
    for place, text in places.items():
        for secret in secrets:
            assert secret not in text, f"{secret[:6]}... shown in {place}"
        shown = _ANY_JWT.search(text)
        assert shown is None, f"a token ({shown.group(0)[:12]}...) shown in {place}"
    if error is not None:
        _assert_lines_are_ours(_appended(error))
    if variant == "echo" and error is not None:
        diagnosis = foundry_doctor.explain(error)
        said = (
            [e.actual for e in diagnosis.evidence if e.label == "service said"] if diagnosis else []
        )
        assert all(ECHO_MARKER in text for text in said), said  # the echo was what it quoted


def _injection(emu: Emulator, item: Scenario, variant: Variant) -> Any:
    if variant != "echo":
        return contextlib.nullcontext()
    injection = INJECTIONS[SCENARIOS.index(item) % len(INJECTIONS)]
    return emu.inject(_echo_fault(_echoes(item), injection))


@pytest.mark.parametrize(("item", "kind", "variant"), CASES)
def test_sync_nothing_secret_is_shown(
    emu: Emulator,
    logged: _Captured,
    spans: tuple[Any, InMemorySpanExporter],
    item: Scenario,
    kind: ClientKind,
    variant: Variant,
) -> None:
    tracer, exporter = spans
    with emu.modified_world(item.world_changes), _injection(emu, item, variant):
        client = foundry_doctor.instrument(_client(emu, item, kind, variant, aio=False))
        outcome: Any
        try:
            with client, tracer.start_as_current_span("the call"):
                outcome = call(client, _called(item, variant))
        except Exception as error:
            outcome = error
    _check(emu, item, kind, variant, outcome, logged, exporter)


@pytest.mark.parametrize(("item", "kind", "variant"), CASES)
async def test_async_nothing_secret_is_shown(
    emu: Emulator,
    logged: _Captured,
    spans: tuple[Any, InMemorySpanExporter],
    item: Scenario,
    kind: ClientKind,
    variant: Variant,
) -> None:
    tracer, exporter = spans
    with emu.modified_world(item.world_changes), _injection(emu, item, variant):
        client = foundry_doctor.instrument(_client(emu, item, kind, variant, aio=True))
        outcome: Any
        try:
            async with client:
                with tracer.start_as_current_span("the call"):
                    outcome = await acall(client, _called(item, variant))
        except Exception as error:
            outcome = error
    _check(emu, item, kind, variant, outcome, logged, exporter)


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(kind, marks=_marks(kind))
        for kind in ("azure-ai-inference", "openai.AzureOpenAI", "openai.OpenAI")
    ],
)
def test_the_canary_jwt_is_decoded(emu: Emulator, logged: _Captured, kind: ClientKind) -> None:
    """The canary JWT goes through the claims code like any token (so the checks above are not
    vacuous): its audience is named as the cause, its signature and upn are not shown."""
    item = next(s for s in SCENARIOS if kind in s.clients and s.succeeds and s.operation == "chat")
    client = foundry_doctor.instrument(_canary_client(item, kind, "canary-jwt", aio=False))
    with pytest.raises(_status_error(kind)) as caught:
        call(client, _called(item, "canary-jwt"))
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None, repr(caught.value)
    assert diagnosis.rule == "token-wrong-audience", diagnosis.render()
    assert "https://ml.azure.com" in diagnosis.render()
    assert CANARY_SIGNATURE not in str(caught.value)
    assert CANARY_UPN not in str(caught.value)


_KINDS: tuple[ClientKind, ...] = ("azure-ai-inference", "openai.AzureOpenAI", "openai.OpenAI")


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "kind", [pytest.param(kind, marks=_marks(kind), id=kind.split(".")[-1]) for kind in _KINDS]
)
@pytest.mark.parametrize("group", range(len(ECHO_GROUPS)))
async def test_every_echoed_form_is_quoted_without_its_secret(
    emu: Emulator,
    logged: _Captured,
    spans: tuple[Any, InMemorySpanExporter],
    group: int,
    kind: ClientKind,
    aio: bool,
) -> None:
    """Each group of forms, echoed in the body of a 401 to each client kind, sync and async:
    the diagnosis quotes the service's message (so the forms went through the quoting), and
    none of their secrets is in anything foundry-doctor adds."""
    echoes = ECHO_GROUPS[group]
    item = next(s for s in SCENARIOS if kind in s.clients and s.succeeds and s.operation == "chat")
    tracer, exporter = spans
    outcome: Any
    with emu.inject(_echo_fault(echoes)) as injection:
        client = foundry_doctor.instrument(_canary_client(item, kind, "canary-key", aio=aio))
        try:
            with tracer.start_as_current_span("the call"):
                if aio:
                    async with client:
                        outcome = await acall(client, _called(item, "canary-key"))
                else:
                    with client:
                        outcome = call(client, _called(item, "canary-key"))
        except Exception as error:
            outcome = error
    assert injection.hits == 1
    assert isinstance(outcome, _status_error(kind)), repr(outcome)
    diagnosis = foundry_doctor.explain(outcome)
    assert diagnosis is not None
    said = [e.actual for e in diagnosis.evidence if e.label == "service said"]
    assert said, diagnosis.render()
    assert ECHO_MARKER in said[0]
    places = _places(outcome, logged, exporter, sdk_text_is_echoed=True)
    for place, text in places.items():
        for echo in echoes:
            for secret in echo.secrets:
                assert secret not in text, f"{echo.name}: {secret[:6]}... shown in {place}"
    assert CANARY_KEY not in repr(places)


# --- before the call: a token that could not be obtained ------------------------------------------

#: letters only, like the key canary: a refresh token a developer tool echoes in its error
CANARY_REFRESH = "FoundryDoctorCanaryRefreshTokenGraultGarplyFred"
_TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default"


def _fake_az(directory: Any, stderr: str) -> None:
    """An ``az`` that fails every command with ``stderr`` (shell built-ins only)."""
    import stat

    script = directory / "az"
    script.write_text(
        "#!/bin/sh\nwhile IFS= read -r line; do printf '%s\\n' \"$line\" >&2; done <<'EOF'\n"
        f"{stderr}\nEOF\nexit 1\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def _token_credential(emu: Emulator, how: str, tools: Any) -> tuple[Any, list[str]]:
    """A real credential that fails the way ``how`` says, and the secrets it holds."""
    from azure.identity import (
        AzureCliCredential,
        CertificateCredential,
        ClientSecretCredential,
        WorkloadIdentityCredential,
    )

    app = emu.world.app("chat-backend")
    tenant = "aaaaaaaa-0000-0000-0000-000000000001"
    if how == "wrong-secret":
        return ClientSecretCredential(tenant, app.client_id, CANARY_KEY), [CANARY_KEY]
    if how == "secret-as-client-id":  # Entra ID echoes the client id it did not find
        return ClientSecretCredential(tenant, CANARY_KEY, CANARY_KEY), [CANARY_KEY]
    if how == "valid-secret-blocked":
        secret = emu.client_secret("chat-backend")
        return ClientSecretCredential(tenant, app.client_id, secret), [secret]
    if how == "certificate":
        pem = emu.client_certificate("chat-backend")
        app.certificates.pop()
        key = pem.decode().split("-----BEGIN PRIVATE KEY-----")[1].split("-----END")[0]
        lines = [line for line in key.splitlines() if len(line) > 16]
        return CertificateCredential(tenant, app.client_id, certificate_data=pem), lines
    if how == "federated-token":
        return WorkloadIdentityCredential(), []
    _fake_az(
        tools,
        "ERROR: AADSTS700082: The refresh token has expired due to inactivity.\n"
        f"refresh_token={CANARY_REFRESH}\nInteractive authentication is needed. Please run:\n"
        "az login --scope https://cognitiveservices.azure.com/.default",
    )
    return AzureCliCredential(), [CANARY_REFRESH]


def _ask(client: Any, kind: ClientKind) -> None:
    if kind == "azure-ai-inference":
        from azure.ai.inference.models import UserMessage

        client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    else:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])


_TOKEN_FAILURES = (
    "wrong-secret",
    "secret-as-client-id",
    "valid-secret-blocked",
    "certificate",
    "federated-token",
    "refresh-token-echoed",
)


@pytest.mark.parametrize("how", _TOKEN_FAILURES)
@pytest.mark.parametrize(
    "kind", [pytest.param(kind, marks=_marks(kind), id=kind.split(".")[-1]) for kind in _KINDS]
)
def test_no_secret_of_a_failed_token_request_is_shown(
    emu: Emulator,
    logged: _Captured,
    spans: tuple[Any, InMemorySpanExporter],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    kind: ClientKind,
    how: str,
) -> None:
    """A credential that fails with a secret in hand (a client secret, a certificate's key, a
    federated token, a refresh token a tool echoes; a secret put in place of the client id,
    which Entra ID echoes back): it was diagnosed, and none of it is in what foundry-doctor
    adds (its text, the diagnosis, the log records, the span events)."""
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import get_bearer_token_provider

    from support.identity import isolate_identity

    isolate_identity(monkeypatch, tmp_path)
    tracer, exporter = spans
    changes = {"apps.chat-backend.conditional_access_blocked": how == "valid-secret-blocked"}
    with contextlib.ExitStack() as stack:
        stack.enter_context(emu.modified_world(changes))
        federated = ""
        if how == "federated-token":
            federated = emu.federated_token("aks-workload", subject="system:serviceaccount:x:y")
            stack.enter_context(emu.workload_identity_environment("aks-workload", token=federated))
        credential, secrets = _token_credential(emu, how, tmp_path / "empty-path")
        if federated:
            secrets = [federated, federated.rsplit(".", 1)[1]]
        if kind == "azure-ai-inference":
            from azure.ai.inference import ChatCompletionsClient

            client: Any = ChatCompletionsClient(
                endpoint="https://myres.services.ai.azure.com/models",
                credential=credential,
                credential_scopes=[_TOKEN_SCOPE],
            )
        elif kind == "openai.AzureOpenAI":
            client = openai.AzureOpenAI(
                azure_endpoint="https://myres.openai.azure.com",
                api_version=DEFAULT_AZURE_OPENAI_API_VERSION,
                azure_ad_token_provider=get_bearer_token_provider(credential, _TOKEN_SCOPE),
            )
        else:
            client = openai.OpenAI(
                base_url="https://myres.openai.azure.com/openai/v1/",
                api_key=get_bearer_token_provider(credential, _TOKEN_SCOPE),
            )
        client = foundry_doctor.instrument(client)
        with (
            pytest.raises((ClientAuthenticationError, ValueError)) as caught,
            tracer.start_as_current_span("the call"),
        ):
            _ask(client, kind)
    error = caught.value
    diagnosis = foundry_doctor.explain(error)
    assert diagnosis is not None, repr(error)
    assert diagnosis.rule != "unknown", diagnosis.render()
    assert logging.WARNING in logged.levels
    assert "foundry_doctor.diagnosis" in _span_events(exporter)
    places = _places(error, logged, exporter, sdk_text_is_echoed=True)
    for place, text in places.items():
        for secret in secrets:
            assert secret not in text, f"{how}: {secret[:6]}... shown in {place}"
        shown = _ANY_JWT.search(text)
        assert shown is None, f"a token ({shown.group(0)[:12]}...) shown in {place}"
    _assert_lines_are_ours(_appended(error))
