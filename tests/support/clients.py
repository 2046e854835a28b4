"""Turn a :class:`~support.scenarios.Scenario` into a real SDK client and call.

The clients are the SDKs' own classes with their default transports; only what a user would
configure is set (endpoint, credential, scopes, api-version). Build them inside an emulator's
routed block (httpx reads the proxy settings when a client is built). Extra keyword arguments
go to the client's constructor, so integration tests can add e.g. ``per_call_policies=[...]``
or ``http_client=...`` and then instrument the client::

    client = build_inference(emulator, scenario, per_call_policies=[policy])
    result = call(client, scenario)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from foundry_doctor.emulator import Emulator
from support.scenarios import (
    COGNITIVE_SERVICES_SCOPE,
    ClientKind,
    Scenario,
)

__all__ = [
    "DEFAULT_AZURE_OPENAI_API_VERSION",
    "INVALID_KEY",
    "PROMPT",
    "acall",
    "build",
    "build_inference",
    "build_openai",
    "call",
    "call_either",
    "expected_exception",
    "stream_text",
]

#: the api-version AzureOpenAI clients get when the scenario does not name one
DEFAULT_AZURE_OPENAI_API_VERSION = "2024-10-21"
#: a well-formed key that belongs to no resource
INVALID_KEY = "0123456789abcdef0123456789abcdef"
PROMPT = "Say hello."


# --- credentials the SDKs do not ship ------------------------------------------------------------


class FixedTokenCredential:
    """A ``TokenCredential`` that returns one fixed string as the token (what a user does when
    they hand a key to a token parameter)."""

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "FixedTokenCredential(***)"

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._value, int(time.time()) + 3600)

    def close(self) -> None:
        return None


class AsyncFixedTokenCredential:
    """The ``AsyncTokenCredential`` twin of :class:`FixedTokenCredential`."""

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "AsyncFixedTokenCredential(***)"

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._value, int(time.time()) + 3600)

    async def close(self) -> None:
        return None


def _key_value(emulator: Emulator, scenario: Scenario) -> str:
    credential = scenario.credential
    if credential.kind == "invalid-key":
        return INVALID_KEY
    return emulator.key(credential.resource or "myres", credential.key_index)


def _token_value(emulator: Emulator, scenario: Scenario) -> str:
    credential = scenario.credential
    assert credential.principal is not None, scenario.name
    return emulator.token(
        credential.principal,
        credential.scope or COGNITIVE_SERVICES_SCOPE,
        lifetime=credential.lifetime,
    )


# --- azure-ai-inference --------------------------------------------------------------------------


def build_inference(
    emulator: Emulator, scenario: Scenario, *, aio: bool = False, **client_kwargs: Any
) -> Any:
    """A ``ChatCompletionsClient`` (``EmbeddingsClient`` for embeddings scenarios), sync or
    ``aio``, configured as the scenario says. ``scope=None`` keeps the SDK's default scope."""
    from azure.core.credentials import AzureKeyCredential

    if aio:
        from azure.ai.inference import aio as package
    else:
        import azure.ai.inference as package  # type: ignore[no-redef]

    credential = scenario.credential
    kwargs: dict[str, Any] = {}
    if credential.kind in ("key", "invalid-key"):
        auth: Any = AzureKeyCredential(_key_value(emulator, scenario))
    elif credential.kind == "token-as-key":
        auth = AzureKeyCredential(_token_value(emulator, scenario))
    elif credential.kind == "key-as-token":
        value = _key_value(emulator, scenario)
        auth = AsyncFixedTokenCredential(value) if aio else FixedTokenCredential(value)
    elif credential.kind == "token":
        assert credential.principal is not None, scenario.name
        make = emulator.async_credential if aio else emulator.credential
        auth = make(credential.principal, lifetime=credential.lifetime)
        if credential.scope is not None:
            kwargs["credential_scopes"] = [credential.scope]
    else:
        raise ValueError(f"azure-ai-inference cannot send {credential.kind!r} credentials")
    if scenario.api_version is not None:
        kwargs["api_version"] = scenario.api_version
    kwargs.update(client_kwargs)
    embeddings = scenario.operation == "embeddings"
    cls = package.EmbeddingsClient if embeddings else package.ChatCompletionsClient
    return cls(endpoint=scenario.endpoint, credential=auth, **kwargs)


