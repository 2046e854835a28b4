"""foundry-doctor with openai's AzureOpenAI client: the one-line set-up.

Run it as it is to see it against the bundled emulator (no Azure account needed):

    python samples/azure_openai_diagnostics.py

or against your own resource (signed in with ``az login``):

    AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com \\
    AZURE_OPENAI_DEPLOYMENT=<deployment> python samples/azure_openai_diagnostics.py

It deliberately asks for a token with the Foundry *project* scope (``https://ai.azure.com/.default``),
which the classic Azure OpenAI endpoint refuses, to show what the diagnosis says. Set
``AZURE_OPENAI_SCOPE=https://cognitiveservices.azure.com/.default`` to make the call work.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

import openai
from azure.core.credentials import TokenCredential
from azure.identity import get_bearer_token_provider

import foundry_doctor

SCOPE = os.environ.get("AZURE_OPENAI_SCOPE", "https://ai.azure.com/.default")


@contextlib.contextmanager
def _target() -> Iterator[tuple[str, str, TokenCredential]]:
    endpoint = os.environ.get("AZURE_OPENAI_ENDPOINT")
    if endpoint:
        from azure.identity import DefaultAzureCredential

        yield (
            endpoint,
            os.environ.get("AZURE_OPENAI_DEPLOYMENT", "gpt-4o"),
            DefaultAzureCredential(),
        )
        return
    from foundry_doctor.emulator import Emulator

    with Emulator() as emulator:
        yield "https://myres.openai.azure.com", "gpt-4o", emulator.credential("alice")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with _target() as (endpoint, deployment, credential):
        client = openai.AzureOpenAI(
            azure_endpoint=endpoint,
            azure_ad_token_provider=get_bearer_token_provider(credential, SCOPE),
            api_version="2024-10-21",
        )
        client = foundry_doctor.instrument(client)  # <- the one added line

        try:
            client.chat.completions.create(
                model=deployment, messages=[{"role": "user", "content": "Say hello."}]
            )
        except openai.AuthenticationError as error:  # the except clause you already have
            print(error)  # openai's message, then the diagnosis
            diagnosis = foundry_doctor.explain(error)
            if diagnosis is not None:
                print("\nrule:", diagnosis.rule)
                print("fix: ", diagnosis.fix[0] if diagnosis.fix else "-")
        except openai.APIStatusError as error:
            print(error)
        else:
            print("The call worked.")


if __name__ == "__main__":
    main()
