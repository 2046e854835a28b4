"""Routing the SDKs to the emulator through environment variables, and putting them back.

requests, aiohttp (via azure-core) and httpx / httpx2 (via openai) all honour ``HTTPS_PROXY``
and a CA bundle from the environment, so the real clients with their default transports reach
the emulator under the real host names with nothing else changed. ``NO_PROXY`` names only the
loopback hosts, so no host name bypasses the proxy and the plain-HTTP loopback endpoints are
never sent to a forward proxy. httpx reads the environment
when a client is built: build clients inside the routed block.

One library reads the CA bundle even earlier: aiohttp (azure-core's async transport) builds its
default TLS context when ``aiohttp.connector`` is first imported. When that happened before
routing, :func:`routed_environment` adds the CA to that already-built context, so async clients
connect whatever the import order; that added trust lasts for the life of the process (a CA
cannot be removed from a context), while the environment itself is restored exactly.
"""

from __future__ import annotations

import logging
import os
import ssl
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

__all__ = ["LOOPBACK_HOSTS", "ROUTED_VARIABLES", "routed_environment", "routing_environment"]

logger = logging.getLogger(__name__)

#: every variable the emulator sets (and restores)
ROUTED_VARIABLES = (
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
)


#: hosts no client may send through a proxy: the loopback endpoints (managed identity) are
#: reached directly, whatever forward proxy the surrounding environment names
LOOPBACK_HOSTS = "127.0.0.1,localhost"


def routing_environment(proxy_url: str, ca_file: str) -> dict[str, str]:
    """The variables that send HTTPS traffic through the proxy and trust its CA."""
    return {
        "HTTPS_PROXY": proxy_url,
        "https_proxy": proxy_url,
        "NO_PROXY": LOOPBACK_HOSTS,
        "no_proxy": LOOPBACK_HOSTS,
        "SSL_CERT_FILE": ca_file,
        "REQUESTS_CA_BUNDLE": ca_file,
    }


def _trust_in_loaded_aiohttp(ca_file: str) -> None:
    """Add the CA to aiohttp's default context if aiohttp was imported already."""
    connector = sys.modules.get("aiohttp.connector")
    context = getattr(connector, "_SSL_CONTEXT_VERIFIED", None)
    if isinstance(context, ssl.SSLContext):
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            logger.debug("could not add the emulator CA to aiohttp's context: %s", error)


@contextmanager
def routed_environment(values: Mapping[str, str], unset: Iterable[str] = ()) -> Iterator[None]:
    """Set ``values`` (and remove the ``unset`` names) in ``os.environ`` for the block, then
    restore every variable exactly: the old value where there was one, unset where there was
    none. Blocks nest. The CA named by ``SSL_CERT_FILE`` is also added to aiohttp's default
    context when aiohttp is loaded."""
    removed = [name for name in unset if name not in values]
    saved = {name: os.environ.get(name) for name in (*values, *removed)}
    try:
        for name in removed:
            os.environ.pop(name, None)
        os.environ.update(values)
        ca_file = values.get("SSL_CERT_FILE")
        if ca_file:
            _trust_in_loaded_aiohttp(ca_file)
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
