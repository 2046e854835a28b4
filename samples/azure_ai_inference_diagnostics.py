"""foundry-doctor with azure-ai-inference: the one-line set-up.

Run it as it is to see it against the bundled emulator (no Azure account needed):

    python samples/azure_ai_inference_diagnostics.py

or against your own resource:

    AZURE_AI_ENDPOINT=https://<resource>.services.ai.azure.com/models \\
    AZURE_AI_MODEL=<deployment> python samples/azure_ai_inference_diagnostics.py

It deliberately keeps azure-ai-inference's default token scope (``https://ml.azure.com/.default``),
the most common cause of a 401 with Foundry endpoints, to show what the diagnosis says.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.credentials import TokenCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

import foundry_doctor


@contextlib.contextmanager
def _target() -> Iterator[tuple[str, str, TokenCredential]]:
    endpoint = os.environ.get("AZURE_AI_ENDPOINT")
    if endpoint:
        from azure.identity import DefaultAzureCredential

        yield endpoint, os.environ.get("AZURE_AI_MODEL", "gpt-4o"), DefaultAzureCredential()
        return
    from foundry_doctor.emulator import Emulator

    with Emulator() as emulator:
        yield (
            "https://myres.services.ai.azure.com/models",
            "gpt-4o",
            emulator.credential("alice"),
        )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with _target() as (endpoint, model, credential):
        client = ChatCompletionsClient(endpoint=endpoint, credential=credential)
        client = foundry_doctor.instrument(client)  # <- the one added line

        try:
            client.complete(model=model, messages=[UserMessage("Say hello.")])
        except ClientAuthenticationError as error:  # the except clause you already have
            diagnosis = foundry_doctor.explain(error)
            print(error)
            if diagnosis is not None:
                print(
                    "\nrule:", diagnosis.rule, "| fix:", diagnosis.fix[0] if diagnosis.fix else "-"
                )
        except HttpResponseError as error:
            print(error)
        else:
            print("The call worked.")


if __name__ == "__main__":
    main()
