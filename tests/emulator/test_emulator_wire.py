"""The emulator on the wire, below any SDK: exact bytes, headers, the proxy tunnel, keep-alive,
streaming framing and the decisions that no preset scenario covers."""

from __future__ import annotations

import json
import socket
import ssl
import uuid

import pytest

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.services.foundry.errors import (
    INVALID_KEY_BODY,
    PERMISSION_DENIED_BODY,
    RESOURCE_NOT_FOUND_BODY,
    V1_API_VERSION_UNSUPPORTED_BODY,
    token_rejected_body,
)
from support.wire import connect, raw_request, send

AOAI = "myres.openai.azure.com"
SERVICES = "myres.services.ai.azure.com"
CHAT = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
MODELS_CHAT = "/models/chat/completions?api-version=2024-05-01-preview"
MESSAGES = {"messages": [{"role": "user", "content": "hi"}]}


def _proxy_connect(emulator: Emulator, target: str) -> bytes:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        return sock.recv(4096)


@pytest.mark.parametrize(
    "target", ["api.openai.com:443", "example.com:443", f"{AOAI}:80", "myres.openai.azure.us:443"]
)
def test_connect_to_unserved_host_is_refused(emu: Emulator, target: str) -> None:
    assert _proxy_connect(emu, target).startswith(b"HTTP/1.1 502 ")


def test_connect_to_served_host_is_accepted(emu: Emulator) -> None:
    assert _proxy_connect(emu, f"{AOAI}:443").startswith(b"HTTP/1.1 200 ")


def test_plain_request_to_the_proxy_is_refused(emu: Emulator) -> None:
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
        sock.sendall(b"GET http://myres.openai.azure.com/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 502 ")


def test_certificate_names_the_host(emu: Emulator) -> None:
    connection = connect(emu, SERVICES)
    connection.connect()
    try:
        assert isinstance(connection.sock, ssl.SSLSocket)
        certificate = connection.sock.getpeercert()
        assert certificate is not None
        assert ("DNS", SERVICES) in certificate["subjectAltName"]
    finally:
        connection.close()


def test_invalid_key_body_and_headers_are_exact(emu: Emulator) -> None:
    response = raw_request(emu, AOAI, "POST", CHAT, headers={"api-key": "nope"}, body=MESSAGES)
    assert (response.status, response.reason) == (401, "Unauthorized")
    assert response.body == INVALID_KEY_BODY.encode()
    assert response.header("content-length") == "224"
    assert response.header("content-type") == "application/json"
    uuid.UUID(response.header("apim-request-id") or "")
    uuid.UUID(response.header("x-request-id") or "")
    assert response.header("apim-request-id") != response.header("x-request-id")
    assert response.header("x-ms-region") == "East US"
    for absent in ("www-authenticate", "x-should-retry", "x-ms-error-code", "policy-id"):
        assert response.header(absent) is None


def test_resource_not_found_keeps_the_space_after_message(emu: Emulator) -> None:
    response = raw_request(emu, AOAI, "POST", "/chat/completions", body=MESSAGES)
    assert (response.status, response.reason) == (404, "Not Found")
    assert response.body == b'{"error":{"code":"404","message": "Resource not found"}}'
    assert response.body == RESOURCE_NOT_FOUND_BODY.encode()
    assert response.header("content-length") == "56"


def test_keep_alive_serves_several_requests_on_one_connection(emu: Emulator) -> None:
    connection = connect(emu, AOAI)
    key = {"api-key": emu.key("myres")}
    try:
        first = send(connection, "POST", CHAT, headers=key, body=MESSAGES)
        sock = connection.sock
        second = send(connection, "POST", CHAT, headers={"api-key": "bad"}, body=MESSAGES)
        third = send(connection, "GET", "/openai/v1/models", headers=key)
        assert connection.sock is sock
    finally:
        connection.close()
    assert [first.status, second.status, third.status] == [200, 401, 200]
    assert [record.status for record in emu.requests] == [200, 401, 200]


