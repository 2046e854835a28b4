"""Fidelity on the public cases whose body is reconstructed (inferred from a thread, not quoted):
status, error code and message, compared parsed (spacing inside the JSON is not evidence).
These are the newer surfaces' cases; each reproduction is a world setting plus a real client
(or a raw request where the case's client is no SDK)."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest

from foundry_doctor.emulator import Deployment, Emulator, Gateway, ServerlessEndpoint
from support.fidelity import Observed, case_records, observed_from_error, observed_from_raw
from support.wire import raw_request

pytestmark = [pytest.mark.openai]

AOAI = "https://myres.openai.azure.com"
SERVICES = "myres.services.ai.azure.com"
PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
AI_SCOPE = "https://ai.azure.com/.default"
HELLO = [{"role": "user", "content": "hi"}]


def _openai_error(call: Callable[[], object]) -> Observed:
    with pytest.raises(openai.APIStatusError) as caught:
        call()
    return observed_from_error(caught.value)


def _v1(emu: Emulator, api_version: str | None = None) -> openai.OpenAI:
    query = {"api-version": api_version} if api_version else None
    return openai.OpenAI(
        base_url=f"{AOAI}/openai/v1/", api_key=emu.key("myres"), default_query=query, max_retries=0
    )


def _dated_responses_too_old(emu: Emulator) -> Observed:
    client = openai.AzureOpenAI(
        azure_endpoint=AOAI,
        api_version="2024-12-01-preview",
        api_key=emu.key("myres"),
        max_retries=0,
    )
    return _openai_error(lambda: client.responses.create(model="gpt-4o", input="hi"))


def _v1_responses_dated(version: str, model: str) -> Callable[[Emulator], Observed]:
    return lambda emu: _openai_error(
        lambda: _v1(emu, version).responses.create(model=model, input="hi")
    )


def _v1_chat_dated(emu: Emulator) -> Observed:
    client = _v1(emu, "2024-10-21")
    return _openai_error(
        lambda: client.chat.completions.create(model="gpt-oss-120b", messages=HELLO)
    )


def _project_dated_responses_with_cognitive_token(emu: Emulator) -> Observed:
    emu.world.apply({"foundry.audience_texts": {"project": "https://ai.azure.com/"}})
    client = openai.OpenAI(
        base_url=f"{PROJECT}/openai",
        api_key=emu.token("alice", "https://cognitiveservices.azure.com/.default"),
        default_query={"api-version": "2025-11-15-preview"},
        max_retries=0,
    )
    return _openai_error(lambda: client.responses.create(model="gpt-4.1", input="hi"))


def _retired_410(emu: Emulator) -> Observed:
    emu.world.resource("myres").add_deployment(
        Deployment("gpt-4.5-preview", "gpt-4.5-preview", retired="model-deprecated")
    )
    client = openai.AzureOpenAI(
        azure_endpoint=AOAI, api_version="2024-10-21", api_key=emu.key("myres"), max_retries=0
    )
    return _openai_error(
        lambda: client.chat.completions.create(model="gpt-4.5-preview", messages=HELLO)
    )


def _v1_unknown_model(emu: Emulator) -> Observed:
    return _openai_error(lambda: _v1(emu).responses.create(model="codex-auto-review", input="hi"))


def _claude_on_models(emu: Emulator) -> Observed:
    emu.world.resource("myres").add_deployment(
        Deployment("claude-opus-4-6", "claude-opus-4-6", "anthropic", provider="Anthropic")
    )
    response = raw_request(
        emu,
        SERVICES,
        "POST",
        "/models/chat/completions",
        headers={"Authorization": f"Bearer {emu.token('alice', AI_SCOPE)}"},
        body={"model": "claude-opus-4-6", "messages": HELLO},
    )
    return observed_from_raw(response)


def _api_key_on_anthropic(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        SERVICES,
        "POST",
        "/anthropic/v1/messages",
        headers={"api-key": emu.key("myres"), "anthropic-version": "2023-06-01"},
        body={"model": "claude-opus-4-6", "max_tokens": 8, "messages": HELLO},
    )
    return observed_from_raw(response)


def _kimi_on_responses(emu: Emulator) -> Observed:
    emu.world.resource("myres").add_deployment(
        Deployment("Kimi-K2.5", "Kimi-K2.5", "maas", provider="Moonshot", responses_api=False)
    )
    return _openai_error(lambda: _v1(emu).responses.create(model="Kimi-K2.5", input="hi"))


def _gateway_missing_key(emu: Emulator) -> Observed:
    emu.world.add_gateway(Gateway("myres"))
    client = openai.AzureOpenAI(
        azure_endpoint="https://myres.azure-api.net",
        api_version="2025-01-01-preview",
        api_key=emu.key("myres"),
        max_retries=0,
    )
    return _openai_error(lambda: client.chat.completions.create(model="gpt-4o", messages=HELLO))


def _serverless_api_key(emu: Emulator) -> Observed:
    endpoint = emu.world.add_serverless_endpoint(ServerlessEndpoint("myres"))
    response = raw_request(
        emu,
        endpoint.host,
        "GET",
        "/openai/deployments?api-version=2023-03-15-preview",
        headers={"api-key": endpoint.keys[0]},
    )
    return observed_from_raw(response)


def _project_threads_other_tenant(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        SERVICES,
        "GET",
        "/api/projects/myproject/threads?api-version=v1",
        headers={"Authorization": f"Bearer {emu.token('eve', AI_SCOPE)}"},
    )
    return observed_from_raw(response)


def _project_public_access_disabled(emu: Emulator) -> Observed:
    emu.world.apply({"resources.myres.public_network": False})
    response = raw_request(
        emu,
        SERVICES,
        "GET",
        "/api/projects/myproject/agents?api-version=v1",
        headers={"Authorization": f"Bearer {emu.token('alice', AI_SCOPE)}"},
    )
    return observed_from_raw(response)


def _project_denied(
    method: str, path: str, principal: str = "bob", help_target: Any = ...
) -> Callable[[Emulator], Observed]:
    def run(emu: Emulator) -> Observed:
        if help_target is not ...:
            emu.world.apply({"foundry.project_permission_help": help_target})
        response = raw_request(
            emu,
            SERVICES,
            method,
            f"/api/projects/myproject{path}",
            headers={"Authorization": f"Bearer {emu.token(principal, AI_SCOPE)}"},
            body={"model": "gpt-4o", "input": "hi"} if method == "POST" else None,
        )
        return observed_from_raw(response)

    return run


REPRODUCTIONS: dict[str, Callable[[Emulator], Observed]] = {
    "aider4029-responses-needs-2025-03-api-version": _dated_responses_too_old,
    "openclaw82025-v1-responses-dated-api-version": _v1_responses_dated(
        "2024-12-01-preview", "gpt-4o"
    ),
    "mulmoclaude1063-v1-responses-only-preview-accepted": _v1_responses_dated(
        "2025-03-01-preview", "gpt-4o"
    ),
    "pydanticai5066-v1-path-api-version-not-allowed": _v1_chat_dated,
    "py44412-projects-openai-client-audience": _project_dated_responses_with_cognitive_token,
    "epamdial4403-gpt45-preview-410-model-deprecated": _retired_410,
    "codex21928-auto-review-model-not-deployed": _v1_unknown_model,
    "claudecode66896-claude-probe-on-chat-completions": _claude_on_models,
    "continue11513-claude-foundry-api-key-header": _api_key_on_anthropic,
    "anthropicsdk1661-foundry-client-api-key-header": _api_key_on_anthropic,
    "opencode12949-kimi-on-responses-route": _kimi_on_responses,
    "apimlb31-azureopenai-apim-subscription-key": _gateway_missing_key,
    "haystack8534-embedder-cannot-send-subscription-key": _gateway_missing_key,
    "bigagi608-serverless-needs-authorization": _serverless_api_key,
    "foundryvscode333-project-threads-tenant-mismatch": _project_threads_other_tenant,
    "newfoundryportal140-agents-page-public-access-disabled": _project_public_access_disabled,
    "davrous3-agents-read-azure-ai-user": _project_denied(
        "GET", "/assistants/asst_1?api-version=2025-05-01"
    ),
    "foundrysamples155-agents-write": _project_denied("POST", "/assistants?api-version=2025-05-01"),
    "foundrysamples692-ai-developer-insufficient": _project_denied("POST", "/openai/v1/responses"),
    "foundryvscode205-agents-read": _project_denied("GET", "/assistants?api-version=2025-05-01"),
    "ignite512-13-lod-owner-no-data-actions": _project_denied(
        "GET", "/assistants?api-version=2025-05-01", help_target=None
    ),
    "convagent49-agents-tenant": _project_denied(
        "POST", "/assistants?api-version=2025-05-01", "eve"
    ),
}


def _records() -> list[Any]:
    records = {record["id"]: record for _, record in case_records()}
    chosen = [records[name] for name in REPRODUCTIONS if name in records]
    if not chosen:
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/cases is absent"))]
    return [pytest.param(record, id=record["id"]) for record in chosen]


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _code_and_message(value: Any) -> tuple[Any, Any]:
    if isinstance(value, dict):
        inner = value.get("error") if isinstance(value.get("error"), dict) else value
        return inner.get("code"), inner.get("message")
    return None, None


def _loose(text: Any) -> str:
    """Masks and the final full stop are not evidence in a reconstructed text."""
    value = str(text or "").rstrip(".")
    for mask in ("<principal-id>", "<tenant-id>", "<masked>", "<id>"):
        value = value.replace(mask, "*")
    return value


def _same(expected: str, actual: str) -> bool:
    return fnmatch.fnmatchcase(_loose(actual), _loose(expected).replace("[", "[[]"))


@pytest.fixture
def fresh(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world():
        yield emu


@pytest.mark.parametrize("record", _records())
def test_the_emulator_gives_the_reconstructed_answer(
    fresh: Emulator, record: dict[str, Any]
) -> None:
    observed = REPRODUCTIONS[record["id"]](fresh)
    response = record["response"]
    if response.get("status") is not None:
        assert observed.status == response["status"], observed.text
    body = response.get("body") or ""
    expected = _parsed(body)
    if expected is not None:
        code, message = _code_and_message(expected)
        got_code, got_message = _code_and_message(observed.json())
        if code is not None:
            assert str(got_code) == str(code)
        assert _same(message, got_message), (message, got_message)
    else:  # only the message (or the code) was quoted
        got_code, got_message = _code_and_message(_parsed(observed.text))
        assert _same(body, got_message or "") or body == got_code, (body, observed.text)
