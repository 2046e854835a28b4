"""Project routes through the real azure-ai-projects client (agents, connections, deployments,
the project's and an agent's OpenAI client) and raw requests for what it does not call
(classic agents, applications, invocations, A2A): minimal answers, the data-action 401s, the
impersonation 403, api-version answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

from foundry_doctor.emulator import Agent, Application, Connection, Emulator
from support.wire import raw_request

pytestmark = [pytest.mark.azure]

PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
SERVICES = "myres.services.ai.azure.com"
BASE = "/api/projects/myproject"
AI_SCOPE = "https://ai.azure.com/.default"


@pytest.fixture
def world(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world():
        yield emu


def _project(emu: Emulator, principal: str = "alice", **kwargs: Any) -> Any:
    projects = pytest.importorskip("azure.ai.projects", reason="needs azure-ai-projects (openai 3)")
    return projects.AIProjectClient(
        endpoint=PROJECT, credential=emu.credential(principal), **kwargs
    )


def _headers(emu: Emulator, principal: str = "alice") -> dict[str, str]:
    return {"Authorization": f"Bearer {emu.token(principal, AI_SCOPE)}"}


def _add_agent(emu: Emulator, name: str = "helper") -> Agent:
    project = emu.world.resource("myres").project("myproject")
    agent = Agent(name, versions=[{"definition": {"kind": "prompt", "model": "gpt-4o"}}])
    project.agents[name] = agent
    return agent


def test_agents_through_azure_ai_projects(world: Emulator) -> None:
    project = _project(world)
    from azure.ai.projects.models import PromptAgentDefinition

    definition = PromptAgentDefinition(model="gpt-4o", instructions="Be brief.")
    created = project.agents.create_version(agent_name="helper", definition=definition)
    assert (created.name, created.version) == ("helper", "1")
    project.agents.create_version(agent_name="helper", definition=definition)
    assert [agent.name for agent in project.agents.list()] == ["helper"]
    fetched = project.agents.get("helper")
    assert fetched.versions.latest.version == "2"
    assert [v.version for v in project.agents.list_versions(agent_name="helper")] == ["1", "2"]
    project.agents.disable("helper")
    assert project.agents.get("helper").state == "disabled"
    project.agents.enable("helper")
    assert project.agents.get_version(agent_name="helper", agent_version="1").definition
    project.agents.delete_version(agent_name="helper", agent_version="1")
    with pytest.raises(HttpResponseError) as caught:
        project.agents.get_version(agent_name="helper", agent_version="1")
    assert caught.value.status_code == 404
    deleted = project.agents.delete("helper")
    assert deleted.deleted
    assert list(project.agents.list()) == []


def test_connections_and_deployments(world: Emulator) -> None:
    project_state = world.world.resource("myres").project("myproject")
    project_state.connections["aoai"] = Connection(
        "aoai", credential_type="ApiKey", is_default=True
    )
    project = _project(world)
    assert [c.name for c in project.connections.list()] == ["aoai"]
    plain = project.connections.get("aoai")
    assert plain.credentials.type == "ApiKey"
    assert getattr(plain.credentials, "api_key", None) is None
    with_secret = project.connections.get("aoai", include_credentials=True)
    assert with_secret.credentials.api_key == project_state.connections["aoai"].key
    assert {d.name for d in project.deployments.list()} >= {"gpt-4o", "DeepSeek-R1"}


def test_the_project_openai_client(world: Emulator) -> None:
    # azure-ai-projects' own http client has a custom transport, which ignores HTTPS_PROXY:
    # give it openai's default one to reach the emulator
    client = _project(world).get_openai_client(http_client=openai.DefaultHttpxClient())
    assert client.responses.create(model="gpt-4o", input="hi").status == "completed"
    assert client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
    ).choices


def test_an_agent_endpoint_through_the_agent_openai_client(world: Emulator) -> None:
    _add_agent(world)
    client = _project(world, allow_preview=True).get_openai_client(
        agent_name="helper", http_client=openai.DefaultHttpxClient()
    )
    response = client.responses.create(input="hi")
    assert response.model == "helper"
    assert response.output_text
    record = world.requests[-1]
    assert record.path == f"{BASE}/agents/helper/endpoint/protocols/openai/responses"
    assert record.query["api-version"] == "v1"


def test_a_published_application(world: Emulator) -> None:
    _add_agent(world)
    world.world.resource("myres").project("myproject").applications["app"] = Application(
        "app", agent="helper"
    )
    client = openai.OpenAI(
        base_url=f"{PROJECT}/applications/app/protocols/openai",
        api_key=world.token("alice", AI_SCOPE),
        default_query={"api-version": "2025-11-15-preview"},
        max_retries=0,
    )
    assert client.responses.create(input="hi").output_text
    no_version = openai.OpenAI(
        base_url=f"{PROJECT}/applications/app/protocols/openai",
        api_key=world.token("alice", AI_SCOPE),
        max_retries=0,
    )
    with pytest.raises(openai.BadRequestError) as caught:
        no_version.responses.create(input="hi")
    assert caught.value.body == {"code": "BadRequest", "message": "api-version not specified"}  # type: ignore[comparison-overlap]
    activity = raw_request(
        world,
        SERVICES,
        "POST",
        f"{BASE}/applications/app/protocols/activityprotocol?api-version=2025-11-15-preview",
        headers=_headers(world),
        body={"type": "message", "text": "hi"},
    )
    assert activity.status == 200


def test_invocations_and_a2a(world: Emulator) -> None:
    _add_agent(world)
    invocation = raw_request(
        world,
        SERVICES,
        "POST",
        f"{BASE}/agents/helper/endpoint/protocols/invocations",
        headers=_headers(world),
        body={"input": "hi"},
    )
    assert invocation.json()["status"] == "completed"
    a2a = raw_request(
        world,
        SERVICES,
        "POST",
        f"{BASE}/agents/helper/endpoint/protocols/a2a?api-version=v1",
        headers=_headers(world),
        body={"jsonrpc": "2.0", "id": 7, "method": "message/send", "params": {}},
    )
    assert (a2a.json()["jsonrpc"], a2a.json()["id"]) == ("2.0", 7)


def test_classic_agents(world: Emulator) -> None:
    def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        sep = "&" if "?" in path else "?"
        return raw_request(
            world,
            SERVICES,
            method,
            f"{BASE}{path}{sep}api-version=v1",
            headers=_headers(world),
            body=body,
        )

    assistant = call("POST", "/assistants", {"model": "gpt-4o", "name": "helper"}).json()
    assert assistant["id"].startswith("asst_")
    assert [a["id"] for a in call("GET", "/assistants").json()["data"]] == [assistant["id"]]
    thread = call("POST", "/threads", {}).json()
    call("POST", f"/threads/{thread['id']}/messages", {"role": "user", "content": "hi"})
    run = call("POST", f"/threads/{thread['id']}/runs", {"assistant_id": assistant["id"]}).json()
    assert call("GET", f"/threads/{thread['id']}/runs/{run['id']}").json()["status"] == "completed"
    messages = call("GET", f"/threads/{thread['id']}/messages").json()["data"]
    assert messages[0]["content"][0]["text"]["value"] == "hi"
    assert call("DELETE", f"/assistants/{assistant['id']}").json()["deleted"] is True
    assert call("GET", f"/assistants/{assistant['id']}").status == 404
    store = call("POST", "/vector_stores", {"name": "docs"}).json()
    assert call("GET", "/vector_stores").json()["data"][0]["id"] == store["id"]
    assert call("GET", "/files").json()["data"] == []


def test_the_dated_project_responses_route(world: Emulator) -> None:
    _add_agent(world)
    client = openai.OpenAI(
        base_url=f"{PROJECT}/openai",
        api_key=world.token("alice", AI_SCOPE),
        default_query={"api-version": "2025-11-15-preview"},
        max_retries=0,
    )
    by_model = client.responses.create(model="gpt-4o", input="hi")
    assert by_model.model == "gpt-4o"
    by_agent = client.responses.create(
        input="hi", extra_body={"agent": {"type": "agent_reference", "name": "helper"}}
    )
    assert by_agent.model == "helper"


@pytest.mark.parametrize(
    ("principal", "call_name", "action", "operation"),
    [
        ("bob", "agents.list", "agents/read", "GET /api/projects/{projectName}/agents/*"),
        (
            "bob",
            "connections.list",
            "connections/read",
            "GET /api/projects/{projectName}/connections",
        ),
        (
            "bob",
            "deployments.list",
            "deployments/read",
            "GET /api/projects/{projectName}/deployments",
        ),
    ],
)
def test_data_action_denials_through_the_sdk(
    world: Emulator, principal: str, call_name: str, action: str, operation: str
) -> None:
    target: Any = _project(world, principal)
    for part in call_name.split("."):
        target = getattr(target, part)
    with pytest.raises(ClientAuthenticationError) as caught:
        list(target())
    message = caught.value.error.message if caught.value.error else ""
    oid = world.world.principal(principal).oid
    assert message == (
        f"The principal `{oid}` lacks the required data action "
        f"`Microsoft.CognitiveServices/accounts/AIServices/{action}` to perform `{operation}` "
        "operation. For instructions on granting the necessary permissions, see "
        "https://aka.ms/FoundryPermissions."
    )


@pytest.mark.parametrize(
    ("role", "endpoint_status", "impersonation_status", "agents_status"),
    [
        ("Foundry Agent Consumer", 200, 403, 401),
        ("Foundry User", 200, 200, 200),
        ("Azure AI Developer", 401, 401, 401),
    ],
)
def test_agent_endpoint_access(
    world: Emulator, role: str, endpoint_status: int, impersonation_status: int, agents_status: int
) -> None:
    _add_agent(world)
    world.world.assign("dave", role)
    path = f"{BASE}/agents/helper/endpoint/protocols/openai/responses?api-version=v1"
    headers = _headers(world, "dave")
    plain = raw_request(world, SERVICES, "POST", path, headers=headers, body={"input": "hi"})
    acting = raw_request(
        world,
        SERVICES,
        "POST",
        path,
        headers={**headers, "x-ms-user-identity": "u"},
        body={"input": "hi"},
    )
    listing = raw_request(world, SERVICES, "GET", f"{BASE}/agents?api-version=v1", headers=headers)
    assert (plain.status, acting.status, listing.status) == (
        endpoint_status,
        impersonation_status,
        agents_status,
    )
    if impersonation_status == 403:
        assert acting.json()["error"]["code"] == "PermissionDenied"
        assert "UserIdentityImpersonation/action" in acting.json()["error"]["message"]


def test_project_answers_before_the_operation(world: Emulator) -> None:
    headers = _headers(world)
    missing = raw_request(
        world, SERVICES, "GET", "/api/projects/other/agents?api-version=v1", headers=headers
    )
    assert (missing.status, missing.json()["error"]["message"]) == (
        404,
        "The project does not exist.",
    )
    unsupported = raw_request(
        world, SERVICES, "GET", f"{BASE}/agents?api-version=2024-10-21", headers=headers
    )
    assert unsupported.json() == {
        "error": {"code": "BadRequest", "message": "API version not supported"}
    }
    cognitive = {
        "Authorization": f"Bearer {world.token('alice', 'https://cognitiveservices.azure.com/.default')}"
    }
    refused = raw_request(
        world, SERVICES, "GET", f"{BASE}/agents?api-version=v1", headers=cognitive
    )
    assert refused.json()["message"].endswith(
        "audience is incorrect (https://ai.azure.com), or have expired."
    )


def test_the_permission_help_and_audience_text_are_world_settings(world: Emulator) -> None:
    world.world.apply(
        {
            "foundry.project_permission_help": None,
            "foundry.audience_texts": {"project": "https://ai.azure.com/"},
        }
    )
    denied = raw_request(
        world, SERVICES, "GET", f"{BASE}/agents?api-version=v1", headers=_headers(world, "bob")
    )
    assert denied.json()["error"]["message"].endswith("operation.")
    key = raw_request(
        world,
        SERVICES,
        "GET",
        f"{BASE}/agents?api-version=v1",
        headers={"api-key": world.key("myres")},
    )
    assert "(https://ai.azure.com/)" in key.json()["message"]
