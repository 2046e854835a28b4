"""The local certificate authority that lets the SDKs trust the emulator's real host names.

A test CA (made with ``trustme``) issues one server certificate per host name on first use
(``myres.openai.azure.com``, ...). Clients trust it through ``SSL_CERT_FILE`` /
``REQUESTS_CA_BUNDLE`` pointing at :attr:`CertificateAuthority.ca_file`; nothing is installed
system-wide. The files live in a private directory (mode 0700); the CA key is kept only when the
caller asks for a reusable CA (the command line does, so that a printed environment stays valid
across restarts).
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
from pathlib import Path

import trustme

__all__ = ["CA_FILE_NAME", "CertificateAuthority"]

logger = logging.getLogger(__name__)

CA_FILE_NAME = "ca.pem"
_CA_KEY_NAME = "ca.key"


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _check_private(directory: Path) -> None:
    """A directory that keeps a CA key must be ours and closed to others."""
    status = directory.stat()
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        raise PermissionError(f"{directory} belongs to another user; choose another CA directory")
    if status.st_mode & 0o077:
        directory.chmod(0o700)


class CertificateAuthority:
    """A local CA and the TLS server contexts it signs, one per host name (cached)."""

    def __init__(self, directory: Path, *, reuse: bool = False) -> None:
        self.directory = directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if reuse:
            _check_private(directory)
        ca_path, key_path = directory / CA_FILE_NAME, directory / _CA_KEY_NAME
        ca: trustme.CA | None = None
        if reuse and ca_path.is_file() and key_path.is_file():
            try:
                ca = trustme.CA.from_pem(ca_path.read_bytes(), key_path.read_bytes())
            except ValueError:
                logger.warning("the emulator CA in %s is unreadable; making a new one", directory)
        if ca is None:
            ca = trustme.CA(organization_name="foundry-doctor emulator")
            ca.cert_pem.write_to_path(str(ca_path))
            if reuse:
                _write_private(key_path, ca.private_key_pem.bytes())
        self._ca = ca
        self.ca_file = ca_path
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CertificateAuthority(ca_file={str(self.ca_file)!r})"

    def server_context(self, host: str) -> ssl.SSLContext:
        """A TLS server context presenting a certificate for ``host`` (HTTP/1.1 only)."""
        host = host.lower()
        with self._lock:
            context = self._contexts.get(host)
            if context is None:
                context = self._new_context(host)
                self._contexts[host] = context
            return context

    def _new_context(self, host: str) -> ssl.SSLContext:
        leaf = self._ca.issue_cert(host)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_alpn_protocols(["http/1.1"])
        # load_cert_chain needs a file: write it into our private directory, load, remove
        path = self.directory / f"leaf-{threading.get_ident()}.pem"
        _write_private(path, leaf.private_key_and_cert_chain_pem.bytes())
        try:
            context.load_cert_chain(str(path))
        finally:
            path.unlink(missing_ok=True)
        return context
