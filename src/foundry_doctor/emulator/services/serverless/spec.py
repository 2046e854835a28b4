"""Serverless API endpoints, stated as data: the host suffix, the routes (the Model Inference
API's shape: ``/chat/completions``, ``/embeddings``, ``/images/embeddings``, ``/info``), and the
credentials read.

Sources: ``../shared/knowledge/routes.md`` §1 (``<name>.<region>.models.ai.azure.com``: key
only, ``ServerlessInferenceEndpointAuthMode`` ``Key``; the header form is an open question), the
public cases ``bigagi608`` (an ``api-key`` header alone gets 400 "Auth token must be passed as a
header called Authorization"; body reconstructed) and ``continue3902`` (a path of another API
gets 404).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["AUTHORIZATION_REQUIRED_TEXT", "OPERATIONS", "SERVERLESS_SUFFIX"]

#: ``<name>.<region>`` + this
SERVERLESS_SUFFIX = ".models.ai.azure.com"

#: (method, path) -> operation name
OPERATIONS: Mapping[tuple[str, str], str] = {
    ("POST", "/chat/completions"): "chat/completions",
    ("POST", "/embeddings"): "embeddings",
    ("POST", "/images/embeddings"): "images/embeddings",
    ("GET", "/info"): "info",
}

AUTHORIZATION_REQUIRED_TEXT = "Auth token must be passed as a header called Authorization"
