from __future__ import annotations

import sys

from foundry_doctor.facts.versions import TRACKED_DISTRIBUTIONS, installed_versions


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
