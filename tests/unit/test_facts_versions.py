from __future__ import annotations

import sys
from pathlib import Path

from foundry_doctor.facts.versions import TRACKED_DISTRIBUTIONS, _from_listings, installed_versions


def test_reads_installed_distributions_without_importing_them() -> None:
    before = set(sys.modules)
    versions = installed_versions()
    assert set(versions) <= set(TRACKED_DISTRIBUTIONS)
    assert "openai" in versions
    assert "azure-core" in versions
    imported = set(sys.modules) - before
    assert not any(
        name.split(".")[0] in ("openai", "azure", "httpx", "httpx2") for name in imported
    )


def test_cached_and_read_only() -> None:
    assert installed_versions() is installed_versions()
    try:
        installed_versions()["openai"] = "0"  # type: ignore[index]
    except TypeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("the mapping must be read-only")


def test_the_same_versions_as_importlib_metadata() -> None:
    import importlib.metadata

    expected = {}
    for name in TRACKED_DISTRIBUTIONS:
        try:
            expected[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    assert dict(installed_versions()) == expected


def test_listings_first_entry_wins_and_egg_info(tmp_path: Path) -> None:
    first, second, archive = tmp_path / "first", tmp_path / "second", tmp_path / "lib.zip"
    for folder, names in (
        (first, ("azure_core-1.41.0.dist-info", "openai-2.0.0.dist-info", "unrelated-1.dist-info")),
        (second, ("openai-1.0.0.dist-info", "azure_identity-1.27.0-py3.11.egg-info")),
    ):
        folder.mkdir()
        for name in names:
            (folder / name).mkdir()
    found, unsettled = _from_listings([str(first), str(tmp_path / "absent"), str(second)])
    assert found == {"azure-core": "1.41.0", "openai": "2.0.0", "azure-identity": "1.27.0"}
    assert not unsettled
    archive.write_bytes(b"PK")
    assert _from_listings([str(archive)]) == ({}, True)
    (second / "httpx.egg-info").mkdir()
    assert _from_listings([str(second)])[1] is True
