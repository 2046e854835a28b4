"""The options ``check`` and ``probe`` share: which client, which endpoint, which credential, and
their defaults from the environment variables the SDKs themselves read.

Flags win over the environment. When ``--client`` is not given it is read from which endpoint
variable is set, or guessed from the endpoint's shape (and said to be a guess).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from foundry_doctor.cli import UsageError
from foundry_doctor.facts.configuration import Configuration
from foundry_doctor.facts.observation import CredentialKind
from foundry_doctor.facts.versions import installed_versions

__all__ = [
    "AUTH_KINDS",
    "CLIENT_NAMES",
    "ClientChoice",
    "add_client_arguments",
    "choose_client",
]

#: ``--client`` values -> client kinds as facts spell them
CLIENT_NAMES: Mapping[str, str] = {
    "azure-ai-inference": "azure-ai-inference",
    "AzureOpenAI": "openai.AzureOpenAI",
    "OpenAI": "openai.OpenAI",
    "AIProjectClient": "azure-ai-projects",
}
_CLIENT_ALIASES = {
    "inference": "azure-ai-inference",
    "chatcompletionsclient": "azure-ai-inference",
    "azureopenai": "AzureOpenAI",
    "azure-openai": "AzureOpenAI",
    "openai": "OpenAI",
    "aiprojectclient": "AIProjectClient",
    "projects": "AIProjectClient",
    "azure-ai-projects": "AIProjectClient",
}

#: ``--auth`` values -> the credential kind the client is configured with
AUTH_KINDS: Mapping[str, CredentialKind] = {"key": "api-key", "entra": "token", "none": "none"}

#: endpoint variables per client, first match wins; also how an unnamed client is recognised
ENDPOINT_VARIABLES: Mapping[str, tuple[str, ...]] = {
    "AzureOpenAI": ("AZURE_OPENAI_ENDPOINT",),
    "azure-ai-inference": (
        "AZURE_AI_ENDPOINT",
        "AZURE_AI_INFERENCE_ENDPOINT",
        "AZURE_AI_CHAT_ENDPOINT",
        "AZURE_INFERENCE_ENDPOINT",
    ),
    "AIProjectClient": ("AZURE_AI_PROJECT_ENDPOINT", "PROJECT_ENDPOINT"),
    "OpenAI": ("OPENAI_BASE_URL",),
}
#: key variables per client: when one is set and --auth is not given, the client uses a key
KEY_VARIABLES: Mapping[str, tuple[str, ...]] = {
    "AzureOpenAI": ("AZURE_OPENAI_API_KEY",),
    "azure-ai-inference": (
        "AZURE_AI_API_KEY",
        "AZURE_AI_INFERENCE_KEY",
        "AZURE_AI_CHAT_KEY",
        "AZURE_INFERENCE_CREDENTIAL",
    ),
    "AIProjectClient": (),
    "OpenAI": ("OPENAI_API_KEY",),
}
_TOKEN_VARIABLES: Mapping[str, tuple[str, ...]] = {"AzureOpenAI": ("AZURE_OPENAI_AD_TOKEN",)}
_MODEL_VARIABLES = (
    "AZURE_OPENAI_DEPLOYMENT",
    "AZURE_OPENAI_DEPLOYMENT_NAME",
    "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME",
    "AZURE_AI_MODEL",
    "AZURE_AI_CHAT_MODEL",
    "MODEL_DEPLOYMENT_NAME",
)
_API_VERSION_VARIABLES = ("OPENAI_API_VERSION", "AZURE_OPENAI_API_VERSION")
_SDK_PIN = re.compile(r"^\s*([A-Za-z0-9_.@/-]+)\s*={1,2}\s*([0-9][0-9A-Za-z.+-]*)\s*$")


def add_client_arguments(parser: argparse.ArgumentParser) -> None:
    """The client, endpoint and credential options."""
    group = parser.add_argument_group("the client (defaults come from environment variables)")
    group.add_argument(
        "--client",
        metavar="KIND",
        help="azure-ai-inference, AzureOpenAI, OpenAI (pointed at /openai/v1/) or "
        "AIProjectClient; guessed from the environment or the endpoint when not given",
    )
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help="what the client is given (endpoint= / azure_endpoint= / base_url=); default "
        "AZURE_OPENAI_ENDPOINT, AZURE_AI_ENDPOINT, AZURE_AI_PROJECT_ENDPOINT or OPENAI_BASE_URL",
    )
    group.add_argument(
        "--auth",
        choices=tuple(AUTH_KINDS),
        help="key (an API key), entra (Microsoft Entra ID tokens) or none; default: key when "
        "a key variable such as AZURE_OPENAI_API_KEY is set",
    )
    group.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="token scope the client asks for (credential_scopes=...; repeatable)",
    )
    group.add_argument(
        "--model",
        metavar="NAME",
        help="the deployment (model) name the calls use; default AZURE_OPENAI_DEPLOYMENT, "
        "AZURE_AI_MODEL or MODEL_DEPLOYMENT_NAME",
    )
    group.add_argument(
        "--deployment",
        metavar="NAME",
        help="AzureOpenAI's azure_deployment= (the deployment fixed in the client)",
    )
    group.add_argument(
        "--api-version",
        metavar="VERSION",
        help="the api-version the client sends; default OPENAI_API_VERSION",
    )
    group.add_argument(
        "--operation",
        choices=("chat/completions", "embeddings", "images/embeddings", "responses"),
        help="the call to judge (default chat/completions; embeddings for an embeddings model)",
    )
    group.add_argument(
        "--sdk",
        action="append",
        metavar="PACKAGE==VERSION",
        help="judge as if this SDK release were installed (repeatable), e.g. openai==1.30.0",
    )


@dataclass(frozen=True, slots=True)
class ClientChoice:
    """The configuration the options describe, plus how it was arrived at: ``client_name`` as
    ``--client`` spells it, whether it was guessed from the endpoint, and which environment
    variable each value not given as a flag came from."""

    configuration: Configuration
    client_name: str
    guessed_client: bool
    sources: Mapping[str, str]


def _first(environ: Mapping[str, str], names: Sequence[str]) -> tuple[str, str] | None:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return None


def _client_name(given: str | None) -> str | None:
    if given is None:
        return None
    if given in CLIENT_NAMES:
        return given
    alias = _CLIENT_ALIASES.get(given.strip().lower())
    if alias is None:
        choices = ", ".join(CLIENT_NAMES)
        raise UsageError(f"unknown client {given!r}; choose one of {choices}")
    return alias


def _guess_from_endpoint(endpoint: str) -> str:
    path = endpoint.lower().split("?", 1)[0].rstrip("/")
    if "/api/projects/" in path:
        return "AIProjectClient"
    if path.endswith("/openai/v1") or "/openai/v1/" in path:
        return "OpenAI"
    if path.endswith("/models") or "/models/" in path or ".models.ai.azure.com" in path:
        return "azure-ai-inference"
    return "AzureOpenAI"


def _sdk_versions(pins: Sequence[str] | None) -> dict[str, str]:
    versions = dict(installed_versions())
    for pin in pins or ():
        match = _SDK_PIN.match(pin)
        if match is None:
            raise UsageError(f"--sdk wants PACKAGE==VERSION, got {pin!r}")
        versions[match.group(1).lower()] = match.group(2)
    return versions


def choose_client(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> ClientChoice:
    """The configuration from the options, filled in from ``environ`` (``os.environ``)."""
    env = os.environ if environ is None else environ
    sources: dict[str, str] = {}
    name = _client_name(args.client)
    endpoint: str | None = args.endpoint
    guessed = False
    if name is None:
        for candidate, variables in ENDPOINT_VARIABLES.items():
            found = _first(env, variables)
            if found is not None and (endpoint is None or found[1] == endpoint):
                name = candidate
                sources["client"] = found[0]
                break
        if name is None:
            if not endpoint:
                raise UsageError(
                    "no endpoint: give --endpoint URL or set AZURE_OPENAI_ENDPOINT / "
                    "AZURE_AI_ENDPOINT / AZURE_AI_PROJECT_ENDPOINT / OPENAI_BASE_URL"
                )
            name, guessed = _guess_from_endpoint(endpoint), True
    if not endpoint:
        found = _first(env, ENDPOINT_VARIABLES[name])
        if found is None:
            wanted = " or ".join(ENDPOINT_VARIABLES[name])
            raise UsageError(f"no endpoint for {name}: give --endpoint URL or set {wanted}")
        sources["endpoint"], endpoint = found
    if not endpoint.lower().startswith(("https://", "http://")):
        raise UsageError(f"the endpoint must be an http(s) URL, got {endpoint!r}")
    auth: CredentialKind | None = AUTH_KINDS[args.auth] if args.auth else None
    if auth is None:
        key = _first(env, KEY_VARIABLES[name])
        token = _first(env, _TOKEN_VARIABLES.get(name, ()))
        if key is not None:
            auth, sources["auth"] = "api-key", key[0]
        elif token is not None:
            auth, sources["auth"] = "token", token[0]
    model = args.model
    if model is None:
        found = _first(env, _MODEL_VARIABLES)
        if found is not None:
            sources["model"], model = found
    api_version = args.api_version
    if api_version is None and name == "AzureOpenAI":
        found = _first(env, _API_VERSION_VARIABLES)
        if found is not None:
            sources["api_version"], api_version = found
    configuration = Configuration.of(
        CLIENT_NAMES[name],
        endpoint=endpoint,
        credential=auth,
        scopes=args.scope,
        model=model,
        deployment=args.deployment,
        api_version=api_version,
        operation=args.operation,
        sdk_versions=_sdk_versions(args.sdk),
    )
    return ClientChoice(configuration, name, guessed, sources)
