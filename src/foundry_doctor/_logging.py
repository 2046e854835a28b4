"""The library's loggers: ``foundry_doctor`` and its children.

Library etiquette: records go to the ``foundry_doctor`` logger tree and the application's
logging configuration decides where they end up. The only handler added is a ``NullHandler`` on
``foundry_doctor``, so that Python's last-resort handler does not print our records to stderr
in an application that configured no logging at all. It is added by the first module that logs,
not by ``import foundry_doctor``, which stays free of the ``logging`` import.
"""

from __future__ import annotations

import logging

__all__ = ["LOGGER_NAME", "logger_for"]

#: the logger every record of the library goes to (or to one of its children)
LOGGER_NAME = "foundry_doctor"

_root = logging.getLogger(LOGGER_NAME)
if not any(isinstance(handler, logging.NullHandler) for handler in _root.handlers):
    _root.addHandler(logging.NullHandler())


def logger_for(name: str = LOGGER_NAME) -> logging.Logger:
    """The logger called ``name`` (``foundry_doctor`` or a ``foundry_doctor.*`` child)."""
    return logging.getLogger(name)
