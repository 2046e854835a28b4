"""The account's deployments with their model and the model version's lifecycle, and what they
say about the deployment a call names: missing ("did you mean"), retired, retiring.

The lifecycle comes from the account's model list (``lifecycleStatus``, ``deprecation``,
``replacementConfig``: ``arm.md`` section 3.4), joined on (format, name, version). A retired
version may be missing from that list; then foundry-doctor's retirement table
(:mod:`foundry_doctor.knowledge.retirements`) answers for the name and version.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from foundry_doctor.access.report import DeploymentInfo, Verdict
from foundry_doctor.knowledge.models import family_of_model
from foundry_doctor.knowledge.retirements import retired_model

__all__ = ["deployment_info", "deployment_verdicts", "join_lifecycle", "publisher_of"]

#: the ``lifecycleStatus`` of a retired version ("also known as retired": its calls fail)
RETIRED = "Deprecated"
_RETIRING = frozenset({"Deprecating", "Legacy"})


def deployment_info(raw: Mapping[str, Any]) -> DeploymentInfo | None:
    """A deployment from ARM's body, ``None`` when it has no name."""
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        return None
    properties = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    assert isinstance(properties, dict)
    model = properties.get("model") if isinstance(properties.get("model"), dict) else {}
    assert isinstance(model, dict)

    def text(key: str) -> str | None:
        value = model.get(key)
        return value if isinstance(value, str) and value else None

    return DeploymentInfo(
        name=name, model=text("name"), format=text("format"), version=text("version")
    )


def _key(format_: object, name: object, version: object) -> tuple[str, str, str]:
    return (str(format_ or "").lower(), str(name or "").lower(), str(version or "").lower())


def join_lifecycle(
    deployments: Iterable[DeploymentInfo], models: Iterable[Mapping[str, Any]]
) -> list[DeploymentInfo]:
    """The deployments with lifecycle, retirement date and replacement from the model list."""
    rows: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for row in models:
        rows.setdefault(_key(row.get("format"), row.get("name"), row.get("version")), row)
    joined = []
    for item in deployments:
        listed = rows.get(_key(item.format, item.model, item.version))
        if listed is None:
            joined.append(item)
            continue
        row = listed
        deprecation = row.get("deprecation") if isinstance(row.get("deprecation"), dict) else {}
        assert isinstance(deprecation, dict)
        replacement = row.get("replacementConfig")
        target = None
        if isinstance(replacement, dict) and isinstance(replacement.get("targetModelName"), str):
            version = replacement.get("targetModelVersion")
            target = replacement["targetModelName"] + (
                f" {version}" if isinstance(version, str) else ""
            )
        lifecycle = row.get("lifecycleStatus")
        until = deprecation.get("inference")
        joined.append(
            DeploymentInfo(
                name=item.name,
                model=item.model,
                format=item.format,
                version=item.version,
                lifecycle=lifecycle if isinstance(lifecycle, str) else None,
                inference_until=until if isinstance(until, str) else None,
                replacement=target,
            )
        )
    return joined


def publisher_of(item: DeploymentInfo | None, name: str | None) -> str | None:
    """``openai`` / ``anthropic`` / ``other`` from the deployment's model format, else from the
    model or deployment name; ``None`` when neither says."""
    if item is not None and item.format:
        if item.format.lower() == "openai":
            return "openai"
        if item.format.lower() == "anthropic":
            return "anthropic"
        return "other"
    family = family_of_model((item.model if item is not None else None) or name)
    return family.publisher if family is not None else None


def _squeezed(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalnum())


def _near(name: str, names: Sequence[str]) -> list[str]:
    exact = [item for item in names if _squeezed(item) == _squeezed(name)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return list(dict.fromkeys([*exact, *close]))


def _day(text: str | None) -> str | None:
    return text[:10] if text else None


def deployment_verdicts(
    named: str | None, deployments: Sequence[DeploymentInfo], *, now: float, account: str
) -> list[Verdict]:
    """What the deployment list says about the deployment ``named``."""
    if not named:
        return []
    chosen = next((item for item in deployments if item.name == named), None)
    names = [item.name for item in deployments]
    if chosen is None:
        near = _near(named, names)
        listed = ", ".join(names) or "none"
        hint = f"Did you mean {' or '.join(repr(n) for n in near)}? " if near else ""
        return [
            Verdict(
                "deployment-not-found",
                "problem",
                f"No deployment {named!r} on {account}",
                f"{hint}The account has these deployments: {listed}. The name a call uses is "
                "the deployment's name, which can differ from the model's.",
                tuple(f"use deployment {name!r}" for name in near),
            )
        ]
    return _lifecycle_verdicts(chosen, now)


def _lifecycle_verdicts(chosen: DeploymentInfo, now: float) -> list[Verdict]:
    model = " ".join(part for part in (chosen.model, chosen.version) if part)
    replacement = chosen.replacement
    if chosen.lifecycle == RETIRED:
        until = _day(chosen.inference_until)
        when = f" on {until}" if until else ""
        return [
            Verdict(
                "model-retired",
                "problem",
                f"Deployment {chosen.name!r} runs a retired model version ({model})",
                f"The service lists {model} as retired{when}: calls to this deployment fail "
                "(with 404 Resource not found or a 400, not a message that says so).",
                (
                    f"deploy {replacement} and point the calls at that deployment"
                    if replacement
                    else "deploy a current model version and point the calls at it",
                ),
            )
        ]
    if chosen.lifecycle in _RETIRING:
        until = _day(chosen.inference_until)
        return [
            Verdict(
                "model-retiring",
                "note",
                f"Deployment {chosen.name!r} runs {model}, which is {chosen.lifecycle.lower()}",
                (f"Inference ends on {until}. " if until else "")
                + (f"The suggested replacement is {replacement}." if replacement else ""),
            )
        ]
    if chosen.lifecycle is not None or not chosen.model:
        return []
    return _known_retirement(chosen, model, now)


def _known_retirement(chosen: DeploymentInfo, model: str, now: float) -> list[Verdict]:
    """No lifecycle from the service: foundry-doctor's retirement table."""
    name = f"{chosen.model}-{chosen.version}" if chosen.version else chosen.model
    found = retired_model(name, now=now)
    if found is None:
        return []
    item, _ = found
    if item.scheduled:
        return [
            Verdict(
                "model-retiring",
                "note",
                f"Deployment {chosen.name!r} runs {model}, scheduled to retire on {item.retired}",
                "The date has passed; retirements roll out by region. Suggested: "
                f"{item.replacement}.",
            )
        ]
    day = datetime.datetime.fromtimestamp(item.retired_at(), tz=datetime.timezone.utc)
    return [
        Verdict(
            "model-retired",
            "problem",
            f"Deployment {chosen.name!r} runs a retired model version ({model})",
            f"{model} was retired on {day:%Y-%m-%d} (the account's model list does not show it "
            "any more): calls to this deployment fail.",
            (f"deploy {item.replacement} and point the calls at that deployment",),
        )
    ]
