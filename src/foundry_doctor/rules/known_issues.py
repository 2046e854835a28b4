"""SDK releases with known authentication bugs, and what a failure caused by each looks like.

Each entry names the affected range (``introduced`` inclusive, ``fixed`` exclusive), the client
kinds that run the package, a short account of the bug and a ``symptom`` test: a failure that
matches it is explained by the bug; one that does not is only made more likely by it. The table
drives the ``sdk-outdated`` rule; add a row to teach it a new bug.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from foundry_doctor.rules.context import RuleContext
from foundry_doctor.rules.meaning import Meaning
from foundry_doctor.rules.version_order import version_key

__all__ = ["KNOWN_ISSUES", "KnownIssue", "affecting"]


@dataclass(frozen=True, slots=True)
class KnownIssue:
    """One bug of one SDK that breaks authentication or routing."""

    package: str
    introduced: str | None
    fixed: str
    clients: frozenset[str]
    summary: str
    symptom: Callable[[RuleContext], bool]
    reference: str
    workaround: str | None = None

    def affects(self, version: str) -> bool:
        """Whether ``version`` of :attr:`package` carries the bug."""
        key = version_key(version)
        fixed = version_key(self.fixed)
        if key is None or fixed is None or key >= fixed:
            return False
        introduced = version_key(self.introduced) if self.introduced else None
        return introduced is None or key >= introduced


def _key_went_as_bearer(ctx: RuleContext) -> bool:
    if ctx.status != 401 or ctx.names_other_cause():
        return False
    if ctx.auth_known:
        shape = ctx.bearer == "opaque" and not ctx.api_key_sent
    else:
        shape = ctx.credential == "api-key"
    return shape and (ctx.says(Meaning.TOKEN_REJECTED) or ctx.body_is_silent)


def _retry_kept_stale_token(ctx: RuleContext) -> bool:
    if ctx.status != 401 or ctx.names_other_cause():
        return False
    expired = ctx.token_expired or ctx.says(Meaning.TOKEN_EXPIRED)
    return expired and (ctx.credential in (None, "token") or ctx.bearer == "jwt")


def _project_client_scope(ctx: RuleContext) -> bool:
    if ctx.status != 401 or not ctx.says(Meaning.TOKEN_REJECTED):
        return False
    return any(
        info is not None and info.route == "project" for info in (ctx.request, ctx.configured)
    )


def _key_not_attached(ctx: RuleContext) -> bool:
    return ctx.status == 401 and (ctx.sent_nothing or ctx.says(Meaning.CREDENTIAL_MISSING))


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        package="azure-ai-inference",
        introduced=None,
        fixed="1.0.0b5",
        clients=frozenset({"azure-ai-inference"}),
        summary=(
            "an AzureKeyCredential went out only as 'Authorization: Bearer <key>'; Azure OpenAI "
            "deployments and other key-only routes read keys from the 'api-key' header"
        ),
        symptom=_key_went_as_bearer,
        reference="https://github.com/Azure/azure-sdk-for-python/issues/37408",
        workaround="until then pass headers={'api-key': '<key>'} to the client as well",
    ),
    KnownIssue(
        package="openai",
        introduced="1.0.0",
        fixed="1.35.12",
        clients=frozenset({"openai.AzureOpenAI"}),
        summary=(
            "AzureOpenAI kept sending the first Entra token on retries even after "
            "azure_ad_token_provider had returned a fresh one, so a token that expired during "
            "a run of retries was never replaced"
        ),
        symptom=_retry_kept_stale_token,
        reference="https://github.com/openai/openai-python/issues/1526",
    ),
    KnownIssue(
        package="azure-ai-projects",
        introduced="2.0.0b1",
        fixed="2.0.0b3",
        clients=frozenset({"azure-ai-projects", "openai.OpenAI", "openai.AzureOpenAI"}),
        summary=(
            "the OpenAI client from AIProjectClient.get_openai_client() asked for a token the "
            "project endpoint does not accept (it wants the https://ai.azure.com audience)"
        ),
        symptom=_project_client_scope,
        reference="https://github.com/Azure/azure-sdk-for-python/issues/44412",
        workaround=(
            'until then build the client yourself: OpenAI(base_url="<project endpoint>/openai/v1", '
            "api_key=get_bearer_token_provider(DefaultAzureCredential(), "
            '"https://ai.azure.com/.default"))'
        ),
    ),
    KnownIssue(
        package="@azure/openai",
        introduced="1.0.0-beta.1",
        fixed="1.0.0-beta.2",
        clients=frozenset({"http"}),
        summary=(
            "the credential passed to OpenAIClient (OpenAIKeyCredential) was overwritten by "
            "defaults and never sent"
        ),
        symptom=_key_not_attached,
        reference="https://github.com/Azure/azure-sdk-for-js/issues/26021",
    ),
)


def affecting(ctx: RuleContext) -> Iterator[tuple[KnownIssue, str]]:
    """The known issues whose affected range holds an SDK version in the facts, with that
    version."""
    versions = ctx.facts.sdk_versions
    if not versions:
        return
    lowered = {
        name.lower(): value
        for name, value in versions.items()
        if isinstance(name, str) and isinstance(value, str)
    }
    for issue in KNOWN_ISSUES:
        version = lowered.get(issue.package)
        if version is not None and issue.affects(version):
            yield issue, version
