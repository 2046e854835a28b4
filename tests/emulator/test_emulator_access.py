"""Who gets in where: token audiences per route family (routes.md §1, §5), data-plane roles by
data action (roles.md §4), the precedence of ``api-key`` and ``Authorization``, and the
request-id headers."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from foundry_doctor.emulator import Emulator
from support.wire import raw_request

pytestmark = [pytest.mark.openai]

AI_SCOPE = "https://ai.azure.com/.default"
COGNITIVE_SCOPE = "https://cognitiveservices.azure.com/.default"
ML_SCOPE = "https://ml.azure.com/.default"
MANAGEMENT_SCOPE = "https://management.azure.com/.default"
SERVICES = "myres.services.ai.azure.com"
HELLO = [{"role": "user", "content": "hi"}]
BODY = {"model": "gpt-4o", "messages": HELLO}

#: (route family, host, method, path): one call per family that takes tokens
_ROUTES = {
    "deployments": (
        "myres.openai.azure.com",
        "POST",
        "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
    ),
    "v1": ("myres.cognitiveservices.azure.com", "POST", "/openai/v1/chat/completions"),
    "responses": (SERVICES, "POST", "/openai/responses?api-version=2025-04-01-preview"),
    "models": (SERVICES, "POST", "/models/chat/completions?api-version=2024-05-01-preview"),
    "project": (SERVICES, "POST", "/api/projects/myproject/openai/v1/chat/completions"),
}


@pytest.fixture
def world(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world():
        yield emu


def _status(emu: Emulator, route: str, principal: str, scope: str) -> int:
    host, method, path = _ROUTES[route]
    body = {**BODY, "input": "hi"}
    headers = {"Authorization": f"Bearer {emu.token(principal, scope)}"}
    return raw_request(emu, host, method, path, headers=headers, body=body).status


@pytest.mark.parametrize(
    ("route", "accepted"),
    [
        ("deployments", {COGNITIVE_SCOPE, AI_SCOPE}),
        ("v1", {COGNITIVE_SCOPE, AI_SCOPE}),
        ("responses", {COGNITIVE_SCOPE, AI_SCOPE}),
        ("models", {COGNITIVE_SCOPE, AI_SCOPE}),
        ("project", {AI_SCOPE}),
    ],
)
def test_audiences_per_route_family(emu: Emulator, route: str, accepted: set[str]) -> None:
    for scope in (COGNITIVE_SCOPE, AI_SCOPE, ML_SCOPE, MANAGEMENT_SCOPE):
        assert _status(emu, route, "alice", scope) == (200 if scope in accepted else 401), scope


def test_azure_openai_with_the_recommended_scope(emu: Emulator) -> None:
    """routes.md §1: the classic route takes an ai.azure.com token (the scope current docs
    recommend), through the real token-provider flow."""
    from azure.identity import get_bearer_token_provider

    client = openai.AzureOpenAI(
        azure_endpoint="https://myres.openai.azure.com",
        api_version="2024-10-21",
        azure_ad_token_provider=get_bearer_token_provider(emu.credential("alice"), AI_SCOPE),
        max_retries=0,
    )
    assert client.chat.completions.create(model="gpt-4o", messages=HELLO).choices


@pytest.mark.parametrize(
    ("role", "openai_model", "maas_model", "project"),
    [
        ("Foundry User", 200, 200, 200),
        ("Azure AI User", 200, 200, 200),
        ("Cognitive Services User", 200, 200, 200),
        ("Cognitive Services OpenAI User", 200, 401, 401),
        ("Azure AI Developer", 200, 401, 401),
        ("Foundry Account Owner", 401, 401, 401),
        ("Contributor", 401, 401, 401),
        ("Foundry Agent Consumer", 401, 401, 401),
    ],
)
def test_roles_per_surface(
    world: Emulator, role: str, openai_model: int, maas_model: int, project: int
) -> None:
    world.world.assign("dave", role)
    token = {"Authorization": f"Bearer {world.token('dave', AI_SCOPE)}"}
    v1 = "/openai/v1/chat/completions"
    assert raw_request(world, SERVICES, "POST", v1, headers=token, body=BODY).status == openai_model
    maas = {**BODY, "model": "DeepSeek-R1"}
    assert raw_request(world, SERVICES, "POST", v1, headers=token, body=maas).status == maas_model
    project_path = "/api/projects/myproject/openai/v1/chat/completions"
    response = raw_request(world, SERVICES, "POST", project_path, headers=token, body=BODY)
    assert response.status == project


def test_role_ids_work_like_names(world: Emulator) -> None:
    world.world.assign("dave", "a97b65f3-24c7-4388-baec-2e87135dc908")  # Cognitive Services User
    assert world.world.roles("dave") == {"Cognitive Services User"}
    assert _status(world, "models", "dave", COGNITIVE_SCOPE) == 200


def _both_headers(emu: Emulator, key: str, token: str) -> int:
    headers = {"api-key": key, "Authorization": f"Bearer {token}"}
    host, method, path = _ROUTES["deployments"]
    return raw_request(emu, host, method, path, headers=headers, body=BODY).status


@pytest.mark.parametrize(
    ("precedence", "good_key_bad_token", "bad_key_good_token"),
    [("api-key", 200, 401), ("authorization", 401, 200), ("any-valid", 200, 200)],
)
def test_credential_precedence_is_a_world_setting(
    world: Emulator, precedence: str, good_key_bad_token: int, bad_key_good_token: int
) -> None:
    """llama-index sends a token in both headers: what decides is an open question
    (wire.md, open questions); ``api-key`` first is the documented default (A.4)."""
    world.world.apply({"foundry.credential_precedence": precedence})
    good_token = world.token("alice", COGNITIVE_SCOPE)
    bad_token = world.token("alice", ML_SCOPE)
    assert _both_headers(world, world.key("myres"), bad_token) == good_key_bad_token
    assert _both_headers(world, good_token, good_token) == bad_key_good_token


@pytest.mark.parametrize(
    ("setting", "on_success", "on_error"),
    [("always", True, True), ("success", True, False), ("never", False, False)],
)
def test_x_request_id_is_a_world_setting(
    world: Emulator, setting: str, on_success: bool, on_error: bool
) -> None:
    world.world.apply({"foundry.x_request_id": setting})
    host, method, path = _ROUTES["deployments"]
    ok = raw_request(world, host, method, path, headers={"api-key": world.key("myres")}, body=BODY)
    refused = raw_request(world, host, method, path, headers={"api-key": "nope"}, body=BODY)
    assert (ok.status, refused.status) == (200, 401)
    assert ("x-request-id" in ok.headers, "x-request-id" in refused.headers) == (
        on_success,
        on_error,
    )
    assert ok.header("apim-request-id")
    assert refused.header("apim-request-id")


def test_request_id_reaches_the_openai_error(emu: Emulator) -> None:
    client = openai.AzureOpenAI(
        azure_endpoint="https://myres.openai.azure.com",
        api_version="2024-10-21",
        api_key="nope",
        max_retries=0,
    )
    with pytest.raises(openai.AuthenticationError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert caught.value.request_id == caught.value.response.headers["x-request-id"]
