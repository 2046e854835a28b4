"""The project routes' decisions: ``https://<res>.services.ai.azure.com/api/projects/<p>/...``.

Order (routes.md §4, wire.md A.2):

1. a bearer **token** only (a key or no credential: 401 with the ``https://ai.azure.com``
   audience text), for ``https://ai.azure.com``, from the resource's tenant (400: the sentence
   as ``code``);
2. the **project** exists (404 "The project does not exist.");
3. the **operation** (404 ``Resource not found`` for any other path) and its **api-version**;
4. its **data action**, granted by one of the principal's roles (401 naming the principal,
   the action and the operation; ``FoundrySettings.project_permission_help`` ends it);
   an agent call sending ``x-ms-user-identity`` also needs the impersonation action (403);
5. the answer: agents and their versions, classic agent objects, connections, deployments,
   agent endpoints, applications, the project's ``/openai/v1`` and dated Responses routes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from foundry_doctor.emulator.services.foundry import project_payloads as shapes
from foundry_doctor.emulator.services.foundry.access import Identity
from foundry_doctor.emulator.services.foundry.call import Call, audience_text, check_api_version
from foundry_doctor.emulator.services.foundry.errors import (
    DeploymentNotFound,
    MissingParameter,
    ProjectNotFound,
    ProjectPermissionDenied,
    ResourceNotFound,
    TokenRejected,
)
from foundry_doctor.emulator.services.foundry.spec import (
    IMPERSONATION_ACTION,
    ROUTES,
    USER_IDENTITY_HEADER,
    OperationSpec,
)
from foundry_doctor.emulator.services.foundry.world import (
    Agent,
    Deployment,
    Project,
    Resource,
)
from foundry_doctor.emulator.wire.messages import Reply

if TYPE_CHECKING:
    from foundry_doctor.emulator.services.foundry.handlers import FoundryService

__all__ = ["ProjectRoutes"]

#: classic agents object kinds, by the collection their routes name
_CLASSIC_KINDS = {
    "assistants": ("assistant", "asst"),
    "threads": ("thread", "thread"),
    "files": ("file", "assistant-file"),
    "vector_stores": ("vector_store", "vs"),
}


def _page(call: Call, items: list[dict[str, Any]]) -> dict[str, Any]:
    """An OpenAI-style page, honouring ``after`` (azure-ai-projects asks for the page after
    ``last_id`` until one comes back empty)."""
    after = call.query("after")
    if after is not None:
        ids = [item.get("id") for item in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    return shapes.listing(items)


class ProjectRoutes:
    """Answers ``/api/projects/**`` for a :class:`FoundryService`."""

    def __init__(self, service: FoundryService) -> None:
        self._service = service

    def handle(self, call: Call, resource: Resource) -> Reply:
        route = ROUTES["project"]
        rest = call.path[len(route.prefix) :]  # "/<project>[/...]"
        project_name, _, below = rest[1:].partition("/")
        if not project_name:
            raise ResourceNotFound()
        if call.bearer != "jwt":
            outcome = "key-on-project" if (call.api_key or call.bearer) else "no-credential"
            raise TokenRejected(audience_text(call, resource, route), outcome=outcome)
        project_name = unquote(project_name)
        identity = self._service.check_token(call, resource, call.bearer_value, route, project_name)
        project = resource.projects.get(project_name)
        if project is None:
            raise ProjectNotFound()
        below = f"/{below}" if below else ""
        if below == "/openai/v1" or below.startswith("/openai/v1/"):
            return self._service.v1(
                call, resource, identity, below[len("/openai/v1") :], project=True
            )
        found = route.operation(call.method, below)
        if found is None:
            raise ResourceNotFound()
        operation, parameters = found
        check_api_version(call, operation.api_version or route.api_version, operation.name)
        self._authorize(call, identity, operation)
        names = {key: unquote(value) for key, value in parameters.items()}
        return self._answer(call, resource, project, identity, operation.name, names)

    @staticmethod
    def _authorize(call: Call, identity: Identity, operation: OperationSpec) -> None:
        help_target = call.world.foundry.project_permission_help
        action = operation.data_action
        if action is not None and not identity.grants(action):
            raise ProjectPermissionDenied(
                identity.oid, action, operation.operation_text, help_target
            )
        if (
            operation.impersonation
            and call.header(USER_IDENTITY_HEADER)
            and not identity.grants(IMPERSONATION_ACTION)
        ):
            raise ProjectPermissionDenied(
                identity.oid,
                IMPERSONATION_ACTION,
                operation.operation_text,
                help_target,
                status=403,
            )

    def _answer(
        self,
        call: Call,
        resource: Resource,
        project: Project,
        identity: Identity,
        name: str,
        parameters: Mapping[str, str],
    ) -> Reply:
        family, _, verb = name.partition("/")
        if family in ("deployments", "deployment"):
            return self._deployments(call, resource, name, parameters)
        if family == "agents":
            return self._agents(call, project, verb, parameters)
        if family in ("endpoint", "invocations", "a2a"):
            return self._agent_endpoint(call, resource, project, name, parameters)
        if family == "application":
            return self._application(call, resource, project, verb, parameters)
        if family in _CLASSIC_KINDS:
            return self._classic(call, project, family, verb, parameters)
        if family in ("messages", "runs"):
            return self._thread_items(call, project, family, verb, parameters)
        if family == "connections":
            return self._connections(call, resource, project, verb, parameters)
        # the dated project Responses route: the body's model, or an agent it references
        return self._respond(call, resource, project, None)

    # --- deployments --------------------------------------------------------------------------

    @staticmethod
    def _deployments(
        call: Call, resource: Resource, name: str, parameters: Mapping[str, str]
    ) -> Reply:
        world = call.world
        if name == "deployments":
            listed = [
                shapes.project_deployment(d, world.deployed_model(d).version)
                for d in resource.deployments.values()
            ]
            return Reply.json({"value": listed})
        deployment = resource.deployments.get(parameters["deployment"])
        call.model = parameters["deployment"]
        if deployment is None:
            raise DeploymentNotFound()
        version = world.deployed_model(deployment).version
        return Reply.json(shapes.project_deployment(deployment, version))

    # --- agents -------------------------------------------------------------------------------

    @staticmethod
    def _agent(project: Project, name: str) -> Agent:
        agent = project.agents.get(name)
        if agent is None:
            raise ResourceNotFound(outcome="agent-not-found")
        return agent

    def _agents(
        self, call: Call, project: Project, verb: str, parameters: Mapping[str, str]
    ) -> Reply:
        if verb == "list":
            details = [shapes.agent_details(agent) for agent in project.agents.values()]
            return Reply.json(_page(call, details))
        if verb == "create":
            body = call.body()
            name = body.get("name")
            if not isinstance(name, str) or not name:
                raise MissingParameter("name")
            agent = project.agents.setdefault(name, Agent(name))
            agent.versions.append(_version_of(body))
            return Reply.json(shapes.agent_details(agent))
        if verb == "version/create":  # creates the agent with its first version
            agent = project.agents.setdefault(
                parameters["agentName"], Agent(parameters["agentName"])
            )
            agent.versions.append(_version_of(call.body()))
            return Reply.json(shapes.agent_version(agent, len(agent.versions) - 1))
        agent = self._agent(project, parameters["agentName"])
        if verb == "get":
            return Reply.json(shapes.agent_details(agent))
        if verb == "update":
            body = call.body_or_empty()
            if "definition" in body:
                agent.versions.append(_version_of(body))
            return Reply.json(shapes.agent_details(agent))
        if verb == "delete":
            del project.agents[agent.name]
            return Reply.json(shapes.deleted("agent", name=agent.name))
        if verb in ("enable", "disable"):
            agent.enabled = verb == "enable"
            return Reply(status=204)
        if verb == "versions":
            versions = [shapes.agent_version(agent, i) for i in range(len(agent.versions))]
            return Reply.json(_page(call, versions))
        index = _version_index(agent, parameters["agentVersion"])
        if verb == "version/delete":
            agent.versions[index] = {**agent.versions[index], "deleted": True}
            return Reply.json(
                shapes.deleted("agent.version", name=agent.name, version=str(index + 1))
            )
        return Reply.json(shapes.agent_version(agent, index))

    def _agent_endpoint(
        self,
        call: Call,
        resource: Resource,
        project: Project,
        name: str,
        parameters: Mapping[str, str],
    ) -> Reply:
        agent = self._agent(project, parameters["agentName"])
        if name == "endpoint/responses":
            return self._respond(call, resource, project, agent)
        body = call.body_or_empty()
        if name.startswith("invocations"):
            return Reply.json(shapes.invocation(agent.name, body))
        return Reply.json(shapes.a2a_result(agent.name, body))

    def _application(
        self,
        call: Call,
        resource: Resource,
        project: Project,
        verb: str,
        parameters: Mapping[str, str],
    ) -> Reply:
        application = project.applications.get(parameters["applicationName"])
        if application is None:
            raise ResourceNotFound(outcome="application-not-found")
        agent = self._agent(project, application.agent)
        if verb == "responses":
            return self._respond(call, resource, project, agent)
        return Reply.json({})

    # --- Responses through the project ----------------------------------------------------------

    def _respond(
        self, call: Call, resource: Resource, project: Project, agent: Agent | None
    ) -> Reply:
        """A response from ``agent`` (or the agent the body references, or the body's
        ``model``): the deployment its model names answers."""
        body = call.body()
        reference = body.get("agent")
        if agent is None and isinstance(reference, Mapping) and reference.get("name"):
            agent = self._agent(project, str(reference["name"]))
        model = agent.model if agent is not None else body.get("model")
        if not isinstance(model, str) or not model:
            raise MissingParameter("model")
        call.model = model
        deployment = resource.deployments.get(model)
        if deployment is None:
            if agent is None:
                raise DeploymentNotFound()
            deployment = Deployment(model, model)
        return self._service.serve(
            call, resource, deployment, "responses", model=agent.name if agent else None
        )

    # --- classic agents -----------------------------------------------------------------------

    @staticmethod
    def _object(project: Project, object_id: str, kind: str) -> dict[str, Any]:
        found = project.objects.get(object_id)
        if found is None or found.get("object") != kind:
            raise ResourceNotFound(outcome=f"{kind}-not-found")
        return found

    def _classic(
        self, call: Call, project: Project, family: str, verb: str, parameters: Mapping[str, str]
    ) -> Reply:
        kind, prefix = _CLASSIC_KINDS[family]
        if verb == "list":
            listed = [item for item in project.objects.values() if item.get("object") == kind]
            return Reply.json(_page(call, listed))
        if verb == "create":
            body = call.body_or_empty() or {"filename": "upload", "bytes": len(call.request.body)}
            created = shapes.classic_object(kind, project.new_id(prefix), body)
            project.objects[created["id"]] = created
            return Reply.json(created)
        item_id = next(iter(parameters.values()))
        found = self._object(project, item_id, kind)
        if verb == "delete":
            del project.objects[item_id]
            return Reply.json(shapes.deleted(kind, id=item_id))
        if verb == "update":
            found.update({k: v for k, v in call.body_or_empty().items() if k != "id"})
        return Reply.json(found)

    def _thread_items(
        self, call: Call, project: Project, family: str, verb: str, parameters: Mapping[str, str]
    ) -> Reply:
        kind = "thread.message" if family == "messages" else "thread.run"
        thread_id = parameters.get("threadId")
        if verb == "create-thread":  # POST /threads/runs: a thread and its run at once
            thread = shapes.classic_object("thread", project.new_id("thread"), {})
            project.objects[thread["id"]] = thread
            thread_id = thread["id"]
        elif thread_id is not None:
            self._object(project, thread_id, "thread")
        if verb == "get":
            return Reply.json(self._object(project, parameters["runId"], kind))
        if verb == "list":
            listed = [
                item
                for item in project.objects.values()
                if item.get("object") == kind and item.get("thread_id") == thread_id
            ]
            return Reply.json(_page(call, listed))
        body = {**call.body_or_empty(), "thread_id": thread_id}
        created = shapes.classic_object(
            kind, project.new_id("msg" if family == "messages" else "run"), body
        )
        project.objects[created["id"]] = created
        return Reply.json(created)

    # --- connections --------------------------------------------------------------------------

    @staticmethod
    def _connections(
        call: Call,
        resource: Resource,
        project: Project,
        verb: str,
        parameters: Mapping[str, str],
    ) -> Reply:
        project_id = f"{resource.resource_id}/projects/{project.name}"
        if verb == "list":
            listed = [
                shapes.connection(project_id, item, with_credentials=False)
                for item in project.connections.values()
            ]
            return Reply.json({"value": listed})
        item = project.connections.get(parameters["connectionName"])
        if item is None:
            raise ResourceNotFound(outcome="connection-not-found")
        with_credentials = verb == "credentials"
        return Reply.json(shapes.connection(project_id, item, with_credentials=with_credentials))


def _version_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """What an agent version keeps of the body that created it."""
    return {
        "definition": dict(body.get("definition") or {}),
        "description": body.get("description") or "",
        "metadata": dict(body.get("metadata") or {}),
        "created_at": int(time.time()),
    }


def _version_index(agent: Agent, version: str) -> int:
    """The index of version ``version`` (``"1"``, ``"2"``, ...), 404 when there is none."""
    if not version.isdigit() or not 1 <= int(version) <= len(agent.versions):
        raise ResourceNotFound(outcome="agent-version-not-found")
    index = int(version) - 1
    if agent.versions[index].get("deleted"):
        raise ResourceNotFound(outcome="agent-version-not-found")
    return index
