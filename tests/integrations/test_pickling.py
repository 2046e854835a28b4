"""An enriched exception pickles as the bare one: unpickled in a process that does not have
foundry-doctor (a multiprocessing or Celery worker sending it back), it comes out exactly as the
bare exception does, or fails exactly as the bare one fails (openai's status errors cannot be
rebuilt from their pickle at all).

The other process is a real one: a fresh interpreter where ``import foundry_doctor`` fails.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from typing import Any

import pytest

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations.enriched import DiagnosedError
from support.clients import build, call
from support.scenarios import Scenario, scenario

#: run in the other process: foundry-doctor made unimportable, then the pickle from stdin
_UNPICKLE = """
import json, pickle, sys
sys.modules["foundry_doctor"] = None  # as in a process where it is not installed
try:
    import foundry_doctor
except ImportError:
    pass
else:
    raise SystemExit("foundry_doctor is importable")
try:
    error = pickle.loads(sys.stdin.buffer.read())
except Exception as failure:
    print(json.dumps({"loaded": False, "failure": type(failure).__name__}))
else:
    print(json.dumps({
        "loaded": True,
        "class": f"{type(error).__module__}.{type(error).__qualname__}",
        "text": str(error),
        "status": getattr(error, "status_code", None),
        "diagnosis": hasattr(error, "diagnosis"),
    }))
"""


def _elsewhere(data: bytes) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _UNPICKLE], input=data, capture_output=True, check=True, timeout=60
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _raised(client: Any, item: Scenario) -> BaseException:
    try:
        call(client, item)
    except Exception as error:
        return error
    raise AssertionError("the call did not fail")


CASES = [
    pytest.param(
        scenario("invalid-key-inference"), "azure-ai-inference", id="azure", marks=pytest.mark.azure
    ),
    pytest.param(
        scenario("missing-role-inference"),
        "azure-ai-inference",
        id="azure-token",
        marks=pytest.mark.azure,
    ),
    pytest.param(
        scenario("invalid-key-azure-openai"),
        "openai.AzureOpenAI",
        id="openai",
        marks=pytest.mark.openai,
    ),
]


@pytest.mark.parametrize(("item", "kind"), CASES)
def test_unpickles_elsewhere_as_the_bare_exception(
    emu: Emulator, item: Scenario, kind: Any
) -> None:
    bare = _raised(build(emu, item, kind), item)
    enriched = _raised(foundry_doctor.instrument(build(emu, item, kind)), item)
    assert isinstance(enriched, DiagnosedError)
    bare_data, enriched_data = pickle.dumps(bare), pickle.dumps(enriched)
    assert b"foundry_doctor" not in enriched_data
    there_bare, there_enriched = _elsewhere(bare_data), _elsewhere(enriched_data)
    if there_bare["loaded"]:
        # the same class and message as the bare one (ids in the message differ per reply)
        assert there_enriched["loaded"]
        assert there_enriched["class"] == there_bare["class"]
        assert there_enriched["status"] == there_bare["status"]
        assert not there_enriched["diagnosis"]
        assert there_enriched["text"] == enriched._fd_base.__str__(enriched)
    else:
        assert there_enriched == there_bare
    # and here, where foundry-doctor is: the plain SDK exception too
    if there_bare["loaded"]:
        here = pickle.loads(enriched_data)  # noqa: S301 - our own bytes
        assert type(here) is enriched._fd_base
        assert foundry_doctor.explain(here) is None
