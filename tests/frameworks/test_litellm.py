"""LiteLLM through its one line, ``foundry_doctor.instrument(litellm)``: ``completion`` /
``acompletion`` / ``embedding`` to ``azure/...`` models, with and without ``num_retries``.

LiteLLM re-raises every openai exception as its own (``litellm.AuthenticationError``, ...), text
rebuilt from the body, class chosen partly by the words of the openai error. The one line makes
those exceptions carry the diagnosis; the class the application gets stays LiteLLM's own
choice. Once ``instrument(litellm)`` has run, every LiteLLM exception of the process is
enriched, so the bare calls of this module all run first, in a module fixture.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import pytest
import pytest_asyncio

import foundry_doctor
from foundry_doctor.emulator import Emulator
from foundry_doctor.integrations import repeats
from support.frameworks import (
    AOAI,
    DEPLOYMENT,
    EMBEDDINGS,
    MISSING,
    Attempt,
    assert_parity,
    attempt,
    attempt_async,
)

# LiteLLM fetches its model price map from GitHub when it is imported, unless told not to
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
litellm = pytest.importorskip("litellm")

pytestmark = [
    pytest.mark.frameworks,
    # what LiteLLM's own import warns about (pydantic on its typed dicts) is not ours
    pytest.mark.filterwarnings("ignore::UserWarning:pydantic.*"),
]
#: the async calls share the module's loop: LiteLLM caches its async clients across calls
module_loop = pytest.mark.asyncio(loop_scope="module")

API_VERSION = "2024-10-21"
INVALID_KEY = "0123456789abcdef0123456789abcdef"
MESSAGES = [{"role": "user", "content": "hi"}]


def _settings(emu: Emulator, case: str) -> dict[str, Any]:
    settings: dict[str, Any] = {"api_base": AOAI, "api_version": API_VERSION}
    if case == "no-role":
        settings["azure_ad_token"] = emu.token("dave")
    elif case == "key-as-bearer":
        settings["azure_ad_token"] = emu.key("myres")
    else:
        settings["api_key"] = INVALID_KEY if case == "wrong-key" else emu.key("myres")
    if case == "v1-wrong-key":
        settings.update(api_key=INVALID_KEY, api_version="v1")
    return settings


CASES = {
    "no-role": "missing-data-plane-role",
    "wrong-deployment": "deployment-not-found",
    "key-as-bearer": "credential-in-wrong-header",
    "wrong-key": "invalid-api-key",
    "v1-wrong-key": "invalid-api-key",
    "success": None,
}


def _completion(emu: Emulator, case: str, **extra: Any) -> Callable[[], Any]:
    model = f"azure/{MISSING if case == 'wrong-deployment' else DEPLOYMENT}"
    settings = _settings(emu, case) | extra
    return lambda: litellm.completion(model=model, messages=MESSAGES, **settings)


def _acompletion(emu: Emulator, case: str) -> Callable[[], Any]:
    model = f"azure/{MISSING if case == 'wrong-deployment' else DEPLOYMENT}"
    settings = _settings(emu, case)
    return lambda: litellm.acompletion(model=model, messages=MESSAGES, **settings)


def _embedding(emu: Emulator, deployment: str) -> Callable[[], Any]:
    settings = _settings(emu, "success")
    return lambda: litellm.embedding(model=f"azure/{deployment}", input=["hi"], **settings)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bare(emulator: Emulator) -> dict[str, Attempt]:
    """Every call of the module, bare, before ``instrument(litellm)``; then the one line."""
    outcomes: dict[str, Attempt] = {}
    for case in CASES:
        outcomes[f"sync-{case}"] = attempt(emulator, _completion(emulator, case))
        outcomes[f"async-{case}"] = await attempt_async(emulator, _acompletion(emulator, case))
    outcomes["retried"] = attempt(emulator, _completion(emulator, "no-role", num_retries=2))
    for deployment in (MISSING, EMBEDDINGS):
        outcomes[f"embedding-{deployment}"] = attempt(emulator, _embedding(emulator, deployment))
    client = foundry_doctor.instrument(
        __import__("openai").AzureOpenAI(
            azure_endpoint=AOAI, api_key=emulator.key("myres"), api_version=API_VERSION
        )
    )
    outcomes["client"] = attempt(emulator, _completion(emulator, "wrong-deployment", client=client))
    assert foundry_doctor.instrument(litellm) is litellm
    assert foundry_doctor.instrument(litellm) is litellm  # again: nothing changes
    return outcomes


@pytest.mark.parametrize("case", list(CASES))
def test_completion(emu: Emulator, bare: dict[str, Attempt], case: str) -> None:
    assert_parity(bare[f"sync-{case}"], attempt(emu, _completion(emu, case)), CASES[case])


@module_loop
@pytest.mark.parametrize("case", list(CASES))
async def test_acompletion(emu: Emulator, bare: dict[str, Attempt], case: str) -> None:
    instrumented = await attempt_async(emu, _acompletion(emu, case))
    assert_parity(bare[f"async-{case}"], instrumented, CASES[case])


def test_the_exception_class_is_litellms_own_choice(
    emu: Emulator, bare: dict[str, Attempt]
) -> None:
    """LiteLLM picks its class by the words of the openai error, before our text exists."""
    for case, rule in CASES.items():
        if rule is None:
            continue
        instrumented = attempt(emu, _completion(emu, case)).error
        assert type(instrumented).__mro__[1] is type(bare[f"sync-{case}"].error), case


def test_retries_of_a_failure_that_cannot_succeed_are_told_once(
    emu: Emulator, bare: dict[str, Attempt], caplog: pytest.LogCaptureFixture
) -> None:
    repeats.forget()
    with caplog.at_level(logging.DEBUG, logger="foundry_doctor"):
        instrumented = attempt(emu, _completion(emu, "no-role", num_retries=2))
    assert bare["retried"].requests == instrumented.requests == 3
    assert_parity(bare["retried"], instrumented, "missing-data-plane-role")
    held_back = [
        record.diagnosis_repeats
        for record in caplog.records
        if record.levelno == logging.DEBUG and hasattr(record, "diagnosis_repeats")
    ]
    assert held_back == [1, 2]


@pytest.mark.parametrize(
    ("deployment", "rule"),
    [(MISSING, "deployment-not-found"), (EMBEDDINGS, None)],
    ids=["wrong-deployment", "success"],
)
def test_embedding(
    emu: Emulator, bare: dict[str, Attempt], deployment: str, rule: str | None
) -> None:
    instrumented = attempt(emu, _embedding(emu, deployment))
    assert_parity(bare[f"embedding-{deployment}"], instrumented, rule)


def test_an_instrumented_client_passed_per_call(emu: Emulator, bare: dict[str, Attempt]) -> None:
    """``client=instrument(AzureOpenAI(...))`` diagnoses before LiteLLM maps the error (our text
    is then in what LiteLLM reads): LiteLLM still picks the class it picks bare."""
    outcome = bare["client"]  # made before instrument(litellm): only the client instrumented
    assert type(outcome.error).__name__ == "NotFoundError"
    assert type(outcome.error).__module__ == "litellm.exceptions"
    diagnosis = foundry_doctor.explain(outcome.error)
    assert diagnosis is not None
    assert diagnosis.rule == "deployment-not-found"
