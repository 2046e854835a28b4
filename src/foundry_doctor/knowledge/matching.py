"""A request judged against the surface: the nearest real route, and exactly what differs.

:func:`match` takes the host family, the path, the query and the method of one URL and finds
the :class:`~.routes.Surface` and :class:`~.routes.Operation` it is nearest to. Every way the
URL departs from that route is one :class:`Difference`: an empty or doubled segment, segments
of two route families mixed, a missing ``/openai`` or deployment segment, extra segments in
front, an operation that lives on another route, the route of another host, a method the
operation does not have, and each api-version mistake (missing where required, dated on the
v1 path, unknown for the route, older than the operation, a model version, a v1 value on a
dated route). :attr:`RouteMatch.intended` is the path and query of the nearest real route,
filled with the request's own values; it is what the request would have been without the
differences. Plain string work, no regular expressions; never raises on odd input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from foundry_doctor.knowledge import api_versions as v
from foundry_doctor.knowledge.hosts import HostFamily
from foundry_doctor.knowledge.routes import SURFACES, Operation, Surface, surface

__all__ = ["Difference", "DifferenceKind", "RouteMatch", "match"]

DifferenceKind = Literal[
    "double-slash",
    "doubled-segment",
    "doubled-operation",
    "mixed-families",
    "missing-openai",
    "missing-route",
    "missing-deployment",
    "extra-segments",
    "operation-elsewhere",
    "unknown-operation",
    "missing-operation",
    "other-host-route",
    "method",
    "api-version-missing",
    "api-version-dated-on-v1",
    "api-version-v1-value",
    "api-version-model-version",
    "api-version-unknown",
    "api-version-too-old",
    "api-version-latest",
]

#: the kinds that concern the path (the rest concern the method or the api-version)
PATH_KINDS: frozenset[str] = frozenset(
    {
        "double-slash",
        "doubled-segment",
        "doubled-operation",
        "mixed-families",
        "missing-openai",
        "missing-route",
        "missing-deployment",
        "extra-segments",
        "operation-elsewhere",
        "unknown-operation",
        "missing-operation",
        "other-host-route",
    }
)


class Difference(NamedTuple):
    """One way a URL departs from the nearest real route; ``detail`` says how, in words."""

    kind: DifferenceKind
    detail: str

    @property
    def about_path(self) -> bool:
        return self.kind in PATH_KINDS

    @property
    def about_api_version(self) -> bool:
        return self.kind.startswith("api-version")


class RouteMatch(NamedTuple):
    """The nearest real route to one URL.

    ``surface`` / ``operation`` are the route family and operation (``None`` when the URL is
    a bare host or nothing fits); ``requested_operation`` what followed the surface's prefix;
    ``values`` the placeholders' values (``deployment``, ``project``, ...); ``prefix`` the
    segments in front of the surface (a gateway's API suffix, or extra segments);
    ``base_only`` that the URL ends at the surface's prefix (a base URL, as configured
    endpoints are); ``intended`` the nearest real route's path and query.
    """

    surface: Surface | None
    operation: Operation | None
    requested_operation: str
    values: tuple[tuple[str, str], ...]
    prefix: str
    base_only: bool
    differences: tuple[Difference, ...]
    intended: str | None
    api_version: str | None

    def value(self, name: str) -> str | None:
        for key, value in self.values:
            if key == name:
                return value
        return None

    @property
    def exact(self) -> bool:
        return not self.differences

    @property
    def path_differences(self) -> tuple[Difference, ...]:
        return tuple(item for item in self.differences if item.about_path)

    @property
    def version_differences(self) -> tuple[Difference, ...]:
        return tuple(item for item in self.differences if item.about_api_version)

    def has(self, *kinds: str) -> bool:
        return any(item.kind in kinds for item in self.differences)


_STRUCTURAL = ("openai", "v1", "deployments", "models", "anthropic", "api", "projects")
_GATEWAY_FAMILIES = frozenset({"apim", "unknown", "local"})
_DEPLOYMENT_OPERATIONS = tuple(op.path for op in surface("dated-deployment").operations)


class _Candidate(NamedTuple):
    rank: tuple[int, int, int, int]
    surface: Surface
    start: int
    values: tuple[tuple[str, str], ...]
    rest: tuple[str, ...]
    rest_original: tuple[str, ...]


def match(
    family: HostFamily,
    path: str,
    query: Mapping[str, str],
    method: str | None = None,
    *,
    model: str | None = None,
) -> RouteMatch:
    """The nearest route to a URL on a host of ``family`` (see the module docs). ``model`` is
    the model the request body named, used to fill the deployment of an intended route."""
    differences: list[Difference] = []
    if "//" in path.rstrip("/"):
        differences.append(Difference("double-slash", "an empty segment ('//')"))
    original = [segment for segment in path.split("/") if segment][:64]
    lowered = [segment.lower() for segment in original]
    original, lowered = _collapse_doubles(original, lowered, differences)
    version = query.get("api-version")
    if not lowered:
        return RouteMatch(None, None, "", (), "", True, tuple(differences), None, version)
    candidate = _best_candidate(family, lowered, original)
    if candidate is None:
        return _no_surface(family, lowered, original, differences, version, model)
    found = candidate.surface
    prefix = "/".join(original[: candidate.start])
    if candidate.start and family.name not in _GATEWAY_FAMILIES:
        differences.append(
            Difference("extra-segments", f"'/{prefix}' in front of '{found.template}'")
        )
    values = dict(candidate.values)
    if model and "deployment" not in values:
        values.setdefault("model", model)
    if family.name not in found.families and family.name not in _GATEWAY_FAMILIES:
        differences.append(
            Difference(
                "other-host-route",
                f"'{found.template or '/'}' ({found.what}) is not served by {family.what}",
            )
        )
    rest = "/".join(candidate.rest)
    target, operation, rest = _operation(found, rest, candidate, values, differences, version)
    base_only = not rest and operation is None
    if base_only and target is found and found.operations and found.prefix:
        differences.append(Difference("missing-operation", "no operation after the base URL"))
    if operation is not None and method and method.upper() not in operation.methods:
        differences.append(
            Difference(
                "method",
                f"{method.upper()} on '{operation.path}', which takes "
                + ", ".join(operation.methods),
            )
        )
    _check_version(target, operation, version, differences)
    intended = _intended(target, operation, rest, values, version, differences)
    return RouteMatch(
        target,
        operation,
        rest,
        tuple(values.items()),
        prefix,
        base_only,
        tuple(differences),
        intended,
        version,
    )


def _collapse_doubles(
    original: list[str], lowered: list[str], differences: list[Difference]
) -> tuple[list[str], list[str]]:
    """Drop a structural segment repeated right after itself, and an operation path repeated
    at the end (``chat/completions/chat/completions``)."""
    kept_original: list[str] = []
    kept_lowered: list[str] = []
    for raw, low in zip(original, lowered):
        if kept_lowered and low == kept_lowered[-1] and low in _STRUCTURAL:
            differences.append(Difference("doubled-segment", f"'/{low}' twice"))
            continue
        kept_original.append(raw)
        kept_lowered.append(low)
    for size in (3, 2, 1):
        if len(kept_lowered) >= 2 * size:
            tail, before = kept_lowered[-size:], kept_lowered[-2 * size : -size]
            joined = "/".join(tail)
            if tail == before and (joined in _DEPLOYMENT_OPERATIONS or joined == "responses"):
                differences.append(
                    Difference("doubled-operation", f"the operation '/{joined}' twice")
                )
                return kept_original[:-size], kept_lowered[:-size]
    return kept_original, kept_lowered


def _surfaces_for(family: HostFamily) -> tuple[Surface, ...]:
    """The surfaces a path on this host may be matched against: a gateway fronts any of them;
    a resource's host serves its own (a route of another kind of host, such as OpenAI's
    '/v1', is a missing segment there); other hosts are judged against all, to tell that they
    do not serve a route."""
    if family.name in _GATEWAY_FAMILIES:
        return tuple(item for item in SURFACES if item.prefix)
    if family.resource_host:
        return tuple(item for item in SURFACES if item.prefix and family.name in item.families)
    own = tuple(item for item in SURFACES if family.name in item.families)
    others = tuple(item for item in SURFACES if item.prefix and item not in own)
    return own + others


def _best_candidate(
    family: HostFamily, lowered: list[str], original: list[str]
) -> _Candidate | None:
    best: _Candidate | None = None
    for item in _surfaces_for(family):
        starts = range(len(lowered)) if item.prefix else range(1)
        for start in starts:
            bound = _bind(item.prefix, lowered, original, start)
            if bound is None:
                continue
            values, used = bound
            rest = tuple(lowered[start + used :])
            literal = sum(1 for part in item.prefix if not part.startswith("{"))
            fits = item.operation("/".join(rest)) is not None or not rest
            own = family.name in item.families
            rank = (int(own and fits), literal, int(fits), -start)
            if best is None or rank > best.rank:
                best = _Candidate(
                    rank, item, start, values, rest, tuple(original[start + used :])
                )
    return best


def _bind(
    prefix: tuple[str, ...], lowered: list[str], original: list[str], start: int
) -> tuple[tuple[tuple[str, str], ...], int] | None:
    if start + len(prefix) > len(lowered):
        return None
    values: list[tuple[str, str]] = []
    for offset, part in enumerate(prefix):
        segment = lowered[start + offset]
        if part.startswith("{"):
            if segment in _STRUCTURAL:
                return None
            values.append((part[1:-1], original[start + offset][:256]))
        elif segment != part:
            return None
    return tuple(values), len(prefix)


def _operation(
    found: Surface,
    rest: str,
    candidate: _Candidate,
    values: dict[str, str],
    differences: list[Difference],
    version: str | None,
) -> tuple[Surface, Operation | None, str]:
    """The operation below ``found`` for the remaining path; the surface may change when the
    path mixes two families or names an operation of another route."""
    if not rest:
        return _bare_deployment(found, values, differences, version)
    operation = found.operation(rest)
    if operation is not None:
        return found, operation, rest
    parts = rest.split("/")
    if found.name == "v1" and parts[0] == "deployments" and len(parts) >= 3:
        values["deployment"] = candidate.rest_original[1][:256]
        tail = "/".join(parts[2:])
        differences.append(
            Difference(
                "mixed-families",
                "'/deployments/<name>' (a segment of the dated routes) inside the v1 path",
            )
        )
        dated = surface("dated-deployment")
        if version and v.is_dated(version):
            return dated, dated.operation(tail), tail
        return found, found.operation(tail), tail
    if found.name == "dated-deployment" and parts[0] == "v1" and len(parts) >= 2:
        tail = "/".join(parts[1:])
        differences.append(
            Difference(
                "mixed-families",
                "'/v1' (a segment of the v1 path) inside a dated deployment route",
            )
        )
        if version and v.is_dated(version):
            return found, found.operation(tail), tail
        v1 = surface("v1")
        return v1, v1.operation(tail), tail
    if found.name == "dated-resource" and rest in _DEPLOYMENT_OPERATIONS:
        differences.append(
            Difference(
                "missing-deployment", f"no '/deployments/<name>' before '/{rest}'"
            )
        )
        return surface("dated-deployment"), surface("dated-deployment").operation(rest), rest
    elsewhere = _elsewhere(found, rest)
    if elsewhere is not None:
        other, other_operation = elsewhere
        differences.append(
            Difference(
                "operation-elsewhere",
                f"'{other_operation.path}' is an operation of '{other.template}', not of "
                f"'{found.template}'",
            )
        )
        if found.name == "dated-deployment" and "deployment" in values:
            values["model"] = values.pop("deployment")
        return other, other_operation, rest
    nearest = _nearest_operation(found, rest)
    detail = f"'/{rest}' is not an operation of '{found.template or '/'}'"
    if nearest is not None:
        detail += f" (nearest: '/{nearest.path}')"
    differences.append(Difference("unknown-operation", detail))
    return found, nearest, rest


def _bare_deployment(
    found: Surface, values: dict[str, str], differences: list[Difference], version: str | None
) -> tuple[Surface, Operation | None, str]:
    """``/openai/deployments/<x>`` with nothing after it: when ``<x>`` is itself an
    operation of the dated resource routes (``/openai/deployments/responses``), the operation
    went where the deployment name belongs."""
    name = values.get("deployment", "")
    if found.name == "dated-deployment" and name:
        resource = surface("dated-resource")
        operation = resource.operation(name.lower())
        if operation is not None:
            values.pop("deployment")
            differences.append(
                Difference(
                    "operation-elsewhere",
                    f"'{operation.path}' stands where the deployment name belongs; it is an "
                    f"operation of '{resource.template}'",
                )
            )
            return resource, operation, name.lower()
    return found, None, ""


def _elsewhere(found: Surface, rest: str) -> tuple[Surface, Operation] | None:
    related = {
        "dated-deployment": ("dated-resource",),
        "v1": (),
        "models-api": (),
    }.get(found.name, ())
    for name in related:
        other = surface(name)
        operation = other.operation(rest)
        if operation is not None:
            return other, operation
    return None


def _nearest_operation(found: Surface, rest: str) -> Operation | None:
    squeezed = _squeeze(rest)
    for operation in found.operations:
        if "{" in operation.path or "*" in operation.path:
            continue
        candidate = _squeeze(operation.path)
        if candidate == squeezed or (
            abs(len(candidate) - len(squeezed)) <= 2
            and (candidate.startswith(squeezed) or squeezed.startswith(candidate))
        ):
            return operation
    return None


def _squeeze(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def _no_surface(
    family: HostFamily,
    lowered: list[str],
    original: list[str],
    differences: list[Difference],
    version: str | None,
    model: str | None,
) -> RouteMatch:
    """A path that starts with no surface's prefix: a dated route without ``/openai``, an
    operation with no route in front of it, or something unknown."""
    rest = "/".join(lowered)
    values: dict[str, str] = {}
    if model:
        values["model"] = model
    target: Surface | None = None
    operation: Operation | None = None
    if lowered[0] == "deployments" and len(lowered) >= 2 and family.name != "openai-platform":
        target = surface("dated-deployment")
        values["deployment"] = original[1][:256]
        rest = "/".join(lowered[2:])
        operation = target.operation(rest)
        differences.append(Difference("missing-openai", "no '/openai' before '/deployments'"))
    elif lowered[0] == "v1" and (family.resource_host or family.name in _GATEWAY_FAMILIES):
        target = surface("v1")
        rest = "/".join(lowered[1:])
        operation = target.operation(rest)
        differences.append(Difference("missing-openai", "no '/openai' before '/v1'"))
    elif rest in _DEPLOYMENT_OPERATIONS or rest == "responses":
        if version and v.is_dated(version):
            target = surface("dated-deployment" if rest != "responses" else "dated-resource")
        else:
            target = surface("v1")
        operation = target.operation(rest)
        differences.append(
            Difference(
                "missing-route",
                f"'/{rest}' with no '/openai/deployments/<name>' or '/openai/v1' in front",
            )
        )
    _check_version(target, operation, version, differences)
    intended = (
        _intended(target, operation, rest, values, version, differences) if target else None
    )
    return RouteMatch(
        target,
        operation,
        rest,
        tuple(values.items()),
        "",
        False,
        tuple(differences),
        intended,
        version,
    )


def _check_version(
    target: Surface | None,
    operation: Operation | None,
    version: str | None,
    differences: list[Difference],
) -> None:
    if target is None:
        return
    rule = target.api_version
    kind = v.classify(version)
    if rule == "required":
        if version is None:
            differences.append(
                Difference("api-version-missing", f"no api-version; '{target.template}' needs one")
            )
            return
        _check_required(target, operation, version, kind, differences)
    elif rule == "optional" and target.name == "v1" and version is not None:
        _check_v1(version, kind, differences)
    elif rule == "none" and target.name == "project-v1" and version is not None:
        if kind in ("dated-stable", "dated-preview", "dated-unpublished"):
            differences.append(
                Difference(
                    "api-version-dated-on-v1",
                    f"api-version={version} on a v1 path, which takes no dated version",
                )
            )


def _check_v1(version: str, kind: v.VersionKind, differences: list[Difference]) -> None:
    if kind in ("dated-stable", "dated-preview", "dated-unpublished", "model-version"):
        differences.append(
            Difference(
                "api-version-dated-on-v1",
                f"api-version={version} on the v1 path, which takes none, 'v1' or 'preview'",
            )
        )
    elif kind == "latest":
        differences.append(
            Difference(
                "api-version-latest",
                "api-version=latest, which no schema of the v1 API lists ('preview' is the "
                "documented opt-in)",
            )
        )
    elif kind == "other":
        differences.append(
            Difference(
                "api-version-unknown",
                f"api-version={version}, which the v1 path does not know ('v1' or 'preview')",
            )
        )


def _check_required(
    target: Surface,
    operation: Operation | None,
    version: str,
    kind: v.VersionKind,
    differences: list[Difference],
) -> None:
    text = version.strip().lower()
    if kind == "model-version":
        differences.append(
            Difference(
                "api-version-model-version",
                f"api-version={version} is a model version ({v.MODEL_VERSIONS[text]}), not an "
                "api-version",
            )
        )
        return
    if kind in ("v1", "preview", "latest") and target.name.startswith("dated"):
        differences.append(
            Difference(
                "api-version-v1-value",
                f"api-version={version} is a value of the v1 path (/openai/v1), not of "
                f"'{target.template}'",
            )
        )
        return
    if text not in target.versions:
        if target.name.startswith("dated") and text in v.MODELS_API and kind != "dated-preview":
            detail = f"api-version={version} is a version of the Model Inference API (/models)"
        elif kind == "dated-unpublished" or kind == "other":
            detail = f"api-version={version} was never published for '{target.template}'"
        else:
            detail = f"api-version={version} is not one '{target.template}' serves"
        differences.append(Difference("api-version-unknown", detail))
        return
    if text in v.RETIRED_PREVIEWS:
        differences.append(
            Difference("api-version-unknown", f"api-version={version} is a retired preview")
        )
        return
    if operation is None:
        return
    if operation.versions and text not in operation.versions:
        differences.append(
            Difference(
                "api-version-too-old",
                f"'{operation.path}' exists only in api-version "
                + " and ".join(operation.versions),
            )
        )
    elif operation.since and _older_than(text, operation.since):
        differences.append(
            Difference(
                "api-version-too-old",
                f"'{operation.path}' needs api-version {operation.since[0]}"
                + (f" (stable: {operation.since[1]})" if len(operation.since) > 1 else "")
                + " or later",
            )
        )


def _older_than(version: str, since: tuple[str, ...]) -> bool:
    date = version[:10]
    preview = version.endswith("-preview")
    bound = since[0] if preview or len(since) == 1 else since[1]
    return date < bound[:10]


def _intended(
    target: Surface | None,
    operation: Operation | None,
    rest: str,
    values: Mapping[str, str],
    version: str | None,
    differences: list[Difference],
) -> str | None:
    """The nearest real route's path and query, with the request's own values."""
    if target is None:
        return None
    parts: list[str] = []
    for part in target.prefix:
        if part.startswith("{"):
            name = part[1:-1]
            parts.append(values.get(name) or (values.get("model") if name == "deployment" else None)
                         or f"<{name}>")
        else:
            parts.append(part)
    path = operation.path if operation is not None and "{" not in operation.path else rest
    path = path.replace("/**", "")
    if path:
        parts.append(path)
    text = "/" + "/".join(parts)
    wanted = _intended_version(target, operation, version, differences)
    return f"{text}?api-version={wanted}" if wanted else text


def _intended_version(
    target: Surface,
    operation: Operation | None,
    version: str | None,
    differences: list[Difference],
) -> str | None:
    faulty = any(item.about_api_version for item in differences)
    if target.api_version == "required":
        if version is not None and not faulty:
            return version
        if operation is not None and operation.versions:
            return operation.versions[-1]
        return target.default_version
    if target.api_version in ("optional", "open") and version is not None and not faulty:
        return version
    return None
