"""What the fidelity suite compares: the answer the emulator gave (:class:`Observed`, taken from
the exception a real SDK raised, or from a raw request for shapes no SDK produces) against a
real answer quoted in a public thread (a case record) or in ``wire.md`` A.2.

Comparison rules:

* **status** always (when the source gives one);
* **body**: byte for byte when the source quotes it verbatim, after replacing the source's
  masks (``<masked>``, ``<principal-id>``, ``<tenant-id>``, ``<id>``) by "anything" and line
  ends by ``\\n`` (pasted pages lose their CRLF and their final line end; the
  ``Content-Length`` a source quotes still pins the bytes); a source body that is not the HTTP
  body but the text a tool showed (the error's ``message``, or the SDK's first line
  ``(<code>) <message>``) is compared with that part of the emulator's answer;
* **headers** the source names: present; equal when not masked (``Content-Length`` as sent);
* **reason** when the source's reason phrase is the wire's (not a client's label).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "CASES_DIR",
    "MASKS",
    "Observed",
    "case_records",
    "compare_case",
    "observed_from_error",
    "observed_from_raw",
    "text_matches",
    "verbatim_records",
]

#: the case corpora next to the repository (``../shared/cases``)
CASES_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "cases"
#: files whose records are failures before any HTTP call (no response to reproduce)
_NO_HTTP = frozenset({"public-token.jsonl"})
#: placeholders the case files use for masked values
MASKS = ("<masked>", "<principal-id>", "<tenant-id>", "<id>")

Compared = Literal["body", "message", "sdk-message"]


@dataclass(frozen=True)
class Observed:
    """One answer of the emulator: status, reason phrase, headers (lower-case names), raw
    body, and the SDK's rendering of the error when an SDK raised it."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    sdk_message: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def message(self) -> str | None:
        """The error's message: ``error.message`` (shape 1) or ``message`` (shape 2)."""
        try:
            parsed = self.json()
        except ValueError:
            return None
        if isinstance(parsed, dict):
            inner = parsed.get("error")
            if isinstance(inner, dict) and isinstance(inner.get("message"), str):
                return str(inner["message"])
            if isinstance(parsed.get("message"), str):
                return str(parsed["message"])
        return None


def observed_from_error(error: BaseException) -> Observed:
    """The emulator's answer inside an SDK's status error (openai ``APIStatusError`` with an
    httpx / httpx2 response; azure-core ``HttpResponseError``; anthropic ``APIStatusError``)."""
    response = getattr(error, "response", None)
    if response is None:
        raise AssertionError(f"{type(error).__name__} carries no response: {error}")
    status = getattr(response, "status_code", None)
    headers = {str(k).lower(): str(v) for k, v in response.headers.items()}
    if hasattr(response, "reason_phrase"):  # httpx / httpx2
        reason = response.reason_phrase
        if isinstance(reason, bytes):
            reason = reason.decode("ascii", errors="replace")
        body = response.content
    else:  # azure-core
        reason = response.reason or ""
        body = response.body()
    sdk_message = getattr(error, "message", None)
    return Observed(
        status=int(status or 0),
        reason=str(reason),
        headers=headers,
        body=bytes(body),
        sdk_message=str(sdk_message) if sdk_message is not None else str(error),
    )


def observed_from_raw(response: Any) -> Observed:
    """From :class:`support.wire.RawResponse`."""
    return Observed(response.status, response.reason, dict(response.headers), response.body)


def _mask_pattern(text: str) -> re.Pattern[str]:
    parts = re.split("(" + "|".join(re.escape(mask) for mask in MASKS) + ")", text)
    regex = "".join(".+?" if part in MASKS else re.escape(part) for part in parts)
    return re.compile(regex, re.DOTALL)


def _normalised(text: str) -> str:
    """Line ends as ``\n`` and no final line end: a pasted page loses both."""
    return text.replace("\r\n", "\n").rstrip("\n")


def text_matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` is ``expected`` with its masks filled in (line ends normalised)."""
    return _mask_pattern(_normalised(expected)).fullmatch(_normalised(actual)) is not None


def case_records() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record of every case file (file name, record)."""
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield path.name, json.loads(line)


def verbatim_records() -> list[dict[str, Any]]:
    """The records whose response was quoted (``reconstructed`` names neither the body nor
    ``*``), from the files that hold HTTP answers."""
    chosen = []
    for name, record in case_records():
        reconstructed = record.get("reconstructed") or []
        if name in _NO_HTTP or "*" in reconstructed or "response.body" in reconstructed:
            continue
        chosen.append(record)
    return chosen


def compare_case(
    record: Mapping[str, Any],
    observed: Observed,
    *,
    compared: Compared = "body",
    reason_is_wire: bool = True,
) -> None:
    """Assert that ``observed`` is the answer ``record`` quotes (see the module docstring)."""
    response = record.get("response") or {}
    status = response.get("status")
    if status is not None:
        assert observed.status == status, (observed.status, observed.text)
    reason = response.get("reason")
    if reason and reason_is_wire:
        assert observed.reason == reason
    body = response.get("body")
    if body is not None:
        if compared == "body":
            actual = observed.text
        elif compared == "message":
            actual = observed.message or ""
        else:
            actual = (observed.sdk_message or "").split("\n")[0]
        assert text_matches(body, actual), f"\nexpected: {body!r}\nactual:   {actual!r}"
    for name, value in (response.get("headers") or {}).items():
        got = observed.headers.get(name.lower())
        assert got is not None, f"header {name} missing: {sorted(observed.headers)}"
        if value not in MASKS:
            assert got == value, (name, got, value)
