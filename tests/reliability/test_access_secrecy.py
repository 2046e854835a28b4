"""The access check keeps the promises of the rest of foundry-doctor.

* **Nothing secret, nothing personal.** ``foundry-doctor access`` (text and JSON, stdout and
  stderr) and every record of the ``foundry_doctor`` logger at DEBUG hold no token (the
  caller's Resource Manager token, a token given as the principal, one inside a pasted error),
  no key, no JWT-shaped text at all, and no person's upn, although Resource Manager's own
  answers carry upns (``AuthorizationFailed`` names the client, PIM instances an e-mail).
* **Never automatic.** ``instrument()`` never asks Resource Manager: a diagnosed refusal on an
  instrumented client sends exactly the data-plane requests the bare client sends.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from azure.identity import get_bearer_token_provider

import foundry_doctor
from foundry_doctor.cli import main
from foundry_doctor.emulator import Emulator

AOAI = "https://myres.openai.azure.com"
_ANY_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


CANARY_UPN = "access.canary@fabrikam.example"
CANARY_SIGNATURE = _b64(b"foundry-doctor access canary: never to be shown")
CANARY_JWT = ".".join(
    (
        _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode()),
        _b64(
            json.dumps(
                {
                    "aud": "https://cognitiveservices.azure.com",
                    "tid": "aaaaaaaa-0000-0000-0000-000000000001",
                    "oid": "bbbbbbbb-0000-0000-0000-00000000000b",
                    "idtyp": "app",
                    "upn": CANARY_UPN,
                    "exp": 4102444800,
                }
            ).encode()
        ),
        CANARY_SIGNATURE,
    )
)


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    logger = logging.getLogger("foundry_doctor")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _forbidden(emu: Emulator) -> list[str]:
    found = [CANARY_UPN, CANARY_SIGNATURE, CANARY_JWT]
    found += [key for resource in emu.world.resources.values() for key in resource.keys]
    found += [p.upn for p in emu.world.principals.values() if p.upn]
    return found


RUNS = [
    ["--principal", "alice", "--deployment", "gpt-4o"],
    ["--principal", "alice", "--principal-id", "ivan"],
    ["--principal", "dave", "--deployment", "gpt-4o"],
    ["--principal", "app", "--principal-id", "uami-batch"],
    ["--principal", "bob", "--model", "DeepSeek-R1"],
    ["--principal", "frank", "--model", "gpt-4o"],
    ["--principal", "alice", "--principal-id", CANARY_JWT],
]


@pytest.mark.azure
@pytest.mark.parametrize("args", RUNS, ids=lambda args: "-".join(args[1::2])[:40])
@pytest.mark.parametrize("output", ["text", "json"])
def test_nothing_secret_in_the_access_command(
    emu: Emulator,
    capsys: pytest.CaptureFixture[str],
    logged: io.StringIO,
    args: list[str],
    output: str,
) -> None:
    extra = ["--json"] if output == "json" else []
    code = main(["access", "--emulator", "--endpoint", AOAI, *args, *extra])
    assert code in (0, 1, 3)
    captured = capsys.readouterr()
    shown = captured.out + captured.err + logged.getvalue()
    assert _ANY_JWT.search(shown) is None
    assert "Bearer " not in shown
    for secret in _forbidden(emu):
        assert secret not in shown


@pytest.mark.azure
def test_nothing_secret_from_a_pasted_error(
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    logged: io.StringIO,
) -> None:
    key = emu.key("myres")
    token = emu.token("alice", "https://management.azure.com/.default")
    monkeypatch.setenv("ARM_TOKEN", token)
    pasted = (
        f"POST {AOAI}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21\n"
        f"Authorization: Bearer {CANARY_JWT}\napi-key: {key}\n"
        'Error code: 401 - {"error":{"code":"PermissionDenied","message":"Principal does not '
        'have access to API/Operation."}}'
    )
    for extra in ([], ["--json"]):
        code = main(["access", "--token-env", "ARM_TOKEN", "--error", pasted, *extra])
        assert code in (0, 1, 3)
        captured = capsys.readouterr()
        shown = captured.out + captured.err + logged.getvalue()
        assert token not in shown
        assert _ANY_JWT.search(shown) is None
        for secret in _forbidden(emu):
            assert secret not in shown
        assert "bbbbbbbb-0000-0000-0000-00000000000b" in shown  # the principal, by object id


@pytest.mark.openai
@pytest.mark.parametrize("principal", ["dave", "bob", "frank"])
def test_instrument_never_asks_resource_manager(emu: Emulator, principal: str) -> None:
    def attempt(instrumented: bool) -> tuple[Any, list[tuple[str | None, str, int]]]:
        provider = get_bearer_token_provider(
            emu.credential(principal), "https://cognitiveservices.azure.com/.default"
        )
        client = openai.AzureOpenAI(
            azure_endpoint=AOAI,
            api_version="2024-10-21",
            azure_ad_token_provider=provider,
            max_retries=0,
        )
        if instrumented:
            client = foundry_doctor.instrument(client)
        emu.clear_requests()
        with pytest.raises(openai.APIStatusError) as caught:
            client.chat.completions.create(
                model="DeepSeek-R1" if principal == "bob" else "gpt-4o",
                messages=[{"role": "user", "content": "hi"}],
            )
        return caught.value, [(r.service, r.path, r.status) for r in emu.requests]

    bare_error, bare = attempt(False)
    error, seen = attempt(True)
    assert seen == bare
    assert {service for service, _, _ in seen} == {"foundry"}
    assert type(error).__name__ == type(bare_error).__name__
    assert foundry_doctor.explain(error) is not None
