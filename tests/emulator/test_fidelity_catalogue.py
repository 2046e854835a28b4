"""Fidelity, row by row: every row of the error catalogue (``../shared/knowledge/wire.md`` A.2,
plus the 410 of ``retirements.md`` §2.3 and the 429 of A.3), produced through the real clients
(raw requests only where no SDK sends the request), compared on status, body (byte for byte
where the row quotes it verbatim, parsed otherwise) and the headers the row names.

A row whose body is not published is produced by the world setting that states it, and the
test checks what the row does give (status, the quoted words); rows the emulator cannot
produce are marked ``xfail(strict=True)`` with the reason (also listed in docs/emulator.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openai
import pytest
from azure.core.exceptions import HttpResponseError

from foundry_doctor.emulator import Emulator
from foundry_doctor.emulator.world import Deployment, Gateway, GatewayApi, Quota, Refusal
from support.fidelity import Observed, observed_from_error, observed_from_raw, text_matches
from support.wire import raw_request

pytestmark = [pytest.mark.openai, pytest.mark.azure]

AI_SCOPE = "https://ai.azure.com/.default"
COGNITIVE_SCOPE = "https://cognitiveservices.azure.com/.default"
AOAI = "https://myres.openai.azure.com"
SERVICES_HOST = "myres.services.ai.azure.com"
PROJECT = "https://myres.services.ai.azure.com/api/projects/myproject"
HELLO = [{"role": "user", "content": "hi"}]
BOB = "bbbbbbbb-0000-0000-0000-000000000002"
INVALID_KEY = "0123456789abcdef0123456789abcdef"

INVALID_KEY_BODY = (
    '{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API '
    "endpoint. Make sure to provide a valid key for an active subscription and use a correct "
    'regional API endpoint for your resource."}}'
)


def _token_body(audience: str) -> str:
    return (
        '{"statusCode":401,"message":"Unauthorized. Access token is missing, invalid, audience '
        f'is incorrect ({audience}), or have expired."}}'
    )


@dataclass(frozen=True)
class Row:
    """One catalogue row: how to produce it, and what the row states."""

    run: Callable[[Emulator], Observed]
    status: int
    body: str | None = None  # verbatim (masks allowed)
    message: str | None = None  # the error's message, where only that is quoted
    contains: str | None = None  # words the row quotes from a body it does not publish
    headers: dict[str, str | None] = field(default_factory=dict)  # None: present
    reason: str | None = None


def _openai_error(call: Callable[[], object]) -> Observed:
    with pytest.raises(openai.APIStatusError) as caught:
        call()
    return observed_from_error(caught.value)


def _azure_error(call: Callable[[], object]) -> Observed:
    with pytest.raises(HttpResponseError) as caught:
        call()
    return observed_from_error(caught.value)


def _aoai(api_version: str = "2024-10-21", endpoint: str = AOAI, **kwargs: Any) -> Any:
    return openai.AzureOpenAI(
        azure_endpoint=endpoint, api_version=api_version, max_retries=0, **kwargs
    )


def _v1(emu: Emulator, **kwargs: Any) -> Any:
    return openai.OpenAI(
        base_url=f"{AOAI}/openai/v1/", api_key=emu.key("myres"), max_retries=0, **kwargs
    )


def _chat(client: Any, model: str = "gpt-4o") -> Callable[[], object]:
    return lambda: client.chat.completions.create(model=model, messages=HELLO)


def _inference(emu: Emulator, **kwargs: Any) -> Any:
    from azure.ai.inference import ChatCompletionsClient

    kwargs.setdefault("credential", emu.credential("alice"))
    return ChatCompletionsClient(endpoint="https://myres.services.ai.azure.com/models", **kwargs)


def _complete(client: Any, model: str | None = "gpt-4o") -> Callable[[], object]:
    from azure.ai.inference.models import UserMessage

    if model is None:
        return lambda: client.complete(messages=[UserMessage("hi")])
    return lambda: client.complete(model=model, messages=[UserMessage("hi")])


def _project(emu: Emulator, principal: str) -> Any:
    projects = pytest.importorskip("azure.ai.projects", reason="needs azure-ai-projects (openai 3)")
    return projects.AIProjectClient(endpoint=PROJECT, credential=emu.credential(principal))


def _bearer(emu: Emulator, principal: str, scope: str = AI_SCOPE) -> dict[str, str]:
    return {"Authorization": f"Bearer {emu.token(principal, scope)}"}


# --- the rows -------------------------------------------------------------------------------------


def _invalid_key(emu: Emulator) -> Observed:
    return _openai_error(_chat(_aoai(api_key=INVALID_KEY)))


def _invalid_key_unauthorized_code(emu: Emulator) -> Observed:
    emu.world.apply({"foundry.invalid_key_code": "Unauthorized"})
    return _invalid_key(emu)


def _key_as_bearer(emu: Emulator) -> Observed:
    return _openai_error(_chat(_aoai(azure_ad_token=emu.key("myres"))))


def _cognitive_token_on_project(emu: Emulator) -> Observed:
    token = emu.token("alice", COGNITIVE_SCOPE)
    client = openai.OpenAI(base_url=f"{PROJECT}/openai/v1/", api_key=token, max_retries=0)
    return _openai_error(lambda: client.responses.create(model="gpt-4o", input="hi"))


def _ml_token_on_models(emu: Emulator) -> Observed:
    return _azure_error(_complete(_inference(emu)))  # the SDK's default scope: ml.azure.com


def _no_role(emu: Emulator) -> Observed:
    token = emu.token("dave", COGNITIVE_SCOPE)
    return _openai_error(_chat(_aoai(azure_ad_token=token)))


def _project_assistant_without_role(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        SERVICES_HOST,
        "GET",
        "/api/projects/myproject/assistants/asst_1?api-version=v1",
        headers=_bearer(emu, "bob"),
    )
    return observed_from_raw(response)


def _no_credential(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        SERVICES_HOST,
        "POST",
        "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        body={"messages": HELLO},
    )
    return observed_from_raw(response)


def _gateway_without_key(emu: Emulator) -> Observed:
    emu.world.add_gateway(Gateway("myapim"))
    client = _aoai(endpoint="https://myapim.azure-api.net", api_key=emu.key("myres"))
    return _openai_error(_chat(client))


def _gateway_with_tokens_without_credential(emu: Emulator) -> Observed:
    emu.world.add_gateway(Gateway("myapim", apis=[GatewayApi(application_tokens=True)]))
    client = _aoai(endpoint="https://myapim.azure-api.net", api_key=emu.key("myres"))
    return _openai_error(_chat(client))


def _unknown_deployment(emu: Emulator) -> Observed:
    return _openai_error(_chat(_aoai(api_key=emu.key("myres")), "gpt4o"))


def _unknown_model(emu: Emulator) -> Observed:
    return _azure_error(_complete(_inference(emu, credential_scopes=[COGNITIVE_SCOPE]), "nope"))


def _unknown_model_400(emu: Emulator) -> Observed:
    emu.world.apply({"unknown_model_status": 400})
    return _unknown_model(emu)


def _no_model(emu: Emulator) -> Observed:
    return _azure_error(_complete(_inference(emu, credential_scopes=[COGNITIVE_SCOPE]), None))


def _no_api_version(emu: Emulator) -> Observed:
    response = raw_request(
        emu,
        "myres.openai.azure.com",
        "POST",
        "/openai/deployments/gpt-4o/completions",
        headers={"api-key": emu.key("myres")},
        body={"prompt": "hi"},
    )
    return observed_from_raw(response)


def _unserved_api_version(emu: Emulator) -> Observed:
    return _openai_error(_chat(_aoai("2023-11-01-preview", api_key=emu.key("myres"))))


def _model_newer_than_api_version(emu: Emulator) -> Observed:
    emu.world.resource("myres").add_deployment(
        Deployment("o1", "o1", min_api_version="2024-12-01-preview")
    )
    return _openai_error(_chat(_aoai("2024-10-21", api_key=emu.key("myres")), "o1"))


def _dated_responses_model_too_new(emu: Emulator) -> Observed:
    emu.world.resource("myres").add_deployment(
        Deployment("gpt-5.3-codex", "gpt-5.3-codex", min_api_version="2025-04-01-preview")
    )
    client = _aoai("2025-03-01-preview", api_key=emu.key("myres"))
    return _openai_error(lambda: client.responses.create(model="gpt-5.3-codex", input="hi"))


def _v1_chat_dated(emu: Emulator) -> Observed:
    client = _v1(emu, default_query={"api-version": "2024-10-21"})
    return _openai_error(_chat(client))


def _v1_responses_dated(emu: Emulator) -> Observed:
    client = _v1(emu, default_query={"api-version": "2025-03-01-preview"})
    return _openai_error(lambda: client.responses.create(model="gpt-4o", input="hi"))


def _v1_preview_era(emu: Emulator) -> Observed:
    emu.world.apply({"foundry.v1_preview_mode": True})
    return _openai_error(_chat(_v1(emu)))


def _retired(answer: str) -> Callable[[Emulator], Observed]:
    def run(emu: Emulator) -> Observed:
        emu.world.resource("myres").add_deployment(
            Deployment("gpt-35-turbo", "gpt-35-turbo", retired=answer)  # type: ignore[arg-type]
        )
        return _openai_error(_chat(_aoai(api_key=emu.key("myres")), "gpt-35-turbo"))

    return run


def _other_tenant_on_project(emu: Emulator) -> Observed:
    return _azure_error(lambda: list(_project(emu, "eve").connections.list()))


def _other_tenant_on_account(emu: Emulator) -> Observed:
    return _openai_error(_chat(_aoai(azure_ad_token=emu.token("eve", COGNITIVE_SCOPE))))


def _suspended(emu: Emulator) -> Observed:
    body = '{"error":{"code":"403","message":"The resource has been temporarily blocked."}}'
    emu.world.apply({"resources.myres.refusal": Refusal(403, body)})
    return _openai_error(_chat(_aoai(api_key=emu.key("myres"))))


def _impersonation_without_permission(emu: Emulator) -> Observed:
    from foundry_doctor.emulator.world import Project

    project: Project = emu.world.resource("myres").project("myproject")
    project.agents["helper"] = _agent("helper")
    emu.world.assign("dave", "Foundry Agent Consumer")
    response = raw_request(
        emu,
        SERVICES_HOST,
        "POST",
        "/api/projects/myproject/agents/helper/endpoint/protocols/openai/responses?api-version=v1",
        headers={**_bearer(emu, "dave"), "x-ms-user-identity": "someone"},
        body={"input": "hi"},
    )
    return observed_from_raw(response)


def _agent(name: str) -> Any:
    from foundry_doctor.emulator.world import Agent

    return Agent(name, versions=[{"definition": {"kind": "prompt", "model": "gpt-4o"}}])


def _key_auth_disabled(emu: Emulator) -> Observed:
    client = _aoai(endpoint="https://keyless.openai.azure.com", api_key=emu.key("keyless"))
    return _openai_error(_chat(client))


def _public_access_disabled(emu: Emulator) -> Observed:
    client = _aoai(endpoint="https://private.openai.azure.com", api_key=emu.key("private"))
    return _openai_error(_chat(client))


def _firewall(emu: Emulator) -> Observed:
    emu.world.apply({"resources.private.network_answer": "firewall"})
    return _public_access_disabled(emu)


def _model_deprecated(emu: Emulator) -> Observed:
    return _retired("model-deprecated")(emu)


def _throttled(emu: Emulator) -> Observed:
    emu.world.resource("myres").deployments["gpt-4o"].quota = Quota(
        throttle_next=1, retry_after_ms=1500
    )
    return _openai_error(_chat(_aoai(api_key=emu.key("myres"))))


_PROJECT_DENIED = (
    '{"error":{"code":"PermissionDenied","message":"The principal `<principal-id>` lacks the '
    "required data action `Microsoft.CognitiveServices/accounts/AIServices/agents/read` to "
    "perform `GET /api/projects/{projectName}/assistants/{assistantId}` operation. For "
    'instructions on granting the necessary permissions, see https://aka.ms/FoundryPermissions."}}'
)
_RETIRED_400 = (
    "The chatCompletion operation does not work with the specified model, gpt-35-turbo. Please "
    "choose different model and try again. You can learn more about which models can be used "
    "with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993."
)
_NO_MODEL_TEXT = (
    "No model specified in request. Please provide a model name in the request body or as a "
    "x-ms-model-mesh-model-name header."
)

ROWS: dict[str, Row] = {
    "invalid-key": Row(
        _invalid_key,
        401,
        INVALID_KEY_BODY,
        headers={
            "apim-request-id": None,
            "content-type": "application/json",
            "content-length": "224",
        },
    ),
    "invalid-key-code-unauthorized": Row(
        _invalid_key_unauthorized_code,
        401,
        message=json.loads(INVALID_KEY_BODY)["error"]["message"],
    ),
    "token-rejected-account": Row(
        _key_as_bearer, 401, _token_body("https://cognitiveservices.azure.com")
    ),
    "token-rejected-project": Row(
        _cognitive_token_on_project, 401, _token_body("https://ai.azure.com")
    ),
    "token-rejected-models": Row(
        _ml_token_on_models,
        401,
        _token_body("https://cognitiveservices.azure.com/ or https://ai.azure.com/"),
    ),
    "permission-denied-account": Row(
        _no_role,
        401,
        '{"error":{"code":"PermissionDenied","message":"Principal does not have access to '
        'API/Operation."}}',
    ),
    "permission-denied-project": Row(_project_assistant_without_role, 401, _PROJECT_DENIED),
    "missing-auth-direct": Row(_no_credential, 401, INVALID_KEY_BODY),
    "missing-auth-gateway": Row(
        _gateway_without_key,
        401,
        '{ "statusCode": 401, "message": "Access denied due to missing subscription key. Make sure '
        'to include subscription key when making requests to an API." }',
    ),
    "missing-auth-gateway-with-tokens": Row(
        _gateway_with_tokens_without_credential,
        401,
        message=(
            "Access denied due to a missing application credentials or subscription key. Make "
            "sure to include an application token or a subscription key when making requests to "
            "the API."
        ),
    ),
    "deployment-not-found": Row(
        _unknown_deployment,
        404,
        '{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource '
        "does not exist. If you created the deployment within the last 5 minutes, please wait a "
        'moment and try again."}}',
    ),
    "unknown-model": Row(
        _unknown_model,
        404,
        '{"error":{"code":"unknown_model","message":"Unknown model: nope","details":"Unknown '
        'model: nope"}}',
        headers={"x-ms-error-code": "unknown_model"},
    ),
    "unknown-model-400": Row(_unknown_model_400, 400, message="Unknown model: nope"),
    "no-model-name": Row(
        _no_model,
        400,
        json.dumps(
            {
                "error": {
                    "code": "no_model_name",
                    "message": _NO_MODEL_TEXT,
                    "details": _NO_MODEL_TEXT,
                }
            },
            separators=(",", ":"),
        ),
        headers={"x-ms-error-code": "no_model_name"},
    ),
    "resource-not-found-no-api-version": Row(
        _no_api_version, 404, '{"error":{"code":"404","message": "Resource not found"}}'
    ),
    "resource-not-found-unserved-api-version": Row(
        _unserved_api_version, 404, '{"error":{"code":"404","message": "Resource not found"}}'
    ),
    "model-gated-api-version": Row(
        _model_newer_than_api_version,
        400,
        '{"error":{"code":"BadRequest","message":"Model {modelName} is enabled only for api '
        'versions 2024-12-01-preview and later"}}',
    ),
    "api-version-not-supported-dated-responses": Row(
        _dated_responses_model_too_new,
        400,
        '{"error":{"code":"BadRequest","message":"API version not supported"}}',
    ),
    "v1-dated-not-allowed": Row(
        _v1_chat_dated,
        400,
        '{"error":{"code":"BadRequest","message":"api-version query parameter is not allowed when '
        'using /v1 path"}}',
    ),
    "v1-dated-not-supported": Row(
        _v1_responses_dated,
        400,
        '{"error":{"code":"BadRequest","message":"API version not supported"}}',
    ),
    "v1-preview-era": Row(
        _v1_preview_era, 400, message="API in preview mode, please use api-version=preview"
    ),
    "retired-model-404": Row(_retired("not-found"), 404, message="Resource not found"),
    "retired-model-400": Row(_retired("operation-not-supported"), 400, message=_RETIRED_400),
    "tenant-mismatch-project": Row(
        _other_tenant_on_project,
        400,
        '{"error":{"code":"Tenant provided in token does not match resource token","message":'
        '"Token tenant aaaaaaaa-0000-0000-0000-000000000002 does not match resource tenant."}}',
    ),
    "tenant-mismatch-account": Row(
        _other_tenant_on_account,
        400,
        contains="Tenant provided in token does not match resource token",
    ),
    "suspended": Row(_suspended, 403, contains="resource has been temporarily blocked"),
    "impersonation-without-permission": Row(
        _impersonation_without_permission,
        403,
        contains="UserIdentityImpersonation/action",
    ),
    "key-auth-disabled": Row(
        _key_auth_disabled,
        403,
        '{"error":{"code":"AuthenticationTypeDisabled","message": "Key based authentication is '
        'disabled for this resource."}}',
    ),
    "public-access-disabled": Row(
        _public_access_disabled,
        403,
        '{"error":{"code":"403","message": "Public access is disabled. Please configure private '
        'endpoint."}}',
        headers={"policy-id": "ThrowExceptionDueToTrafficDenied"},
    ),
    "firewall": Row(
        _firewall,
        403,
        '{"error":{"code":"403","message": "Access denied due to Virtual Network/Firewall '
        'rules."}}',
    ),
    "model-deprecated-410": Row(
        _model_deprecated,
        410,
        '{"error": {"code": "ModelDeprecated", "message": "The model associated with the '
        "deployment is deprecated and no longer available for use. Please refer to the Azure "
        'OpenAI service documentation for more information."}}',
        reason="Gone",
    ),
    "throttled-429": Row(
        _throttled,
        429,
        contains="429",
        headers={"retry-after-ms": "1500", "retry-after": "2"},
    ),
}

#: rows the emulator cannot produce, and why (each also in docs/emulator.md)
NOT_PRODUCIBLE = {
    "token-rejected-other-cognitive-services": (
        "the (urn:ms.scopedToken or urn:ms.faceSessionToken) text belongs to other Cognitive "
        "Services APIs (Face, Speech), which the emulator does not model"
    ),
}


@pytest.fixture
def fresh(emu: Emulator) -> Iterator[Emulator]:
    with emu.modified_world():
        yield emu


def _other_cognitive_services(emu: Emulator) -> Observed:
    response = raw_request(
        emu, SERVICES_HOST, "POST", "/face/v1.0/detect", headers=_bearer(emu, "alice")
    )
    return observed_from_raw(response)


_UNPRODUCIBLE_ROWS = {
    "token-rejected-other-cognitive-services": Row(
        _other_cognitive_services,
        401,
        _token_body("urn:ms.scopedToken or urn:ms.faceSessionToken"),
    ),
}


def _params() -> list[Any]:
    params = [pytest.param(row, id=name) for name, row in ROWS.items()]
    for name, row in _UNPRODUCIBLE_ROWS.items():
        mark = pytest.mark.xfail(reason=NOT_PRODUCIBLE[name], strict=True)
        params.append(pytest.param(row, id=name, marks=mark))
    return params


@pytest.mark.parametrize("row", _params())
def test_the_emulator_gives_the_catalogued_answer(fresh: Emulator, row: Row) -> None:
    observed = row.run(fresh)
    assert observed.status == row.status, observed.text
    if row.body is not None:
        assert text_matches(row.body, observed.text), observed.text
    if row.message is not None:
        assert observed.message == row.message, observed.text
    if row.contains is not None:
        assert row.contains in observed.text
    for name, value in row.headers.items():
        assert name in observed.headers, sorted(observed.headers)
        if value is not None:
            assert observed.headers[name] == value
    if row.reason is not None:
        assert observed.reason == row.reason
    assert "x-should-retry" not in observed.headers
    assert "www-authenticate" not in observed.headers
    assert "apim-request-id" in observed.headers or row.run in (
        _gateway_without_key,
        _gateway_with_tokens_without_credential,
    )


def test_x_ms_error_code_only_on_the_models_routes(fresh: Emulator) -> None:
    on_aoai = _unknown_deployment(fresh)
    assert "x-ms-error-code" not in on_aoai.headers
    on_models = _unknown_model(fresh)
    assert on_models.headers["x-ms-error-code"] == "unknown_model"
