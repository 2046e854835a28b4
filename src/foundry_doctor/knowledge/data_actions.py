"""Which data action a data-plane call needs, and how Azure RBAC decides whether it is granted.

A role assignment grants a data action when one of its role's ``dataActions`` matches it and
none of the same role's ``notDataActions`` does; ``*`` stands for any run of characters, in
any segment, and matching ignores case. ``notDataActions`` are not deny rules: they only take
away from their own role, so another role can still grant the action (``arm.md`` §4.2, after
MicrosoftDocs ``role-definitions.md``). Control-plane ``actions`` / ``notActions`` follow the
same rule, and a control-plane ``*`` never grants a data action.

:func:`need_for` names the data action an operation needs, from ``roles.md`` §1 (the actions
the roles publish per operation) and §3 (the actions the service names in its 401 bodies). A
need is *settled* when a Microsoft source names that action for that operation; otherwise it
is the nearest recorded action and the check says so. Where nothing is recorded at all (files,
batches, Claude), there is no need to compare and :func:`need_for` answers ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.models import Publisher
from foundry_doctor.knowledge.roles import Access
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "MAAS_ACTIONS",
    "MATCHING_SOURCES",
    "Need",
    "PermissionBlock",
    "allows",
    "covers",
    "grants",
    "need_for",
]

_CS = "Microsoft.CognitiveServices/accounts"
_OPENAI = f"{_CS}/OpenAI"
_AI = f"{_CS}/AIServices"
#: the family of data actions other publishers' models (Models-as-a-Service) need
MAAS_ACTIONS = f"{_CS}/MaaS/*"

_MATCHING = Source(
    "RBAC-MATCH",
    "MicrosoftDocs/azure-docs articles/role-based-access-control/role-definitions.md "
    "(wildcards, NotDataActions are not deny rules); arm.md section 4.2",
    "roles.md",
)


class Need(NamedTuple):
    """What one data-plane call needs: the data action (ending in ``/*`` for a family of
    actions, any of which the service may check), the kind of access a role must open for it
    (:data:`~.roles.Access`), the operation in words, and whether a Microsoft source names
    this action for this operation (``settled``)."""

    action: str
    access: Access
    what: str
    settled: bool
    sources: tuple[Source, ...]


class PermissionBlock(Protocol):
    """One role's permissions (a role definition's block, or one entry of the ARM
    ``permissions`` API)."""

    @property
    def data_actions(self) -> tuple[str, ...]: ...

    @property
    def not_data_actions(self) -> tuple[str, ...]: ...


def covers(pattern: str, action: str) -> bool:
    """Whether a permission ``pattern`` (``*`` anywhere) matches ``action``, ignoring case.

    An ``action`` that itself ends in ``/*`` (a family) is covered only by a pattern that
    covers the whole family: ``Microsoft.CognitiveServices/*`` covers
    ``.../accounts/MaaS/*``, ``.../accounts/OpenAI/*`` does not."""
    return _match(pattern.lower(), action.lower())


def _match(pattern: str, text: str) -> bool:
    """Glob matching with ``*`` only, iterative (no regular expressions, no backtracking
    blow-up)."""
    p = t = 0
    star = -1
    mark = 0
    while t < len(text):
        if p < len(pattern) and pattern[p] != "*" and pattern[p] == text[t]:
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def allows(granted: Iterable[str], excluded: Iterable[str], action: str) -> bool:
    """One role's verdict: some ``granted`` pattern covers ``action`` and no ``excluded``
    one does."""
    return any(covers(item, action) for item in granted) and not any(
        covers(item, action) for item in excluded
    )


def grants(blocks: Iterable[PermissionBlock], action: str) -> bool:
    """Whether any of ``blocks`` (one per role assignment) grants the data ``action``;
    evaluated block by block, never merged across roles."""
    return any(allows(block.data_actions, block.not_data_actions, action) for block in blocks)


# --- what each operation needs ------------------------------------------------------------------

_R1 = (s.BI_2024_12,)
_R3 = (s.WIRE_ERRORS, s.HOSTED)
_UNSETTLED = (s.THIRD_PARTY_IAC,)

#: account-route operations on OpenAI models -> the action OpenAI User publishes for them
_OPENAI_OPERATIONS: dict[str, tuple[str, str]] = {
    "chat/completions": (f"{_OPENAI}/deployments/chat/completions/action", "chat completions"),
    "completions": (f"{_OPENAI}/deployments/completions/action", "completions"),
    "embeddings": (f"{_OPENAI}/deployments/embeddings/action", "embeddings"),
    "audio/transcriptions": (f"{_OPENAI}/deployments/audio/action", "audio transcription"),
    "audio/translations": (f"{_OPENAI}/deployments/audio/action", "audio translation"),
    "audio/speech": (f"{_OPENAI}/deployments/audio/action", "speech"),
    "images/generations": (f"{_OPENAI}/images/generations/action", "image generation"),
    "realtime": (f"{_OPENAI}/deployments/realtime/action", "realtime"),
    "extensions/chat/completions": (
        f"{_OPENAI}/deployments/extensions/chat/completions/action",
        "On Your Data chat",
    ),
}
_ACCOUNT_SURFACES = frozenset({"dated-deployment", "dated-resource", "v1", "models-api"})
_PROJECT_SURFACES = frozenset({"project-v1", "project-dated", "project"})


def _head(operation: str) -> str:
    return operation.strip("/").lower().split("/", 1)[0]


def _account_need(operation: str, method: str, publisher: Publisher | None) -> Need | None:
    if publisher == "anthropic":
        return None  # no source names the action Claude's routes check
    if publisher == "other":
        return Need(
            MAAS_ACTIONS,
            "any-model",
            f"{operation or 'inference'} on another publisher's model",
            True,
            (s.LEARN_AUTH, s.ENTRA_TROUBLESHOOTING),
        )
    known = _OPENAI_OPERATIONS.get(operation.strip("/").lower())
    if known is not None:
        return Need(known[0], "openai-models", known[1], True, _R1)
    head = _head(operation)
    if head == "assistants" or head == "threads":
        return Need(f"{_OPENAI}/assistants/*", "openai-models", "the Assistants API", True, _R1)
    if head == "responses":
        return Need(
            f"{_OPENAI}/responses/*", "openai-models", "the Responses API", False, _UNSETTLED
        )
    if method.upper() == "GET" and head in ("models", "deployments"):
        return Need(f"{_OPENAI}/{head}/read", "openai-models", f"reading {head}", False, _R1)
    return None


def _project_need(surface: str, operation: str, method: str) -> Need | None:
    reading = method.upper() == "GET"
    head = _head(operation)
    if surface in ("project-v1", "project-dated"):
        if reading:
            return Need(f"{_AI}/agents/read", "project", "a project's OpenAI API", False, _R3)
        return Need(f"{_AI}/agents/write", "project", "a project's OpenAI API", True, _R3)
    if head in ("agents", "assistants", "threads", "agents:generate"):
        verb = "read" if reading else "write"
        return Need(f"{_AI}/agents/{verb}", "project", "agents", True, _R3)
    if head == "connections" and reading:
        return Need(f"{_AI}/connections/read", "project", "connections", True, _R3)
    if head == "vector_stores" and reading:
        return Need(f"{_AI}/assets/read", "project", "vector stores", True, _R3)
    if head == "deployments" and reading:
        return Need(f"{_AI}/deployments/read", "project", "a project's deployments", False, _R3)
    return Need(f"{_AI}/*", "project", f"a project's {head or 'routes'}", False, _R3)


def need_for(
    surface: str | None,
    operation: str | None,
    method: str = "POST",
    publisher: Publisher | None = None,
) -> Need | None:
    """The data action a call needs: ``surface`` is a route family of :mod:`.routes`
    (``"v1"``, ``"dated-deployment"``, ``"project-v1"``, ...), ``operation`` what follows
    its prefix (``"chat/completions"``), ``publisher`` the model's publisher where the
    surface serves models. ``None`` when no source records the action (or the surface takes
    no Azure RBAC at all)."""
    if surface is None:
        return None
    operation = (operation or "").strip("/")
    if surface in _ACCOUNT_SURFACES:
        return _account_need(operation or "chat/completions", method, publisher)
    if surface in _PROJECT_SURFACES:
        return _project_need(surface, operation or "responses", method)
    if surface == "agent-endpoint":
        return Need(
            f"{_AI}/endpoints/interact/action",
            "agent-endpoint",
            "an agent endpoint",
            False,
            (s.HOSTED, s.THIRD_PARTY_IAC),
        )
    if surface == "agent-application":
        return Need(
            f"{_AI}/applications/invoke/action",
            "application",
            "an agent application",
            True,
            (s.HOSTED,),
        )
    return None


#: the sources of the matching rule itself
MATCHING_SOURCES: tuple[Source, ...] = (_MATCHING,)
