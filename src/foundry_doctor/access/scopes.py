"""Scopes: where one lies from another (an assignment's scope from a call's), and how to name
one for people relative to the account."""

from __future__ import annotations

from typing import Literal

__all__ = ["Placement", "placement", "scope_name"]

#: where an assignment's scope lies from the call's scope
Placement = Literal["here", "above", "below", "elsewhere"]


def placement(scope: str, target: str) -> Placement:
    """``here``, ``above`` (the scope contains the target), ``below`` or ``elsewhere``."""
    outer = [part for part in scope.lower().split("/") if part]
    inner = [part for part in target.lower().split("/") if part]
    if outer == inner:
        return "here"
    if inner[: len(outer)] == outer:
        return "above"
    if outer[: len(inner)] == inner:
        return "below"
    return "elsewhere"


def scope_name(scope: str, account: str | None) -> str:
    """A scope in words, relative to the account where it can be (``project myproject``)."""
    if account is not None:
        if scope.lower() == account.lower():
            return "the account"
        head = f"{account.lower()}/projects/"
        if scope.lower().startswith(head):
            return f"project {scope[len(head) :]}"
    parts = [part for part in scope.split("/") if part]
    lowered = [part.lower() for part in parts]
    if len(parts) == 4 and lowered[2] == "resourcegroups":
        return f"resource group {parts[3]}"
    if len(parts) == 2 and lowered[0] == "subscriptions":
        return f"subscription {parts[1]}"
    return scope or "/"
