"""The emulator's layout as a rule: it states the services on its own (no import of
foundry-doctor's diagnosis side), its data modules load without the SDKs or the TLS
dependencies, and each service's statement is consistent data that its handlers use."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from foundry_doctor.emulator.services.entra.spec import AUTHORITY_HOSTS, RESOURCES, status_of
from foundry_doctor.emulator.services.foundry.spec import (
    HOST_FAMILIES,
    ROUTES,
    accepted_audiences,
    route_of,
)
from foundry_doctor.emulator.services.managed_identity.spec import ENDPOINTS

EMULATOR = Path(__file__).resolve().parents[2] / "src" / "foundry_doctor" / "emulator"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_the_emulator_imports_only_itself_from_foundry_doctor() -> None:
    offending = {
        f"{path.relative_to(EMULATOR)}: {name}"
        for path in EMULATOR.rglob("*.py")
        for name in _imports(path)
        if name.startswith("foundry_doctor") and not name.startswith("foundry_doctor.emulator")
    }
    assert offending == set()


def test_the_wire_layer_knows_no_service() -> None:
    offending = {
        f"{path.name}: {name}"
        for path in (EMULATOR / "wire").rglob("*.py")
        for name in _imports(path)
        if name.startswith("foundry_doctor.emulator.services")
        and not (path.name == "proxy.py" and name == "foundry_doctor.emulator.services.router")
    }
    assert offending == set()


def test_data_modules_load_without_the_sdks_or_tls() -> None:
    """The world, the statements and the scenario-facing errors import with azure, openai,
    trustme and cryptography all unavailable."""
    script = """
import sys
blocked = "azure openai httpx httpx2 aiohttp requests trustme cryptography msal"
for name in blocked.split():
    sys.modules[name] = None
from foundry_doctor.emulator import default_world, World, Resource, Principal, Platform
from foundry_doctor.emulator.services.foundry import spec, errors
from foundry_doctor.emulator.services.entra import spec as entra_spec, errors as entra_errors
from foundry_doctor.emulator.services.managed_identity import spec as mi_spec, errors as mi_errors
from foundry_doctor.emulator.services.arm import spec as arm_spec, errors as arm_errors
from foundry_doctor.emulator.services.arm import payloads as arm_payloads
world = default_world()
assert arm_payloads.account(world.resource("myres"))["kind"] == "AIServices"
assert world.app("chat-backend").secrets
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_route_families_and_host_families_agree() -> None:
    for family in HOST_FAMILIES.values():
        assert family.routes <= set(ROUTES)
    for name, route in ROUTES.items():
        assert route.name == name
        assert route_of(route.prefix + "/x") == name
        assert route.operations
        if "bearer-token" in route.credentials:
            assert route.audiences
    assert accepted_audiences("regional", "deployments") == frozenset()
    assert accepted_audiences("openai", "models") == frozenset()
    assert accepted_audiences("services", "project") == {"https://ai.azure.com"}


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/openai/v1/chat/completions", "v1"),
        ("/openai/v1", "v1"),
        ("/openai/deployments/x/chat/completions", "deployments"),
        ("/models/chat/completions", "models"),
        ("/api/projects/p/openai/v1/responses", "project"),
        ("/openai/responses", "responses"),
        ("/openai/responsesx", "deployments"),
        ("/anthropic/v1/messages", "anthropic"),
        ("/other", None),
    ],
)
def test_route_of(path: str, route: str | None) -> None:
    assert route_of(path) == route


def test_operations_match_their_templates() -> None:
    deployments = ROUTES["deployments"]
    assert deployments.operation("POST", "/deployments/gpt-4o/chat/completions") is not None
    assert deployments.operation("GET", "/deployments/gpt-4o/chat/completions") is None
    assert deployments.operation("POST", "/deployments/a/b/chat/completions") is None
    found = ROUTES["project"].operation("GET", "/deployments/gpt-4o")
    assert found is not None
    assert found[1] == {"deployment": "gpt-4o"}
    assert found[0].api_version is not None
    enable = ROUTES["project"].operation("POST", "/agents/helper:enable")
    assert enable is not None
    assert (enable[0].name, enable[1]) == ("agents/enable", {"agentName": "helper"})
    assert ROUTES["responses"].operation("GET", "/resp_1/input_items") is not None


def test_entra_and_managed_identity_statements() -> None:
    assert set(AUTHORITY_HOSTS) == set(RESOURCES)
    assert (status_of("invalid_client"), status_of("invalid_scope")) == (401, 400)
    assert {endpoint.variables for endpoint in ENDPOINTS.values()} == {
        ("AZURE_POD_IDENTITY_AUTHORITY_HOST",),
        ("IDENTITY_ENDPOINT", "IDENTITY_HEADER"),
        ("MSI_ENDPOINT",),
    }
