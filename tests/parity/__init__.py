"""``nox -s parity``: another SDK's own test suite run bare and with foundry-doctor."""
