"""azure-core parity: with ``instrument()`` or ``DiagnosticsPolicy`` an azure-core client raises
exactly what it raises bare, and does not raise where bare does not.

Side by side, bare and with foundry-doctor, real clients over real sockets against the emulator:
a per-call ``error_map=`` keeps its class; ``check_existence`` answers ``False`` to a 404; the
SDK's ``model=`` (azure-mgmt-resource's ``CloudError``, azure-ai-projects' ``ApiErrorResponse``)
and ``error_format`` (``ARMErrorFormat``) survive; an auth challenge the SDK answers, and a
status its retry policy retries, are never diagnosed (a credential's own exception, enriched in
place as the same object, is in ``test_token_failure_details.py``). One policy instance serves
two clients, sync and async, each with its own credential. ``send_request(stream=True)`` reads
nothing before the caller, even from an endless error body.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

import pytest
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)

import foundry_doctor
from foundry_doctor.emulator import Answer, Emulator, EndlessBody
from foundry_doctor.integrations.enriched import DiagnosedError
from support.clients import INVALID_KEY, acall, build_inference, call
from support.records import ours
from support.scenarios import scenario

pytestmark = pytest.mark.azure

MODELS = "https://myres.services.ai.azure.com/models"
CHAT = f"{MODELS}/chat/completions?api-version=2024-05-01-preview"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
MISSING_ROLE = scenario("missing-role-inference")
INVALID = scenario("invalid-key-inference")
OK_TOKEN = scenario("ok-inference-models-token")

#: ids and timestamps in the emulator's answers, fresh on every reply
_VOLATILE = re.compile(r"[0-9a-f]{16,}|[0-9a-f-]{36}|\b\d{10}\b")


def _sdk_text(error: BaseException) -> str:
    """The SDK's own message of ``error`` (without an appended diagnosis), ids blanked."""
    base = error._fd_base if isinstance(error, DiagnosedError) else type(error)
    return _VOLATILE.sub("<volatile>", base.__str__(error))


def _sdk_class(error: BaseException) -> type[BaseException]:
    return error._fd_base if isinstance(error, DiagnosedError) else type(error)


