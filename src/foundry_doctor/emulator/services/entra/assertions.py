"""Client assertions: the JWTs a confidential client presents instead of a secret.

Two kinds reach the token endpoint. A **certificate assertion** (CertificateCredential) names the
certificate in its header (``x5t``: SHA-1 thumbprint, RS256; ``x5t#S256``: SHA-256 thumbprint,
PS256) and is signed with the certificate's private key; the emulator verifies that signature
against the certificate registered on the app. A **federated token** (WorkloadIdentityCredential,
from ``AZURE_FEDERATED_TOKEN_FILE``) comes from another issuer (an AKS cluster, GitHub); the
emulator matches its ``iss`` / ``sub`` / ``aud`` claims with the app's federated identity
credentials and its lifetime with the clock, but does not fetch that issuer's keys, so it does
not check its signature.

Signature checks use ``cryptography`` (the ``[emulator]`` extra), imported on first use.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Assertion", "parse_assertion", "signature_valid"]

#: longer assertions are refused without decoding
MAX_ASSERTION_LENGTH = 16 * 1024


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _thumbprint(value: object) -> str | None:
    """A base64url thumbprint from a JWT header as upper-case hex, ``None`` when unusable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return _b64decode(value).hex().upper()
    except (ValueError, binascii.Error):
        return None


@dataclass(frozen=True, slots=True)
class Assertion:
    """A decoded (not yet trusted) client assertion."""

    header: Mapping[str, Any]
    claims: Mapping[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def algorithm(self) -> str:
        value = self.header.get("alg")
        return value if isinstance(value, str) else ""

    @property
    def thumbprint_sha1(self) -> str | None:
        return _thumbprint(self.header.get("x5t"))

    @property
    def thumbprint_sha256(self) -> str | None:
        return _thumbprint(self.header.get("x5t#S256"))

    @property
    def names_certificate(self) -> bool:
        """Whether the header names a certificate (a certificate assertion)."""
        return "x5t" in self.header or "x5t#S256" in self.header

    def claim(self, name: str) -> str:
        value = self.claims.get(name)
        return value if isinstance(value, str) else ""

    def number(self, name: str) -> float | None:
        value = self.claims.get(name)
        return float(value) if isinstance(value, int | float) else None

    @property
    def audiences(self) -> tuple[str, ...]:
        value = self.claims.get("aud")
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list):
            return tuple(item for item in value if isinstance(item, str))
        return ()


def parse_assertion(value: str) -> Assertion | None:
    """The decoded assertion, ``None`` when ``value`` is not a compact JWS with JSON parts."""
    if len(value) > MAX_ASSERTION_LENGTH:
        return None
    parts = value.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
        signature = _b64decode(parts[2])
    except (ValueError, UnicodeError, binascii.Error, RecursionError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return Assertion(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def signature_valid(assertion: Assertion, certificate_pem: str) -> bool:
    """Whether the assertion is signed (RS256 or PS256) by the key of ``certificate_pem``."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        key = x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).public_key()
    except ValueError:
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    if assertion.algorithm == "RS256":
        scheme: padding.AsymmetricPadding = padding.PKCS1v15()
    elif assertion.algorithm == "PS256":
        scheme = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
    else:
        return False
    try:
        key.verify(assertion.signature, assertion.signing_input, scheme, hashes.SHA256())
    except InvalidSignature:
        return False
    return True