# --- openai --------------------------------------------------------------------------------------


def _token_provider(emulator: Emulator, scenario: Scenario, *, aio: bool) -> Callable[[], Any]:
    credential = scenario.credential
    assert credential.principal is not None, scenario.name
    scope = credential.scope or COGNITIVE_SERVICES_SCOPE
    if aio:
        from azure.identity.aio import get_bearer_token_provider as get_async_provider

        async_credential = emulator.async_credential(
            credential.principal, lifetime=credential.lifetime
        )
        return get_async_provider(async_credential, scope)
    from azure.identity import get_bearer_token_provider

    sync_credential = emulator.credential(credential.principal, lifetime=credential.lifetime)
    return get_bearer_token_provider(sync_credential, scope)


_PLACEHOLDER_KEY = "unused-placeholder"  # the client insists on one; the call omits the header


def build_openai(
    emulator: Emulator,
    scenario: Scenario,
    *,
    kind: str = "AzureOpenAI",
    aio: bool = False,
    **client_kwargs: Any,
) -> Any:
    """An openai ``AzureOpenAI`` / ``OpenAI`` client (``Async...`` with ``aio``) configured as
    the scenario says. ``kind`` is ``"AzureOpenAI"`` or ``"OpenAI"`` (the ``openai.`` prefix
    of the scenario's client kinds is accepted too)."""
    import openai

    kind = kind.removeprefix("openai.")
    credential = scenario.credential
    kwargs: dict[str, Any] = {}
    if kind == "AzureOpenAI":
        cls: Any = openai.AsyncAzureOpenAI if aio else openai.AzureOpenAI
        kwargs["azure_endpoint"] = scenario.endpoint
        kwargs["api_version"] = scenario.api_version or DEFAULT_AZURE_OPENAI_API_VERSION
        if credential.kind in ("key", "invalid-key"):
            kwargs["api_key"] = _key_value(emulator, scenario)
        elif credential.kind == "token-as-key":
            kwargs["api_key"] = _token_value(emulator, scenario)
        elif credential.kind == "key-as-token":
            kwargs["azure_ad_token"] = _key_value(emulator, scenario)
        elif credential.kind == "token":
            kwargs["azure_ad_token_provider"] = _token_provider(emulator, scenario, aio=aio)
        else:  # none: see call()
            kwargs["api_key"] = _PLACEHOLDER_KEY
    elif kind == "OpenAI":
        cls = openai.AsyncOpenAI if aio else openai.OpenAI
        kwargs["base_url"] = scenario.endpoint
        if scenario.api_version is not None:
            kwargs["default_query"] = {"api-version": scenario.api_version}
        if credential.kind in ("key", "invalid-key"):
            kwargs["api_key"] = _key_value(emulator, scenario)
        elif credential.kind == "token-as-key":
            kwargs["api_key"] = _token_value(emulator, scenario)
        elif credential.kind == "token":
            kwargs["api_key"] = _token_provider(emulator, scenario, aio=aio)
        elif credential.kind == "none":
            kwargs["api_key"] = _PLACEHOLDER_KEY
        else:
            raise ValueError(f"openai.OpenAI cannot send {credential.kind!r} credentials")
    else:
        raise ValueError(f"unknown openai client kind {kind!r}")
    kwargs.update(client_kwargs)
    return cls(**kwargs)


def build(
    emulator: Emulator,
    scenario: Scenario,
    client: ClientKind,
    *,
    aio: bool = False,
    **client_kwargs: Any,
) -> Any:
    """:func:`build_inference` or :func:`build_openai`, by client kind."""
    if client == "azure-ai-inference":
        return build_inference(emulator, scenario, aio=aio, **client_kwargs)
    return build_openai(emulator, scenario, kind=client, aio=aio, **client_kwargs)


# --- calls ---------------------------------------------------------------------------------------


def _is_inference(client: Any) -> bool:
    return type(client).__module__.startswith("azure.ai.inference")


def _openai_extras(scenario: Scenario) -> dict[str, Any]:
    if scenario.credential.kind != "none":
        return {}
    import openai

    return {"extra_headers": {"api-key": openai.Omit(), "Authorization": openai.Omit()}}


def _model_header(scenario: Scenario) -> dict[str, Any]:
    if scenario.model is None:
        return {}
    return {"headers": {"x-ms-model-mesh-model-name": scenario.model}}


