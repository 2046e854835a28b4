"""The emulated token service and the diagnosis tables state Entra ID's codes independently
(``services/entra/errors.py`` and ``knowledge/entra.py``, both from ``entra.md``); here they must
agree: every AADSTS code the emulator answers with is one the diagnosis knows (or is named below
as none of a Foundry caller's causes), with the same OAuth ``error``."""

from __future__ import annotations

from foundry_doctor.emulator.services.entra import errors
from foundry_doctor.knowledge.entra import sts_code

#: codes the emulator answers with that no token cause of a Foundry caller stands for: requests
#: no azure-identity credential sends (a missing form field, an unknown authority host, an
#: assertion that is not a JWT)
_NOT_A_CAUSE = {900144: "missing parameter", 50049: "unknown instance", 50027: "malformed JWT"}
#: Entra ID sends AADSTS90002 as invalid_tenant from discovery, invalid_request from the token
#: endpoint (entra.md section 6)
_EITHER = {90002: {"invalid_tenant", "invalid_request"}}


def _error_classes() -> list[type[errors.EntraError]]:
    found: list[type[errors.EntraError]] = []
    pending = list(errors.EntraError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_code_the_emulator_answers_with_is_known() -> None:
    codes = {cls.code: cls for cls in _error_classes() if cls.code}
    codes[700022] = errors.MultipleResources  # its code is chosen per world (700022 by default)
    assert len(codes) > 15
    for code, cls in sorted(codes.items()):
        if code in _NOT_A_CAUSE:
            assert sts_code(code) is None, code
            continue
        entry = sts_code(code)
        assert entry is not None, f"AADSTS{code} ({cls.__name__}) is unknown to the diagnosis"
        if entry.error is not None:
            assert cls.error in _EITHER.get(code, {entry.error}), (code, cls.error, entry.error)
