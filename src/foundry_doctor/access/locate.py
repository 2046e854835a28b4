"""Which account a data-plane host belongs to: Resource Graph by custom subdomain first (one
call for every subscription), then the account list of each subscription the caller sees.

Matching (``arm.md`` section 2.2): the host's first label is compared, ignoring case, with the
account's ``customSubDomainName`` (never with its name, which may differ), and the whole host
must be one of the account's endpoint hosts. Resource Graph only returns what the caller may
read, and may lag behind a new account, so "not found" means "not found or not readable".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from foundry_doctor.access.arm_client import ArmClient, ArmError
from foundry_doctor.access.report import AccountInfo, Unread
from foundry_doctor.knowledge.arm import ACCOUNT_TYPE, API_VERSIONS

__all__ = ["Location", "account_from_id", "account_info", "cognitive_get", "locate"]

#: subscriptions searched one by one when Resource Graph finds nothing
MAX_SUBSCRIPTIONS = 10
_READ_ACCOUNTS = "Microsoft.CognitiveServices/accounts/read"


@dataclass
class Location:
    """The account found (or not), and what could not be read on the way. ``partial``: only
    the account's id is known (the caller may not read the account itself, only one of its
    projects, or was given the id); ``subscriptions`` how many subscriptions the caller sees
    (``None``: not listed)."""

    account: AccountInfo | None = None
    unread: list[Unread] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)
    partial: bool = False
    subscriptions: int | None = None


def account_from_id(resource_id: str, projects: tuple[str, ...] = ()) -> AccountInfo:
    """What an account id alone says: name, subscription, resource group."""
    subscription, group = _id_parts(resource_id)
    return AccountInfo(
        id=resource_id,
        name=resource_id.rstrip("/").rsplit("/", 1)[-1],
        kind=None,
        location=None,
        subscription_id=subscription,
        resource_group=group,
        custom_subdomain=None,
        hosts=(),
        disable_local_auth=None,
        public_network_access=None,
        network_default_action=None,
        projects=projects,
    )


def _host_of(url: object) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    return (urlsplit(url).hostname or "").lower() or None


def _id_parts(resource_id: str) -> tuple[str, str]:
    parts = [part for part in resource_id.split("/") if part]
    lowered = [part.lower() for part in parts]
    subscription = parts[lowered.index("subscriptions") + 1] if "subscriptions" in lowered else ""
    group = parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered else ""
    return subscription, group


def account_info(raw: Mapping[str, Any]) -> AccountInfo | None:
    """An account from ARM's account body or a Resource Graph row that projects
    ``properties``; ``None`` when it has no id."""
    resource_id = raw.get("id")
    if not isinstance(resource_id, str) or not resource_id:
        return None
    properties = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    assert isinstance(properties, dict)
    endpoints = properties.get("endpoints") if isinstance(properties.get("endpoints"), dict) else {}
    assert isinstance(endpoints, dict)
    hosts = {_host_of(properties.get("endpoint")), *(_host_of(v) for v in endpoints.values())}
    acls = properties.get("networkAcls") if isinstance(properties.get("networkAcls"), dict) else {}
    assert isinstance(acls, dict)
    projects = properties.get("associatedProjects")
    subscription, group = _id_parts(resource_id)
    local = properties.get("disableLocalAuth")
    return AccountInfo(
        id=resource_id,
        name=str(raw.get("name") or resource_id.rsplit("/", 1)[-1]),
        kind=raw.get("kind") if isinstance(raw.get("kind"), str) else None,
        location=raw.get("location") if isinstance(raw.get("location"), str) else None,
        subscription_id=str(raw.get("subscriptionId") or subscription),
        resource_group=group,
        custom_subdomain=(
            properties["customSubDomainName"]
            if isinstance(properties.get("customSubDomainName"), str)
            else None
        ),
        hosts=tuple(sorted(host for host in hosts if host)),
        disable_local_auth=local if isinstance(local, bool) else None,
        public_network_access=(
            properties["publicNetworkAccess"]
            if isinstance(properties.get("publicNetworkAccess"), str)
            else None
        ),
        network_default_action=(
            acls["defaultAction"] if isinstance(acls.get("defaultAction"), str) else None
        ),
        projects=tuple(p for p in projects if isinstance(p, str))
        if isinstance(projects, list)
        else (),
    )


def _matches(account: AccountInfo, label: str, host: str) -> bool:
    if (account.custom_subdomain or "").lower() != label.lower():
        return False
    return not account.hosts or host.lower() in account.hosts or _same_resource(account, host)


def _same_resource(account: AccountInfo, host: str) -> bool:
    """A host of the account's other families (``<sub>.openai.azure.com`` for an AIServices
    account listing only its cognitiveservices endpoint): same label, a known suffix."""
    label = host.split(".", 1)[0]
    return any(item.split(".", 1)[0] == label for item in account.hosts)


def cognitive_get(client: ArmClient, path: str, *, listing: bool = False) -> Any:
    """A Cognitive Services read, retried once with the older api-version where a cloud does
    not know the newer one yet (``NoRegisteredProviderFound``)."""
    versions = (API_VERSIONS.cognitive_services, API_VERSIONS.cognitive_services_fallback)
    for index, version in enumerate(versions):
        try:
            return client.list(path, version) if listing else client.get(path, version)
        except ArmError as error:
            if error.code != "NoRegisteredProviderFound" or index == len(versions) - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _graph_query(label: str) -> str:
    safe = "".join(char for char in label.lower() if char.isalnum() or char in "-_")
    return (
        f"resources | where type =~ '{ACCOUNT_TYPE.lower()}' | where "
        f"tolower(tostring(properties.customSubDomainName)) == '{safe}' | project id, name, "
        "kind, location, subscriptionId, resourceGroup, tenantId, properties"
    )


def _pick(rows: Iterable[Mapping[str, Any]], label: str, host: str) -> AccountInfo | None:
    for row in rows:
        account = account_info(row)
        if account is not None and _matches(account, label, host):
            return account
    return None


def locate(client: ArmClient, host: str, *, account_id: str | None = None) -> Location:
    """Find the account answering on ``host``, or read ``account_id`` directly."""
    found = Location()
    if account_id:
        try:
            found.account = account_info(cognitive_get(client, account_id))
        except ArmError as error:
            if not error.forbidden:
                found.searched.append(f"the account id given ({error.code or error.status})")
                return found
            found.unread.append(Unread("the account", account_id, _READ_ACCOUNTS, 403))
            found.account, found.partial = account_from_id(account_id), True
        return found
    label = host.split(".", 1)[0]
    try:
        result = client.post(
            "/providers/Microsoft.ResourceGraph/resources",
            API_VERSIONS.resource_graph,
            {"query": _graph_query(label), "options": {"resultFormat": "objectArray", "$top": 10}},
        )
        rows = result.get("data")
        found.searched.append("Resource Graph")
        found.account = _pick(rows if isinstance(rows, list) else (), label, host)
    except ArmError as error:
        found.searched.append(f"Resource Graph ({error.code or error.status})")
    if found.account is not None:
        return found
    if _through_projects(client, label, found):
        return found
    try:
        listed = client.list("/subscriptions", API_VERSIONS.subscriptions)
    except ArmError as error:
        found.searched.append(f"the subscription list ({error.code or error.status})")
        return found
    enabled = [item for item in listed if item.get("state", "Enabled") == "Enabled"]
    found.subscriptions = len(enabled)
    found.searched.append(f"{len(enabled)} subscription(s)")
    for item in enabled[:MAX_SUBSCRIPTIONS]:
        subscription_id = item.get("subscriptionId")
        if not isinstance(subscription_id, str):
            continue
        path = f"/subscriptions/{subscription_id}/providers/{ACCOUNT_TYPE}"
        try:
            accounts = cognitive_get(client, path, listing=True)
        except ArmError as error:
            if error.forbidden:
                found.unread.append(
                    Unread("the accounts", f"/subscriptions/{subscription_id}", _READ_ACCOUNTS, 403)
                )
            continue
        found.account = _pick(accounts, label, host)
        if found.account is not None:
            break
    return found


def _through_projects(client: ArmClient, label: str, found: Location) -> bool:
    """A caller who holds a role on a project only cannot read its account, but sees the
    project: its ``AI Foundry API`` endpoint carries the account's subdomain, and its id the
    account's id."""
    query = (
        f"resources | where type =~ '{ACCOUNT_TYPE.lower()}/projects' | project id, name, "
        "properties"
    )
    try:
        result = client.post(
            "/providers/Microsoft.ResourceGraph/resources",
            API_VERSIONS.resource_graph,
            {"query": query, "options": {"resultFormat": "objectArray", "$top": 100}},
        )
    except ArmError:
        return False
    rows = result.get("data") if isinstance(result.get("data"), list) else []
    assert isinstance(rows, list)
    accounts: dict[str, list[str]] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            continue
        properties = row.get("properties") if isinstance(row.get("properties"), dict) else {}
        assert isinstance(properties, dict)
        endpoints = properties.get("endpoints")
        hosts = [_host_of(v) for v in endpoints.values()] if isinstance(endpoints, dict) else []
        if not any(host and host.split(".", 1)[0] == label.lower() for host in hosts):
            continue
        head, _, project = row["id"].rpartition("/projects/")
        if head and project:
            accounts.setdefault(head, []).append(project)
    if accounts:
        account_id, projects = next(iter(accounts.items()))
        found.account = account_from_id(account_id, tuple(projects))
        found.partial = True
        found.searched.append("Resource Graph (projects)")
        return True
    return False
