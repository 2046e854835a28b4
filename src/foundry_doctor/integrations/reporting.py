"""Telling the world about a diagnosis: whether it is worth telling at all, then one WARNING log
record and, when OpenTelemetry is installed and a span is recording, one span event. Both are
made of the diagnosis alone (its summary, explanation, ``to_dict()``, code, slug and title) and
of names of ours (the SDK), and a ``Diagnosis`` quotes whatever it holds on construction (see
``diagnosis/model.py``): neither can carry a secret or a control character the service sent.

The same failure again soon after (a framework's retry of a call that cannot succeed) gets a
DEBUG record instead of a second WARNING (:mod:`foundry_doctor.integrations.repeats`)."""

from __future__ import annotations

from typing import Any

from foundry_doctor._logging import logger_for
from foundry_doctor.diagnosis.model import Diagnosis
from foundry_doctor.facts.endpoints import classify_endpoint
from foundry_doctor.integrations.repeats import failure_key, seen

__all__ = ["LOGGER_NAME", "report", "worth_telling"]

LOGGER_NAME = "foundry_doctor"
logger = logger_for(LOGGER_NAME)


#: the catch-all rule, which names no cause
_UNKNOWN_RULE = "unknown"


def worth_telling(diagnosis: Diagnosis, url: str | None) -> bool:
    """Whether an integration should attach and report ``diagnosis`` of a call to ``url``.

    A finding of a rule always is. The catch-all (no rule recognised the cause) is only for a
    401/403/404 from an Azure AI host: a 400 no rule knows is a bad parameter or a content
    filter, not ours to explain, and off Azure (a local server, api.openai.com, a gateway on a
    host we do not know) we have nothing to back a checklist with.
    """
    if diagnosis.rule != _UNKNOWN_RULE:
        return True
    if diagnosis.status == 400 or url is None:
        return False
    info = classify_endpoint(url)
    # off Azure the catch-all's checklist (Azure roles, scopes, endpoints) has nothing to stand on
    return info is not None and info.is_azure


def report(diagnosis: Diagnosis, *, sdk: str, call: tuple[str, str] | None = None) -> None:
    """Log ``diagnosis`` once at WARNING and add it to the current span, if any. ``call`` is
    the failed request's method and URL: with it, a repeat of the same failure within the
    repeat window is logged at DEBUG only (the record of the next WARNING counts it)."""
    occurrence = seen(failure_key(diagnosis, sdk=sdk, call=call))
    if not occurrence.warn:
        logger.debug(
            "%s: the same failure again (%d times in %.0f s since its WARNING record)",
            diagnosis.summary,
            occurrence.repeats,
            occurrence.since,
            extra={"diagnosis_rule": diagnosis.rule, "diagnosis_repeats": occurrence.repeats},
        )
        _add_span_event(diagnosis)
        return
    data = diagnosis.to_dict()
    logger.warning(
        "%s: %s",
        diagnosis.summary,
        diagnosis.explanation,
        extra={
            "diagnosis": data,
            "diagnosis_rule": diagnosis.rule,
            "diagnosis_code": diagnosis.code,
            "diagnosis_sdk": sdk,
            "diagnosis_repeats": occurrence.repeats,
        },
    )
    _add_span_event(diagnosis)


def _add_span_event(diagnosis: Diagnosis) -> None:
    try:
        from opentelemetry import trace
    except ImportError:
        return
    try:
        span = trace.get_current_span()
        if not span.is_recording():
            return
        attributes: dict[str, Any] = {
            "foundry_doctor.code": diagnosis.code,
            "foundry_doctor.rule": diagnosis.rule,
            "foundry_doctor.title": diagnosis.title,
        }
        if diagnosis.status is not None:
            attributes["http.response.status_code"] = diagnosis.status
        if diagnosis.secondary_rules:
            attributes["foundry_doctor.secondary"] = list(diagnosis.secondary_rules)
        span.add_event("foundry_doctor.diagnosis", attributes=attributes)
    except Exception:  # telemetry must never break the caller
        logger.debug("could not add the diagnosis to the current span", exc_info=True)
