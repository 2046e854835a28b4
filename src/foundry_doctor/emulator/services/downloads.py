"""Hosts no emulated service answers on, but that SDKs and frameworks fetch files from on their
own when they start or on a first call: what they fetch there, and how to run without it.

The emulator never connects anywhere, so such a fetch through its proxy fails; the proxy's
``502`` then says what was asked for and how to keep the program offline, in its reason phrase
(which is what the clients show: ``ProxyError: 502 <phrase>``, ``Tunnel connection failed: 502
<phrase>``) and body. Facts from the frameworks' sources (the research notes of issue 14):

* tiktoken (``tiktoken/load.py``) downloads its encodings from
  ``openaipublic.blob.core.windows.net/encodings/<name>.tiktoken`` with ``requests`` unless
  they are in ``TIKTOKEN_CACHE_DIR`` (a file named after the SHA-1 of the URL): langchain-openai's
  embeddings with ``check_embedding_ctx_length=True`` (the default) and ``get_num_tokens``,
  AutoGen's ``count_tokens``. llama-index-core and litellm ship the common encodings in their
  wheels and point tiktoken at them themselves.
* LiteLLM fetches its model price map from ``raw.githubusercontent.com`` when it is imported,
  unless ``LITELLM_LOCAL_MODEL_COST_MAP=True`` (it then uses its bundled copy).
* LangSmith is called by LangChain only with ``LANGSMITH_TRACING`` (or
  ``LANGCHAIN_TRACING_V2``) set.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DOWNLOADS", "Download", "download_hint"]


class Download(NamedTuple):
    """A host files are fetched from: what is fetched there, by whom, and how to do without."""

    host: str
    what: str
    offline: str


DOWNLOADS: tuple[Download, ...] = (
    Download(
        "openaipublic.blob.core.windows.net",
        "a tiktoken encoding (cl100k_base, o200k_base: what langchain-openai's embeddings and "
        "token counting, and AutoGen's count_tokens, load on first use)",
        "to run offline, set TIKTOKEN_CACHE_DIR to a directory that holds the encoding files "
        "(llama-index-core and litellm ship copies), or skip the tokenizing "
        "(AzureOpenAIEmbeddings(check_embedding_ctx_length=False))",
    ),
    Download(
        "raw.githubusercontent.com",
        "LiteLLM's model price map (fetched when litellm is imported)",
        "to run offline, set LITELLM_LOCAL_MODEL_COST_MAP=True (LiteLLM then uses its bundled "
        "copy)",
    ),
    Download(
        "api.smith.langchain.com",
        "LangSmith tracing (LangChain sends traces with LANGSMITH_TRACING set)",
        "to run offline, unset LANGSMITH_TRACING and LANGCHAIN_TRACING_V2",
    ),
)
_BY_HOST = {item.host: item for item in DOWNLOADS}


def download_hint(host: str) -> str | None:
    """What is fetched from ``host`` and how to run without it, or ``None`` for another host."""
    found = _BY_HOST.get(host)
    if found is None:
        return None
    return f"it is where programs fetch {found.what}, not a service it emulates; {found.offline}"
