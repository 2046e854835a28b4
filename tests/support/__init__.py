"""Helpers shared by the test suites: the scenario catalogue (``scenarios``), client builders
for it (``clients``), raw wire helpers (``wire``) and case records (``records``)."""