class AppAuthError(HttpResponseError):
    """An application's own error class for ``error_map``, with an attribute of its own."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handled_by = "the application"


# --- error_map ----------------------------------------------------------------------------------


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "aio"])
async def test_a_per_call_error_map_is_honoured(
    emu: Emulator, caplog: pytest.LogCaptureFixture, aio: bool
) -> None:
    errors = []
    for instrumented in (False, True):
        client = build_inference(emu, INVALID, aio=aio)
        if instrumented:
            client = foundry_doctor.instrument(client)
        from azure.ai.inference.models import UserMessage

        kwargs: dict[str, Any] = {
            "messages": [UserMessage("hi")],
            "model": "gpt-4o",
            "error_map": {401: AppAuthError},
        }
        if aio:
            async with client:
                with pytest.raises(AppAuthError) as caught:
                    await client.complete(**kwargs)
        else:
            with pytest.raises(AppAuthError) as caught:
                client.complete(**kwargs)
        errors.append(caught.value)
    bare, got = errors
    assert type(bare) is AppAuthError
    assert _sdk_class(got) is AppAuthError
    assert got.handled_by == bare.handled_by == "the application"
    assert _sdk_text(got) == _sdk_text(bare)
    diagnosis = foundry_doctor.explain(got)
    assert diagnosis is not None
    assert diagnosis.rule == "invalid-api-key"
    assert len(ours(caplog)) == 1


# --- statuses an operation treats as a value, model= and error_format -------------------------


def _resource_client(emu: Emulator, host: str, *, aio: bool = False) -> Any:
    resources = pytest.importorskip("azure.mgmt.resource.resources", reason="azure-mgmt-resource")
    if aio:
        from azure.mgmt.resource.resources import aio as resources_aio

        return resources_aio.ResourceManagementClient(
            emu.async_credential("alice"), SUBSCRIPTION, base_url=f"https://{host}"
        )
    return resources.ResourceManagementClient(
        emu.credential("alice"), SUBSCRIPTION, base_url=f"https://{host}"
    )


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "aio"])
async def test_check_existence_answers_false_to_a_404(
    emu: Emulator, caplog: pytest.LogCaptureFixture, aio: bool
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    answers, statuses = [], []
    for instrumented in (False, True):
        client = _resource_client(emu, "myres.openai.azure.com", aio=aio)
        if instrumented:
            client = foundry_doctor.instrument(client)
        emu.clear_requests()
        if aio:
            async with client:
                answers.append(await client.resource_groups.check_existence("my-group"))
        else:
            answers.append(client.resource_groups.check_existence("my-group"))
        statuses.append([(record.method, record.status) for record in emu.requests])
    assert answers == [False, False]
    assert statuses[0] == statuses[1] == [("HEAD", 404)]
    assert not ours(caplog, logging.DEBUG)  # nothing diagnosed, nothing to say


def test_arm_error_format_and_model_survive(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    errors = []
    for instrumented in (False, True):
        client = _resource_client(emu, "private.openai.azure.com")  # public access disabled
        if instrumented:
            client = foundry_doctor.instrument(client)
        with pytest.raises(HttpResponseError) as caught:
            client.resource_groups.get("my-group")
        errors.append(caught.value)
    bare, got = errors
    assert bare.status_code == got.status_code == 403
    assert _sdk_class(got) is type(bare) is HttpResponseError
    assert type(got.error) is type(bare.error)
    assert type(got.error).__name__ == "ARMErrorFormat"
    assert (got.error.code, got.error.message) == (bare.error.code, bare.error.message)
    assert type(got.model) is type(bare.model)  # CloudError (None on older releases)
    assert _sdk_text(got) == _sdk_text(bare)
    diagnosis = foundry_doctor.explain(got)
    assert diagnosis is not None
    assert diagnosis.rule == "network-access-denied"
    assert len(ours(caplog)) == 1


def test_a_project_clients_error_model_survives(emu: Emulator) -> None:
    projects = pytest.importorskip("azure.ai.projects", reason="needs azure-ai-projects")
    endpoint = "https://myres.services.ai.azure.com/api/projects/myproject"
    errors = []
    for instrumented in (False, True):
        client = projects.AIProjectClient(endpoint=endpoint, credential=emu.credential("eve"))
        if instrumented:
            client = foundry_doctor.instrument(client)
        with pytest.raises(HttpResponseError) as caught:
            list(client.agents.list())  # its errors carry the ApiErrorResponse model
        errors.append(caught.value)
    bare, got = errors
    assert bare.status_code == got.status_code == 400
    assert _sdk_class(got) is type(bare)
    assert bare.model is not None
    assert type(got.model) is type(bare.model)
    assert _sdk_text(got) == _sdk_text(bare)
    diagnosis = foundry_doctor.explain(got)
    assert diagnosis is not None
    assert diagnosis.rule == "token-wrong-tenant"


# --- answers the SDK recovers from ------------------------------------------------------------


def _claims_challenge() -> Answer:
    claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
    encoded = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    challenge = (
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/'
        f'oauth2/authorize", error="insufficient_claims", claims="{encoded}"'
    )
    return Answer(
        reply_status=401,
        reply_headers=(("WWW-Authenticate", challenge),),
        reply_body='{"error":{"code":"401","message":"Token has insufficient claims."}}',
        times=1,
    )


WIRINGS = ["bare", "instrument", "per-call", "per-retry"]


def _wired(emu: Emulator, wiring: str, *, aio: bool, **kwargs: Any) -> Any:
    if wiring == "per-call":
        kwargs["per_call_policies"] = [foundry_doctor.DiagnosticsPolicy()]
    elif wiring == "per-retry":
        kwargs["per_retry_policies"] = [foundry_doctor.DiagnosticsPolicy()]
    client = build_inference(emu, OK_TOKEN, aio=aio, **kwargs)
    return foundry_doctor.instrument(client) if wiring == "instrument" else client


async def _challenged_call(emu: Emulator, wiring: str, *, aio: bool) -> tuple[Any, list[int]]:
    """The call's result (or exception) and the statuses on the wire, with a claims challenge
    as the first answer."""
    client = _wired(emu, wiring, aio=aio)
    emu.clear_requests()
    outcome: Any
    with emu.inject(_claims_challenge()):
        try:
            if aio:
                async with client:
                    outcome = await acall(client, OK_TOKEN)
            else:
                outcome = call(client, OK_TOKEN)
        except HttpResponseError as error:
            outcome = error
    return outcome, [record.status for record in emu.requests]


@pytest.mark.parametrize("aio", [False, True], ids=["sync", "aio"])
@pytest.mark.parametrize("wiring", WIRINGS[1:])
async def test_a_claims_challenge_is_left_to_the_sdk(
    emu: Emulator, caplog: pytest.LogCaptureFixture, wiring: str, aio: bool
) -> None:
    """BearerTokenCredentialPolicy answers a CAE claims challenge (azure-core 1.31 and later)
    with a new token and sends the request again: the call succeeds with the same two requests
    as bare, and nothing is diagnosed. Where azure-core does not answer it, the 401 is what
    the SDK raises, bare and diagnosed alike."""
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    bare, bare_statuses = await _challenged_call(emu, "bare", aio=aio)
    got, statuses = await _challenged_call(emu, wiring, aio=aio)
    assert statuses == bare_statuses
    if isinstance(bare, BaseException):
        assert statuses == [401]
        assert _sdk_class(got) is type(bare)
        return
    assert statuses == [401, 200]
    assert got.choices[0].message.content
    assert not ours(caplog, logging.DEBUG)


@pytest.mark.parametrize("wiring", WIRINGS)
def test_a_status_the_retry_policy_retries_is_left_to_it(
    emu: Emulator, caplog: pytest.LogCaptureFixture, wiring: str
) -> None:
    """A client told to retry 404s (``retry_on_status_codes``): the first 404 goes back to the
    retry policy, the retried call succeeds, and only the retried requests went out."""
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    item = scenario("ok-inference-models-key")
    settings = {"retry_on_status_codes": [404], "retry_backoff_factor": 0.0}
    if wiring == "per-call":
        settings["per_call_policies"] = [foundry_doctor.DiagnosticsPolicy()]
    elif wiring == "per-retry":
        settings["per_retry_policies"] = [foundry_doctor.DiagnosticsPolicy()]
    client = build_inference(emu, item, **settings)
    if wiring == "instrument":
        client = foundry_doctor.instrument(client)
    missing = Answer(
        reply_status=404,
        reply_body='{"error":{"code":"404","message":"Resource not found"}}',
        times=1,
    )
    with emu.inject(missing):
        info = client.get_model_info(headers={"x-ms-model-mesh-model-name": "gpt-4o"})
    assert info.model_name
    assert [record.status for record in emu.requests] == [404, 200]
    assert not ours(caplog, logging.DEBUG)


@pytest.mark.parametrize("wiring", WIRINGS[1:])
def test_the_policy_explains_the_final_failure_wherever_it_sits(
    emu: Emulator, caplog: pytest.LogCaptureFixture, wiring: str
) -> None:
    kwargs: dict[str, Any] = {}
    if wiring == "per-call":
        kwargs["per_call_policies"] = [foundry_doctor.DiagnosticsPolicy()]
    elif wiring == "per-retry":
        kwargs["per_retry_policies"] = [foundry_doctor.DiagnosticsPolicy()]
    client = build_inference(emu, MISSING_ROLE, **kwargs)
    if wiring == "instrument":
        client = foundry_doctor.instrument(client)
    with pytest.raises(ClientAuthenticationError) as caught:
        call(client, MISSING_ROLE)
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "missing-data-plane-role"
    assert len(ours(caplog)) == 1
    assert len(emu.requests) == 1


async def _sync(client: Any) -> Any:
    return call(client, INVALID)


# --- one policy, two clients ----------------------------------------------------------------------


async def test_one_policy_serves_a_sync_and_an_async_client(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Frameworks hand the same keyword arguments to a sync and an async client: each request
    still goes through its own client's pipeline, with its own credential."""
    from azure.ai.inference import ChatCompletionsClient
    from azure.ai.inference import aio as inference_aio

    policy = foundry_doctor.DiagnosticsPolicy()
    keyed = ChatCompletionsClient(
        endpoint=MODELS, credential=AzureKeyCredential(INVALID_KEY), per_call_policies=[policy]
    )
    token = inference_aio.ChatCompletionsClient(
        endpoint=MODELS,
        credential=emu.async_credential("dave"),
        credential_scopes=["https://cognitiveservices.azure.com/.default"],
        per_call_policies=[policy],
    )
    rules = []
    async with token:
        for client in (keyed, token, keyed, token):
            with pytest.raises(ClientAuthenticationError) as caught:
                await (acall(client, MISSING_ROLE) if client is token else _sync(client))
            diagnosis = foundry_doctor.explain(caught.value)
            rules.append(diagnosis.rule if diagnosis else None)
    kinds = [("api-key" in record.auth_headers, record.bearer) for record in emu.requests]
    assert kinds == [(True, "opaque"), (False, "jwt")] * 2
    assert rules == ["invalid-api-key", "missing-data-plane-role"] * 2
    # the second round repeats the same two failures: a DEBUG record each, no second WARNING
    assert len(ours(caplog)) == 2