def _read_chunks(emulator: Emulator, host: str, path: str, headers: dict[str, str]) -> list[bytes]:
    """Send one request over a raw TLS tunnel and return the chunked body's chunks as framed."""
    context = ssl.create_default_context(cafile=emulator.ca_file)
    raw = socket.create_connection(("127.0.0.1", emulator.port), timeout=5)
    raw.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    assert raw.recv(4096).startswith(b"HTTP/1.1 200")
    with context.wrap_socket(raw, server_hostname=host) as tls:
        body = json.dumps({**MESSAGES, "model": "gpt-4o", "stream": True}).encode()
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        tls.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{head}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        stream = tls.makefile("rb")
        status = stream.readline()
        assert status.startswith(b"HTTP/1.1 200 OK")
        response_headers = {}
        while (line := stream.readline()) != b"\r\n":
            name, _, value = line.decode().partition(":")
            response_headers[name.lower()] = value.strip()
        assert response_headers["transfer-encoding"] == "chunked"
        assert response_headers["content-type"] == "text/event-stream"
        assert "content-length" not in response_headers
        chunks: list[bytes] = []
        while True:
            size = int(stream.readline().strip(), 16)
            data = stream.read(size)
            assert stream.read(2) == b"\r\n"
            if size == 0:
                return chunks
            chunks.append(data)


def test_stream_is_one_event_per_chunk_then_done(emu: Emulator) -> None:
    chunks = _read_chunks(emu, SERVICES, MODELS_CHAT, {"api-key": emu.key("myres")})
    assert chunks[-1] == b"data: [DONE]\n\n"
    for chunk in chunks[:-1]:
        assert chunk.startswith(b"data: {")
        assert chunk.endswith(b"}\n\n")
        assert chunk.count(b"data: ") == 1
        assert json.loads(chunk[len(b"data: ") :])["object"] == "chat.completion.chunk"
    assert len(chunks) == 10  # role, seven words, finish, [DONE]


def test_error_code_header_only_on_model_inference_errors(emu: Emulator) -> None:
    key = {"api-key": emu.key("myres")}
    unknown = raw_request(
        emu, SERVICES, "POST", MODELS_CHAT, headers=key, body={**MESSAGES, "model": "nope"}
    )
    assert (unknown.status, unknown.header("x-ms-error-code")) == (404, "unknown_model")
    assert unknown.json()["error"]["details"] == "Unknown model: nope"
    missing = raw_request(emu, SERVICES, "POST", MODELS_CHAT, headers=key, body=MESSAGES)
    assert (missing.status, missing.header("x-ms-error-code")) == (400, "no_model_name")
    deployment = raw_request(
        emu, AOAI, "POST", CHAT.replace("gpt-4o", "nope"), headers=key, body=MESSAGES
    )
    assert deployment.json()["error"]["code"] == "DeploymentNotFound"
    assert deployment.header("x-ms-error-code") is None


def test_model_header_names_the_model(emu: Emulator) -> None:
    response = raw_request(
        emu,
        SERVICES,
        "GET",
        "/models/info?api-version=2024-05-01-preview",
        headers={
            "api-key": emu.key("myres"),
            "x-ms-model-mesh-model-name": "Cohere-embed-v3-english",
        },
    )
    assert response.json() == {
        "model_name": "Cohere-embed-v3-english",
        "model_type": "embeddings",
        "model_provider_name": "Cohere",
    }


def test_public_network_disabled_sends_policy_id(emu: Emulator) -> None:
    response = raw_request(emu, "private.openai.azure.com", "POST", CHAT, body=MESSAGES)
    assert (response.status, response.reason) == (403, "Forbidden")
    assert response.header("policy-id") == "ThrowExceptionDueToTrafficDenied"


