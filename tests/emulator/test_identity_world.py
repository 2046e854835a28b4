"""The identity part of the world and the Emulator's identity helpers, as data and API (no
credential involved): tenants, app registrations, platforms, world changes, the environments
and the credential material handed to tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foundry_doctor.emulator import Emulator, default_world
from foundry_doctor.emulator.services.entra.assertions import parse_assertion
from foundry_doctor.emulator.session import WORKLOAD_IDENTITY_VARIABLES
from foundry_doctor.emulator.world import (
    CHINA_TENANT,
    DEFAULT_TENANT,
    FOREIGN_TENANT,
    GOVERNMENT_TENANT,
)
from support.identity import IDENTITY_VARIABLES


def test_default_tenants_and_authority_hosts() -> None:
    world = default_world()
    assert set(world.tenants) == {DEFAULT_TENANT, FOREIGN_TENANT, GOVERNMENT_TENANT, CHINA_TENANT}
    assert world.tenant("CONTOSO.onmicrosoft.com") is world.tenants[DEFAULT_TENANT]
    assert world.tenant("nope") is None
    assert world.authority_hosts() == (
        "login.microsoftonline.com",
        "login.microsoftonline.us",
        "login.chinacloudapi.cn",
    )
    assert "login.microsoftonline.com" in world.hosts()


def test_apps_are_tied_to_principals() -> None:
    world = default_world()
    for app in world.apps.values():
        for tenant, name in app.service_principals.items():
            principal = world.principal(name)
            assert (principal.appid, principal.tid, principal.idtyp) == (
                app.client_id,
                tenant,
                "app",
            )
    chat = world.app("chat-backend")
    assert [secret.expired() for secret in chat.secrets] == [False, True]
    assert world.app_by_client_id(chat.client_id.upper()) is chat
    assert world.principal_by(oid=world.principal("vm-mi").oid) is world.principal("vm-mi")


def test_secret_values_are_fresh_per_world_and_never_in_repr() -> None:
    first, second = default_world().app("chat-backend"), default_world().app("chat-backend")
    assert first.secrets[0].value != second.secrets[0].value
    assert first.secrets[0].secret_id == second.secrets[0].secret_id
    assert first.secrets[0].value not in repr(first)


def test_platforms_name_attached_identities() -> None:
    world = default_world()
    kinds = {name: platform.kind for name, platform in world.platforms.items()}
    assert kinds == {
        "app-service": "app_service",
        "vm": "vm",
        "vm-user-assigned": "vm",
        "vm-no-identity": "vm",
        "cloud-shell": "cloud_shell",
    }
    for platform in world.platforms.values():
        assert all(name in world.principals for name in platform.identities)
        assert platform.identity_header not in repr(platform)
    assert world.platform("vm-user-assigned").identities == ("uami-chat", "uami-batch")
    assert world.roles("uami-batch") == frozenset()


def test_apply_reaches_the_identity_collections() -> None:
    world = default_world()
    world.apply(
        {
            "apps.chat-backend.conditional_access_blocked": True,
            "platforms.vm.system_identity": None,
            f"tenants.{DEFAULT_TENANT}.display_name": "Contoso",
            "entra.multiple_resources_code": 28000,
        }
    )
    assert world.app("chat-backend").conditional_access_blocked
    assert world.platform("vm").system_identity is None
    assert world.tenants[DEFAULT_TENANT].named == "Contoso"
    assert world.entra.multiple_resources_code == 28000
    for bad in ("apps.nope.name", "entra.nope", "platforms.vm._secret", "entra.a.b"):
        with pytest.raises(KeyError):
            world.apply({bad: 1})


def test_client_secret_accessor(emu: Emulator) -> None:
    assert emu.client_secret("chat-backend") == emu.world.app("chat-backend").secrets[0].value
    with pytest.raises(ValueError, match="2 client secret"):
        emu.client_secret("chat-backend", 3)
    with pytest.raises(KeyError, match="no app registration named 'nope'"):
        emu.client_secret("nope")


def test_client_certificate_registers_its_public_part(emu: Emulator) -> None:
    with emu.modified_world() as world:
        pem = emu.client_certificate("chat-backend")
        registered = world.app("chat-backend").certificates[-1]
        assert b"PRIVATE KEY" in pem
        assert registered.certificate_pem.encode() in pem
        assert "PRIVATE" not in registered.certificate_pem
        assert len(registered.thumbprint_sha1) == 40
        assert len(registered.thumbprint_sha256) == 64
    assert emu.world.app("chat-backend").certificates == []


def test_federated_token_claims(emu: Emulator) -> None:
    record = emu.world.app("aks-workload").federated_credentials[0]
    parsed = parse_assertion(emu.federated_token("aks-workload", lifetime=-10))
    assert parsed is not None
    assert (parsed.claim("iss"), parsed.claim("sub"), parsed.audiences) == (
        record.issuer,
        record.subject,
        ("api://AzureADTokenExchange",),
    )
    assert (parsed.number("exp") or 0) < (parsed.number("iat") or 0) + 61
    with pytest.raises(ValueError, match="no federated identity credential"):
        emu.federated_token("chat-backend")
    with pytest.raises(ValueError, match="needs an app"):
        emu.federated_token()


@pytest.mark.usefixtures("identity_env")
def test_workload_identity_environment_restores_and_cleans_up(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_CLIENT_ID", "outer")
    before = {name: os.environ.get(name) for name in IDENTITY_VARIABLES}
    with emu.workload_identity_environment("aks-workload", token="x.y.z") as values:
        assert set(values) == set(WORKLOAD_IDENTITY_VARIABLES)
        path = Path(values["AZURE_FEDERATED_TOKEN_FILE"])
        assert path.read_text() == "x.y.z"
        assert os.environ["AZURE_CLIENT_ID"] == emu.world.app("aks-workload").client_id
        assert os.environ["AZURE_AUTHORITY_HOST"] == "https://login.microsoftonline.com"
    assert not path.exists()
    assert {name: os.environ.get(name) for name in IDENTITY_VARIABLES} == before


def test_managed_identity_environment_refusals(emu: Emulator) -> None:
    with pytest.raises(KeyError, match="no platform named 'nope'"):
        emu.managed_identity_environment("nope")
    with pytest.raises(ValueError, match="is a vm, not a cloud_shell"):
        emu.managed_identity_environment("vm", kind="cloud_shell")
    with pytest.raises(ValueError, match="needs a platform or a kind"):
        emu.managed_identity_environment()
