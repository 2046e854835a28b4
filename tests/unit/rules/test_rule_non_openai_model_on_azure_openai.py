from __future__ import annotations

from rule_facts import DEPLOYMENT_404, NOT_FOUND_404, facts

from foundry_doctor.rules import non_openai_model_on_azure_openai

RULE = non_openai_model_on_azure_openai.RULE


def test_deepseek_on_the_deployment_route() -> None:
    url = "https://myres.services.ai.azure.com/openai/deployments/DeepSeek-V3/chat/completions?api-version=2024-10-21"
    finding = RULE.check(facts(url=url, status=404, body=NOT_FOUND_404))
    assert finding is not None
    assert finding.code == "FD204"
    assert finding.fix[0] == (
        'OpenAI(base_url="https://myres.services.ai.azure.com/openai/v1/", api_key=...) and '
        'model="DeepSeek-V3" in the call'
    )


def test_other_families() -> None:
    for name in (
        "Meta-Llama-3.1-8B-Instruct",
        "Mistral-Large-2411",
        "Phi-4",
        "cohere-command-r",
        "grok-3",
    ):
        url = f"https://myres.openai.azure.com/openai/deployments/{name}/chat/completions?api-version=2024-10-21"
        assert RULE.check(facts(url=url, status=404, body=NOT_FOUND_404)) is not None, name


def test_not_for_openai_models_v1_route_or_named_causes() -> None:
    url = "https://myres.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
    assert RULE.check(facts(url=url, status=404, body=NOT_FOUND_404)) is None
    v1 = "https://myres.services.ai.azure.com/openai/v1/chat/completions"
    assert RULE.check(facts(url=v1, model="DeepSeek-V3", status=404, body=NOT_FOUND_404)) is None
    ds = "https://myres.openai.azure.com/openai/deployments/DeepSeek-V3/chat/completions?api-version=2024-10-21"
    assert RULE.check(facts(url=ds, status=404, body=DEPLOYMENT_404)) is None
