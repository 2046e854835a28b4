"""``foundry-doctor demo``: common failures on the bundled emulator, with and without the
one added line, through the real SDK clients."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from foundry_doctor.cli.extras import EMULATOR, SDKS, require

NAME = "demo"
HELP = "show common Foundry / Azure OpenAI failures explained, on the bundled emulator"


@dataclass(frozen=True)
class _Step:
    title: str
    make_call: Callable[[Any, bool], Callable[[], object]]
    world_changes: dict[str, object]
    #: the environment the call runs in (a managed-identity host), when it needs one
    environment: Callable[[Any], AbstractContextManager[Any]] | None = None


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
    scope: str = "https://cognitiveservices.azure.com/.default",
    key_of: str | None = None,
    key_as_token: bool = False,
) -> Callable[[Any, bool], Callable[[], object]]:
    def make(emulator: Any, instrumented: bool) -> Callable[[], object]:
        import openai
        from azure.identity import get_bearer_token_provider

        import foundry_doctor

        auth: dict[str, Any]
        if key_as_token:
            auth = {"azure_ad_token": emulator.key("myres")}
        elif key_of is not None:
            auth = {"api_key": emulator.key(key_of)}
        else:
            credential = emulator.credential(principal, lifetime=lifetime)
            auth = {"azure_ad_token_provider": get_bearer_token_provider(credential, scope)}
        client = openai.AzureOpenAI(
            azure_endpoint=endpoint, api_version="2024-10-21", max_retries=0, **auth
        )
        if instrumented:
            client = foundry_doctor.instrument(client)
        messages: Any = [{"role": "user", "content": "hello"}]
        return lambda: client.chat.completions.create(model=model, messages=messages)

    return make


def _openai_v1(
    model: str,
    *,
    principal: str | None = None,
    api_version: str | None = None,
) -> Callable[[Any, bool], Callable[[], object]]:
    """The OpenAI class on the resource's v1 endpoint, with a key or a principal's token."""

    def make(emulator: Any, instrumented: bool) -> Callable[[], object]:
        import openai
        from azure.identity import get_bearer_token_provider

        import foundry_doctor

        api_key: Any = emulator.key("myres")
        if principal is not None:
            api_key = get_bearer_token_provider(
                emulator.credential(principal), "https://ai.azure.com/.default"
            )
        query = {"api-version": api_version} if api_version else None
        client = openai.OpenAI(base_url=V1, api_key=api_key, default_query=query, max_retries=0)
        if instrumented:
            client = foundry_doctor.instrument(client)
        messages: Any = [{"role": "user", "content": "hello"}]
        return lambda: client.chat.completions.create(model=model, messages=messages)

    return make


def _token_failure(
    *, id_for_value: bool = False, scope: str = "https://cognitiveservices.azure.com/.default"
) -> Callable[[Any, bool], Callable[[], object]]:
    """AzureOpenAI with the real ClientSecretCredential of the emulated app registration,
    given its secret's value or, with ``id_for_value``, the secret's ID (the usual slip)."""

    def make(emulator: Any, instrumented: bool) -> Callable[[], object]:
        import openai
        from azure.identity import ClientSecretCredential, get_bearer_token_provider

        import foundry_doctor

        app = emulator.world.app("chat-backend")
        value = app.secrets[0].secret_id if id_for_value else emulator.client_secret(app.name)
        credential = ClientSecretCredential(app.tenant_id, app.client_id, value)
        client = openai.AzureOpenAI(
            azure_endpoint=AOAI,
            api_version="2024-10-21",
            azure_ad_token_provider=get_bearer_token_provider(credential, scope),
        )
        if instrumented:
            client = foundry_doctor.instrument(client)
        messages: Any = [{"role": "user", "content": "hello"}]
        return lambda: client.chat.completions.create(model="gpt-4o", messages=messages)

    return make


def _managed_identity(client_id: str) -> Callable[[Any, bool], Callable[[], object]]:
    """The real ManagedIdentityCredential asking the host for an identity by ``client_id``."""

    def make(emulator: Any, instrumented: bool) -> Callable[[], object]:
        import openai
        from azure.identity import ManagedIdentityCredential, get_bearer_token_provider

        import foundry_doctor

        provider = get_bearer_token_provider(
            ManagedIdentityCredential(client_id=client_id), "https://ai.azure.com/.default"
        )
        client = openai.OpenAI(base_url=V1, api_key=provider)
        if instrumented:
            client = foundry_doctor.instrument(client)
        messages: Any = [{"role": "user", "content": "hello"}]
        return lambda: client.chat.completions.create(model="gpt-4o", messages=messages)

    return make


def _on_app_service(emulator: Any) -> AbstractContextManager[Any]:
    return emulator.managed_identity_environment("app-service")  # type: ignore[no-any-return]


MODELS = "https://myres.services.ai.azure.com/models"
_COGSVC = "https://cognitiveservices.azure.com/.default"
AOAI = "https://myres.openai.azure.com"
V1 = f"{AOAI}/openai/v1/"

#: one cause per step, on the current surfaces; the retired Model Inference API comes last
STEPS = (
    _Step(
        "AzureOpenAI with a token for another audience (ml.azure.com)",
        _azure_openai(AOAI, "gpt-4o", scope="https://ml.azure.com/.default"),
        {},
    ),
    _Step("an identity with no data-plane role", _openai_v1("gpt-4o", principal="dave"), {}),
    _Step(
        "Cognitive Services OpenAI User calling a non-OpenAI model",
        _openai_v1("DeepSeek-R1", principal="bob"),
        {},
    ),
    _Step(
        "an API key sent as a bearer token",
        _azure_openai(AOAI, "gpt-4o", key_as_token=True),
        {},
    ),
    _Step("a deployment name that does not exist", _azure_openai(AOAI, "gpt4o"), {}),
    _Step("an expired token", _azure_openai(AOAI, "gpt-4o", lifetime=-600), {}),
    _Step("a token from another tenant", _azure_openai(AOAI, "gpt-4o", principal="eve"), {}),
    _Step(
        "AzureOpenAI pointed at the v1 endpoint",
        _azure_openai(f"{AOAI}/openai/v1", "gpt-4o", key_of="myres"),
        {},
    ),
    _Step(
        "a dated api-version on the v1 path",
        _openai_v1("gpt-4o", api_version="2024-10-21"),
        {},
    ),
    _Step("a client secret's ID given as its value", _token_failure(id_for_value=True), {}),
    _Step(
        "a token scope without the slash before .default",
        _token_failure(scope="https://cognitiveservices.azure.com.default"),
        {},
    ),
    _Step(
        "a managed identity that the App Service host does not have",
        _managed_identity("dddddddd-0000-0000-0000-0000000000ff"),
        {},
        environment=_on_app_service,
    ),
    _Step(
        "the retired Model Inference API",
        _inference(MODELS, "gpt-4o", scope=_COGSVC),
        {"models_api_retired": True},
    ),
)


#: the access check the tour ends with: what Resource Manager says about step 3's identity
ACCESS_CHECK = {"principal": "bob", "endpoint": f"{AOAI}/openai/v1/", "model": "DeepSeek-R1"}
ACCESS_TITLE = "foundry-doctor access: what bob holds, and what DeepSeek-R1 needs"


def _access_check(emulator: Any) -> Any:
    from foundry_doctor.access import check_access

    return check_access(
        ACCESS_CHECK["endpoint"],
        credential=emulator.credential(ACCESS_CHECK["principal"]),
        model=ACCESS_CHECK["model"],
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-color", action="store_true", help="plain output")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per step, one per line"
    )


def _attempt(step: _Step, emulator: Any, instrumented: bool) -> dict[str, Any]:
    """One call of a step: what the caller got, as data."""
    import foundry_doctor

    try:
        step.make_call(emulator, instrumented)()
    except Exception as error:  # the demo shows whatever the SDK raised
        # what the exception carries (explain() would diagnose a bare credential error too)
        diagnosis = getattr(error, "diagnosis", None)
        if not isinstance(diagnosis, foundry_doctor.Diagnosis):
            diagnosis = None
        return {
            "instrumented": instrumented,
            "ok": False,
            "exception": f"{type(error).__module__}.{type(error).__qualname__}",
            "message": str(error),
            "diagnosis": diagnosis.to_dict() if diagnosis is not None else None,
        }
    return {"instrumented": instrumented, "ok": True}


#: what the demo's steps import: the emulator, both SDKs and azure-identity's token provider
REQUIRED = {
    **EMULATOR,
    **{name: SDKS[name] for name in ("azure.ai.inference", "openai", "azure.identity")},
}


def run(args: argparse.Namespace) -> int:
    require("the demo", REQUIRED)
    from foundry_doctor.emulator import Emulator
    from foundry_doctor.facts.redaction import safe_url

    color = sys.stdout.isatty() and not args.no_color and not args.json

    def bold(text: str) -> str:
        return f"\033[1m{text}\033[0m" if color else text

    # loopback only: a managed-identity step must never reach a real metadata endpoint
    with Emulator(loopback_only=True) as emulator:
        for number, step in enumerate(STEPS, 1):
            environment = step.environment(emulator) if step.environment else None
            with (
                emulator.modified_world(step.world_changes),
                environment if environment is not None else contextlib.nullcontext(),
            ):
                attempts = [
                    _attempt(step, emulator, instrumented) for instrumented in (False, True)
                ]
            if args.json:
                record = {"step": number, "title": step.title, "attempts": attempts}
                print(json.dumps(record, ensure_ascii=False))
                continue
            print(bold(f"\n=== {number}. {step.title}"))
            for attempt in attempts:
                label = (
                    "with foundry_doctor.instrument(client)"
                    if attempt["instrumented"]
                    else "bare SDK"
                )
                print(bold(f"--- {label}:"))
                if attempt["ok"]:
                    print("the call worked")
                else:
                    name = attempt["exception"].rsplit(".", 1)[-1]
                    print(f"{name}: {attempt['message']}")
        report = _access_check(emulator)
        if args.json:
            record = {"access": ACCESS_TITLE, "report": report.to_dict()}
            print(json.dumps(record, ensure_ascii=False))
        else:
            print(bold(f"\n=== {ACCESS_TITLE}"))
            print(
                f"$ foundry-doctor access --emulator --principal {ACCESS_CHECK['principal']} "
                f"--endpoint {safe_url(ACCESS_CHECK['endpoint'])} --model {ACCESS_CHECK['model']}"
            )
            print(report.render())
    return 0
