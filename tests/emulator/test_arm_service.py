"""The emulated Azure Resource Manager, through azure-core's real pipeline (bearer-token policy
with the management scope, retry policy) and raw HTTP: authentication and its 401 bodies,
authorization before existence, the Cognitive Services resources, Resource Graph, the
Authorization provider (permissions, role assignments with groups, definitions, deny
assignments, PIM), paging, throttling, and one story with the data plane."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core import PipelineClient
from azure.core.pipeline.policies import BearerTokenCredentialPolicy, RetryPolicy
from azure.core.rest import HttpRequest, HttpResponse

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.services.arm.world import DenyAssignment, Eligibility, RoleAssignment
from support.wire import raw_request

pytestmark = pytest.mark.azure

ARM = "https://management.azure.com"
ARM_SCOPE = "https://management.azure.com/.default"
SUB = "/subscriptions/cccccccc-0000-0000-0000-000000000001"
RG = f"{SUB}/resourceGroups/rg-foundry"
ACCOUNT = f"{RG}/providers/Microsoft.CognitiveServices/accounts/myres"
AUTHZ = "providers/Microsoft.Authorization"
CS = "api-version=2025-09-01"
AZ = "api-version=2022-04-01"
HEIDI = "bbbbbbbb-0000-0000-0000-00000000000e"
IVAN = "bbbbbbbb-0000-0000-0000-00000000000f"
FOUNDRY_USER = "53ca6127-db72-4b80-b1b0-d745d6d5456d"


def _client(
    emu: Emulator, principal: str, *, retries: int = 0, **kwargs: Any
) -> PipelineClient[Any, Any]:
    return PipelineClient(
        ARM,
        policies=[
            RetryPolicy(retry_total=retries, retry_backoff_factor=0),
            BearerTokenCredentialPolicy(emu.credential(principal, **kwargs), ARM_SCOPE),
        ],
    )


def _get(emu: Emulator, principal: str, path: str, **kwargs: Any) -> HttpResponse:
    response = _client(emu, principal, **kwargs).send_request(HttpRequest("GET", ARM + path))
    response.read()
    return response


def _error(response: HttpResponse) -> tuple[str, str]:
    error = response.json()["error"]
    return error["code"], error["message"]


@pytest.fixture
def world(emu: Emulator) -> Iterator[Any]:
    with emu.modified_world() as changed:
        yield changed


# --- authentication ----------------------------------------------------------------------------


def test_no_token_is_authentication_failed(emu: Emulator) -> None:
    response = raw_request(emu, "management.azure.com", "GET", f"{SUB}?api-version=2022-12-01")
    assert response.status == 401
    assert response.json() == {
        "error": {
            "code": "AuthenticationFailed",
            "message": "Authentication failed. The 'Authorization' header is missing.",
        }
    }
    assert response.header("x-ms-failure-cause") == "gateway"
    assert 'error="invalid_token"' in (response.header("www-authenticate") or "")


def test_a_token_for_the_data_plane_names_its_audience(emu: Emulator) -> None:
    token = emu.token("alice", "https://cognitiveservices.azure.com/.default")
    response = raw_request(
        emu,
        "management.azure.com",
        "GET",
        f"{SUB}?api-version=2022-12-01",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 401
    code, message = _error_raw(response.json())
    assert code == "InvalidAuthenticationTokenAudience"
    assert message.startswith(
        "The access token has been obtained for wrong audience or resource "
        "'https://cognitiveservices.azure.com'. It should exactly match with one of the allowed "
        "audiences 'https://management.core.windows.net/',"
    )


def _error_raw(body: dict[str, Any]) -> tuple[str, str]:
    return body["error"]["code"], body["error"]["message"]


@pytest.mark.parametrize(
    "scope",
    [
        "https://management.azure.com/.default",
        "https://management.core.windows.net//.default",
        "https://management.core.windows.net/.default",
    ],
)
def test_every_arm_audience_is_accepted(emu: Emulator, scope: str) -> None:
    token = emu.token("alice", scope)
    response = raw_request(
        emu,
        "management.azure.com",
        "GET",
        f"{SUB}?api-version=2022-12-01",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 200, response.body


def test_an_expired_token_states_both_times(emu: Emulator) -> None:
    response = _get(emu, "alice", f"{SUB}?api-version=2022-12-01", lifetime=-600)
    assert response.status_code == 401
    code, message = _error(response)
    assert code == "ExpiredAuthenticationToken"
    assert message.startswith("The access token expiry UTC time '")
    assert "' is earlier than current UTC time '" in message


def test_a_forged_token_is_invalid(emu: Emulator) -> None:
    token = emu.token("alice", ARM_SCOPE)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = raw_request(
        emu,
        "management.azure.com",
        "GET",
        f"{SUB}?api-version=2022-12-01",
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert response.status == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_a_token_of_another_tenant_is_refused_on_the_subscription(emu: Emulator) -> None:
    response = _get(emu, "eve", f"{ACCOUNT}?{CS}")
    assert response.status_code == 401
    code, message = _error(response)
    assert code == "InvalidAuthenticationTokenTenant"
    assert "'https://sts.windows.net/aaaaaaaa-0000-0000-0000-000000000002/'" in message
    assert "'https://login.windows.net/aaaaaaaa-0000-0000-0000-000000000001'" in message
    listed = _get(emu, "eve", "/subscriptions?api-version=2022-12-01")
    assert listed.status_code == 200
    assert listed.json() == {"value": []}


def test_api_versions(emu: Emulator) -> None:
    missing = _get(emu, "alice", ACCOUNT)
    assert missing.status_code == 400
    assert _error(missing)[0] == "MissingApiVersionParameter"
    unknown = _get(emu, "alice", f"{ACCOUNT}?api-version=2019-01-01")
    assert unknown.status_code == 400
    code, message = _error(unknown)
    assert code == "NoRegisteredProviderFound"
    assert "for type 'Microsoft.CognitiveServices/accounts'" in message
    assert "2025-09-01" in message
    assert "location 'eastus'" in message


# --- authorization before existence ----------------------------------------------------------


def test_reading_without_the_right_is_authorization_failed(emu: Emulator) -> None:
    response = _get(emu, "dave", f"{ACCOUNT}?{CS}")
    assert response.status_code == 403
    assert response.headers["x-ms-failure-cause"] == "gateway"
    assert _error(response) == (
        "AuthorizationFailed",
        "The client 'dave@contoso.example' with object id "
        "'bbbbbbbb-0000-0000-0000-000000000004' does not have authorization to perform action "
        f"'Microsoft.CognitiveServices/accounts/read' over scope '{ACCOUNT}' or the scope is "
        "invalid. If access was recently granted, please refresh your credentials.",
    )
    app = _get(emu, "uami-batch", f"{ACCOUNT}?{CS}")
    assert "with object id 'bbbbbbbb-0000-0000-0000-00000000000b'" in _error(app)[1]
    assert "The client 'bbbbbbbb-0000-0000-0000-00000000000b'" in _error(app)[1]
    hidden = _get(emu, "dave", f"{RG}/providers/Microsoft.CognitiveServices/accounts/nope?{CS}")
    assert hidden.status_code == 403  # rights first: a missing account the caller cannot read


def test_missing_things_for_a_caller_who_may_read(emu: Emulator, world: Any) -> None:
    account = _get(emu, "alice", f"{RG}/providers/Microsoft.CognitiveServices/accounts/nope?{CS}")
    assert account.status_code == 404
    assert _error(account) == (
        "ResourceNotFound",
        "The Resource 'Microsoft.CognitiveServices/accounts/nope' under resource group "
        "'rg-foundry' was not found. For more details please go to "
        "https://aka.ms/ARMResourceNotFoundFix",
    )
    deployment = _get(emu, "alice", f"{ACCOUNT}/deployments/gpt4o?{CS}")
    assert deployment.status_code == 404
    assert _error(deployment) == (
        "NotFound",
        f"Specified resource '{ACCOUNT}/deployments/gpt4o' cannot be found.",
    )
    assert "x-ms-failure-cause" not in deployment.headers
    carol = _get(emu, "carol", f"{SUB}/resourceGroups/other?api-version=2024-03-01")
    assert carol.status_code == 403  # Owner on the account only: nothing above it
    group = _get(emu, "alice", f"{SUB}/resourceGroups/other?api-version=2024-03-01")
    assert group.status_code == 403  # Reader on rg-foundry only
    world.arm.assign(RoleAssignment("alice", "Reader", SUB))
    group = _get(emu, "alice", f"{SUB}/resourceGroups/other?api-version=2024-03-01")
    assert _error(group) == ("ResourceGroupNotFound", "Resource group 'other' could not be found.")


# --- the resources ---------------------------------------------------------------------------


def test_the_account_as_resource_manager_describes_it(emu: Emulator) -> None:
    response = _get(emu, "alice", f"{ACCOUNT}?{CS}")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["kind"], body["location"]) == (ACCOUNT, "AIServices", "eastus")
    properties = body["properties"]
    assert properties["customSubDomainName"] == "myres"
    assert properties["endpoints"]["AI Foundry API"] == "https://myres.services.ai.azure.com/"
    assert properties["disableLocalAuth"] is False
    assert properties["publicNetworkAccess"] == "Enabled"
    assert properties["associatedProjects"] == ["myproject"]
    keyless = _get(
        emu, "alice", f"{RG}/providers/Microsoft.CognitiveServices/accounts/keyless?{CS}"
    )
    assert keyless.json()["properties"]["disableLocalAuth"] is True
    private = _get(
        emu, "alice", f"{RG}/providers/Microsoft.CognitiveServices/accounts/private?{CS}"
    )
    assert private.json()["properties"]["publicNetworkAccess"] == "Disabled"
    assert private.json()["properties"]["networkAcls"]["defaultAction"] == "Deny"
    for header in ("x-ms-request-id", "x-ms-correlation-request-id", "x-ms-routing-request-id"):
        assert response.headers[header]
    assert response.headers["x-ms-ratelimit-remaining-subscription-reads"]


def test_deployments_models_and_projects(emu: Emulator, world: Any) -> None:
    from foundry_doctor.emulator import Deployment

    world.resource("myres").add_deployment(
        Deployment("legacy-chat", "gpt-35-turbo", model_version="0125")
    )
    listed = _get(emu, "alice", f"{ACCOUNT}/deployments?{CS}").json()["value"]
    models = {item["name"]: item["properties"]["model"] for item in listed}
    assert models["gpt-4o"] == {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}
    assert models["DeepSeek-R1"]["format"] == "DeepSeek"
    assert models["legacy-chat"]["version"] == "0125"
    rows = _get(emu, "alice", f"{ACCOUNT}/models?{CS}").json()["value"]
    retired = next(row for row in rows if (row["name"], row["version"]) == ("gpt-35-turbo", "0125"))
    assert retired["lifecycleStatus"] == "Deprecated"
    assert retired["deprecation"]["inference"] == "2025-04-30T00:00:00Z"
    world.apply({"arm.list_retired_models": False})
    rows = _get(emu, "alice", f"{ACCOUNT}/models?{CS}").json()["value"]
    assert all(row["lifecycleStatus"] != "Deprecated" for row in rows)
    projects = _get(emu, "alice", f"{ACCOUNT}/projects?{CS}").json()["value"]
    assert [item["name"] for item in projects] == ["myres/myproject"]
    assert projects[0]["id"] == f"{ACCOUNT}/projects/myproject"
    frank = _get(emu, "frank", f"{ACCOUNT}/projects/myproject?{CS}")
    assert frank.status_code == 200  # Foundry User reads at the project it holds


def test_lists_page_with_next_link(emu: Emulator, world: Any) -> None:
    world.apply({"arm.page_size": 2})
    client = _client(emu, "alice")
    url: str | None = f"{ARM}{ACCOUNT}/deployments?{CS}"
    names: list[str] = []
    pages = 0
    while url:
        page = client.send_request(HttpRequest("GET", url)).json()
        names += [item["name"] for item in page["value"]]
        url = page.get("nextLink")
        pages += 1
    assert pages == 3
    assert len(names) == 6
    assert len(set(names)) == 6


def test_the_subscription_list_filters_accounts_by_read_access(emu: Emulator) -> None:
    path = f"{SUB}/providers/Microsoft.CognitiveServices/accounts?{CS}"
    alice = [item["name"] for item in _get(emu, "alice", path).json()["value"]]
    assert sorted(alice) == ["keyless", "myres", "private"]
    bob = [item["name"] for item in _get(emu, "bob", path).json()["value"]]
    assert bob == ["myres"]
    with emu.modified_world({"arm.list_without_right": "forbidden"}):
        assert _get(emu, "bob", path).status_code == 403


def test_resource_graph_finds_the_account_by_subdomain(emu: Emulator) -> None:
    query = {
        "query": "resources | where type =~ 'microsoft.cognitiveservices/accounts' | where "
        "tolower(tostring(properties.customSubDomainName)) == 'myres' | project id, name, kind, "
        "subscriptionId, resourceGroup, tenantId, properties",
        "options": {"resultFormat": "objectArray", "$top": 10},
    }

    def search(principal: str, body: dict[str, Any]) -> HttpResponse:
        request = HttpRequest(
            "POST",
            f"{ARM}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01",
            json=body,
        )
        response = _client(emu, principal).send_request(request)
        response.read()
        return response

    found = search("alice", query)
    assert found.status_code == 200
    body = found.json()
    assert (body["totalRecords"], body["count"]) == (1, 1)
    assert body["data"][0]["id"] == ACCOUNT
    assert body["data"][0]["resourceGroup"] == "rg-foundry"
    assert found.headers["x-ms-user-quota-remaining"]
    assert search("dave", query).json()["data"] == []  # not readable: filtered, not refused
    every = {
        "query": "resources | where type =~ 'Microsoft.CognitiveServices/accounts'",
        "options": {"$top": 2},
    }
    first = search("alice", every).json()
    assert first["count"] == 2
    assert first["$skipToken"]
    rest = search("alice", {**every, "options": {"$top": 2, "$skipToken": first["$skipToken"]}})
    assert rest.json()["count"] == 1
    bad = search("alice", {"query": "resources | summarize count()"})
    assert bad.status_code == 400
    assert bad.json()["error"]["details"][0]["code"] == "InvalidQuery"


# --- Authorization ---------------------------------------------------------------------------


def test_permissions_are_one_entry_per_assignment(emu: Emulator) -> None:
    path = f"{ACCOUNT}/{AUTHZ}/permissions?{AZ}"
    alice = _get(emu, "alice", path).json()["value"]
    assert len(alice) == 3  # Foundry User, Cognitive Services User (account), Reader (group)
    assert {
        "actions": ["*/read"],
        "notActions": [],
        "dataActions": [],
        "notDataActions": [],
    } in alice
    assert _get(emu, "dave", path).json() == {"value": []}
    project = _get(emu, "frank", f"{ACCOUNT}/projects/myproject/{AUTHZ}/permissions?{AZ}")
    assert project.json()["value"][0]["dataActions"] == ["Microsoft.CognitiveServices/*"]
    assert _get(emu, "frank", path).json() == {"value": []}  # a project's role stays below
    with emu.modified_world({"arm.permissions_without_role": "forbidden"}):
        assert _get(emu, "dave", path).status_code == 403


def test_role_assignments_with_filters_and_groups(emu: Emulator) -> None:
    base = f"{ACCOUNT}/{AUTHZ}/roleAssignments?{AZ}"
    heidi = _get(emu, "alice", f"{base}&$filter=assignedTo('{HEIDI}')").json()["value"]
    assert len(heidi) == 1
    row = heidi[0]["properties"]
    assert (row["principalType"], row["principalId"]) == (
        "Group",
        "bbbbbbbb-0000-0000-0001-000000000002",
    )
    assert row["roleDefinitionId"].endswith(f"/roleDefinitions/{FOUNDRY_USER}")
    assert row["roleDefinitionId"].startswith(SUB)
    assert row["createdOn"].endswith("Z")
    assert len(row["createdOn"].split(".")[1]) == 8  # seven digits and the Z
    direct = _get(emu, "alice", f"{base}&$filter=principalId eq '{HEIDI}'").json()["value"]
    assert direct == []
    everything = _get(emu, "alice", base).json()["value"]
    scopes = {item["properties"]["scope"] for item in everything}
    assert f"{ACCOUNT}/projects/myproject" in scopes  # below the scope, without atScope()
    assert RG in scopes  # above it
    at_scope = _get(emu, "alice", f"{base}&$filter=atScope()").json()["value"]
    assert f"{ACCOUNT}/projects/myproject" not in {i["properties"]["scope"] for i in at_scope}
    group = _get(emu, "alice", f"{base}&$filter=assignedTo('bbbbbbbb-0000-0000-0001-000000000001')")
    assert group.status_code == 400


def test_listing_assignments_needs_the_right(emu: Emulator) -> None:
    base = f"{ACCOUNT}/{AUTHZ}/roleAssignments?{AZ}&$filter=assignedTo('{HEIDI}')"
    refused = _get(emu, "app", base)
    assert refused.status_code == 403
    code, message = _error(refused)
    assert code == "AuthorizationFailed"
    assert "'Microsoft.Authorization/roleAssignments/read'" in message
    assert f"over scope '{ACCOUNT}/providers/Microsoft.Authorization'" in message
    assert _get(emu, "bob", base).status_code == 200  # OpenAI User may read them
    with emu.modified_world({"arm.assignments_without_right": "empty"}):
        assert _get(emu, "app", base).json() == {"value": []}


def test_role_definitions_by_id_and_the_rename(emu: Emulator, world: Any) -> None:
    path = f"{ACCOUNT}/{AUTHZ}/roleDefinitions/{FOUNDRY_USER}?{AZ}"
    body = _get(emu, "alice", path).json()
    assert body["properties"]["roleName"] == "Foundry User"
    assert body["properties"]["type"] == "BuiltInRole"
    assert body["properties"]["permissions"][0]["dataActions"] == ["Microsoft.CognitiveServices/*"]
    world.apply({"arm.role_names": "former"})
    assert _get(emu, "alice", path).json()["properties"]["roleName"] == "Azure AI User"
    tenant_level = _get(emu, "dave", f"/{AUTHZ}/roleDefinitions/{FOUNDRY_USER}?{AZ}")
    assert tenant_level.status_code == 200
    assert _get(emu, "dave", path).status_code == 403
    missing = _get(
        emu, "alice", f"{ACCOUNT}/{AUTHZ}/roleDefinitions/{'0' * 8}-0000-0000-0000-{'0' * 12}?{AZ}"
    )
    assert missing.status_code == 404


def test_deny_assignments(emu: Emulator, world: Any) -> None:
    path = f"{ACCOUNT}/{AUTHZ}/denyAssignments?{AZ}"
    assert _get(emu, "alice", path).json() == {"value": []}
    world.arm.deny_assignments.append(
        DenyAssignment(
            "managed-app-lock",
            RG,
            data_actions=("Microsoft.CognitiveServices/accounts/OpenAI/*",),
            principals=("bbbbbbbb-0000-0000-0000-000000000002",),
        )
    )
    listed = _get(emu, "alice", path).json()["value"]
    assert listed[0]["properties"]["denyAssignmentName"] == "managed-app-lock"
    assert listed[0]["properties"]["permissions"][0]["dataActions"] == [
        "Microsoft.CognitiveServices/accounts/OpenAI/*"
    ]
    assert _get(emu, "app", path).status_code == 403


def test_pim_eligibility_is_listed_but_grants_nothing(emu: Emulator, world: Any) -> None:
    path = f"{ACCOUNT}/{AUTHZ}/roleEligibilityScheduleInstances?api-version=2020-10-01"
    listed = _get(emu, "alice", f"{path}&$filter=assignedTo('{IVAN}')").json()["value"]
    assert len(listed) == 1
    instance = listed[0]
    assert instance["type"] == "Microsoft.Authorization/RoleEligibilityScheduleInstances"
    assert instance["properties"]["roleDefinitionId"].endswith(FOUNDRY_USER)
    assert instance["properties"]["status"] == "Provisioned"
    assert len(_get(emu, "ivan", f"{path}&$filter=asTarget()").json()["value"]) == 1
    everywhere = f"/{AUTHZ}/roleEligibilityScheduleInstances?api-version=2020-10-01"
    assert len(_get(emu, "ivan", f"{everywhere}&$filter=asTarget()").json()["value"]) == 1
    assert _get(emu, "ivan", f"{path}&$filter=assignedTo('{IVAN}')").status_code == 403
    world.apply({"arm.own_pim_readable": False})
    assert _get(emu, "ivan", f"{path}&$filter=asTarget()").status_code == 403
    permissions = _get(emu, "ivan", f"{ACCOUNT}/{AUTHZ}/permissions?{AZ}").json()
    assert permissions == {"value": []}
    active = f"{ACCOUNT}/{AUTHZ}/roleAssignmentScheduleInstances?api-version=2020-10-01"
    rows = _get(emu, "alice", f"{active}&$filter=assignedTo('{HEIDI}')").json()["value"]
    assert rows[0]["properties"]["assignmentType"] == "Assigned"
    assert rows[0]["properties"]["memberType"] == "Group"


def test_throttling_is_retried_by_azure_core(emu: Emulator, world: Any) -> None:
    world.apply({"arm.throttle": 1, "arm.throttle_retry_after": 1})
    once = _get(emu, "alice", f"{ACCOUNT}?{CS}")
    assert once.status_code == 429
    assert once.headers["Retry-After"] == "1"
    assert _error(once)[0] == "SubscriptionRequestsThrottled"
    world.apply({"arm.throttle": 1})
    emu.clear_requests()
    retried = _get(emu, "alice", f"{ACCOUNT}?{CS}", retries=2)
    assert retried.status_code == 200
    assert [record.status for record in emu.requests] == [429, 200]


# --- one story with the data plane -----------------------------------------------------------


def _chat(emu: Emulator, principal: str, url: str) -> int:
    token = emu.token(principal, "https://ai.azure.com/.default")
    response = raw_request(
        emu,
        "myres.services.ai.azure.com",
        "POST",
        url,
        headers={"Authorization": f"Bearer {token}"},
        body={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
    )
    return response.status


ACCOUNT_ROUTE = "/openai/v1/chat/completions"
PROJECT_ROUTE = "/api/projects/myproject/openai/v1/chat/completions"


def test_the_data_plane_honours_resource_manager_assignments(emu: Emulator, world: Any) -> None:
    assert _chat(emu, "heidi", ACCOUNT_ROUTE) == 200  # through two nested groups
    assert _chat(emu, "frank", ACCOUNT_ROUTE) == 401  # Foundry User on the project only
    assert _chat(emu, "frank", PROJECT_ROUTE) == 200
    assert _chat(emu, "ivan", ACCOUNT_ROUTE) == 401  # eligible, not active
    world.arm.assign(
        RoleAssignment("dave", "Foundry User", ACCOUNT, created_on=world.arm.built_at + 10**6)
    )
    assert _chat(emu, "dave", ACCOUNT_ROUTE) == 401  # made just now: not in force yet
    world.arm.role_assignments[-1].created_on = 0.0
    assert _chat(emu, "dave", ACCOUNT_ROUTE) == 200
    world.arm.eligibilities.append(Eligibility("carol", "Foundry User", ACCOUNT))
    assert _chat(emu, "carol", ACCOUNT_ROUTE) == 401


def test_one_place_decides_a_model_versions_lifecycle(emu: Emulator, world: Any) -> None:
    """A version the catalogue lists as retired answers the data plane's retired 404; a
    deployment marked retired is listed as Deprecated by Resource Manager."""
    from foundry_doctor.emulator import Deployment

    myres = world.resource("myres")
    myres.add_deployment(Deployment("legacy-chat", "gpt-35-turbo", model_version="0125"))
    myres.add_deployment(Deployment("gpt-45", "gpt-4.5-preview", retired="model-deprecated"))
    key = emu.key("myres")
    for deployment, status in (("legacy-chat", 404), ("gpt-45", 410), ("gpt-4o", 200)):
        response = raw_request(
            emu,
            "myres.openai.azure.com",
            "POST",
            f"/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21",
            headers={"api-key": key},
            body={"messages": [{"role": "user", "content": "hi"}]},
        )
        assert response.status == status, deployment
    assert emu.requests[-3].outcome == "model-retired"
    rows = _get(emu, "alice", f"{ACCOUNT}/models?{CS}").json()["value"]
    lifecycle = {(row["name"], row["version"]): row["lifecycleStatus"] for row in rows}
    assert lifecycle[("gpt-4.5-preview", "1")] == "Deprecated"
    assert lifecycle[("gpt-4o", "2024-11-20")] == "GenerallyAvailable"
    world.foundry.retired_answer = "operation-not-supported"
    response = raw_request(
        emu,
        "myres.openai.azure.com",
        "POST",
        "/openai/deployments/legacy-chat/chat/completions?api-version=2024-10-21",
        headers={"api-key": key},
        body={"messages": [{"role": "user", "content": "hi"}]},
    )
    assert response.status == 400