def test_authentication_comes_before_the_route_within_a_family(emu: Emulator) -> None:
    """A key in Authorization on a deployment path without api-version: 401, not 404
    (while the same with a valid key is a 404)."""
    path = "/openai/deployments/gpt-4o/chat/completions"
    key = emu.key("myres")
    as_bearer = raw_request(
        emu, AOAI, "POST", path, headers={"Authorization": f"Bearer {key}"}, body=MESSAGES
    )
    assert as_bearer.status == 401
    assert as_bearer.body == token_rejected_body("https://cognitiveservices.azure.com").encode()
    as_key = raw_request(emu, AOAI, "POST", path, headers={"api-key": key}, body=MESSAGES)
    assert as_key.status == 404


def test_missing_auth_body_is_configurable(emu: Emulator) -> None:
    default = raw_request(emu, AOAI, "POST", CHAT, body=MESSAGES)
    assert (default.status, default.body) == (401, INVALID_KEY_BODY.encode())
    apim = '{"statusCode":401,"message":"Access denied due to missing subscription key."}'
    with emu.modified_world({"missing_auth_body": apim}):
        configured = raw_request(emu, AOAI, "POST", CHAT, body=MESSAGES)
    assert (configured.status, configured.body) == (401, apim.encode())
    assert emu.requests[-1].outcome == "no-credential"


def test_retired_models_api_is_configurable(emu: Emulator) -> None:
    body = '{"error":{"code":"Gone","message":"Retired."}}'
    changes = {"models_api_retired": True, "retired_status": 410, "retired_body": body}
    with emu.modified_world(changes):
        response = raw_request(emu, SERVICES, "POST", MODELS_CHAT, body=MESSAGES)
    assert (response.status, response.reason, response.body) == (410, "Gone", body.encode())
    after = raw_request(emu, SERVICES, "POST", MODELS_CHAT, body=MESSAGES)
    assert after.status == 401  # the world is back


def test_regional_endpoint_takes_keys_of_its_region(emu: Emulator) -> None:
    host = "eastus.api.cognitive.microsoft.com"
    ok = raw_request(emu, host, "POST", CHAT, headers={"api-key": emu.key("myres")}, body=MESSAGES)
    assert ok.status == 200
    disabled = raw_request(
        emu, host, "POST", CHAT, headers={"api-key": emu.key("keyless")}, body=MESSAGES
    )
    assert disabled.json()["error"]["code"] == "AuthenticationTypeDisabled"
    models = raw_request(
        emu, host, "POST", MODELS_CHAT, headers={"api-key": emu.key("myres")}, body=MESSAGES
    )
    assert models.status == 404
    assert _proxy_connect(emu, "westus.api.cognitive.microsoft.com:443").startswith(b"HTTP/1.1 502")


def test_models_and_projects_only_on_the_foundry_host(emu: Emulator) -> None:
    key = {"api-key": emu.key("myres")}
    body = {**MESSAGES, "model": "gpt-4o"}
    on_aoai = raw_request(emu, AOAI, "POST", MODELS_CHAT, headers=key, body=body)
    assert on_aoai.status == 404
    on_services = raw_request(emu, SERVICES, "POST", MODELS_CHAT, headers=key, body=body)
    assert on_services.status == 200


def test_projects_take_tokens_only(emu: Emulator) -> None:
    path = "/api/projects/myproject/openai/v1/chat/completions"
    body = {**MESSAGES, "model": "gpt-4o"}
    with_key = raw_request(
        emu, SERVICES, "POST", path, headers={"api-key": emu.key("myres")}, body=body
    )
    assert with_key.body == token_rejected_body("https://ai.azure.com").encode()
    token = emu.token("alice", "https://ai.azure.com/.default")
    bearer = {"Authorization": f"Bearer {token}"}
    assert raw_request(emu, SERVICES, "POST", path, headers=bearer, body=body).status == 200
    unknown = raw_request(emu, SERVICES, "GET", "/api/projects/myproject/nothing", headers=bearer)
    assert unknown.status == 404


