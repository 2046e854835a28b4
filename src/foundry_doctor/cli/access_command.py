"""``foundry-doctor access``: check with Azure Resource Manager whether a call should work, who
is calling, what they hold and what the call needs (:func:`foundry_doctor.access.check_access`).

The caller's credential is azure-identity's ``DefaultAzureCredential`` (``az login``, a
managed identity, ...), or the Resource Manager token in ``--token-env VAR`` (``az account
get-access-token``); ``--emulator`` runs the check against the bundled emulator, signed in as
``--principal``. Exit codes: 0 the call should work, 1 a problem was found, 2 bad input, 3
nothing decisive could be checked (no rights, no token, no network).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from foundry_doctor.cli import UsageError
from foundry_doctor.cli.client_options import ENDPOINT_VARIABLES
from foundry_doctor.cli.extras import EMULATOR, SDKS, require

if TYPE_CHECKING:
    from foundry_doctor.access.report import AccessReport

NAME = "access"
HELP = (
    "Check with Azure Resource Manager whether a call should work: who calls, which roles "
    "they hold, what the call needs."
)

#: the operations --operation names, as the routes spell them
OPERATIONS = (
    "chat/completions",
    "completions",
    "embeddings",
    "responses",
    "audio/transcriptions",
    "audio/translations",
    "audio/speech",
    "images/generations",
)


def configure(parser: argparse.ArgumentParser) -> None:
    call = parser.add_argument_group("the call to check")
    call.add_argument(
        "--endpoint",
        metavar="URL",
        help="the endpoint or request URL of the call; default AZURE_OPENAI_ENDPOINT, "
        "AZURE_AI_ENDPOINT, AZURE_AI_PROJECT_ENDPOINT or OPENAI_BASE_URL",
    )
    call.add_argument("--deployment", metavar="NAME", help="the deployment the call names")
    call.add_argument("--model", metavar="NAME", help="the model (deployment) name the call uses")
    call.add_argument(
        "--operation",
        metavar="OP",
        help=f"what the call does: {', '.join(OPERATIONS)} (default: from the URL, else chat)",
    )
    call.add_argument(
        "--auth",
        choices=("entra", "key"),
        default="entra",
        help="how the call authenticates (default entra: Entra ID tokens)",
    )
    call.add_argument(
        "--principal-id",
        metavar="OID",
        help="the object id of the identity that failed, when it is not you (a managed "
        "identity, a service principal); its access token works too",
    )
    call.add_argument(
        "--error",
        metavar="TEXT",
        help="the failed call's error message ('-' reads it from stdin): the URL, the "
        "principal and the data action are taken from it",
    )
    call.add_argument(
        "--account-id",
        metavar="ID",
        help="the account's resource id, when its host cannot be matched (regional endpoint)",
    )
    credentials = parser.add_argument_group("who checks")
    credentials.add_argument(
        "--token-env",
        metavar="VAR",
        help="environment variable holding a Resource Manager access token to use instead "
        "of DefaultAzureCredential",
    )
    credentials.add_argument(
        "--emulator",
        action="store_true",
        help="check against the bundled emulator instead of Azure (no account needed)",
    )
    credentials.add_argument(
        "--principal",
        default="alice",
        help="with --emulator: who runs the check (default alice; see docs/emulator.md)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


def _endpoint(args: argparse.Namespace) -> str | None:
    if args.endpoint:
        return str(args.endpoint)
    for names in ENDPOINT_VARIABLES.values():
        for name in names:
            value = os.environ.get(name, "").strip()
            if value:
                return value
    return None


def _error_text(args: argparse.Namespace) -> str | None:
    if args.error is None:
        return None
    text = sys.stdin.read(256 * 1024) if args.error == "-" else str(args.error)
    if not text.strip():
        raise UsageError("--error is empty")
    return text


@contextlib.contextmanager
def _credential(args: argparse.Namespace) -> Iterator[tuple[Any, dict[str, str]]]:
    """(the credential, principal names -> object ids where the emulator knows them)."""
    if args.emulator:
        from foundry_doctor.emulator import Emulator

        with Emulator() as emulator:
            world = emulator.world
            if args.principal not in world.principals:
                names = ", ".join(world.principals)
                raise UsageError(f"the emulator knows no {args.principal!r}; try {names}")
            known = {name: item.oid for name, item in world.principals.items()}
            yield emulator.credential(args.principal), known
        return
    from foundry_doctor.cli.probe_command import _token_credential

    yield _token_credential(args), {}


def check(args: argparse.Namespace, credential: Any, known: dict[str, str]) -> AccessReport:
    """Run the check the arguments describe with ``credential``."""
    from foundry_doctor.access import check_access

    principal = args.principal_id
    if principal is not None and principal in known:
        principal = known[principal]  # the emulator's principals by name
    try:
        return check_access(
            _endpoint(args),
            credential=credential,
            model=args.model,
            deployment=args.deployment,
            principal=principal,
            operation=args.operation,
            auth=args.auth,
            account_id=args.account_id,
            error=_error_text(args),
            timeout=args.timeout,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    except ImportError as error:  # a module the check in run() could not foresee
        raise UsageError(f"checking access needs {error.name}") from None


def _modules(args: argparse.Namespace) -> dict[str, str]:
    """What this check imports (module -> extra): azure-core for the Resource Manager client,
    and the emulator or the caller's credential (azure-identity's, unless ``--token-env``)."""
    modules = {"azure.core": SDKS["azure.identity"]}
    if args.emulator:
        modules.update(EMULATOR)
    elif not args.token_env:
        modules["azure.identity"] = SDKS["azure.identity"]
    return modules


def run(args: argparse.Namespace) -> int:
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.operation is not None and not args.operation.strip("/"):
        raise UsageError("--operation is empty")
    require("the access check", _modules(args))
    with _credential(args) as (credential, known):
        report = check(args, credential, known)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(report.render())
    return report.exit_code


# --- after a failed probe --------------------------------------------------------------------

#: the statuses after which ``probe`` points at the access check
ACCESS_STATUSES = frozenset({401, 403})


def _probe_target(configuration: Any) -> tuple[str | None, str | None]:
    """(the URL the probe called, else its endpoint; the deployment it named)."""
    endpoint = configuration.request_url() or configuration.endpoint
    return endpoint, configuration.deployment or configuration.model


def hint_after_probe(args: argparse.Namespace, configuration: Any, result: Any) -> str | None:
    """The ``foundry-doctor access`` command line to try after a refused probe (``None``
    when the probe worked or failed for another reason)."""
    from foundry_doctor.facts.redaction import safe_url

    if result.ok or result.status not in ACCESS_STATUSES:
        return None
    endpoint, model = _probe_target(configuration)
    if not endpoint:
        return None
    parts = ["foundry-doctor access"]
    if args.emulator:
        parts.append(f"--emulator --principal {args.principal}")
    parts.append(f"--endpoint {safe_url(endpoint)}")
    if model:
        parts.append(f"--model {model}")
    if configuration.credential == "api-key":
        parts.append("--auth key")
    oid = result.claims.oid if result.claims is not None else None
    if oid and not args.emulator:
        parts.append(f"--principal-id {oid}")
    return "hint: see which roles the identity holds and what the call needs: " + " ".join(parts)


def access_after_probe(
    args: argparse.Namespace, configuration: Any, result: Any, credential: Any
) -> AccessReport | str:
    """The access check for a failed probe's call, with the probe's own credential (a
    Resource Manager token is asked of it); a sentence instead when it cannot be run."""
    from foundry_doctor.access import check_access

    if args.token_env:
        return (
            "the access check needs a credential that can get a Resource Manager token; the "
            "token in --token-env is for the data plane (run foundry-doctor access --token-env "
            "with a Resource Manager token)"
        )
    auth: Literal["entra", "key"] = "key" if configuration.credential == "api-key" else "entra"
    if credential is None:
        if args.emulator:
            return "the access check needs a token credential: use --auth entra with --emulator"
        from foundry_doctor.cli.probe_command import _token_credential

        credential = _token_credential(args)
    endpoint, model = _probe_target(configuration)
    oid = result.claims.oid if result.claims is not None else None
    try:
        return check_access(
            endpoint,
            credential=credential,
            model=model,
            principal=oid,
            auth=auth,
            timeout=args.timeout,
        )
    except ValueError as error:
        return f"the access check could not run: {error}"
