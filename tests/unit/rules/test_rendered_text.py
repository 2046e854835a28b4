"""What a rendered diagnosis must never say: the phrases LiteLLM classifies errors by.

With ``litellm.completion(..., client=foundry_doctor.instrument(AzureOpenAI(...)))`` the openai
exception LiteLLM maps is already enriched, and LiteLLM decides the class it raises from the
words of ``str(openai_error)`` before its status (litellm 1.110,
``litellm_core_utils/exception_mapping_utils.py``: ``_map_azure_exception`` and, for the
OpenAI-compatible providers, ``_map_openai_exception`` with ``ExceptionCheckers``). A phrase of
ours among them would turn, say, a 401 into LiteLLM's ``NotFoundError`` or a retried
``InternalServerError``. So for every failed call of the rule cases, no phrase may be in the
rendered diagnosis unless the service's own body says it already (then LiteLLM reads it
anyway).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from foundry_doctor import diagnose

CASES = Path(__file__).resolve().parent / "cases"

#: checked as written (``"..." in error_str``)
EXACT = (
    "Internal server error",
    "DeploymentNotFound",
    "could not be verified",
    "invalid_encrypted_content",
    "invalid_request_error",
    "The api_key client option must be set",
    "Connection error",
    "A timeout occurred",
    "Request Timeout Error",
    "Request timed out",
    "Timed out generating response",
    "The read operation timed out",
)
#: checked on the lower-cased text
LOWER = (
    "content_policy_violation",
    "responsibleaipolicyviolation",
    "the response was filtered due to the prompt triggering azure openai's content management",
    "your task failed as a result of our safety system",
    "the model produced invalid content",
    "content_filter_policy",
    "your request was rejected as a result of our safety system",
    "exceed context limit",
    "this model's maximum context length is",
    "requested token count exceeds the model's maximum context length",
    "string too long. expected a string with maximum length",
    "model's maximum context limit",
    "is longer than the model's context length",
    "input tokens exceed the configured limit",
    "exceeds the available context size",
    "exceeds the maximum number of tokens allowed",
    '"code": "context_length_exceeded"',
    "prompt is too long",
    "service tier capacity exceeded",
)
#: ExceptionCheckers.is_error_str_rate_limit, on the lower-cased text
RATE_LIMIT = re.compile(r"rate[\s_\-]*limit")


def _failed_calls() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "case" in record:
                found.append(pytest.param(record["case"], id=f"{path.stem}:{record['name']}"))
    return found


def _phrases_in(text: str) -> set[str]:
    lowered = text.lower()
    found = {phrase for phrase in EXACT if phrase in text}
    found |= {phrase for phrase in LOWER if phrase in lowered}
    if RATE_LIMIT.search(lowered):
        found.add("rate limit")
    return found


@pytest.mark.parametrize("case", _failed_calls())
def test_no_diagnosis_adds_a_phrase_litellm_classifies_by(
    case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "time", lambda: 1_796_083_200.0)
    rendered = diagnose(case).render()
    body = str(case.get("response", {}).get("body") or "")
    added = _phrases_in(rendered) - _phrases_in(body)
    assert not added, f"the diagnosis adds {sorted(added)} to what LiteLLM reads"