def test_project_denial_names_read_for_get(emu: Emulator) -> None:
    token = emu.token("bob", "https://ai.azure.com/.default")
    response = raw_request(
        emu,
        SERVICES,
        "GET",
        "/api/projects/myproject/openai/v1/models",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 401
    message = response.json()["error"]["message"]
    assert "`bbbbbbbb-0000-0000-0000-000000000002`" in message
    assert "AIServices/agents/read" in message
    assert "`GET /api/projects/{projectName}/openai/*`" in message


@pytest.mark.parametrize(
    ("token_kind", "outcome"),
    [
        ("tampered", "token-signature"),
        ("garbage", "token-malformed"),
        ("foreign", "token-signature"),
    ],
)
def test_tokens_that_are_not_ours_are_rejected(
    emu: Emulator, token_kind: str, outcome: str
) -> None:
    good = emu.token("alice")
    header, payload, signature = good.split(".")
    token = {
        "tampered": f"{header}.{payload}.{signature[::-1]}",
        "garbage": "eyJhbGciOi.not-base64!.x",
        "foreign": Emulator().token("alice"),  # another emulator's secret
    }[token_kind]
    response = raw_request(
        emu, AOAI, "POST", CHAT, headers={"Authorization": f"Bearer {token}"}, body=MESSAGES
    )
    assert response.status == 401
    assert response.json()["statusCode"] == 401
    assert emu.requests[-1].outcome == outcome


def test_v1_api_versions(emu: Emulator) -> None:
    key = {"api-key": emu.key("myres")}
    body = {**MESSAGES, "model": "gpt-4o"}
    for version, status in (
        ("v1", 200),
        ("preview", 200),
        ("latest", 200),
        ("2025-04-01-preview", 400),
    ):
        response = raw_request(
            emu,
            AOAI,
            "POST",
            f"/openai/v1/chat/completions?api-version={version}",
            headers=key,
            body=body,
        )
        assert response.status == status, version
    odd = raw_request(
        emu, AOAI, "POST", "/openai/v1/chat/completions?api-version=v2", headers=key, body=body
    )
    assert odd.body == V1_API_VERSION_UNSUPPORTED_BODY.encode()


def test_role_changes_take_effect_on_the_next_request(emu: Emulator) -> None:
    bearer = {"Authorization": f"Bearer {emu.token('dave')}"}
    assert raw_request(emu, AOAI, "POST", CHAT, headers=bearer, body=MESSAGES).body == (
        PERMISSION_DENIED_BODY.encode()
    )
    with emu.modified_world() as world:
        world.assign("dave", "Cognitive Services OpenAI User")
        assert raw_request(emu, AOAI, "POST", CHAT, headers=bearer, body=MESSAGES).status == 200
    assert raw_request(emu, AOAI, "POST", CHAT, headers=bearer, body=MESSAGES).status == 401


def test_operation_must_fit_the_deployment(emu: Emulator) -> None:
    response = raw_request(
        emu,
        AOAI,
        "POST",
        "/openai/deployments/text-embedding-3-small/chat/completions?api-version=2024-10-21",
        headers={"api-key": emu.key("myres")},
        body=MESSAGES,
    )
    assert response.status == 400
    assert response.json()["error"]["code"] == "OperationNotSupported"


def test_large_bodies_are_refused_without_reading_them(emu: Emulator) -> None:
    connection = connect(emu, AOAI)
    try:
        connection.putrequest("POST", CHAT)
        connection.putheader("Content-Length", str(10 * 1024 * 1024))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        response.read()
    finally:
        connection.close()


def test_non_json_body_is_a_bad_request(emu: Emulator) -> None:
    response = raw_request(
        emu, AOAI, "POST", CHAT, headers={"api-key": emu.key("myres")}, body=b"not json"
    )
    assert response.status == 400


def test_any_configured_status_is_answered(emu: Emulator) -> None:
    with emu.modified_world({"models_api_retired": True, "retired_status": 499}):
        response = raw_request(emu, SERVICES, "POST", MODELS_CHAT, body=MESSAGES)
    assert (response.status, response.reason) == (499, "")
