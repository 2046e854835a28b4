"""Credential material a test hands to the real credentials: a client certificate with its
private key (for CertificateCredential) and federated tokens (the file WorkloadIdentityCredential
reads). Made fresh on demand; nothing here is a real secret of anything.

Certificates need ``cryptography`` (the ``[emulator]`` extra), imported on first use.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import time
import uuid
from collections.abc import Sequence

from foundry_doctor.emulator.services.entra.spec import FEDERATED_TOKEN_AUDIENCE
from foundry_doctor.emulator.services.entra.world import ClientCertificate

__all__ = ["federated_token", "new_client_certificate"]


def new_client_certificate(common_name: str, *, days: int = 365) -> tuple[bytes, ClientCertificate]:
    """A fresh self-signed RSA certificate: ``(PEM of the private key and the certificate,
    the public part to register on an app)``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = time.time()
    not_before, not_after = now - 86_400, now + days * 86_400

    def moment(epoch: float) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment(not_before))
        .not_valid_after(moment(not_after))
        .sign(key, hashes.SHA256())
    )
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    registered = ClientCertificate(
        certificate_pem=certificate_pem.decode("ascii"),
        thumbprint_sha1=certificate.fingerprint(hashes.SHA1()).hex().upper(),  # noqa: S303
        thumbprint_sha256=certificate.fingerprint(hashes.SHA256()).hex().upper(),
        not_before=float(int(not_before)),
        not_after=float(int(not_after)),
    )
    return key_pem + certificate_pem, registered


def _segment(value: object) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def federated_token(
    issuer: str,
    subject: str,
    audience: str | Sequence[str] = FEDERATED_TOKEN_AUDIENCE,
    *,
    lifetime: int = 3600,
    now: float | None = None,
) -> str:
    """A token as an external issuer (an AKS cluster, GitHub Actions) would project it for
    workload identity: ``iss``, ``sub``, ``aud``, ``iat``, ``nbf``, ``exp``. ``lifetime`` may be
    negative (an already expired token). Its signature is random bytes: the emulated Entra ID
    matches the claims, it does not check an external issuer's signature."""
    moment = int(time.time() if now is None else now)
    expires = moment + int(lifetime)
    claims = {
        "aud": audience if isinstance(audience, str) else list(audience),
        "iss": issuer,
        "sub": subject,
        "iat": min(moment, expires) - 60,
        "nbf": min(moment, expires) - 60,
        "exp": expires,
        "jti": str(uuid.uuid4()),
    }
    header = {"alg": "RS256", "kid": "foundry-doctor-emulator", "typ": "JWT"}
    signature = base64.urlsafe_b64encode(secrets.token_bytes(256)).rstrip(b"=").decode("ascii")
    return f"{_segment(header)}.{_segment(claims)}.{signature}"
