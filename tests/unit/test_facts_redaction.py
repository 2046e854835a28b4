from __future__ import annotations

from foundry_doctor.facts.redaction import redact_personal, redact_text, safe_url

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2V4YW1wbGUifQ.c2lnbmF0dXJlLXNlY3JldA"
KEY = "0123456789abcdef0123456789abcdef"


def test_tokens_and_keys_are_replaced() -> None:
    text = f"Authorization: Bearer {JWT} api-key: {KEY} sk-proj-abcdefgh12345 {KEY}"
    cleaned = redact_text(text)
    assert JWT not in cleaned
    assert "c2lnbmF0dXJl" not in cleaned
    assert KEY not in cleaned
    assert "abcdefgh12345" not in cleaned


def test_ordinary_text_survives() -> None:
    message = (
        "The principal `11111111-2222-3333-4444-555555555555` lacks the required data action "
        "`Microsoft.CognitiveServices/accounts/AIServices/agents/read`. Use Bearer auth."
    )
    assert redact_text(message) == message


def test_control_characters_and_length() -> None:
    assert "\x1b" not in redact_text("a\x1b[31mred")
    assert len(redact_text("x " * 5000, limit=100)) == 100


def test_personal() -> None:
    assert redact_personal("principal alex@contoso.com") == "principal <user>"


def test_safe_url_hides_query_values_but_api_version() -> None:
    url = "https://user:pw@r.openai.azure.com/openai/deployments/d/chat?api-version=2024-10-21&api-key=SECRET&sig=abc"
    cleaned = safe_url(url)
    assert "SECRET" not in cleaned
    assert "pw" not in cleaned
    assert "sig=abc" not in cleaned
    assert "api-version=2024-10-21" in cleaned
    assert cleaned.startswith("https://r.openai.azure.com/openai/deployments/d/chat")
