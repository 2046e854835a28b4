"""``foundry-doctor emulator``: run the bundled emulator in the foreground.

It prints how to point a client at it (the environment variables, then the resources with
their host names, keys and deployments, the principals with their roles (the resources' own
and those only Resource Manager holds), the app registrations
with their client secrets, and the managed-identity platforms with the variables that select
each) and serves until Ctrl-C (or SIGTERM). ``--print-env`` prints only the ``NAME=value``
lines, for a shell or a ``.env`` file, and serves the same way; ``--json`` the whole summary as
one JSON document. The port is any free one unless ``--port`` says; the CA lives in a stable
directory (``--ca-dir``), so lines printed once stay valid for later runs on the same port.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from foundry_doctor.cli import UsageError
from foundry_doctor.cli.extras import EMULATOR, require

NAME = "emulator"
HELP = (
    "Run the local emulator (Foundry / Azure OpenAI, Entra ID, managed identity, Resource "
    "Manager) in the foreground (Ctrl-C stops it)."
)

_TOKEN_SCOPES = (
    "https://cognitiveservices.azure.com/.default",
    "https://ai.azure.com/.default",
    "https://management.azure.com/.default",
)
_TOKEN_LIFETIME = 12 * 3600


def _default_ca_dir() -> Path:
    user = str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()
    return Path(tempfile.gettempdir()) / f"foundry-doctor-emulator-{user}"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="port of the proxy on 127.0.0.1 (default 0: any free port, printed)",
    )
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print only the NAME=value lines (for a shell or an .env file), then serve",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the summary as one JSON document"
    )
    parser.add_argument(
        "--ca-dir",
        type=Path,
        default=None,
        help="directory that keeps the emulator's CA across runs "
        "(default: a per-user directory under the system temp directory)",
    )


def _load() -> Any:
    require("the emulator", EMULATOR)
    import foundry_doctor.emulator.session as emulator

    return emulator


def _short_scope(scope: str) -> str:
    """``/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/
    projects/p`` -> ``a/projects/p``; a resource group or subscription by its name."""
    marker = "/providers/Microsoft.CognitiveServices/accounts/"
    if marker.lower() in scope.lower():
        return scope[scope.lower().index(marker.lower()) + len(marker) :]
    parts = [part for part in scope.split("/") if part]
    if len(parts) == 4 and parts[2].lower() == "resourcegroups":
        return f"resource group {parts[3]}"
    if len(parts) == 2:
        return f"subscription {parts[1]}"
    return scope


def _arm_roles(world: Any, oid: str) -> list[dict[str, Any]]:
    """The roles Resource Manager holds for ``oid`` beyond the resources' direct ones: at
    other scopes, through groups, not yet in force, PIM-eligible."""
    from foundry_doctor.emulator.services.arm.world import eligibilities, holders, role_assignments

    whose = holders(world, oid)
    groups = {group.oid.lower(): group.name for group in world.arm.groups.values()}
    delay = world.arm.settings.propagation_delay
    found = []
    for item in role_assignments(world):
        holder = item.principal_id.lower()
        if item.data_plane_own or holder not in whose:
            continue
        found.append(
            {
                "role": item.role.name,
                "scope": _short_scope(item.scope),
                "via_group": groups.get(holder) if holder != oid.lower() else None,
                "state": "active" if world.arm.built_at - item.created_on >= delay else "recent",
            }
        )
    for eligibility, holder, role in eligibilities(world):
        if holder.lower() in whose:
            scope = _short_scope(eligibility.scope)
            found.append(
                {"role": role.name, "scope": scope, "via_group": None, "state": "eligible"}
            )
    return found


def _arm_text(entry: dict[str, Any]) -> str:
    notes = {
        "active": "",
        "recent": ", made just before the world was built (in force once older than "
        "arm.propagation_delay)",
        "eligible": ", PIM-eligible only",
    }
    via = f" through group {entry['via_group']}" if entry["via_group"] else ""
    return f"{entry['role']} on {entry['scope']}{via}{notes[entry['state']]}"


def _summary(emu: Any) -> dict[str, Any]:
    world = emu.world
    resources = []
    for resource in world.resources.values():
        resources.append(
            {
                "name": resource.name,
                "tenant_id": resource.tenant_id,
                "region": resource.region,
                "endpoints": [f"https://{host}" for host in resource.hosts],
                "keys": [emu.key(resource.name, 1), emu.key(resource.name, 2)],
                "local_auth": resource.local_auth,
                "public_network": resource.public_network,
                "deployments": [
                    {
                        "name": deployment.name,
                        "model": deployment.model,
                        "family": deployment.family,
                        "kind": deployment.kind,
                    }
                    for deployment in resource.deployments.values()
                ],
                "projects": sorted(resource.projects),
            }
        )
    principals = []
    for principal in world.principals.values():
        roles = {
            resource.name: sorted(resource.role_assignments.get(principal.oid, ()))
            for resource in world.resources.values()
            if resource.role_assignments.get(principal.oid)
        }
        tokens = {
            scope: emu.token(principal.name, scope, lifetime=_TOKEN_LIFETIME)
            for scope in _TOKEN_SCOPES
        }
        principals.append(
            {
                "name": principal.name,
                "oid": principal.oid,
                "tenant_id": principal.tid,
                "type": principal.idtyp,
                "upn": principal.upn,
                "roles": roles,
                "resource_manager_roles": _arm_roles(world, principal.oid),
                "tokens": tokens,
            }
        )
    apps = [
        {
            "name": app.name,
            "client_id": app.client_id,
            "tenant_id": app.tenant_id,
            "secrets": [
                {"id": secret.secret_id, "value": secret.value, "expired": secret.expired()}
                for secret in app.secrets
            ],
            "federated_credentials": [
                {"issuer": item.issuer, "subject": item.subject, "audiences": list(item.audiences)}
                for item in app.federated_credentials
            ],
        }
        for app in world.apps.values()
    ]
    platforms = []
    for platform in world.platforms.values():
        try:
            variables = emu.managed_identity_variables(platform.name)
        except ValueError:  # an App Service app without identity has no endpoint
            variables = {}
        platforms.append(
            {
                "name": platform.name,
                "kind": platform.kind,
                "identities": list(platform.identities),
                "env": variables,
            }
        )
    return {
        "proxy_url": emu.proxy_url,
        "ca_file": emu.ca_file,
        "env": emu.env,
        "regional_endpoints": [f"https://{host}" for host in world.regional_hosts()],
        "authority_hosts": [f"https://{host}" for host in world.authority_hosts()],
        "resources": resources,
        "principals": principals,
        "apps": apps,
        "platforms": platforms,
    }


def _print_text(summary: dict[str, Any]) -> None:
    lines = [
        "foundry-doctor emulator: Foundry / Azure OpenAI, Entra ID, managed identity and Resource "
        "Manager via "
        f"{summary['proxy_url']}",
        "",
        "Set these in the client's environment (build clients after setting them):",
    ]
    lines += [f"  export {name}={value}" for name, value in summary["env"].items()]
    lines += ["", "Resources:"]
    for resource in summary["resources"]:
        flags = [
            "key auth on" if resource["local_auth"] else "key auth DISABLED",
            "public network on" if resource["public_network"] else "public network DISABLED",
        ]
        lines.append(f"  {resource['name']}  ({resource['region']}, {', '.join(flags)})")
        lines.append(f"    tenant:      {resource['tenant_id']}")
        for endpoint in resource["endpoints"]:
            lines.append(f"    endpoint:    {endpoint}")
        lines.append(f"    key 1:       {resource['keys'][0]}")
        lines.append(f"    key 2:       {resource['keys'][1]}")
        for deployment in resource["deployments"]:
            lines.append(
                f"    deployment:  {deployment['name']} "
                f"({deployment['family']}, {deployment['kind']})"
            )
        for project in resource["projects"]:
            lines.append(f"    project:     {project}")
    lines += ["", "Regional endpoints (keys only):"]
    lines += [f"  {endpoint}" for endpoint in summary["regional_endpoints"]]
    lines += ["", "Principals (tokens: run with --json):"]
    for principal in summary["principals"]:
        roles = "; ".join(
            [f"{resource}: {', '.join(names)}" for resource, names in principal["roles"].items()]
            + [_arm_text(entry) for entry in principal["resource_manager_roles"]]
        )
        lines.append(
            f"  {principal['name']:<10} {principal['type']:<4} oid {principal['oid']} "
            f"tenant {principal['tenant_id']}  roles: {roles or 'none'}"
        )
    lines += ["", "Entra ID authority hosts:"]
    lines += [f"  {host}" for host in summary["authority_hosts"]]
    lines += ["", "App registrations:"]
    for app in summary["apps"]:
        lines.append(f"  {app['name']}  client id {app['client_id']}  tenant {app['tenant_id']}")
        for number, secret in enumerate(app["secrets"], 1):
            state = " (EXPIRED)" if secret["expired"] else ""
            lines.append(f"    secret {number}:    {secret['value']}{state}")
        for item in app["federated_credentials"]:
            lines.append(f"    federated:   {item['issuer']} / {item['subject']}")
    lines += ["", "Managed-identity platforms (set the variables in the client's environment):"]
    for platform in summary["platforms"]:
        identities = ", ".join(platform["identities"]) or "no identity"
        lines.append(f"  {platform['name']}  ({platform['kind']}: {identities})")
        lines += [f"    export {name}={value}" for name, value in platform["env"].items()]
    lines += ["", "Serving; press Ctrl-C to stop."]
    print("\n".join(lines), flush=True)


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():

        def _terminate(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _terminate)
    while not stop.wait(0.5):
        pass


def run(args: argparse.Namespace) -> int:
    emulator = _load()
    if args.port < 0 or args.port > 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    ca_dir = args.ca_dir or _default_ca_dir()
    try:
        emu = emulator.Emulator(port=args.port, route_environment=False, ca_dir=ca_dir).start()
    except PermissionError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {error.strerror}") from None
    try:
        if args.print_env:
            print("\n".join(f"{name}={value}" for name, value in emu.env.items()), flush=True)
        elif args.json:
            print(json.dumps(_summary(emu)), flush=True)
        else:
            _print_text(_summary(emu))
        _wait_for_interrupt()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    if not (args.json or args.print_env):
        print("stopped", file=sys.stderr)
    return 0
