"""``foundry-doctor demo``: common failures on the bundled emulator, with and without the
one added line, through the real SDK clients."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NAME = "demo"
HELP = "show common Foundry / Azure OpenAI failures explained, on the bundled emulator"


@dataclass(frozen=True)
class _Step:
    title: str
    make_call: Callable[[Any, bool], Callable[[], object]]
    world_changes: dict[str, object]


def _inference(
    endpoint: str, model: str, *, principal: str = "alice", scope: str | None = None
) -> Callable[[Any, bool], Callable[[], object]]:
    def make(emulator: Any, instrumented: bool) -> Callable[[], object]:
        from azure.ai.inference import ChatCompletionsClient
        from azure.ai.inference.models import UserMessage

        import foundry_doctor

        kwargs: dict[str, Any] = {"credential_scopes": [scope]} if scope else {}
        client = ChatCompletionsClient(
            endpoint=endpoint, credential=emulator.credential(principal), **kwargs
        )
        if instrumented:
            client = foundry_doctor.instrument(client)
        messages: Any = [UserMessage("hello")]
        return lambda: client.complete(model=model, messages=messages)

    return make


def _azure_openai(
    endpoint: str,
    model: str,
    *,
    principal: str | None = "alice",
    lifetime: int = 3600,
    key_of: str | None = None,
) -> Callable[[Any, bool], Callable[[], object]]:
    def make(emulator: Any, instrumented: bool) -> Callable[[], object]:
        import openai
        from azure.identity import get_bearer_token_provider

        import foundry_doctor

        auth: dict[str, Any]
        if key_of is not None:
            auth = {"api_key": emulator.key(key_of)}
        else:
            credential = emulator.credential(principal, lifetime=lifetime)
            auth = {
                "azure_ad_token_provider": get_bearer_token_provider(
                    credential, "https://cognitiveservices.azure.com/.default"
                )
            }
        client = openai.AzureOpenAI(
            azure_endpoint=endpoint, api_version="2024-10-21", max_retries=0, **auth
        )
        if instrumented:
            client = foundry_doctor.instrument(client)
        messages: Any = [{"role": "user", "content": "hello"}]
        return lambda: client.chat.completions.create(model=model, messages=messages)

    return make


MODELS = "https://myres.services.ai.azure.com/models"
_COGSVC = "https://cognitiveservices.azure.com/.default"
AOAI = "https://myres.openai.azure.com"

STEPS = (
    _Step(
        "azure-ai-inference with its default token scope (ml.azure.com)",
        _inference(MODELS, "gpt-4o"),
        {},
    ),
    _Step(
        "an identity with no data-plane role",
        _inference(MODELS, "gpt-4o", principal="dave", scope=_COGSVC),
        {},
    ),
    _Step(
        "Cognitive Services OpenAI User calling a non-OpenAI model",
        _inference(MODELS, "Llama-3.3-70B-Instruct", principal="bob", scope=_COGSVC),
        {},
    ),
    _Step("a deployment name that does not exist", _azure_openai(AOAI, "gpt4o"), {}),
    _Step("an expired token", _azure_openai(AOAI, "gpt-4o", lifetime=-600), {}),
    _Step("a token from another tenant", _azure_openai(AOAI, "gpt-4o", principal="eve"), {}),
    _Step("AzureOpenAI pointed at the /models endpoint", _azure_openai(MODELS, "gpt-4o"), {}),
    _Step(
        "the retired Model Inference API",
        _inference(MODELS, "gpt-4o", scope=_COGSVC),
        {"models_api_retired": True},
    ),
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-color", action="store_true", help="plain output")


def run(args: argparse.Namespace) -> int:
    from foundry_doctor.emulator import Emulator

    color = sys.stdout.isatty() and not args.no_color

    def bold(text: str) -> str:
        return f"\033[1m{text}\033[0m" if color else text

    with Emulator() as emulator:
        for number, step in enumerate(STEPS, 1):
            print(bold(f"\n=== {number}. {step.title}"))
            with emulator.modified_world(step.world_changes):
                for instrumented in (False, True):
                    label = "with foundry_doctor.instrument(client)" if instrumented else "bare SDK"
                    print(bold(f"--- {label}:"))
                    try:
                        step.make_call(emulator, instrumented)()
                    except Exception as error:  # the demo shows whatever the SDK raised
                        print(f"{type(error).__name__}: {error}")
                    else:
                        print("the call worked")
    return 0
