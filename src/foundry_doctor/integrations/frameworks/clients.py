"""Covering the SDK clients a framework object holds: whatever a framework keeps (an openai
client, an openai resource such as ``client.chat.completions`` or ``client.embeddings``, an
azure-core client, or nothing yet) goes to the instrumentation of its SDK.

Nothing here imports an SDK: a value is recognised by the modules of its class, and the SDK's
integration is imported only for a value of that SDK (which is then imported already).
"""

from __future__ import annotations

from collections.abc import Iterable

from foundry_doctor.integrations.instrument import instrument_sdk_client, is_openai_object

__all__ = ["cover", "cover_attributes", "is_from"]


def is_from(value: object, *packages: str) -> bool:
    """Whether ``value``'s class, or a class it extends, comes from one of ``packages`` (top
    level package names: ``"langchain_openai"``, ``"semantic_kernel"``, ...)."""
    return any(klass.__module__.split(".", 1)[0] in packages for klass in type(value).__mro__)


def cover(value: object, *, include_personal: bool) -> bool:
    """Instrument the SDK client ``value`` is, or that the openai resource ``value`` belongs to
    (``client.embeddings`` keeps its client as ``_client``, on every openai release from 1.109
    to 3.x). Returns whether ``value`` was such a client; ``None`` and anything else are left
    alone."""
    if value is None:
        return False
    if instrument_sdk_client(value, include_personal=include_personal):
        return True
    if not is_openai_object(value):
        return False
    client = getattr(value, "_client", None)
    return client is not value and instrument_sdk_client(client, include_personal=include_personal)


def cover_attributes(holder: object, names: Iterable[str], *, include_personal: bool) -> int:
    """Cover the clients ``holder`` keeps under ``names`` (public fields, pydantic private
    attributes alike); returns how many there were."""
    covered = 0
    for name in names:
        try:
            value = getattr(holder, name, None)
        except Exception:  # a pydantic private attribute never set raises its own error
            value = None
        covered += cover(value, include_personal=include_personal)
    return covered
