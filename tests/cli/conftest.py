"""Fixtures of the command-line tests: no client configuration leaks in from the environment."""

from __future__ import annotations

import pytest

from foundry_doctor.cli.client_options import ENDPOINT_VARIABLES, KEY_VARIABLES

#: every variable ``check`` and ``probe`` read, besides the endpoint and key variables
_OTHER_VARIABLES = {
    "OPENAI_API_VERSION",
    "AZURE_OPENAI_API_VERSION",
    "AZURE_OPENAI_DEPLOYMENT",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_AI_MODEL",
    "MODEL_DEPLOYMENT_NAME",
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    names = {name for names in ENDPOINT_VARIABLES.values() for name in names}
    names |= {name for names in KEY_VARIABLES.values() for name in names}
    for name in names | _OTHER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
