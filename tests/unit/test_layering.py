"""Layers point one way. Every import of a ``foundry_doctor`` module in ``src/`` (at module
level, inside functions and under ``TYPE_CHECKING`` alike) goes to its own layer or a lower one:

    base (_version, _logging, _patterns)  <  knowledge (service tables)  <  facts (observations)
      <  diagnosis.model  <  rules  <  the engine (diagnosis)  <  integrations, access  <  cli

The package facade (``foundry_doctor/__init__.py``, which re-exports every layer lazily) is
used by the command line only. The emulator stands apart: it may import the base layer and
itself only, and only the command line imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "foundry_doctor"

#: module prefix -> layer, most specific prefix first
LAYERS: tuple[tuple[str, int], ...] = (
    ("foundry_doctor._version", 0),
    ("foundry_doctor._logging", 0),
    ("foundry_doctor._patterns", 0),
    ("foundry_doctor.knowledge", 1),
    ("foundry_doctor.facts", 2),
    ("foundry_doctor.diagnosis.model", 3),
    ("foundry_doctor.rules", 4),
    ("foundry_doctor.diagnosis", 5),
    ("foundry_doctor.integrations", 6),
    ("foundry_doctor.access", 6),  # an explicit command and API, never inside the middleware
    ("foundry_doctor.cli", 7),
    ("foundry_doctor.__main__", 7),
)
FACADE = 7  # the public names, as the command line uses them
EMULATOR = "foundry_doctor.emulator"

#: known exceptions, each with the reason it is allowed for now
ALLOWED: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


def _layer(module: str) -> int | None:
    if module == PACKAGE:
        return FACADE
    if module == EMULATOR or module.startswith(EMULATOR + "."):
        return None
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _known(module: str) -> bool:
    """Whether ``module`` names a module or package of the source tree (``from x import y``
    also yields ``x.y`` for names that are not modules)."""
    relative = Path(*module.split("."))
    return (SRC / relative).with_suffix(".py").exists() or (SRC / relative).is_dir()


def _violations() -> list[str]:
    found: list[str] = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        module = _module_name(path)
        if module == PACKAGE:
            continue  # the facade re-exports every layer, lazily
        own = _layer(module)
        for target in sorted(_imports(path)):
            if not _known(target) or (module, target) in ALLOWED:
                continue
            theirs = _layer(target)
            if own is None:  # the emulator
                if theirs not in (None, 0):
                    found.append(f"{module} -> {target}: the emulator depends on nothing else")
                continue
            if theirs is None:
                if own != 7:
                    found.append(f"{module} -> {target}: only the command line uses the emulator")
                continue
            if theirs > own:
                found.append(f"{module} (layer {own}) -> {target} (layer {theirs})")
    return found


def test_layers_point_one_way() -> None:
    assert _violations() == []


def test_the_checker_sees_a_violation() -> None:
    """The check itself works: a rule importing the engine is reported."""
    assert _layer("foundry_doctor.rules.unknown") == 4
    assert _layer("foundry_doctor.diagnosis.engine") == 5
    assert _layer("foundry_doctor.diagnosis.model") == 3
    assert _layer("foundry_doctor.knowledge.routes") < _layer("foundry_doctor.facts.endpoints")  # type: ignore[operator]
    assert _layer("foundry_doctor.emulator.service") is None


def test_every_exception_is_still_needed() -> None:
    for (module, target), _reason in ALLOWED.items():
        path = SRC / Path(*module.split("."))
        source = path.with_suffix(".py")
        assert target in _imports(source), f"{module} no longer imports {target}: drop it"
