"""``foundry-doctor probe``: one live, minimal call with the chosen client and credential.

Reports whether the call worked, which identity the token belongs to (object id, tenant,
application, identity type; the person's name only with ``--show-identity``), the token's
audience and expiry, how the endpoint is classified, the static findings, and the diagnosis
when the call failed. Exit code 0 when the call works, 1 when it fails, 2 for bad input.

Credentials: ``--auth key`` reads the key from an environment variable (``--key-env``, or the
client's usual one such as ``AZURE_OPENAI_API_KEY``); ``--auth entra`` uses azure-identity's
``DefaultAzureCredential``, or the access token in ``--token-env VAR`` (e.g. from
``az account get-access-token``). ``--emulator`` runs the probe against the bundled emulator
instead, signed in as ``--principal`` (see ``docs/emulator.md``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import time
from collections.abc import Iterator, Mapping
from typing import Any

from foundry_doctor.cli import UsageError
from foundry_doctor.cli.client_options import KEY_VARIABLES, add_client_arguments, choose_client
from foundry_doctor.cli.extras import EMULATOR, SDKS, require
from foundry_doctor.facts.endpoints import classify_endpoint
from foundry_doctor.facts.tokens import decode_claims, looks_like_jwt

NAME = "probe"
HELP = "Make one live call with a client configuration and explain what happens."


def configure(parser: argparse.ArgumentParser) -> None:
    add_client_arguments(parser)
    credentials = parser.add_argument_group("credentials")
    credentials.add_argument(
        "--key-env",
        metavar="VAR",
        help="environment variable holding the API key (with --auth key)",
    )
    credentials.add_argument(
        "--token-env",
        metavar="VAR",
        help="environment variable holding an access token to use instead of "
        "DefaultAzureCredential (with --auth entra)",
    )
    credentials.add_argument(
        "--emulator",
        action="store_true",
        help="probe the bundled emulator instead of Azure (no account needed)",
    )
    credentials.add_argument(
        "--principal",
        default="alice",
        help="with --emulator and --auth entra: who signs in (default alice; see docs/emulator.md)",
    )
    parser.add_argument(
        "--show-identity",
        action="store_true",
        help="also show the signed-in person's name / upn from the token",
    )
    parser.add_argument(
        "--check-access",
        action="store_true",
        help="after a failed call, check with Azure Resource Manager which roles the identity "
        "holds and what the call needs (foundry-doctor access)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")


def run(args: argparse.Namespace) -> int:
    choice = choose_client(args)
    configuration = choice.configuration
    if configuration.credential is None:
        raise UsageError("say how to authenticate: --auth key, --auth entra or --auth none")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    modules = _modules(args, choice.client_name, configuration.credential)
    require(f"probe --client {choice.client_name}", modules)
    from foundry_doctor.integrations.probe import probe

    with _credentials(args, choice.client_name, configuration.credential) as (key, credential):
        try:
            result = probe(configuration, key=key, credential=credential, timeout=args.timeout)
        except ValueError as error:
            raise UsageError(str(error)) from None
        except ImportError as error:  # a module the check above could not foresee
            raise UsageError(f"the {choice.client_name} client needs {error.name}") from None
        from foundry_doctor.cli import access_command

        access = None
        if args.check_access and not result.ok:
            access = access_command.access_after_probe(args, configuration, result, credential)
    personal = bool(args.show_identity)
    if args.json:
        data = result.to_dict(include_personal=personal)
        if access is not None:
            data["access"] = access if isinstance(access, str) else access.to_dict()
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(_render(result, personal))
        if access is not None:
            print("\naccess check:\n" + (access if isinstance(access, str) else access.render()))
        elif not args.check_access:
            hint = access_command.hint_after_probe(args, configuration, result)
            if hint:
                print(hint)
    return 0 if result.ok else 1


#: the SDK each ``--client`` needs
_CLIENT_MODULE = {
    "azure-ai-inference": "azure.ai.inference",
    "AzureOpenAI": "openai",
    "OpenAI": "openai",
    "AIProjectClient": "azure.ai.projects",
}


def _modules(args: argparse.Namespace, client_name: str, kind: str) -> dict[str, str]:
    """What this probe imports (module -> extra): the client's SDK, and the emulator or the
    token credential (azure-identity's, or one over ``--token-env`` that needs azure-core);
    with ``--check-access``, azure-core for the Resource Manager client."""
    module = _CLIENT_MODULE[client_name]
    modules = {module: SDKS[module]}
    if args.emulator:
        modules.update(EMULATOR)
    elif kind == "token":
        modules["azure.core" if args.token_env else "azure.identity"] = SDKS["azure.identity"]
    if args.check_access and "azure.core" not in modules:
        modules["azure.core"] = SDKS["azure.identity"]
    return modules


@contextlib.contextmanager
def _credentials(
    args: argparse.Namespace, client_name: str, kind: str
) -> Iterator[tuple[str | None, Any]]:
    """``(key, token credential)`` for the probe; the emulator runs while the probe does."""
    if args.emulator:
        from foundry_doctor.emulator import Emulator

        with Emulator() as emulator:
            if kind == "api-key":
                endpoint = classify_endpoint(args.endpoint or "")
                resource = endpoint.resource if endpoint and endpoint.resource else "myres"
                if resource not in emulator.world.resources:
                    raise UsageError(f"the emulator has no resource {resource!r}")
                yield emulator.key(resource), None
            elif kind == "token":
                if args.principal not in emulator.world.principals:
                    names = ", ".join(emulator.world.principals)
                    raise UsageError(f"the emulator knows no {args.principal!r}; try {names}")
                yield None, emulator.credential(args.principal)
            else:
                yield None, None
        return
    if kind == "api-key":
        yield _key(args, client_name), None
    elif kind == "token":
        yield None, _token_credential(args)
    else:
        yield None, None


def _key(args: argparse.Namespace, client_name: str) -> str:
    names = (args.key_env,) if args.key_env else KEY_VARIABLES.get(client_name, ())
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    wanted = " or ".join(names) or "--key-env VAR"
    raise UsageError(f"no API key: set {wanted}")


class _FixedToken:
    """A ``TokenCredential`` over one access token given by the user."""

    def __init__(self, token: str) -> None:
        self._token = token
        claims = decode_claims(token)
        self._expires_on = claims.exp if claims is not None and claims.exp else int(time.time())

    def __repr__(self) -> str:
        return "_FixedToken(***)"

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, self._expires_on)


def _token_credential(args: argparse.Namespace) -> Any:
    if args.token_env:
        token = os.environ.get(args.token_env, "").strip()
        if not token:
            raise UsageError(f"no access token in {args.token_env}")
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if not looks_like_jwt(token):
            raise UsageError(f"{args.token_env} does not hold an access token (a JWT)")
        return _FixedToken(token)
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        raise UsageError(
            "--auth entra needs azure-identity (pip install azure-identity), or --token-env VAR"
        ) from None
    return DefaultAzureCredential()


def _when(epoch: object) -> str:
    if not isinstance(epoch, int):
        return "unknown"
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    left = epoch - time.time()
    state = f"in {int(left // 60)} min" if left > 0 else f"{int(-left // 60)} min ago"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({state})"


def _render(result: Any, personal: bool) -> str:
    data: Mapping[str, Any] = result.to_dict(include_personal=personal)
    config = data["configuration"]
    endpoint = data["endpoint"]
    lines = [
        f"client:   {config['client']}",
        f"endpoint: {config['endpoint']} ({endpoint['family'] or 'unknown'} endpoint, "
        f"{endpoint['route'] or 'no'} route)",
    ]
    if config["request_url"]:
        lines.append(f"calls:    {config['request_url']}")
    identity = data["identity"]
    if identity:
        lines.append("token:")
        lines.append(f"  audience   {identity.get('aud', 'unknown')}")
        lines.append(f"  expires    {_when(identity.get('exp'))}")
        for label, claim in (
            ("object id", "oid"),
            ("tenant", "tid"),
            ("app id", "appid"),
            ("type", "idtyp"),
        ):
            if identity.get(claim):
                lines.append(f"  {label:<10} {identity[claim]}")
        for claim in ("upn", "preferred_username", "unique_name", "email", "name"):
            if personal and identity.get(claim):
                lines.append(f"  {claim:<10} {identity[claim]}")
    elif config["credential"] == "api-key":
        lines.append("auth:     API key")
    lines.append("")
    if result.ok:
        lines.append(f"OK: the call worked ({data['elapsed_ms']:.0f} ms).")
    elif result.diagnosis is not None:
        lines.append(f"FAILED with {data['status']}:")
        lines.append(result.diagnosis.render())
    else:
        lines.append(f"FAILED: {data['error']}")
    for check in data["checks"]:
        if result.diagnosis is None or check["rule"] != result.diagnosis.rule:
            lines.append(f"also: [{check['code']} {check['rule']}] {check['title']}")
    return "\n".join(lines)
