"""The session's network guard: a connection outside loopback is refused before a packet
leaves and recorded, so the test fails even when the client swallows the refusal; loopback is
untouched. Each test here takes its own deliberate violations back out of the record, so the
session's per-test check stays for everything else."""

from __future__ import annotations

import socket

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import DefaultAzureCredential

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.wire.guard import LoopbackGuard, NonLoopbackConnection, is_loopback
from support.identity import SCOPE


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("169.254.169.254", False),
        ("10.0.0.1", False),
        ("::ffff:8.8.8.8", False),
        ("login.microsoftonline.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_guard_is_on_for_the_session(network_guard: LoopbackGuard) -> None:
    assert network_guard.active


def _taken_back(guard: LoopbackGuard, seen: int) -> list[str]:
    """The violations recorded since ``seen``, removed from the session's record."""
    recorded = guard.violations[seen:]
    del guard.violations[seen:]
    return recorded


@pytest.mark.parametrize(
    ("address", "shown"),
    [(("169.254.169.254", 80), "169.254.169.254:80"), (("192.0.2.1", 443), "192.0.2.1:443")],
)
def test_a_connection_outside_loopback_is_refused_and_recorded(
    network_guard: LoopbackGuard, address: tuple[str, int], shown: str
) -> None:
    seen = len(network_guard.violations)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        with pytest.raises(NonLoopbackConnection, match=shown) as caught:
            sock.connect(address)
    assert isinstance(caught.value, ConnectionRefusedError)  # clients fail as on a refusal
    assert _taken_back(network_guard, seen) == [
        f"connection to {shown} refused: only 127.0.0.0/8 and ::1 are allowed"
    ]


def test_loopback_and_unix_sockets_are_untouched(
    network_guard: LoopbackGuard, emu: Emulator
) -> None:
    seen = len(network_guard.violations)
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5):
        pass
    left, right = socket.socketpair()
    left.close()
    right.close()
    assert network_guard.violations[seen:] == []


@pytest.mark.usefixtures("identity_env")
def test_an_unrouted_credential_cannot_reach_the_real_imds(network_guard: LoopbackGuard) -> None:
    """Without any managed-identity variable, DefaultAzureCredential probes 169.254.169.254:
    the guard refuses it (the probe reads it as "no response"), and records it."""
    seen = len(network_guard.violations)
    with pytest.raises(ClientAuthenticationError) as caught:
        DefaultAzureCredential(exclude_shared_token_cache_credential=True).get_token(SCOPE)
    recorded = _taken_back(network_guard, seen)
    assert recorded
    assert all("169.254.169.254:80" in item for item in recorded)
    assert (
        "ManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, no "
        "response from the IMDS endpoint." in caught.value.message
    )


def test_an_emulator_can_hold_the_guard_on(network_guard: LoopbackGuard) -> None:
    depth = network_guard.depth
    emulator = Emulator(route_environment=False, loopback_only=True).start()
    try:
        assert network_guard.depth == depth + 1
    finally:
        emulator.stop()
    assert network_guard.depth == depth
    with Emulator(route_environment=False):
        assert network_guard.depth == depth
