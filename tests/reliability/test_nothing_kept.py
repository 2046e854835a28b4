"""Nothing secret is kept after a call: no cache of foundry-doctor holds a URL's user info or the
values of its query (keys, signatures, codes, tokens) once the call that brought them is over.

Each test runs one public entry point on a URL that carries a secret made at run time, drops its
own references, and then searches every object the garbage collector tracks (frames excepted:
they are the test's own locals) for a string that still holds the secret.
"""

from __future__ import annotations

import gc
import secrets
import types
from collections.abc import Callable

import pytest

from foundry_doctor import diagnose, diagnose_text
from foundry_doctor.facts import Facts
from foundry_doctor.facts.endpoints import classify_endpoint


def _kept(needle: str) -> list[str]:
    """Strings that hold ``needle`` and are referenced by something other than a frame."""
    gc.collect()
    found = []
    for holder in gc.get_objects():
        if isinstance(holder, types.FrameType):
            continue
        for value in gc.get_referents(holder):
            if isinstance(value, str) and needle in value:
                found.append(f"{type(holder).__name__}: {value[:80]}")
    return found


def _secret() -> str:
    return f"Kp{secrets.token_hex(10)}Zq"


def _urls(secret: str) -> list[str]:
    base = "myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
    return [
        f"https://svc:{secret}@{base}?api-version=2024-10-21",
        f"https://{base}?api-version=2024-10-21&api-key={secret}",
        f"https://{base}?sig={secret}&api-version=2024-10-21",
        f"https://{base}?api-version=2024-10-21&code={secret}#token={secret}",
        f"https://svc:a/{secret}@{base}",
    ]


def _classify(url: str) -> None:
    info = classify_endpoint(url)
    assert info is not None
    assert info.resource == "myres"
    assert info.deployment == "gpt-4o"


def _diagnose(url: str) -> None:
    facts = Facts.observe(
        status=404,
        body=b'{"error":{"code":"DeploymentNotFound","message":"The API deployment for this '
        b'resource does not exist."}}',
        client="openai.AzureOpenAI",
        endpoint=url.split("/openai/", 1)[0],
        url=url,
        credential="api-key",
    )
    assert diagnose(facts).rule == "deployment-not-found"


def _diagnose_text(url: str) -> None:
    diagnose_text(f"openai.NotFoundError: Error code: 404 - POST {url} DeploymentNotFound")


@pytest.mark.parametrize("entry", [_classify, _diagnose, _diagnose_text])
@pytest.mark.parametrize("index", range(5))
def test_no_cache_keeps_a_secret_of_a_url(entry: Callable[[str], None], index: int) -> None:
    secret = _secret()
    entry(_urls(secret)[index])
    entry(_urls(secret)[index])  # a second time: the answer may come from a cache
    assert _kept(secret) == []


def test_urls_are_still_classified_from_the_cache() -> None:
    """The cache keeps working for URLs that differ only in their secrets."""
    first, second = (classify_endpoint(_urls(_secret())[1]) for _ in range(2))
    assert first is second  # one cached classification for both
