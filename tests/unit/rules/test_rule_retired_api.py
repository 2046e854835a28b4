from __future__ import annotations

from rule_facts import NOT_FOUND_404, TOKEN_401, facts

from foundry_doctor.rules import retired_api
from foundry_doctor.rules.base import AGGRAVATING, PRIMARY_MIN

RULE = retired_api.RULE
MODELS = (
    "https://myres.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview"
)
AFTER = 1_790_000_000  # 2026-09
BEFORE = 1_750_000_000  # 2025-06


def test_bare_404_on_models_after_retirement_is_the_cause() -> None:
    finding = RULE.check(
        facts(url=MODELS, model="Phi-4", status=404, body=NOT_FOUND_404, now=AFTER)
    )
    assert finding is not None
    assert finding.code == "FD401"
    assert finding.score >= PRIMARY_MIN
    assert finding.fix[0].startswith('OpenAI(base_url="https://myres.openai.azure.com/openai/v1/"')
    assert 'model="Phi-4"' in finding.fix[0]


def test_next_to_another_cause_it_is_only_a_note() -> None:
    finding = RULE.check(facts(url=MODELS, bearer="jwt", body=TOKEN_401, now=AFTER))
    assert finding is not None
    assert finding.score == AGGRAVATING


def test_before_retirement_it_warns_of_the_date() -> None:
    finding = RULE.check(
        facts(client="azure-ai-inference", url=MODELS, status=404, body=NOT_FOUND_404, now=BEFORE)
    )
    assert finding is not None
    assert finding.score < PRIMARY_MIN
    assert "retires on 2026-08-26" in finding.explanation


def test_not_for_other_routes() -> None:
    url = "https://myres.openai.azure.com/openai/v1/chat/completions"
    assert (
        RULE.check(
            facts(client="openai.OpenAI", url=url, status=404, body=NOT_FOUND_404, now=AFTER)
        )
        is None
    )
