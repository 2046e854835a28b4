"""The hosts users call besides a resource's own: API Management gateways, serverless API
endpoints, the sovereign clouds' resource hosts; and the proxy's answer for a host the world
does not model (it names the host and how to add it)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import openai
import pytest

from foundry_doctor.emulator import Emulator, Gateway, GatewayApi, Resource, ServerlessEndpoint
from foundry_doctor.emulator.world import CHINA_TENANT, GOVERNMENT_TENANT
from support.wire import raw_request

pytestmark = [pytest.mark.openai, pytest.mark.azure]

HELLO = [{"role": "user", "content": "hi"}]
CHAT = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"


@pytest.fixture
def world(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world():
        yield emu


def _azure_openai(endpoint: str, **kwargs: object) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=endpoint, api_version="2024-10-21", max_retries=0, **kwargs
    )


# --- API Management -------------------------------------------------------------------------------


def test_a_gateway_forwards_with_its_own_key(world: Emulator) -> None:
    gateway = world.world.add_gateway(
        Gateway("myapim", apis=[GatewayApi(subscription_key_header="api-key")])
    )
    client = _azure_openai("https://myapim.azure-api.net", api_key=gateway.subscription_keys[1])
    reply = client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert reply.choices[0].message.content == "Hello from gpt-4o on the foundry-doctor emulator."
    record = world.requests[-1]
    assert (record.service, record.host, record.route) == (
        "apim",
        "myapim.azure-api.net",
        "deployments",
    )


def test_the_subscription_key_by_header_or_query(world: Emulator) -> None:
    gateway = world.world.add_gateway(Gateway("myapim"))
    key = gateway.subscription_keys[0]
    by_header = raw_request(
        world,
        gateway.hostname,
        "POST",
        CHAT,
        headers={"Ocp-Apim-Subscription-Key": key},
        body={"messages": HELLO},
    )
    by_query = raw_request(
        world, gateway.hostname, "POST", f"{CHAT}&subscription-key={key}", body={"messages": HELLO}
    )
    assert (by_header.status, by_query.status) == (200, 200)
    assert world.requests[-1].query["subscription-key"] == "***"


def test_configurable_key_names_and_the_invalid_key(world: Emulator) -> None:
    api = GatewayApi(subscription_key_header="x-gateway-key", subscription_key_query="key")
    gateway = world.world.add_gateway(Gateway("myapim", apis=[api]))
    ok = raw_request(
        world,
        gateway.hostname,
        "POST",
        CHAT,
        headers={"x-gateway-key": gateway.subscription_keys[0]},
        body={"messages": HELLO},
    )
    wrong = raw_request(
        world,
        gateway.hostname,
        "POST",
        CHAT,
        headers={"x-gateway-key": "nope"},
        body={"messages": HELLO},
    )
    assert ok.status == 200
    assert (wrong.status, wrong.reason) == (401, "Access Denied")
    assert wrong.body == (
        b'{ "statusCode": 401, "message": "Access denied due to invalid subscription key. Make '
        b'sure to provide a valid key for an active subscription." }'
    )


def test_a_gateway_with_a_managed_identity_backend(world: Emulator) -> None:
    api = GatewayApi(
        backend="keyless", backend_credential="managed-identity", backend_identity="alice"
    )
    gateway = world.world.add_gateway(Gateway("myapim", apis=[api]))
    client = _azure_openai(
        "https://myapim.azure-api.net",
        api_key="ignored",
        default_headers={"Ocp-Apim-Subscription-Key": gateway.subscription_keys[0]},
    )
    assert client.chat.completions.create(model="gpt-4o", messages=HELLO).choices
    world.world.apply({"gateways.myapim.apis": [GatewayApi(backend="keyless")]})
    with pytest.raises(openai.PermissionDeniedError) as caught:  # its key: disabled there
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert caught.value.code == "AuthenticationTypeDisabled"


def test_a_passthrough_gateway_and_its_path_prefix(world: Emulator) -> None:
    """An API with suffix ``openai2`` whose backend path is the resource root; the caller's
    own key goes through."""
    api = GatewayApi(
        suffix="openai2",
        backend_path="",
        backend_credential="passthrough",
        subscription_required=False,
    )
    world.world.add_gateway(Gateway("myapim", apis=[api]))
    path = "/openai2" + CHAT
    ok = raw_request(
        world,
        "myapim.azure-api.net",
        "POST",
        path,
        headers={"api-key": world.key("myres")},
        body={"messages": HELLO},
    )
    bad = raw_request(
        world,
        "myapim.azure-api.net",
        "POST",
        path,
        headers={"api-key": "nope"},
        body={"messages": HELLO},
    )
    other = raw_request(world, "myapim.azure-api.net", "POST", CHAT, body={"messages": HELLO})
    assert (ok.status, bad.status, other.status) == (200, 401, 404)
    assert bad.json()["error"]["code"] == "401"  # the resource's own invalid-key answer
    assert other.body == b'{ "statusCode": 404, "message": "Resource not found" }'


# --- serverless endpoints ----------------------------------------------------------------------


def test_a_serverless_endpoint_with_azure_ai_inference(world: Emulator) -> None:
    from azure.ai.inference import ChatCompletionsClient
    from azure.ai.inference.models import UserMessage
    from azure.core.credentials import AzureKeyCredential

    endpoint = world.world.add_serverless_endpoint(ServerlessEndpoint("deepseek-r1-myres"))
    client = ChatCompletionsClient(
        endpoint=f"https://{endpoint.host}", credential=AzureKeyCredential(endpoint.keys[0])
    )
    assert client.complete(messages=[UserMessage("hi")]).choices[0].message.content
    assert client.get_model_info().model_name == "DeepSeek-R1"
    wrong = ChatCompletionsClient(
        endpoint=f"https://{endpoint.host}", credential=AzureKeyCredential("nope")
    )
    from azure.core.exceptions import ClientAuthenticationError

    with pytest.raises(ClientAuthenticationError):
        wrong.complete(messages=[UserMessage("hi")])


def test_a_serverless_endpoint_reads_authorization_only(world: Emulator) -> None:
    endpoint = world.world.add_serverless_endpoint(ServerlessEndpoint("phi-4-myres", model="Phi-4"))
    response = raw_request(
        world,
        endpoint.host,
        "POST",
        "/chat/completions",
        headers={"api-key": endpoint.keys[0]},
        body={"messages": HELLO},
    )
    assert response.status == 400
    assert response.json() == {
        "status": "Auth token must be passed as a header called Authorization"
    }
    endpoint.api_key_header = True
    again = raw_request(
        world,
        endpoint.host,
        "POST",
        "/chat/completions",
        headers={"api-key": endpoint.keys[0]},
        body={"messages": HELLO},
    )
    assert again.status == 200


# --- sovereign clouds ---------------------------------------------------------------------------


def test_a_us_government_resource(world: Emulator) -> None:
    world.world.add_resource(
        Resource("govres", tenant_id=GOVERNMENT_TENANT, cloud="usgov", region="usgovvirginia")
    )
    world.world.resource("govres").deployments.update(world.world.resource("myres").deployments)
    world.world.assign("alice", "Cognitive Services User", "govres")
    assert world.world.resource("govres").hosts == (
        "govres.openai.azure.us",
        "govres.services.ai.azure.us",
        "govres.cognitiveservices.azure.us",
    )
    token = world.token(
        "alice", "https://cognitiveservices.azure.us/.default", tenant_id=GOVERNMENT_TENANT
    )
    client = _azure_openai("https://govres.openai.azure.us", azure_ad_token=token)
    assert client.chat.completions.create(model="gpt-4o", messages=HELLO).choices
    public = world.token(
        "alice", "https://cognitiveservices.azure.com/.default", tenant_id=GOVERNMENT_TENANT
    )
    with pytest.raises(openai.AuthenticationError) as caught:
        _azure_openai(
            "https://govres.openai.azure.us", azure_ad_token=public
        ).chat.completions.create(model="gpt-4o", messages=HELLO)
    assert "audience is incorrect (https://cognitiveservices.azure.us)" in str(caught.value.body)


def test_a_china_resource_answers_on_its_hosts(world: Emulator) -> None:
    world.world.add_resource(Resource("cnres", tenant_id=CHINA_TENANT, cloud="china"))
    assert world.world.resource("cnres").hosts == (
        "cnres.openai.azure.cn",
        "cnres.cognitiveservices.azure.cn",
    )
    response = raw_request(
        world,
        "cnres.openai.azure.cn",
        "POST",
        CHAT,
        headers={"api-key": world.key("cnres")},
        body={"messages": HELLO},
    )
    assert response.status == 404  # the resource answers: it has no deployment gpt-4o
    assert response.json()["error"]["code"] == "DeploymentNotFound"


# --- hosts the world does not model -------------------------------------------------------------


def test_an_unmodelled_host_is_named_with_how_to_add_it(emu: Emulator) -> None:
    client = _azure_openai("https://nothere.openai.azure.com", api_key="x")
    with pytest.raises(openai.APIConnectionError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    text = repr(caught.value.__cause__)
    assert "foundry-doctor emulator does not serve nothere.openai.azure.com" in text
    assert "world.add_resource(Resource('nothere'))" in text


def test_requests_shows_the_reason_too(emu: Emulator) -> None:
    from azure.ai.inference import ChatCompletionsClient
    from azure.ai.inference.models import UserMessage
    from azure.core.credentials import AzureKeyCredential
    from azure.core.exceptions import ServiceRequestError

    client = ChatCompletionsClient(
        endpoint="https://other.eastus2.models.ai.azure.com",
        credential=AzureKeyCredential("x"),
        retry_total=0,
    )
    with pytest.raises(ServiceRequestError) as caught:
        client.complete(messages=[UserMessage("hi")])
    assert "ServerlessEndpoint('other', region='eastus2')" in str(caught.value)


@pytest.mark.parametrize(
    ("host", "advice"),
    [
        ("myapim.azure-api.net", "world.add_gateway(Gateway('myapim'))"),
        (
            "govres.openai.azure.us",
            "Resource('govres', cloud='usgov', tenant_id=GOVERNMENT_TENANT)",
        ),
        ("westus3.api.cognitive.microsoft.com", "region='westus3'"),
        ("management.usgovcloudapi.net", "answers on management.azure.com only"),
        ("login.microsoftonline.de", "add the one you need to the world"),
        ("example.com", "add the one you need to the world"),
        ("openaipublic.blob.core.windows.net", "set TIKTOKEN_CACHE_DIR"),
        ("raw.githubusercontent.com", "set LITELLM_LOCAL_MODEL_COST_MAP=True"),
        ("api.smith.langchain.com", "unset LANGSMITH_TRACING"),
    ],
)
def test_the_connect_refusal(emu: Emulator, host: str, advice: str) -> None:
    with socket.create_connection(("127.0.0.1", emu.port), timeout=10) as sock:
        sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(4096):  # the proxy closes the connection after its answer
            answer += chunk
    status_line, _, rest = answer.decode().partition("\r\n")
    assert status_line.startswith(f"HTTP/1.1 502 foundry-doctor emulator does not serve {host}")
    assert advice in status_line
    assert advice in rest.partition("\r\n\r\n")[2]


def test_a_download_at_start_up_is_told_what_it_asked_for_and_how_to_run_offline(
    emu: Emulator,
) -> None:
    """tiktoken fetches its encodings with requests (langchain-openai's embeddings do on their
    first call): the user sees the proxy's reason phrase, so it names the download and the
    variable that keeps it local."""
    import requests

    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    with pytest.raises(requests.exceptions.ProxyError) as caught:
        requests.get(url, timeout=10)
    shown = str(caught.value)
    assert "502 foundry-doctor emulator does not serve openaipublic.blob.core.windows.net" in shown
    assert "tiktoken encoding" in shown
    assert "TIKTOKEN_CACHE_DIR" in shown
    assert emu.requests == []  # nothing reached a service
