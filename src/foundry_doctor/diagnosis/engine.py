"""Placeholder until the rule engine lands (issue 3 replaces this file)."""


def diagnose(*args: object, **kwargs: object) -> object:
    raise NotImplementedError
