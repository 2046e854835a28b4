"""A network guard: while it is on, no socket of this process may connect outside the loopback
interface (127.0.0.0/8, ``::1``).

Against the emulator every request should stay on 127.0.0.1; a client that is not routed (a
credential that ignores the IMDS redirect and goes to 169.254.169.254, an SDK that bypasses the
proxy) would otherwise reach the real network silently, or hang. The guard is a Python audit
hook on ``socket.connect`` (PEP 578): the connection is refused before any packet leaves, with
:class:`NonLoopbackConnection` (an ``OSError``, so the client fails the way it fails on a
refused connection), and recorded in :attr:`LoopbackGuard.violations` so a test can fail loudly
even when the client swallows the error. It is not a mock: nothing else changes.

Audit hooks cannot be removed once added; the hook is added on first use and stays, doing
nothing while no guard is on.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["LoopbackGuard", "NonLoopbackConnection", "is_loopback", "loopback_only"]

_INET_FAMILIES = frozenset({socket.AF_INET, socket.AF_INET6})


class NonLoopbackConnection(ConnectionRefusedError):
    """A connection outside the loopback interface, refused by the guard."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address, or ``localhost``) is on the loopback interface."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class LoopbackGuard:
    """The process-wide guard. :func:`loopback_only` turns it on for a block (blocks nest)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._installed = False
        self.violations: list[str] = []

    def __repr__(self) -> str:
        return f"LoopbackGuard(active={self.active}, violations={len(self.violations)})"

    @property
    def active(self) -> bool:
        return self._active > 0

    @property
    def depth(self) -> int:
        """How many blocks hold the guard on."""
        return self._active

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if event != "socket.connect" or not self._active:
            return
        sock, address = args
        if getattr(sock, "family", None) not in _INET_FAMILIES or not isinstance(address, tuple):
            return
        host = str(address[0])
        if is_loopback(host):
            return
        port = address[1] if len(address) > 1 else "?"
        message = f"connection to {host}:{port} refused: only 127.0.0.0/8 and ::1 are allowed"
        with self._lock:
            self.violations.append(message)
        raise NonLoopbackConnection(f"foundry-doctor network guard: {message}")

    def enter(self) -> None:
        with self._lock:
            if not self._installed:
                sys.addaudithook(self._hook)
                self._installed = True
            self._active += 1

    def exit(self) -> None:
        with self._lock:
            self._active = max(0, self._active - 1)


#: the one guard of this process
GUARD = LoopbackGuard()


@contextmanager
def loopback_only() -> Iterator[LoopbackGuard]:
    """A block in which every connection outside the loopback interface is refused (and
    recorded in ``guard.violations``)."""
    GUARD.enter()
    try:
        yield GUARD
    finally:
        GUARD.exit()