def _inference_chat_kwargs(scenario: Scenario) -> dict[str, Any]:
    from azure.ai.inference.models import UserMessage

    kwargs: dict[str, Any] = {"messages": [UserMessage(PROMPT)]}
    if scenario.model is not None:
        kwargs["model"] = scenario.model
    return kwargs


def call(client: Any, scenario: Scenario, stream: bool = False) -> Any:
    """Make the scenario's call on a sync client. Returns the SDK's result; for ``stream`` the
    list of chunks, read one by one (the stream is consumed and closed)."""
    if _is_inference(client):
        if scenario.operation == "embeddings":
            return client.embed(input=[PROMPT], model=scenario.model)
        if scenario.operation == "model-info":
            return client.get_model_info(**_model_header(scenario))
        kwargs = _inference_chat_kwargs(scenario)
        if stream:
            with client.complete(stream=True, **kwargs) as updates:
                return list(updates)
        return client.complete(**kwargs)
    extras = _openai_extras(scenario)
    if scenario.operation == "embeddings":
        return client.embeddings.create(model=scenario.model or "", input=PROMPT, **extras)
    if scenario.operation == "models":
        return list(client.models.list(**extras))
    if scenario.operation == "responses":
        return client.responses.create(model=scenario.model or "", input=PROMPT, **extras)
    messages = [{"role": "user", "content": PROMPT}]
    if stream:
        with client.chat.completions.create(
            model=scenario.model or "", messages=messages, stream=True, **extras
        ) as chunks:
            return list(chunks)
    return client.chat.completions.create(model=scenario.model or "", messages=messages, **extras)


async def acall(client: Any, scenario: Scenario, stream: bool = False) -> Any:
    """The async twin of :func:`call` (``aio`` inference clients, ``Async*`` openai clients)."""
    if _is_inference(client):
        if scenario.operation == "embeddings":
            return await client.embed(input=[PROMPT], model=scenario.model)
        if scenario.operation == "model-info":
            return await client.get_model_info(**_model_header(scenario))
        kwargs = _inference_chat_kwargs(scenario)
        if stream:
            updates = await client.complete(stream=True, **kwargs)
            async with updates:
                return [update async for update in updates]
        return await client.complete(**kwargs)
    extras = _openai_extras(scenario)
    if scenario.operation == "embeddings":
        return await client.embeddings.create(model=scenario.model or "", input=PROMPT, **extras)
    if scenario.operation == "models":
        return [model async for model in client.models.list(**extras)]
    if scenario.operation == "responses":
        return await client.responses.create(model=scenario.model or "", input=PROMPT, **extras)
    messages = [{"role": "user", "content": PROMPT}]
    if stream:
        chunks = await client.chat.completions.create(
            model=scenario.model or "", messages=messages, stream=True, **extras
        )
        async with chunks:
            return [chunk async for chunk in chunks]
    return await client.chat.completions.create(
        model=scenario.model or "", messages=messages, **extras
    )


async def call_either(client: Any, scenario: Scenario, *, aio: bool, stream: bool = False) -> Any:
    """:func:`acall` on an async client (``aio``), :func:`call` on a sync one."""
    if aio:
        return await acall(client, scenario, stream=stream)
    return call(client, scenario, stream=stream)


def stream_text(chunks: list[Any]) -> list[str]:
    """The non-empty content deltas of streamed chunks, in order (either SDK)."""
    parts: list[str] = []
    for chunk in chunks:
        for choice in chunk.choices or ():
            content = getattr(choice.delta, "content", None)
            if content:
                parts.append(content)
    return parts


def expected_exception(client: ClientKind, status: int) -> type[BaseException]:
    """The exception class the SDK raises for ``status`` on its own."""
    if client == "azure-ai-inference":
        from azure.core.exceptions import (
            ClientAuthenticationError,
            HttpResponseError,
            ResourceNotFoundError,
        )

        return {401: ClientAuthenticationError, 404: ResourceNotFoundError}.get(
            status, HttpResponseError
        )
    import openai

    return {
        400: openai.BadRequestError,
        401: openai.AuthenticationError,
        403: openai.PermissionDeniedError,
        404: openai.NotFoundError,
    }.get(status, openai.APIStatusError)
