"""foundry-doctor with the plain OpenAI client on an Azure v1 endpoint (``/openai/v1/``), the
way azure-ai-projects' ``get_openai_client()`` builds it: a token provider as ``api_key``.

Run it as it is to see it against the bundled emulator (no Azure account needed):

    python samples/openai_v1_diagnostics.py

or against your own resource (signed in with ``az login``):

    AZURE_OPENAI_BASE_URL=https://<resource>.openai.azure.com/openai/v1/ \\
    AZURE_OPENAI_MODEL=<deployment> python samples/openai_v1_diagnostics.py

Against the emulator it signs in as ``bob``, who holds *Cognitive Services OpenAI User* only,
and calls a non-OpenAI model (DeepSeek-R1): the service answers 401, and the diagnosis names
the missing role, the principal, and the ``az role assignment`` command that fixes it. It also
shows the async client and a streamed call, which fail the same way before any chunk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

import openai

import foundry_doctor

SCOPE = "https://cognitiveservices.azure.com/.default"
MESSAGES: list[Any] = [{"role": "user", "content": "Say hello."}]


@contextlib.contextmanager
def _target() -> Iterator[tuple[str, str, Any, Any]]:
    """``(base_url, model, token provider, async token provider)``."""
    from azure.identity import get_bearer_token_provider
    from azure.identity.aio import get_bearer_token_provider as get_async_token_provider

    base_url = os.environ.get("AZURE_OPENAI_BASE_URL")
    if base_url:
        from azure.identity import DefaultAzureCredential
        from azure.identity.aio import DefaultAzureCredential as AsyncDefaultAzureCredential

        yield (
            base_url,
            os.environ.get("AZURE_OPENAI_MODEL", "DeepSeek-R1"),
            get_bearer_token_provider(DefaultAzureCredential(), SCOPE),
            get_async_token_provider(AsyncDefaultAzureCredential(), SCOPE),
        )
        return
    from foundry_doctor.emulator import Emulator

    with Emulator() as emulator:
        yield (
            "https://myres.openai.azure.com/openai/v1/",
            "DeepSeek-R1",
            get_bearer_token_provider(emulator.credential("bob"), SCOPE),
            get_async_token_provider(emulator.async_credential("bob"), SCOPE),
        )


def _show(error: openai.APIStatusError) -> None:
    diagnosis = foundry_doctor.explain(error)
    print(f"{type(error).__name__}: {error.message}")
    if diagnosis is not None:
        print(f"  -> {diagnosis.summary}")
        for step in diagnosis.fix:
            print(f"     fix: {step}")


async def _async_call(base_url: str, model: str, token_provider: Any) -> None:
    client = foundry_doctor.instrument(
        openai.AsyncOpenAI(base_url=base_url, api_key=token_provider)
    )
    try:
        stream = await client.chat.completions.create(model=model, messages=MESSAGES, stream=True)
        async with stream:
            async for chunk in stream:
                print(chunk.choices[0].delta.content or "", end="")
        print()
    except openai.APIStatusError as error:
        _show(error)


def main() -> None:
    # the WARNING record is what shows up in your application logs
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with _target() as (base_url, model, token_provider, async_token_provider):
        client = openai.OpenAI(base_url=base_url, api_key=token_provider)
        client = foundry_doctor.instrument(client)  # <- the one added line

        try:
            reply = client.chat.completions.create(model=model, messages=MESSAGES)
        except openai.APIStatusError as error:  # the except clause you already have
            print(error)  # openai's message, then the diagnosis
        else:
            print(reply.choices[0].message.content)

        print("\n--- the same call, async and streamed ---")
        asyncio.run(_async_call(base_url, model, async_token_provider))


if __name__ == "__main__":
    main()