def test_one_policy_serves_two_sync_clients_with_their_own_credentials(emu: Emulator) -> None:
    policy = foundry_doctor.DiagnosticsPolicy()
    good = build_inference(emu, scenario("ok-inference-models-key"), per_call_policies=[policy])
    bad = build_inference(emu, INVALID, per_call_policies=[policy])
    assert call(good, scenario("ok-inference-models-key")).choices
    with pytest.raises(ClientAuthenticationError):
        call(bad, INVALID)
    assert call(good, scenario("ok-inference-models-key")).choices
    assert [record.status for record in emu.requests] == [200, 401, 200]


# --- send_request and streams -------------------------------------------------------------------


def _pipeline_client(*policies: Any) -> Any:
    from azure.core import PipelineClient
    from azure.core.pipeline.policies import HeadersPolicy

    return PipelineClient(
        base_url=MODELS, policies=[*policies, HeadersPolicy({"api-key": INVALID_KEY})]
    )


def _chat_request() -> Any:
    from azure.core.rest import HttpRequest

    return HttpRequest(
        "POST", CHAT, json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    )


#: a large error body: the service's 401 answer padded to 8 MiB
LARGE = 8 * 1024 * 1024


def test_a_streamed_error_body_is_left_whole_to_the_caller(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    bodies, errors = [], []
    for policies in ((), (foundry_doctor.DiagnosticsPolicy(),)):
        client = _pipeline_client(*policies)
        with emu.inject(EndlessBody(total=LARGE)):
            response = client.send_request(_chat_request(), stream=True)
        assert response.status_code == 401
        assert not response.is_stream_consumed  # nothing read before the caller
        bodies.append(b"".join(response.iter_bytes()))
        with pytest.raises(HttpResponseError) as caught:
            response.raise_for_status()
        errors.append(caught.value)
    assert len(bodies[0]) == len(bodies[1]) == LARGE
    assert bodies[0] == bodies[1]
    bare, got = errors
    assert _sdk_class(got) is type(bare)
    diagnosis = foundry_doctor.explain(got)
    assert diagnosis is not None  # the caller streamed the body away: diagnosed without it
    assert diagnosis.status == 401
    assert len(ours(caplog)) == 1


def test_a_streamed_error_body_the_caller_read_counts(emu: Emulator) -> None:
    client = _pipeline_client(foundry_doctor.DiagnosticsPolicy())
    with emu.inject(EndlessBody(total=LARGE)):
        response = client.send_request(_chat_request(), stream=True)
        assert len(response.read()) == LARGE
    with pytest.raises(HttpResponseError) as caught:
        response.raise_for_status()
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.rule == "invalid-api-key"


def test_an_endless_error_body_does_not_block(emu: Emulator) -> None:
    client = _pipeline_client(foundry_doctor.DiagnosticsPolicy())
    with emu.inject(EndlessBody()):
        response = client.send_request(_chat_request(), stream=True)
        first = next(response.iter_bytes())
        with pytest.raises(HttpResponseError) as caught:
            response.raise_for_status()  # the body is still arriving: diagnosed without it
        response.close()
    assert first.startswith(b'{"error"')
    assert foundry_doctor.explain(caught.value) is not None


def test_an_unread_streamed_error_is_diagnosed_without_its_body(emu: Emulator) -> None:
    client = _pipeline_client(foundry_doctor.DiagnosticsPolicy())
    response = client.send_request(_chat_request(), stream=True)
    with pytest.raises(HttpResponseError) as caught:
        response.raise_for_status()
    response.close()
    diagnosis = foundry_doctor.explain(caught.value)
    assert diagnosis is not None
    assert diagnosis.status == 401


def test_a_response_that_is_not_raised_is_not_diagnosed(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    response = _pipeline_client(foundry_doctor.DiagnosticsPolicy()).send_request(_chat_request())
    assert response.status_code == 401
    assert not ours(caplog, logging.DEBUG)


def test_resource_not_found_keeps_its_class(emu: Emulator) -> None:
    item = scenario("unknown-model-inference")
    client = foundry_doctor.instrument(build_inference(emu, item))
    with pytest.raises(ResourceNotFoundError) as caught:
        call(client, item)
    assert _sdk_class(caught.value) is ResourceNotFoundError
