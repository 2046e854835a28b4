"""Successful answers of the project routes: agents and their versions (azure-ai-projects 2.x
``AgentDetails`` / ``AgentVersionDetails``), classic agent objects (assistants, threads,
messages, runs, files, vector stores), connections, deployments, and the minimal answers of
agent endpoints and applications.

Minimal but well-formed: each carries the fields the SDK models mark required.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from foundry_doctor.emulator.services.foundry.world import Agent, Connection, Deployment

__all__ = [
    "a2a_result",
    "agent_details",
    "agent_version",
    "classic_object",
    "connection",
    "deleted",
    "invocation",
    "listing",
    "project_deployment",
]


def _now() -> int:
    return int(time.time())


def listing(items: Sequence[Mapping[str, Any]], id_field: str = "id") -> dict[str, Any]:
    """A page of an OpenAI-style list (``data``, ``first_id``, ``last_id``, ``has_more``)."""
    data = [dict(item) for item in items]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0].get(id_field) if data else None,
        "last_id": data[-1].get(id_field) if data else None,
        "has_more": False,
    }


def agent_version(agent: Agent, index: int) -> dict[str, Any]:
    """Version ``index`` (0-based) of ``agent``, as ``AgentVersionDetails``."""
    stored = agent.versions[index]
    version = str(index + 1)
    return {
        "object": "agent.version",
        "id": f"{agent.name}:{version}",
        "name": agent.name,
        "version": version,
        "description": stored.get("description") or "",
        "metadata": stored.get("metadata") or {},
        "created_at": stored.get("created_at", agent.created_at),
        "definition": stored.get("definition") or {},
    }


def agent_details(agent: Agent) -> dict[str, Any]:
    """``agent`` as ``AgentDetails``: its state and latest version."""
    state = "enabled" if agent.enabled else "disabled"
    latest = agent_version(agent, len(agent.versions) - 1) if agent.versions else {}
    return {
        "object": "agent",
        "id": agent.name,
        "name": agent.name,
        "state": state,
        "configuration_state": state,
        "versions": {"latest": latest},
    }


def deleted(object_type: str, **names: str) -> dict[str, Any]:
    """The answer of a DELETE: ``{"object": "<type>.deleted", ..., "deleted": true}``."""
    return {"object": f"{object_type}.deleted", **names, "deleted": True}


def classic_object(kind: str, object_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A classic agents object (``assistant``, ``thread``, ``thread.message``,
    ``thread.run``, ``file``, ``vector_store``) created from ``body``."""
    base: dict[str, Any] = {"id": object_id, "object": kind, "created_at": _now()}
    if kind == "assistant":
        base.update(
            name=body.get("name"),
            model=body.get("model", ""),
            instructions=body.get("instructions"),
            description=body.get("description"),
            tools=body.get("tools") or [],
            metadata=body.get("metadata") or {},
        )
    elif kind == "thread":
        base.update(metadata=body.get("metadata") or {}, tool_resources={})
    elif kind == "thread.message":
        text = body.get("content")
        base.update(
            thread_id=body.get("thread_id"),
            role=body.get("role", "user"),
            content=[{"type": "text", "text": {"value": str(text or ""), "annotations": []}}],
            attachments=[],
            metadata=body.get("metadata") or {},
        )
    elif kind == "thread.run":
        base.update(
            thread_id=body.get("thread_id"),
            assistant_id=body.get("assistant_id"),
            status="completed",
            model=body.get("model", ""),
            instructions=body.get("instructions") or "",
            tools=[],
            metadata={},
        )
    elif kind == "file":
        base.update(
            bytes=int(body.get("bytes", 0)),
            filename=str(body.get("filename", "upload")),
            purpose=str(body.get("purpose", "assistants")),
            status="processed",
        )
    elif kind == "vector_store":
        base.update(
            name=body.get("name"),
            status="completed",
            usage_bytes=0,
            file_counts={
                "in_progress": 0,
                "completed": 0,
                "failed": 0,
                "cancelled": 0,
                "total": 0,
            },
            metadata=body.get("metadata") or {},
        )
    return base


def connection(project_id: str, item: Connection, *, with_credentials: bool) -> dict[str, Any]:
    """``item`` as azure-ai-projects' ``Connection``; the key only ``with_credentials``."""
    credentials: dict[str, Any] = {"type": item.credential_type}
    if item.credential_type == "ApiKey" and with_credentials:
        credentials["key"] = item.key
    return {
        "name": item.name,
        "id": f"{project_id}/connections/{item.name}",
        "type": item.type,
        "target": item.target,
        "isDefault": item.is_default,
        "credentials": credentials,
        "metadata": {},
    }


def project_deployment(deployment: Deployment, model_version: str) -> dict[str, Any]:
    """A deployment as a project's ``GET /deployments`` lists it (azure-ai-projects'
    ``ModelDeployment``), running ``model_version`` (``World.deployed_model``)."""
    capability = "embeddings" if deployment.kind == "embeddings" else "chat_completion"
    return {
        "type": "ModelDeployment",
        "name": deployment.name,
        "modelName": deployment.model,
        "modelVersion": model_version,
        "modelPublisher": deployment.provider,
        "capabilities": {capability: "true"},
        "sku": {"name": "GlobalStandard", "capacity": 1, "family": "", "size": "", "tier": ""},
    }


def invocation(agent: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """An agent endpoint's ``invocations`` answer (the emulator's minimal one: an id, the
    agent, a completed status and an output text)."""
    return {
        "id": f"inv_{uuid.uuid4().hex[:24]}",
        "object": "invocation",
        "agent": agent,
        "status": "completed",
        "created_at": _now(),
        "input": body.get("input"),
        "output": f"Hello from agent {agent} on the foundry-doctor emulator.",
    }


def a2a_result(agent: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-RPC 2.0 answer of an agent's A2A endpoint: a completed task with one text
    part."""
    text = f"Hello from agent {agent} on the foundry-doctor emulator."
    return {
        "jsonrpc": "2.0",
        "id": body.get("id"),
        "result": {
            "kind": "message",
            "messageId": uuid.uuid4().hex,
            "role": "agent",
            "parts": [{"kind": "text", "text": text}],
        },
    }
