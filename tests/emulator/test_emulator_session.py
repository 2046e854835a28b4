"""The Emulator object: environment routing and its exact restoration, life cycle, the request
log without secrets, and the repr of everything that holds one."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

import pytest

from foundry_doctor.emulator import Emulator, default_world
from foundry_doctor.emulator.wire.environment import ROUTED_VARIABLES
from support.wire import raw_request

CHAT = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
MESSAGES = {"messages": [{"role": "user", "content": "hi"}]}


def test_routed_sets_and_restores_every_variable_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://corporate-proxy:3128")
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.setenv("NO_PROXY", "localhost,.internal")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", "/etc/ssl/corporate.pem")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    before = {name: os.environ.get(name) for name in ROUTED_VARIABLES}
    emulator = Emulator(route_environment=False).start()
    try:
        assert {name: os.environ.get(name) for name in ROUTED_VARIABLES} == before
        with emulator.routed():
            assert os.environ["HTTPS_PROXY"] == os.environ["https_proxy"] == emulator.proxy_url
            assert os.environ["NO_PROXY"] == os.environ["no_proxy"] == "127.0.0.1,localhost"
            assert os.environ["SSL_CERT_FILE"] == emulator.ca_file
            assert os.environ["REQUESTS_CA_BUNDLE"] == emulator.ca_file
            assert emulator.env == {name: os.environ[name] for name in ROUTED_VARIABLES}
            with emulator.routed():  # nesting restores to the outer block's values
                pass
            assert os.environ["HTTPS_PROXY"] == emulator.proxy_url
        assert {name: os.environ.get(name) for name in ROUTED_VARIABLES} == before
        assert "https_proxy" not in os.environ
        assert "REQUESTS_CA_BUNDLE" not in os.environ
    finally:
        emulator.stop()


def test_with_block_restores_environment_even_on_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ROUTED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    seen: list[bool] = []

    def run() -> None:
        with Emulator() as emulator:
            seen.append(os.environ["HTTPS_PROXY"] == emulator.proxy_url)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run()
    assert seen == [True]
    assert not any(name in os.environ for name in ROUTED_VARIABLES)


def test_stop_closes_the_port_and_removes_the_ca(emulator: Emulator) -> None:
    other = Emulator(route_environment=False).start()
    port, ca_file = other.port, Path(other.ca_file)
    assert ca_file.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    raw_request(other, "myres.openai.azure.com", "POST", CHAT, body=MESSAGES)  # keep-alive open
    other.stop()
    assert not other.running
    assert not ca_file.parent.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(RuntimeError):
        _ = other.proxy_url


def test_ca_dir_keeps_the_ca_across_runs(tmp_path: Path) -> None:
    with Emulator(route_environment=False, ca_dir=tmp_path / "ca") as first:
        pem = Path(first.ca_file).read_bytes()
    with Emulator(route_environment=False, ca_dir=tmp_path / "ca") as second:
        assert Path(second.ca_file).read_bytes() == pem
        response = raw_request(second, "myres.openai.azure.com", "POST", CHAT, body=MESSAGES)
        assert response.status == 401
    assert (tmp_path / "ca").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "ca" / "ca.key").stat().st_mode & 0o777 == 0o600


def test_listens_on_loopback_only(emulator: Emulator) -> None:
    assert emulator.proxy_url == f"http://127.0.0.1:{emulator.port}"
    assert emulator._server is not None
    assert emulator._server.server_address[0] == "127.0.0.1"


def test_request_log_never_holds_secrets(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="foundry_doctor")
    key, token = emu.key("myres"), emu.token("alice")
    host = "myres.openai.azure.com"
    raw_request(emu, host, "POST", CHAT, headers={"api-key": key}, body=MESSAGES)
    raw_request(
        emu, host, "POST", CHAT, headers={"Authorization": f"Bearer {token}"}, body=MESSAGES
    )
    raw_request(emu, host, "POST", CHAT, headers={"api-key": token}, body=MESSAGES)
    raw_request(emu, host, "POST", f"{CHAT}&api-key={key}", body=MESSAGES)
    records = emu.requests
    assert [record.auth_headers for record in records] == [
        ("api-key",),
        ("authorization",),
        ("api-key",),
        (),
    ]
    assert records[1].bearer == "jwt"
    assert records[0].headers["api-key"] == "***"
    assert records[1].headers["authorization"] == "***"
    assert records[3].query["api-key"] == "***"
    signature = token.rsplit(".", 1)[1]
    for text in (repr(records), str(records), caplog.text, repr(emu)):
        assert key not in text
        assert token not in text
        assert signature not in text


def test_reprs_hide_secrets(emulator: Emulator) -> None:
    world = default_world()
    resource = world.resource("myres")
    credential = emulator.credential("alice")
    for value in (repr(world), repr(resource), repr(credential), repr(emulator)):
        assert resource.keys[0] not in value
        assert resource.keys[1] not in value
    assert repr(emulator._issuer) == "TokenIssuer(alg='HS256')"


def test_keys(emulator: Emulator) -> None:
    first, second = emulator.key("myres"), emulator.key("myres", 2)
    assert first != second
    assert len(first) == 32
    assert emulator.key("keyless") not in (first, second)
    with pytest.raises(ValueError, match="keys 1 and 2"):
        emulator.key("myres", 3)
    with pytest.raises(KeyError, match="nope"):
        emulator.key("nope")


def test_modified_world_restores_the_original(emulator: Emulator) -> None:
    original = emulator.world
    with emulator.modified_world({"resources.myres.local_auth": False}) as changed:
        assert emulator.world is changed
        assert not changed.resource("myres").local_auth
        assert changed.resource("myres").keys == original.resource("myres").keys
    assert emulator.world is original
    assert original.resource("myres").local_auth


@pytest.mark.azure
async def test_async_clients_connect_although_aiohttp_was_imported_first() -> None:
    """aiohttp builds its default TLS context at import; a new emulator's CA (not in that
    context) must still be trusted by azure-core's aiohttp transport once routed."""
    import aiohttp.connector  # already imported by now in a normal run
    from azure.ai.inference.aio import ChatCompletionsClient
    from azure.ai.inference.models import UserMessage
    from azure.core.credentials import AzureKeyCredential

    assert aiohttp.connector._SSL_CONTEXT_VERIFIED is not None
    with Emulator() as fresh:
        async with ChatCompletionsClient(
            endpoint="https://myres.services.ai.azure.com/models",
            credential=AzureKeyCredential(fresh.key("myres")),
        ) as client:
            result = await client.complete(model="gpt-4o", messages=[UserMessage("hi")])
    assert result.choices[0].message.content.startswith("Hello from gpt-4o")


def test_failed_start_leaves_nothing_behind(emulator: Emulator) -> None:
    busy = Emulator(port=emulator.port, route_environment=False)
    with pytest.raises(OSError, match="in use"):
        busy.start()
    assert not busy.running
    assert busy._temp_dir is None
