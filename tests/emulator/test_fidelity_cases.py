"""Fidelity, case by case: every error response the public cases quote verbatim (records of
``../shared/cases/*.jsonl`` whose ``reconstructed`` names neither the body nor ``*``; the
token-acquisition corpus has no HTTP answers), reproduced through the real clients (openai,
azure-ai-inference, azure-ai-projects) or, for requests no SDK sends, a raw request.

The case files are read at test time: a new verbatim record without a reproduction here fails
until one is added or it is listed in :data:`NOT_PRODUCIBLE` (with its reason, also listed in
``docs/emulator.md``). Comparison rules: :mod:`support.fidelity`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest
from azure.core.exceptions import HttpResponseError

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.world import (
    GOVERNMENT_TENANT,
    Gateway,
    GatewayApi,
    Refusal,
    Resource,
    ServerlessEndpoint,
)
from support.fidelity import (
    Compared,
    Observed,
    compare_case,
    observed_from_error,
    observed_from_raw,
    verbatim_records,
)
from support.wire import raw_request

pytestmark = [pytest.mark.openai, pytest.mark.azure]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"
AI_SCOPE = "https://ai.azure.com/.default"
COGNITIVE_SCOPE = "https://cognitiveservices.azure.com/.default"
PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
HELLO = [{"role": "user", "content": "hi"}]
INVALID_KEY = "0123456789abcdef0123456789abcdef"

#: verbatim cases the emulator cannot produce, and why (each also in docs/emulator.md)
NOT_PRODUCIBLE = {
    "openaidotnet148-azure-key-default-client": (
        "api.openai.com is OpenAI's own platform, not an Azure host: the emulator models Azure's "
        "services only (its proxy refuses the host)"
    ),
    "qa5835921-teams-bot-project-identity-agents-write": (
        "a message a Teams bot showed: status and wire shape are not quoted, and the emulator "
        "does not run the activity protocol's bot"
    ),
    "foundrysamples567-a2a-card-401-identity-stuck": (
        "an orchestrator's tool error wrapping another agent's 401 (identity provisioning stuck "
        "in 'Creating'): not an answer of a route a client calls"
    ),
    "qa5854137-claude-backend-authentication-intermittent": (
        "an intermittent failure between Azure and Anthropic's backend: the status is not quoted"
    ),
}


@dataclass(frozen=True)
class Reproduction:
    """How to make the emulator give a case's answer: ``run`` returns what it answered;
    ``compared`` says what the case's body is (see :func:`support.fidelity.compare_case`);
    ``reason_is_wire`` is false where the case's reason phrase is a client's label."""

    run: Callable[[Emulator], Observed]
    compared: Compared = "body"
    reason_is_wire: bool = True


def _openai_error(call: Callable[[], object]) -> Observed:
    with pytest.raises(openai.APIStatusError) as caught:
        call()
    return observed_from_error(caught.value)


def _azure_error(call: Callable[[], object]) -> Observed:
    with pytest.raises(HttpResponseError) as caught:
        call()
    return observed_from_error(caught.value)


def _azure_openai(endpoint: str, api_version: str = "2024-10-21", **kwargs: Any) -> Any:
    return openai.AzureOpenAI(
        azure_endpoint=endpoint, api_version=api_version, max_retries=0, **kwargs
    )


def _chat(client: Any, model: str) -> Callable[[], object]:
    return lambda: client.chat.completions.create(model=model, messages=HELLO)


def _project(emu: Emulator, principal: str) -> Any:
    projects = pytest.importorskip("azure.ai.projects", reason="needs azure-ai-projects (openai 3)")
    return projects.AIProjectClient(endpoint=PROJECT, credential=emu.credential(principal))


def _bearer(emu: Emulator, principal: str, scope: str = AI_SCOPE) -> dict[str, str]:
    return {"Authorization": f"Bearer {emu.token(principal, scope)}"}


# --- the reproductions ----------------------------------------------------------------------------


def _token_in_api_key_to_gateway(emu: Emulator) -> Observed:
    """AzureOpenAI pointed at an API Management gateway (which reads its subscription key from
    ``api-key``), with an Entra token passed as the API key."""
    emu.world.add_gateway(Gateway("myres", apis=[GatewayApi(subscription_key_header="api-key")]))
    client = _azure_openai(
        "https://myres.azure-api.net", api_key=emu.token("alice", COGNITIVE_SCOPE)
    )
    return _openai_error(_chat(client, "gpt-4o"))


def _deployment_path_on_serverless(emu: Emulator) -> Observed:
    """A serverless endpoint called on the Azure OpenAI deployment route."""
    endpoint = emu.world.add_serverless_endpoint(ServerlessEndpoint("deepseek-r1-myres"))
    key = endpoint.keys[0]
    response = raw_request(
        emu,
        endpoint.host,
        "POST",
        "/openai/deployments/Deepseek-R1/chat/completions?api-version=2023-07-01-preview",
        headers={"Authorization": f"Bearer {key}", "api-key": key},
        body={"messages": HELLO},
    )
    return observed_from_raw(response)


def _public_audience_on_us_government(emu: Emulator) -> Observed:
    """A US Government resource called with a token for the public Cognitive Services
    audience."""
    emu.world.resources["myres"] = Resource("myres", tenant_id=GOVERNMENT_TENANT, cloud="usgov")
    token = emu.token("alice", COGNITIVE_SCOPE, tenant_id=GOVERNMENT_TENANT)
    client = _azure_openai("https://myres.openai.azure.us", azure_ad_token=token)
    return _openai_error(_chat(client, "gpt-4o"))


def _invalid_key(emu: Emulator) -> Observed:
    return _openai_error(
        _chat(_azure_openai("https://myres.openai.azure.com", api_key=INVALID_KEY), "gpt-4o")
    )


def _key_auth_disabled(emu: Emulator) -> Observed:
    client = _azure_openai("https://keyless.openai.azure.com", api_key=emu.key("keyless"))
    return _openai_error(_chat(client, "gpt-4o"))


def _virtual_network(emu: Emulator) -> Observed:
    emu.world.apply(
        {
            "resources.myres.public_network": False,
            "resources.myres.network_answer": "virtual-network",
        }
    )
    client = _azure_openai("https://myres.openai.azure.com", api_key=emu.key("myres"))
    return _openai_error(_chat(client, "gpt-4o"))


def _inference_unserved_api_version(emu: Emulator) -> Observed:
    from azure.ai.inference import ChatCompletionsClient
    from azure.ai.inference.models import UserMessage
    from azure.core.credentials import AzureKeyCredential

    client = ChatCompletionsClient(
        endpoint="https://myres.services.ai.azure.com/models",
        credential=AzureKeyCredential(emu.key("myres")),
        api_version="2024-08-01-preview",
    )
    return _azure_error(lambda: client.complete(model="gpt-4o-mini", messages=[UserMessage("hi")]))


def _gateway_on_custom_domain(emu: Emulator) -> Observed:
    """A gateway on a custom domain, which reads the subscription key from its default header;
    AzureOpenAI sends ``api-key`` only."""
    emu.world.add_gateway(Gateway("corp", host="gateway.mycompany.com"))
    client = _azure_openai(
        "https://gateway.mycompany.com", api_version="2023-07-01-preview", api_key=emu.key("myres")
    )
    return _openai_error(_chat(client, "mydeployment"))


def _v1_responses_with_dated_api_version(emu: Emulator) -> Observed:
    client = openai.OpenAI(
        base_url="https://myres.cognitiveservices.azure.com/openai/v1/",
        api_key=emu.key("myres"),
        default_query={"api-version": "2025-01-01-preview"},
        max_retries=0,
    )
    return _openai_error(lambda: client.responses.create(model="gpt-5", input="hi"))


def _responses_on_the_deployments_path(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        "myres.openai.azure.com",
        "POST",
        "/openai/deployments/responses?api-version=preview",
        headers=_bearer(emu, "alice", COGNITIVE_SCOPE),
        body={"model": "gpt-4.1", "input": "hi"},
    )
    return observed_from_raw(response)


def _model_object_in_the_path(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        "myres.openai.azure.com",
        "POST",
        "/openai/deployments/ResponsesModel%7Bstring=gpt-4.1%7D)/responses"
        "?api-version=2025-04-01-preview",
        headers={"api-key": emu.key("myres")},
        body={"model": "gpt-4.1", "input": "hi"},
    )
    return observed_from_raw(response)


def _key_as_bearer_to_gateway_with_tokens(emu: Emulator) -> Observed:
    """An API (suffix ``openai2``) that also takes application tokens, called with a key as
    ``Authorization: Bearer``: neither a subscription key nor a token arrived."""
    emu.world.add_gateway(
        Gateway(
            "myres", apis=[GatewayApi(suffix="openai2", backend_path="", application_tokens=True)]
        )
    )
    response = raw_request(
        emu,
        "myres.azure-api.net",
        "POST",
        "/openai2/openai/deployments/mydeployment/chat/completions?api-version=2024-03-01-preview",
        headers={"Authorization": f"Bearer {emu.key('myres')}"},
        body={"messages": HELLO},
    )
    return observed_from_raw(response)


def _gateway_reading_api_key(emu: Emulator) -> Observed:
    """A gateway that reads its key from ``api-key``; the OpenAI client sends it as Bearer."""
    gateway = emu.world.add_gateway(
        Gateway("myres", apis=[GatewayApi(subscription_key_header="api-key")])
    )
    client = openai.OpenAI(
        base_url="https://myres.azure-api.net/openai/v1/",
        api_key=gateway.subscription_keys[0],
        max_retries=0,
    )
    return _openai_error(_chat(client, "gpt-5.4"))


def _connections_without_role(emu: Emulator) -> Observed:
    emu.world.apply({"foundry.project_permission_help": "documentation"})
    project = _project(emu, "bob")
    return _azure_error(lambda: list(project.connections.list()))


def _assistants_without_role(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        "myres.services.ai.azure.com",
        "GET",
        "/api/projects/myproject/assistants?api-version=v1",
        headers=_bearer(emu, "bob"),
    )
    return observed_from_raw(response)


def _agent_create_without_role(emu: Emulator) -> Observed:
    project = _project(emu, "bob")
    from azure.ai.projects.models import PromptAgentDefinition

    definition = PromptAgentDefinition(model="gpt-4o", instructions="Be brief.")
    return _azure_error(
        lambda: project.agents.create_version(agent_name="helper", definition=definition)
    )


def _nginx_in_front(emu: Emulator) -> Observed:
    from foundry_doctor.emulator.services.foundry.errors import NGINX_403_PAGE

    emu.world.apply(
        {
            "resources.myres.public_network": False,
            "resources.myres.network_answer": Refusal(
                403,
                NGINX_403_PAGE,
                content_type="text/html",
                headers=(("x-aml-cluster", "vienna-eastus2-02"),),
            ),
        }
    )
    project = _project(emu, "alice")
    return _azure_error(lambda: project.agents.get("helper"))


REPRODUCTIONS: dict[str, Reproduction] = {
    "openaipy3282-aad-token-in-api-key": Reproduction(_token_in_api_key_to_gateway),
    "continue3902-deepseek-serverless-azure-provider": Reproduction(_deployment_path_on_serverless),
    "sk6255-usgov-scope": Reproduction(_public_audience_on_us_government),
    # the .NET SDK labels the reason "PermissionDenied" (wire.md A.2); the wire's is standard
    "botsharp386-openai-key-to-azure": Reproduction(_invalid_key, reason_is_wire=False),
    "searchdemo1617-search-skill-key-disabled": Reproduction(_key_auth_disabled),
    "continue12547-vnet-configured": Reproduction(_virtual_network),
    "java44517-inference-api-version": Reproduction(_inference_unserved_api_version),
    "continue4601-apim-subscription-key": Reproduction(_gateway_on_custom_domain),
    "codex3725-v1-base-dated-api-version": Reproduction(_v1_responses_with_dated_api_version),
    "openainode1607-azureopenai-responses-deployments-path": Reproduction(
        _responses_on_the_deployments_path
    ),
    "openaijava586-responses-deployments-segment": Reproduction(_model_object_in_the_path),
    # codex (Rust reqwest) prints the canonical phrase of the status, not the wire's
    "codex3048-apim-missing-application-credentials": Reproduction(
        _key_as_bearer_to_gateway_with_tokens, reason_is_wire=False
    ),
    "hermes63303-apim-gateway-wants-api-key-header": Reproduction(_gateway_reading_api_key),
    "foundrysamples517-project-identity-connections-read": Reproduction(
        _connections_without_role, compared="sdk-message"
    ),
    "foundrydevtools699-agents-read-as-designed": Reproduction(
        _assistants_without_role, compared="message"
    ),
    "foundryvscode325-hosted-agent-create-agents-write": Reproduction(
        _agent_create_without_role, compared="message"
    ),
    "azsdkpy39887-hub-agent-nginx-403-firewall": Reproduction(_nginx_in_front),
}


@pytest.fixture
def fresh(emu: Emulator) -> Iterator[Emulator]:
    """The emulator with a copy of the default world that the reproduction may change."""
    with emu.modified_world():
        yield emu


def _params() -> list[Any]:
    records = verbatim_records()
    if not records:
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/cases is absent"))]
    params = []
    for record in records:
        marks = []
        if record["id"] in NOT_PRODUCIBLE:
            marks.append(pytest.mark.xfail(reason=NOT_PRODUCIBLE[record["id"]], strict=True))
        params.append(pytest.param(record, id=record["id"], marks=marks))
    return params


@pytest.mark.parametrize("record", _params())
def test_the_emulator_gives_the_quoted_answer(fresh: Emulator, record: dict[str, Any]) -> None:
    reproduction = REPRODUCTIONS.get(record["id"])
    assert reproduction is not None, (
        f"no reproduction of case {record['id']}: add one to REPRODUCTIONS or list it in "
        "NOT_PRODUCIBLE (and docs/emulator.md) with the reason"
    )
    observed = reproduction.run(fresh)
    compare_case(
        record, observed, compared=reproduction.compared, reason_is_wire=reproduction.reason_is_wire
    )


def test_every_shape_listed_as_not_producible_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert [case for case in NOT_PRODUCIBLE if case not in text] == []


def test_reproductions_are_of_verbatim_cases() -> None:
    """A reproduction whose case left the corpus (or lost its verbatim body) goes too."""
    known = {record["id"] for record in verbatim_records()}
    if known:
        assert set(REPRODUCTIONS) - known == set()
        assert set(NOT_PRODUCIBLE) - known == set()


def test_a_not_producible_case_does_fail(fresh: Emulator) -> None:
    """The one host case: the proxy refuses api.openai.com, naming the host."""
    client = openai.OpenAI(api_key=INVALID_KEY, max_retries=0)
    with pytest.raises(openai.APIConnectionError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert "does not serve api.openai.com" in repr(caught.value.__cause__)
