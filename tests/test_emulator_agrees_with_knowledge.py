"""The emulator's statement of the service against foundry-doctor's diagnosis tables.

Both are written from ``../shared/knowledge`` on their own: nothing in ``src/foundry_doctor/
emulator`` imports the tables and nothing outside the command line imports the emulator
(``tests/unit/test_layering.py``, ``tests/emulator/test_emulator_layout.py``). This module is the
one place where they meet, so a wrong fact on either side shows up here as a disagreement
instead of being copied into both.

Each comparison below returns how many facts it compared and the disagreements it found, as
short keys. A comparison passes when the keys it finds are exactly the ones listed for it:
:data:`DISAGREEMENTS` (a fact the knowledge files leave open, each entry naming the open
question), or :data:`NOT_EMULATED` (operations the tables know and the emulator does not serve,
each group with its reason). A new disagreement fails, and so does an entry that no longer
disagrees, so the lists cannot rot.

The two sides name things differently; the mappings right below are the only translation.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple

import pytest

from foundry_doctor.emulator import default_world
from foundry_doctor.emulator.roles import BUILT_IN_ROLES, RoleDefinition
from foundry_doctor.emulator.services.apim import spec as apim_spec
from foundry_doctor.emulator.services.arm import spec as arm_spec
from foundry_doctor.emulator.services.arm.world import ArmSettings
from foundry_doctor.emulator.services.entra import spec as entra_spec
from foundry_doctor.emulator.services.foundry import spec as emu
from foundry_doctor.emulator.services.foundry.world import FoundrySettings
from foundry_doctor.emulator.services.serverless import spec as serverless_spec
from foundry_doctor.knowledge import api_versions, arm, clients, data_actions, hosts, models, roles
from foundry_doctor.knowledge import routes as tables
from foundry_doctor.knowledge.matching import RouteMatch, match
from foundry_doctor.knowledge.retirements import retired_model

# --- the translation between the two vocabularies ------------------------------------------------

#: the emulator's host families -> the tables' host families
HOST_FAMILY: Mapping[emu.HostFamily, hosts.FamilyName] = {
    "openai": "azure-openai",
    "services": "foundry",
    "cognitiveservices": "cognitive-services",
    "regional": "regional",
}
#: the emulator's route families -> the tables' surfaces they cover
ROUTE_SURFACES: Mapping[emu.RouteName, tuple[str, ...]] = {
    "deployments": ("dated-deployment",),
    "responses": ("dated-resource",),
    "v1": ("v1",),
    "models": ("models-api",),
    "anthropic": ("anthropic",),
    "project": ("project", "project-v1", "project-dated", "agent-endpoint", "agent-application"),
}
#: the emulator's key credentials -> the tables' key headers (a token is ``Surface.token``)
KEY_HEADER: Mapping[emu.Credential, str] = {
    "api-key": "api-key",
    "x-api-key": "x-api-key",
    "bearer-key": "authorization",
}
#: the emulator's model families -> the tables' publishers
PUBLISHER: Mapping[emu.ModelFamily, models.Publisher] = {
    "openai": "openai",
    "maas": "other",
    "anthropic": "anthropic",
}
#: the clouds both sides know
CLOUDS: tuple[hosts.CloudName, ...] = ("public", "usgov", "china")
#: the knowledge files' date ("Facts as of 2026-12-01"), for the retirement tables
AS_OF = float(calendar.timegm((2026, 12, 1, 0, 0, 0)))

# --- what may differ, and why --------------------------------------------------------------------

_V1_PATHS = (
    "routes.md §3.3/§6, open question 'Exact /openai/v1 path list beyond the spec tags': the "
    "emulator serves the legacy completions operation on v1, the tables list only the spec's tags"
)
_V1_LATEST = (
    "routes.md §2.2/§6, open question 'api-version=latest on /openai/v1: accepted or 400?': the "
    "emulator accepts it by default (FoundrySettings.v1_latest_accepted), the tables treat it as "
    "a likely mistake"
)
_REGIONAL = (
    "routes.md §1/§6, open question 'Regional <region>.api.cognitive.microsoft.com for Azure "
    "OpenAI routes: which paths, which key header': the emulator serves the dated deployment "
    "route with an api-key there, the tables name no route and also the Ocp-Apim key header"
)
_MODELS_HOSTS = (
    "routes.md §1/§3.5 name <res>.services.ai.azure.com for /models and say nothing of the "
    "resource's other host names: the emulator serves it on services.ai.azure.com only, the "
    "tables also match it on the other resource hosts (so that a call there is judged as the "
    "retired API)"
)
_MODELS_VERSION = (
    "routes.md §3.5 gives /models no api-version rule beyond 'sent by the SDK': the tables follow "
    "the spec (required), the emulator the public case claudecode66896 (answered without one)"
)
_PROJECT_VERSIONS = (
    "routes.md §2.4 names v1 and 2025-11-15-preview and the tables mark the project routes' "
    "accepted set as not settled ('open'); the public cases davrous3, foundrysamples155, "
    "foundryvscode205, ignite512-13 and convagent49 (URLs reconstructed) show classic agents "
    "answering api-version 2025-05-01, which the emulator follows"
)
_ANTHROPIC_OPENAI_HOST = (
    "routes.md §3.6/§6, open question 'x-api-key on openai.azure.com/anthropic': the emulator "
    "reads a Bearer key there (NousResearch/hermes-agent#26970), the tables state the "
    "services.ai.azure.com headers (x-api-key) for the route"
)
_SOVEREIGN = (
    "entra.md §5 names only openai.azure.us / openai.azure.cn among the sovereign data-plane "
    "hosts; the other families' sovereign suffixes are unsourced, and the two sides extrapolate "
    "them differently"
)
_RUNTIME_USER = (
    "roles.md §1: Foundry Project Runtime User is known from third-party code only (open "
    "question); the emulator states it, the tables leave it out"
)
_OPENAI_USER_RESPONSES = (
    "roles.md §1 and routes.md §6, open question 'whether /openai/v1/responses is covered by "
    "Cognitive Services OpenAI User': the emulator grants accounts/OpenAI/responses/* (the live "
    "snapshot), the tables the published 2024-12 list without it"
)
_GPT35_DATE = (
    "retirements.md §2.1: gpt-35-turbo 0125 was scheduled for 2025-07-16 and shown as retired "
    "on 2025-04-30 by the portal (BerriAI/litellm#11116); 'the final dates: open question'. The "
    "emulator's catalogue shows the portal's date, the tables the scheduled one"
)

#: comparison -> {disagreement: the open question it stems from}
DISAGREEMENTS: Mapping[str, Mapping[str, str]] = {
    "host suffixes": {
        "tables only: foundry china .services.ai.azure.cn": _SOVEREIGN,
        "tables only: regional usgov .api.cognitive.microsoft.us": _SOVEREIGN,
        "tables only: regional china .api.cognitive.azure.cn": _SOVEREIGN,
        "tables only: apim usgov .azure-api.us": _SOVEREIGN,
        "tables only: apim china .azure-api.cn": _SOVEREIGN,
    },
    "routes per host family": {
        "emulator only: deployments on regional": _REGIONAL,
        "tables only: models-api on azure-openai": _MODELS_HOSTS,
        "tables only: models-api on cognitive-services": _MODELS_HOSTS,
    },
    "emulator operations in the tables": {
        "POST /openai/v1/completions": _V1_PATHS,
        "POST /api/projects/{project}/openai/v1/completions": _V1_PATHS,
    },
    "credentials": {
        "regional: tables also read ocp-apim-subscription-key": _REGIONAL,
        "anthropic on openai: emulator {authorization} + token, tables {x-api-key} + token": (
            _ANTHROPIC_OPENAI_HOST
        ),
    },
    "api-versions": {
        "v1: api-version=latest (api-version-latest)": _V1_LATEST,
        "models-api: without api-version (api-version-missing)": _MODELS_VERSION,
        "project: api-version=2025-05-01": _PROJECT_VERSIONS,
    },
    "roles by ID and name": {
        "emulator only: Foundry Project Runtime User": _RUNTIME_USER,
    },
    "data-action decisions": {
        "Cognitive Services OpenAI User: Microsoft.CognitiveServices/accounts/OpenAI/responses/*": (
            _OPENAI_USER_RESPONSES
        ),
    },
    "retirements": {
        "gpt-35-turbo 0125: retired 2025-04-30 (emulator), 2025-07-16 (tables)": _GPT35_DATE,
    },
}

_INFERENCE_ONLY = (
    "the emulator serves inference (chat, completions, embeddings, Responses), model lists and "
    "stored responses; these operations of the surface are not emulated (a 404 there)"
)
_RETIRED_ASSISTANTS = (
    "the Assistants API (retired 2026-08-26) and DALL-E 2's async route (retired 2025-01-27): "
    "what they answer now is not documented, so they are a FoundrySettings.path_answers choice"
)
_PROJECT_ASSETS = (
    "the emulator serves a project's agents, classic agents, connections, deployments, agent "
    "endpoints, applications and OpenAI routes; its other asset and evaluation routes are not "
    "emulated"
)
_ANTHROPIC_EXTRAS = "the emulator serves Claude's messages and count-tokens operations only"
_CHAT_DEPLOYMENTS = (
    "the emulated deployments are chat or embeddings models (Deployment.kind); audio, image and "
    "On Your Data (scheduled to retire 2026-10-14) operations are not emulated"
)

#: reason -> {surface: the tables' operation paths (and ``path METHOD`` for one method) the
#: emulator does not serve}
NOT_EMULATED: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    _CHAT_DEPLOYMENTS: {
        "dated-deployment": (
            "audio/transcriptions",
            "audio/translations",
            "audio/speech",
            "images/generations",
            "images/edits",
            "extensions/chat/completions",
        ),
        "v1": (
            "images/generations",
            "images/edits",
            "audio/transcriptions",
            "audio/translations",
            "audio/speech",
        ),
        "project-v1": (
            "images/generations",
            "images/edits",
            "audio/transcriptions",
            "audio/translations",
            "audio/speech",
        ),
    },
    _RETIRED_ASSISTANTS: {
        "dated-resource": (
            "assistants",
            "assistants/{id}",
            "threads/**",
            "images/generations:submit",
            "operations/images/{id}",
        ),
    },
    _INFERENCE_ONLY: {
        "dated-resource": (
            "vector_stores/**",
            "files/**",
            "batches/**",
            "deployments",
            "deployments/{deployment}",
            "realtime",
        ),
        "v1": (
            "chat/completions/{id}",
            "conversations/**",
            "files/**",
            "vector_stores/**",
            "fine_tuning/**",
            "evals/**",
            "batches/**",
            "videos/**",
            "realtime",
        ),
        "project-v1": (
            "chat/completions/{id}",
            "conversations/**",
            "files/**",
            "vector_stores/**",
            "fine_tuning/**",
            "evals/**",
            "batches/**",
            "videos/**",
            "realtime",
        ),
        "agent-endpoint": ("openai/conversations/**", "voice/**"),
    },
    _ANTHROPIC_EXTRAS: {"anthropic": ("files/**", "skills/**")},
    _PROJECT_ASSETS: {
        "project": (
            "agents:generate",
            "connections/** POST",
            "datasets/**",
            "indexes/**",
            "evaluators/**",
            "evaluationrules/**",
            "evaluationtaxonomies/**",
            "evaluations/**",
            "memory_stores/**",
            "toolboxes/**",
            "skills/**",
            "schedules/**",
            "routines/**",
            "redteams/**",
            "models/**",
        ),
    },
}


class Comparison(NamedTuple):
    """What one comparison looked at (``compared`` facts) and the disagreements it found."""

    compared: int
    found: frozenset[str]


class _Tally:
    """Counts compared facts and collects disagreements while a comparison runs."""

    def __init__(self) -> None:
        self.compared = 0
        self.found: set[str] = set()

    def check(self, agrees: bool, disagreement: str) -> None:
        self.compared += 1
        if not agrees:
            self.found.add(disagreement)

    def result(self) -> Comparison:
        return Comparison(self.compared, frozenset(self.found))


# --- helpers -------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[^}]+\}")


def _concrete(template: str) -> str:
    """A path for a template: every placeholder becomes a plain segment value."""
    return _PLACEHOLDER.sub("x1", template)


class _EmulatedOperation(NamedTuple):
    route: emu.RouteName
    template: str  # the full path template, project routes with ``{project}``
    operation: emu.OperationSpec
    policy: emu.ApiVersionPolicy
    project_v1: bool = False  # a v1 operation below a project


def _emulated_operations() -> Iterator[_EmulatedOperation]:
    """Every operation the emulator serves, with its full path template and api-version policy
    (a project's ``/openai/v1/*`` are the v1 operations below the project)."""
    for name, route in emu.ROUTES.items():
        below = "/{project}" if name == "project" else ""
        for operation in route.operations:
            policy = operation.api_version or route.api_version
            yield _EmulatedOperation(name, route.prefix + below + operation.path, operation, policy)
    v1 = emu.ROUTES["v1"]
    for operation in v1.operations:
        template = emu.ROUTES["project"].prefix + "/{project}/openai/v1" + operation.path
        yield _EmulatedOperation("project", template, operation, v1.api_version, True)


def _host_families(route: emu.RouteName) -> list[emu.HostFamily]:
    """The resource host families that serve ``route`` (the regional host is compared on its
    own: see the ``routes per host family`` comparison)."""
    return [
        name
        for name, spec in emu.HOST_FAMILIES.items()
        if route in spec.routes and name != "regional"
    ]


def _accepted_versions(policy: emu.ApiVersionPolicy) -> tuple[frozenset[str], bool]:
    """(the api-versions the emulator accepts under ``policy`` in the default world, whether
    it accepts none at all)."""
    settings = FoundrySettings()
    if policy.kind == "dated":
        served = frozenset(default_world().api_versions[policy.world_key])
        return served, not policy.required
    if policy.kind == "v1":
        aliases = emu.V1_ALIASES if settings.v1_latest_accepted else emu.V1_ALIASES - {"latest"}
        return frozenset(aliases), True
    if policy.kind == "listed":
        return policy.values, not policy.required
    return frozenset(), True


def _match(template: str, family: emu.HostFamily, method: str, version: str | None) -> RouteMatch:
    query = {"api-version": version} if version is not None else {}
    return match(hosts.family(HOST_FAMILY[family]), _concrete(template), query, method)


def _surface_served(surface: tables.Surface, method: str, path: str) -> bool:
    """Whether the emulator serves ``method`` on ``path`` (below the surface's prefix), as its
    route tables say."""
    prefix = "/" + "/".join(_concrete(part) for part in surface.prefix)
    full = f"{prefix}/{path}" if path else prefix
    route_name = emu.route_of(full)
    if route_name is None:
        return False
    route = emu.ROUTES[route_name]
    rest = full[len(route.prefix) :]
    if route_name == "project":
        _, _, below = rest[1:].partition("/")
        rest = f"/{below}" if below else ""
        if rest == "/openai/v1" or rest.startswith("/openai/v1/"):
            return emu.ROUTES["v1"].operation(method, rest[len("/openai/v1") :]) is not None
    return route.operation(method, rest) is not None


def _instances(path: str) -> tuple[str, ...]:
    """Paths for a table's operation template: ``**`` as the base and one segment below."""
    concrete = _concrete(path)
    if concrete == "**":
        return ("x1",)
    if concrete.endswith("/**"):
        head = concrete[:-3]
        return (head, f"{head}/x1")
    return (concrete,)


def _expected(comparison: str) -> frozenset[str]:
    if comparison == "tables' operations in the emulator":
        return frozenset(_not_emulated_keys())
    return frozenset(DISAGREEMENTS.get(comparison, {}))


def _not_emulated_keys() -> Iterator[str]:
    for groups in NOT_EMULATED.values():
        for surface, paths in groups.items():
            for path in paths:
                yield f"{surface} {path}"


# --- hosts and clouds ----------------------------------------------------------------------------


def compare_host_suffixes() -> Comparison:
    """Each host family's suffix per cloud, both ways (with API Management and serverless)."""
    tally = _Tally()
    emulated: set[tuple[hosts.FamilyName, hosts.CloudName, str]] = set()
    for name, spec in emu.HOST_FAMILIES.items():
        for cloud, suffix in spec.suffixes.items():
            emulated.add((HOST_FAMILY[name], cloud, suffix))
    emulated.add(("apim", "public", apim_spec.GATEWAY_SUFFIX))
    emulated.add(("serverless", "public", serverless_spec.SERVERLESS_SUFFIX))
    for family, cloud, suffix in sorted(emulated):
        found, found_cloud, label = hosts.family_of(f"res{suffix}")
        tally.check(
            (found.name, found_cloud, label) == (family, cloud, "res"),
            f"emulator only: {family} {cloud} {suffix}",
        )
    for family in {item[0] for item in emulated}:
        for suffix, cloud in hosts.family(family).suffixes:
            tally.check(
                (family, cloud, suffix) in emulated, f"tables only: {family} {cloud} {suffix}"
            )
    return tally.result()


def compare_token_acceptance() -> Comparison:
    """Whether a host family takes Entra ID tokens at all."""
    tally = _Tally()
    for name, spec in emu.HOST_FAMILIES.items():
        tally.check(spec.tokens == hosts.family(HOST_FAMILY[name]).entra, f"tokens on {name}")
    return tally.result()


def compare_clouds() -> Comparison:
    """Per cloud: the Entra ID authority host, the Cognitive Services audience, and whether
    ``https://ai.azure.com`` is an audience there."""
    tally = _Tally()
    for cloud in CLOUDS:
        known = hosts.cloud_spec(cloud)
        tally.check(
            entra_spec.AUTHORITY_HOSTS[cloud] == known.authority, f"authority host in {cloud}"
        )
        audiences = emu.AUDIENCES[cloud]
        tally.check(
            audiences["cognitive"] == known.cognitive_audience, f"Cognitive audience in {cloud}"
        )
        ai_in_tables = tables.AI_AUDIENCE in tables.audiences_for(tables.surface("v1"), cloud)
        tally.check(("ai" in audiences) == ai_in_tables, f"ai.azure.com audience in {cloud}")
    return tally.result()


def compare_known_resources() -> Comparison:
    """Every token audience the tables name (routes, clients' default scopes, Resource
    Manager per cloud) is a resource the emulated Entra ID knows in that cloud."""
    tally = _Tally()
    for surface in tables.SURFACES:
        for cloud in CLOUDS:
            for audience in tables.audiences_for(surface, cloud):
                tally.check(
                    audience in entra_spec.RESOURCES[cloud],
                    f"{audience} unknown to the emulated Entra ID in {cloud}",
                )
    for client in clients.CLIENTS:
        if client.default_scope:
            resource = client.default_scope.removesuffix("/.default")
            tally.check(
                resource in entra_spec.RESOURCES["public"],
                f"{client.kind}'s default scope {client.default_scope} unknown",
            )
    for item in arm.ARM_CLOUDS:
        resource = item.scope.removesuffix("/.default").rstrip("/")
        tally.check(
            resource in entra_spec.RESOURCES[item.cloud],
            f"Resource Manager's {resource} unknown in {item.cloud}",
        )
    return tally.result()


# --- routes --------------------------------------------------------------------------------------


def compare_routes_per_host_family() -> Comparison:
    """Which route families each resource host family serves, both ways."""
    tally = _Tally()
    for name, spec in emu.HOST_FAMILIES.items():
        family = HOST_FAMILY[name]
        for route in spec.routes:
            first = tables.surface(ROUTE_SURFACES[route][0])
            tally.check(family in first.families, f"emulator only: {route} on {name}")
    for route, surfaces in ROUTE_SURFACES.items():
        for surface_name in surfaces:
            for family in tables.surface(surface_name).families:
                emulated = next((k for k, v in HOST_FAMILY.items() if v == family), None)
                if emulated is None:
                    continue  # a gateway or another kind of host: not a resource host family
                tally.check(
                    route in emu.HOST_FAMILIES[emulated].routes,
                    f"tables only: {surface_name} on {family}",
                )
    return tally.result()


def compare_emulated_operations() -> Comparison:
    """Every operation the emulator serves, on every resource host family that serves it, is
    a route of the tables: the tables' matcher finds it exactly (path and method; the
    api-version is compared below), on a surface of the same route family."""
    tally = _Tally()
    for item in _emulated_operations():
        versions, absent_ok = _accepted_versions(item.policy)
        version = None if absent_ok else sorted(versions, key=emu.dated_order)[-1]
        method = item.operation.method
        for family in _host_families(item.route):
            found = _match(item.template, family, method, version)
            exact = not found.path_differences and not found.has("method")
            surface = found.surface.name if found.surface is not None else None
            tally.check(
                exact and surface in ROUTE_SURFACES[item.route], f"{method} {item.template}"
            )
    return tally.result()


def compare_tables_operations() -> Comparison:
    """Every operation of the tables' surfaces that the emulator covers is served by it, or
    listed in :data:`NOT_EMULATED` with the reason."""
    tally = _Tally()
    for surfaces in ROUTE_SURFACES.values():
        for name in surfaces:
            surface = tables.surface(name)
            for operation in surface.operations:
                missing = [
                    method
                    for method in operation.methods
                    if not any(
                        _surface_served(surface, method, p) for p in _instances(operation.path)
                    )
                ]
                if len(missing) == len(operation.methods):
                    tally.check(False, f"{name} {operation.path}")
                else:
                    for method in operation.methods:
                        tally.check(method not in missing, f"{name} {operation.path} {method}")
    return tally.result()


def compare_credentials() -> Comparison:
    """The key headers and whether tokens count, per route family (``/anthropic`` per host
    family, where the emulator's reading depends on it)."""
    tally = _Tally()

    def compare(label: str, credentials: Iterable[emu.Credential], surface: tables.Surface) -> None:
        read = frozenset(credentials)
        keys = frozenset(KEY_HEADER[item] for item in read if item in KEY_HEADER)
        token = "bearer-token" in read
        tally.check(
            (keys, token) == (frozenset(surface.key_headers), surface.token),
            f"{label}: emulator {{{', '.join(sorted(keys))}}}{' + token' * token}, tables "
            f"{{{', '.join(sorted(surface.key_headers))}}}{' + token' * surface.token}",
        )

    for name, route in emu.ROUTES.items():
        for surface_name in ROUTE_SURFACES[name]:
            surface = tables.surface(surface_name)
            if name == "anthropic":
                for family, read in FoundrySettings().anthropic_credentials.items():
                    compare(f"anthropic on {family}", read, surface)
            else:
                compare(surface_name, route.credentials, surface)
    regional = hosts.family("regional")
    emulated = frozenset(
        KEY_HEADER[item] for item in emu.ROUTES["deployments"].credentials if item in KEY_HEADER
    )
    for header in regional.key_headers:
        tally.check(header in emulated, f"regional: tables also read {header}")
    gateway = frozenset({apim_spec.SUBSCRIPTION_KEY_HEADER.lower()})
    tally.check(gateway == frozenset(hosts.family("apim").key_headers), "API Management key header")
    return tally.result()


def compare_audiences() -> Comparison:
    """The token audiences each route family accepts, per cloud."""
    tally = _Tally()
    for name, route in emu.ROUTES.items():
        for surface_name in ROUTE_SURFACES[name]:
            surface = tables.surface(surface_name)
            for cloud in CLOUDS:
                accepted = route.audiences_in(cloud)
                if name == "anthropic" and cloud == "public":
                    accepted = frozenset(FoundrySettings().anthropic_audiences)
                tally.check(
                    accepted == frozenset(tables.audiences_for(surface, cloud)),
                    f"{surface_name} audiences in {cloud}",
                )
    return tally.result()


# --- api-versions --------------------------------------------------------------------------------


_PUBLISHED_ONLY = frozenset({"dated-deployment", "dated-resource", "models-api"})
"""Surfaces whose api-version lists say what was published, not what is still served
(routes.md §2.1: 'Which older previews are served today: open question'): the emulator serves
a subset of them."""


def compare_api_versions() -> Comparison:
    """Per operation: every api-version the emulator accepts (and a missing one, where it
    accepts that) is one the tables accept there; where the tables state the accepted set
    (optional rules, an operation's own list, required preview-only routes), the emulator
    accepts all of it; no retired preview is served; the defaults agree."""
    tally = _Tally()
    for item in _emulated_operations():
        versions, absent_ok = _accepted_versions(item.policy)
        family = _host_families(item.route)[0]
        method = item.operation.method
        found = _match(item.template, family, method, None)
        surface, operation = found.surface, found.operation
        if surface is None or operation is None:
            continue  # an operation the tables do not know: compared above
        offered: list[str | None] = sorted(versions, key=str)
        if absent_ok:
            offered.insert(0, None)
        for version in offered:
            judged = _match(item.template, family, method, version)
            if surface.api_version == "open" and version is not None:
                # the tables list the versions known for the whole surface
                tally.check(version in surface.versions, f"{surface.name}: api-version={version}")
                continue
            kinds = ", ".join(sorted({d.kind for d in judged.version_differences}))
            shown = "without api-version" if version is None else f"api-version={version}"
            tally.check(not kinds, f"{surface.name}: {shown} ({kinds})")
        if not absent_ok:
            missing = _match(item.template, family, method, None)
            refused = missing.has("api-version-missing") or surface.api_version == "open"
            tally.check(refused, f"{surface.name}: without api-version refused by the emulator")
        stated = operation.versions or (
            surface.versions
            if surface.api_version == "optional"
            or (surface.api_version == "required" and surface.name not in _PUBLISHED_ONLY)
            else ()
        )
        for version in stated:
            tally.check(version in versions, f"{surface.name}: api-version={version} refused")
        if surface.name in _PUBLISHED_ONLY:
            for version in api_versions.RETIRED_PREVIEWS.values:
                tally.check(version not in versions, f"{surface.name}: retired {version} served")
    deployments = sorted(emu.DEPLOYMENTS_API_VERSIONS, key=emu.dated_order)
    stable = [version for version in deployments if not version.endswith("-preview")]
    tally.check(stable[-1] == api_versions.LATEST_DATED_STABLE, "the newest stable version")
    tally.check(
        min(api_versions.RESPONSES_DATED.values, key=emu.dated_order)
        == emu.RESPONSES_MINIMUM_API_VERSION,
        "the oldest dated Responses version",
    )
    tally.check(
        api_versions.MODELS_API_DEFAULT in emu.MODELS_API_VERSIONS,
        "azure-ai-inference's default /models version",
    )
    return tally.result()


# --- data actions and roles ----------------------------------------------------------------------

_CS = "Microsoft.CognitiveServices/"


def _emulated_needs() -> Iterator[tuple[str, str, str, models.Publisher | None, str]]:
    """(surface, operation below its prefix, method, publisher, the emulator's data action)
    for every operation the emulator decides by data action."""
    for item in _emulated_operations():
        found = _match(item.template, _host_families(item.route)[0], item.operation.method, None)
        if found.surface is None or found.operation is None:
            continue
        surface, rest, method = found.surface.name, found.requested_operation, item.operation.method
        if item.route == "project":
            action = (
                emu.project_openai_action(method) if item.project_v1 else item.operation.data_action
            )
            if action is not None:
                yield surface, rest, method, None, action
        elif item.route != "anthropic":
            for family in ("openai", "maas"):
                action = emu.model_action(family, item.operation.name)
                yield surface, rest, method, PUBLISHER[family], action


def compare_data_actions() -> Comparison:
    """The data action each operation needs: where the tables name one, it covers the one
    the emulator checks (and is that one, where a Microsoft source settles it)."""
    tally = _Tally()
    for surface, rest, method, publisher, action in _emulated_needs():
        need = data_actions.need_for(surface, rest, method, publisher)
        if need is None:
            continue  # no source records the action: nothing to compare
        agrees = data_actions.covers(need.action, action)
        if need.settled and not need.action.endswith("/*"):
            agrees = agrees and need.action.lower() == action.lower()
        tally.check(agrees, f"{surface} {method} {rest} ({publisher}): {need.action} vs {action}")
    return tally.result()


def compare_role_names() -> Comparison:
    """Roles by definition ID, with their current and former names, both ways."""
    tally = _Tally()
    for role in roles.ROLES:
        served = BUILT_IN_ROLES.get(role.id)
        tally.check(served is not None, f"tables only: {role.name}")
        if served is not None:
            tally.check(
                (served.name, served.former_name) == (role.name, role.former_name),
                f"names of {role.id}",
            )
    known = {role.id for role in roles.ROLES}
    for role_id, definition in BUILT_IN_ROLES.items():
        tally.check(role_id in known, f"emulator only: {definition.name}")
    return tally.result()


def _access_actions() -> Mapping[roles.Access, tuple[str, ...]]:
    """The data actions the emulator checks for each kind of access the tables' roles open."""
    project = {
        op.data_action
        for op in emu.PROJECT_OPERATIONS
        if op.data_action is not None and op.data_action.endswith(("/read", "/write"))
    }
    project |= {emu.project_openai_action("GET"), emu.project_openai_action("POST")}
    interact = {op.data_action for op in emu.PROJECT_OPERATIONS if op.name == "a2a"}
    invoke = {op.data_action for op in emu.PROJECT_OPERATIONS if op.name.startswith("application")}
    return {
        "openai-models": tuple(
            emu.model_action("openai", op)
            for op in ("chat/completions", "completions", "embeddings")
        ),
        "any-model": tuple(
            emu.model_action("maas", op) for op in ("chat/completions", "embeddings")
        ),
        "project": tuple(sorted(action for action in project if action)),
        "agent-endpoint": tuple(action for action in interact if action),
        "application": tuple(action for action in invoke if action),
    }


def _pairs() -> Iterator[tuple[roles.Role, RoleDefinition]]:
    for role in roles.ROLES:
        served = BUILT_IN_ROLES.get(role.id)
        if served is not None:
            yield role, served


def compare_role_access() -> Comparison:
    """What each role opens (OpenAI models, other models, project routes, agent endpoints,
    applications) in the tables is exactly what the emulator's definition lets through."""
    tally = _Tally()
    for access, actions in _access_actions().items():
        assert actions, access
        for role, served in _pairs():
            opens = all(served.grants(action) for action in actions)
            tally.check(opens == (access in role.opens), f"{role.name} on {access}")
    for role, served in _pairs():
        tally.check(
            (not role.opens) == (not served.data_actions), f"{role.name}: no data-plane access"
        )
    return tally.result()


def _table_needs() -> list[str]:
    """Every data action the tables say an operation needs, and the stored-completions read
    that Cognitive Services OpenAI User excludes."""
    found: set[str] = {_CS + "accounts/OpenAI/stored-completions/read"}
    for surface in tables.SURFACES:
        for operation in surface.operations:
            for method in operation.methods:
                for publisher in ("openai", "other", None):
                    path = _concrete(operation.path).replace("**", "x1")
                    need = data_actions.need_for(surface.name, path, method, publisher)
                    if need is not None:
                        found.add(need.action)
    return sorted(found)


def compare_data_action_decisions() -> Comparison:
    """For every data action the tables name, each role's verdict is the same on both sides
    (the tables' matching rule on their data actions, the emulator's on its definitions)."""
    tally = _Tally()
    for action in _table_needs():
        for role, served in _pairs():
            ours = data_actions.allows(role.data_actions, role.not_data_actions, action)
            tally.check(ours == served.grants(action), f"{role.name}: {action}")
    return tally.result()


#: control-plane actions the access check and the fixes depend on
_CONTROL_ACTIONS = (
    arm.ROLE_ASSIGNMENTS_READ,
    arm.ROLE_DEFINITIONS_READ,
    arm.DENY_ASSIGNMENTS_READ,
    "Microsoft.Authorization/roleAssignments/write",
    arm_spec.ACCOUNT_ACTIONS["accounts"],
    arm_spec.ACCOUNT_ACTIONS["deployments"],
    _CS + "accounts/listkeys/action",
)
#: roles whose control-plane actions roles.md does not record (the tables leave them empty)
_UNRECORDED_ACTIONS = frozenset(
    {
        "Foundry Agent Consumer",
        "User Access Administrator",
        "Role Based Access Control Administrator",
    }
)


def compare_control_plane() -> Comparison:
    """Reading role assignments, definitions and deny assignments, assigning roles, reading
    the account and its deployments, listing keys: the same verdict per role."""
    tally = _Tally()
    for role, served in _pairs():
        if role.name in _UNRECORDED_ACTIONS:
            assert not role.actions, f"{role.name} now has actions: compare it"
            continue
        for action in _CONTROL_ACTIONS:
            ours = data_actions.allows(role.actions, role.not_actions, action)
            tally.check(ours == served.allows(action, data=False), f"{role.name}: {action}")
    return tally.result()


# --- models, retirements, Resource Manager -------------------------------------------------------


def compare_model_families() -> Comparison:
    """The publisher of every model the emulator's world deploys or lists."""
    tally = _Tally()
    world = default_world()
    for resource in world.resources.values():
        for deployment in resource.deployments.values():
            family = models.family_of_model(deployment.model)
            publisher = family.publisher if family is not None else None
            tally.check(
                publisher == PUBLISHER[deployment.family], f"publisher of {deployment.model}"
            )
    for row in arm_spec.MODEL_CATALOGUE:
        family = models.family_of_model(row.name)
        publisher = family.publisher if family is not None else None
        tally.check((row.format == "OpenAI") == (publisher == "openai"), f"format of {row.name}")
    return tally.result()


def compare_retirements() -> Comparison:
    """The model catalogue's lifecycle against the retirement tables (as of the knowledge
    files' date; scheduled retirements are not asserted by the tables, so not compared)."""
    tally = _Tally()
    for row in arm_spec.MODEL_CATALOGUE:
        found = retired_model(f"{row.name}-{row.version}", now=AS_OF)
        if found is not None and found[0].scheduled:
            continue
        tally.check(row.retired == (found is not None), f"{row.name} {row.version} retired")
        if found is None or not row.retired:
            continue
        retirement = found[0]
        day = (row.inference_until or "")[:10]
        tally.check(
            day == retirement.retired,
            f"{row.name} {row.version}: retired {day} (emulator), {retirement.retired} (tables)",
        )
        if row.replacement is not None:
            tally.check(
                row.replacement[0] in retirement.replacement,
                f"{row.name} {row.version}: replaced by {row.replacement[0]}",
            )
    return tally.result()


def compare_resource_manager() -> Comparison:
    """Resource Manager: host and audience, the api-versions the access check sends, the
    Authorization actions, 'everyone', the account type and the propagation delay."""
    tally = _Tally()
    public = arm.arm_cloud("public")
    tally.check(public.host == arm_spec.ARM_HOST, "Resource Manager's host")
    tally.check(
        public.scope.removesuffix("/.default") in arm_spec.ARM_AUDIENCES, "its token audience"
    )
    sent = arm.API_VERSIONS
    served = arm_spec.SERVED_API_VERSIONS
    calls: tuple[tuple[arm_spec.ApiFamily, str], ...] = (
        ("subscriptions", sent.subscriptions),
        ("resource-graph", sent.resource_graph),
        ("cognitive-services", sent.cognitive_services),
        ("cognitive-services", sent.cognitive_services_fallback),
        ("authorization", sent.authorization),
        ("pim", sent.pim),
    )
    for family, version in calls:
        tally.check(version in served[family], f"{family} api-version {version}")
    actions = arm_spec.AUTHORIZATION_ACTIONS
    tally.check(actions["roleassignments"] == arm.ROLE_ASSIGNMENTS_READ, "assignments read")
    tally.check(actions["roledefinitions"] == arm.ROLE_DEFINITIONS_READ, "definitions read")
    tally.check(actions["denyassignments"] == arm.DENY_ASSIGNMENTS_READ, "deny assignments read")
    tally.check(arm_spec.EVERYONE == arm.EVERYONE, "everyone's principal id")
    tally.check(
        arm_spec.ACCOUNT_ACTIONS["accounts"] == f"{arm.ACCOUNT_TYPE}/read", "the account type"
    )
    tally.check(ArmSettings().propagation_delay == arm.PROPAGATION_SECONDS, "the propagation delay")
    return tally.result()


#: every comparison, by the name :data:`DISAGREEMENTS` uses
COMPARISONS: Mapping[str, Callable[[], Comparison]] = {
    "host suffixes": compare_host_suffixes,
    "token acceptance": compare_token_acceptance,
    "clouds": compare_clouds,
    "known resources": compare_known_resources,
    "routes per host family": compare_routes_per_host_family,
    "emulator operations in the tables": compare_emulated_operations,
    "tables' operations in the emulator": compare_tables_operations,
    "credentials": compare_credentials,
    "audiences": compare_audiences,
    "api-versions": compare_api_versions,
    "data actions per operation": compare_data_actions,
    "roles by ID and name": compare_role_names,
    "role access": compare_role_access,
    "data-action decisions": compare_data_action_decisions,
    "control-plane decisions": compare_control_plane,
    "model families": compare_model_families,
    "retirements": compare_retirements,
    "Resource Manager": compare_resource_manager,
}


@pytest.mark.parametrize("name", COMPARISONS)
def test_the_emulator_and_the_tables_agree(name: str) -> None:
    """Exactly the listed disagreements: a new one is a wrong fact on one side (fix it, or
    list it with the open question it stems from); a listed one that is gone must go."""
    result = COMPARISONS[name]()
    assert result.compared > 0
    expected = _expected(name)
    assert sorted(result.found - expected) == [], "new disagreements"
    assert sorted(expected - result.found) == [], "listed but no longer disagreeing: drop them"


def test_every_listed_difference_says_where_it_comes_from() -> None:
    """Each entry belongs to a comparison and names the knowledge file it stems from."""
    assert set(DISAGREEMENTS) <= set(COMPARISONS)
    cited = re.compile(r"\b[a-z]+\.md §\d")
    for entries in DISAGREEMENTS.values():
        for reason in entries.values():
            assert cited.search(reason), reason
    assert all(groups for groups in NOT_EMULATED.values())


def test_a_wrong_fact_shows_up() -> None:
    """The comparisons can fail: a role that lost its data actions, or a host suffix changed
    on one side, is found."""
    original = BUILT_IN_ROLES["53ca6127-db72-4b80-b1b0-d745d6d5456d"]
    patched = dict(BUILT_IN_ROLES)
    patched[original.role_id] = RoleDefinition(
        original.role_id, original.name, original.former_names
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(f"{__name__}.BUILT_IN_ROLES", patched)
        found = compare_role_access().found
    assert {"Foundry User on project", "Foundry User: no data-plane access"} <= found
    wrong = dict(emu.HOST_FAMILIES)
    wrong["openai"] = emu.HostFamilySpec({"public": ".openai.azure.net"}, wrong["openai"].routes)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(emu, "HOST_FAMILIES", wrong)
        found = compare_host_suffixes().found
    assert "emulator only: azure-openai public .openai.azure.net" in found
    assert "tables only: azure-openai public .openai.azure.com" in found
