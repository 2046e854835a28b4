"""Tokens and credentials: Entra-like claims, verification, and azure-core's credential
protocols (sync and async), including azure-identity's bearer token provider."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.identity import get_bearer_token_provider
from azure.identity.aio import get_bearer_token_provider as get_async_bearer_token_provider

from foundry_doctor.emulator import Emulator, default_world
from foundry_doctor.emulator.tokens import InvalidToken, TokenIssuer, audience_for_scope
from foundry_doctor.facts import decode_claims

pytestmark = pytest.mark.azure

try:
    from azure.core.credentials import AccessTokenInfo
except ImportError:  # azure-core < 1.31: no get_token_info protocol yet
    HAS_TOKEN_INFO = False
else:
    HAS_TOKEN_INFO = True
needs_token_info = pytest.mark.skipif(not HAS_TOKEN_INFO, reason="azure-core < 1.31")


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


@pytest.mark.parametrize(
    ("scope", "audience"),
    [
        ("https://ml.azure.com/.default", "https://ml.azure.com"),
        ("https://cognitiveservices.azure.com/.default", "https://cognitiveservices.azure.com"),
        ("https://ai.azure.com/.default", "https://ai.azure.com"),
        ("https://ml.azure.com/user_impersonation", "https://ml.azure.com"),
        ("api://my-api/.default", "api://my-api"),
        ("https://ai.azure.com", "https://ai.azure.com"),
    ],
)
def test_audience_follows_the_scope(scope: str, audience: str) -> None:
    assert audience_for_scope(scope) == audience


def test_user_token_claims() -> None:
    issuer = TokenIssuer()
    alice = default_world().principal("alice")
    token, expires_on = issuer.mint(alice, "https://ai.azure.com/.default", lifetime=600)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}
    claims = _claims(token)
    assert claims["aud"] == "https://ai.azure.com"
    assert claims["iss"] == f"https://sts.windows.net/{alice.tid}/"
    assert claims["tid"] == alice.tid
    assert claims["oid"] == alice.oid
    assert claims["appid"] == alice.appid
    assert claims["idtyp"] == "user"
    assert claims["ver"] == "1.0"
    assert claims["upn"] == "alice@contoso.example"
    assert claims["name"] == "Alice"
    assert claims["exp"] == expires_on
    assert claims["nbf"] <= claims["iat"] + 1 <= int(time.time()) + 1
    assert issuer.verify(token).oid == alice.oid
    # the package's own reader understands them
    decoded = decode_claims(token)
    assert decoded is not None
    assert (decoded.aud, decoded.idtyp, decoded.tid) == ("https://ai.azure.com", "user", alice.tid)


def test_app_token_claims() -> None:
    app = default_world().principal("app")
    token, _ = TokenIssuer().mint(app, "https://cognitiveservices.azure.com/.default")
    claims = _claims(token)
    assert claims["idtyp"] == "app"
    assert claims["roles"] == []
    assert "upn" not in claims
    assert "scp" not in claims


def test_verify_rejects_expired_and_tampered_tokens() -> None:
    issuer = TokenIssuer()
    alice = default_world().principal("alice")
    expired, expires_on = issuer.mint(alice, "https://ai.azure.com/.default", lifetime=-600)
    assert expires_on < time.time()
    with pytest.raises(InvalidToken) as caught:
        issuer.verify(expired)
    assert caught.value.reason == "expired"
    good, _ = issuer.mint(alice, "https://ai.azure.com/.default")
    with pytest.raises(InvalidToken, match="signature"):
        TokenIssuer().verify(good)
    with pytest.raises(InvalidToken, match="malformed"):
        issuer.verify("not-a-token")
    with pytest.raises(InvalidToken, match="malformed"):
        issuer.verify("eyJ" + "a" * 20_000 + ".b.c")


def test_tenant_override() -> None:
    token = Emulator().token("alice", tenant_id="aaaaaaaa-0000-0000-0000-000000000009")
    claims = _claims(token)
    assert claims["tid"] == "aaaaaaaa-0000-0000-0000-000000000009"
    assert claims["iss"] == "https://sts.windows.net/aaaaaaaa-0000-0000-0000-000000000009/"


def test_sync_credential(emulator: Emulator) -> None:
    credential = emulator.credential("bob", lifetime=120)
    token = credential.get_token("https://cognitiveservices.azure.com/.default")
    assert isinstance(token, AccessToken)
    assert 100 < token.expires_on - time.time() <= 120
    assert _claims(token.token)["aud"] == "https://cognitiveservices.azure.com"
    other = credential.get_token(
        "https://ai.azure.com/.default", tenant_id="aaaaaaaa-0000-0000-0000-000000000002"
    )
    assert _claims(other.token)["tid"] == "aaaaaaaa-0000-0000-0000-000000000002"
    expired = emulator.credential("bob", lifetime=-60).get_token("https://ai.azure.com/.default")
    assert expired.expires_on < time.time()
    with pytest.raises(ValueError, match="scope"):
        credential.get_token()
    with credential:
        pass
    with pytest.raises(KeyError, match="mallory"):
        emulator.credential("mallory")


@needs_token_info
def test_sync_credential_token_info(emulator: Emulator) -> None:
    credential = emulator.credential("bob")
    info = credential.get_token_info(
        "https://ai.azure.com/.default",
        options={"tenant_id": "aaaaaaaa-0000-0000-0000-000000000002"},
    )
    assert isinstance(info, AccessTokenInfo)
    assert info.token_type == "Bearer"
    assert _claims(info.token)["tid"] == "aaaaaaaa-0000-0000-0000-000000000002"


async def test_async_credential(emulator: Emulator) -> None:
    async with emulator.async_credential("app") as credential:
        token = await credential.get_token("https://ml.azure.com/.default")
        second = await credential.get_token("https://ai.azure.com/.default")
    assert _claims(token.token)["aud"] == "https://ml.azure.com"
    assert _claims(second.token)["idtyp"] == "app"
    assert list(credential.requested_scopes) == [
        "https://ml.azure.com/.default",
        "https://ai.azure.com/.default",
    ]


@needs_token_info
async def test_async_credential_token_info(emulator: Emulator) -> None:
    async with emulator.async_credential("app") as credential:
        info = await credential.get_token_info("https://ai.azure.com/.default")
    assert isinstance(info, AccessTokenInfo)
    assert _claims(info.token)["aud"] == "https://ai.azure.com"


def test_bearer_token_provider(emulator: Emulator) -> None:
    provider = get_bearer_token_provider(
        emulator.credential("alice"), "https://cognitiveservices.azure.com/.default"
    )
    claims = _claims(provider())
    assert claims["aud"] == "https://cognitiveservices.azure.com"
    assert claims["oid"] == emulator.world.principal("alice").oid


async def test_async_bearer_token_provider(emulator: Emulator) -> None:
    provider = get_async_bearer_token_provider(
        emulator.async_credential("alice"), "https://ai.azure.com/.default"
    )
    assert _claims(await provider())["aud"] == "https://ai.azure.com"
