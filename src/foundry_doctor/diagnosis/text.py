"""Diagnosing an error message pasted from a log, when the live call is gone."""

from __future__ import annotations

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis.engine import diagnose
from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.facts.observation import AuthFacts, Facts
from foundry_doctor.facts.pasted_text import facts_from_text

__all__ = ["diagnose_text"]

logger = logger_for(__name__)


def diagnose_text(text: str, *, include_personal: bool = False) -> Diagnosis:
    """Best-effort diagnosis of a copied error message (openai's ``Error code: 401 - {...}``,
    azure-core's ``(Code) ... Code: ... Message: ...``, a raw JSON body, a .NET or REST
    client's status line). The status, body and URLs are read from the text; what it cannot
    show - chiefly which headers went out and the token's claims - is named in the diagnosis's
    ``missing_facts`` when it would settle the cause. Never raises."""
    try:
        facts = facts_from_text(text)
    except Exception:
        logger.debug("could not read the pasted text", exc_info=True)
        facts = Facts(auth=AuthFacts(observed=False))
    return diagnose(facts, include_personal=include_personal)
