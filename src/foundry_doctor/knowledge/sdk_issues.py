"""SDK releases with known bugs that break authentication or routing.

Each entry names the affected range (``introduced`` inclusive, ``fixed`` exclusive), the client
kinds that run the package, what the bug does, and the *symptom* it produces as a name the
``sdk-outdated`` rule knows how to recognise in a failed call (the data says what to look for;
the rule looks). Add a row to teach the engine a new bug.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.sources import Source

__all__ = ["SDK_ISSUES", "SdkIssue", "Symptom"]

#: ``key-sent-as-bearer``: a key went out only as ``Authorization: Bearer``;
#: ``stale-token-on-retry``: an expired token was resent; ``project-client-scope``: a project
#: route refused the token of a client the SDK built; ``credential-not-sent``: no credential
#: reached the service; ``token-provider-as-key``: a token provider given as ``api_key`` was
#: not called
Symptom = Literal[
    "key-sent-as-bearer",
    "stale-token-on-retry",
    "project-client-scope",
    "credential-not-sent",
    "token-provider-as-key",
]


class SdkIssue(NamedTuple):
    package: str
    introduced: str | None
    fixed: str
    clients: frozenset[str]
    summary: str
    symptom: Symptom
    reference: str
    sources: tuple[Source, ...]
    workaround: str | None = None
    #: the package is retired: upgrading is a stopgap, migrating the fix
    retired: str | None = None


SDK_ISSUES: tuple[SdkIssue, ...] = (
    SdkIssue(
        package="azure-ai-inference",
        introduced=None,
        fixed="1.0.0b5",
        clients=frozenset({"azure-ai-inference"}),
        summary=(
            "an AzureKeyCredential went out only as 'Authorization: Bearer <key>'; Azure OpenAI "
            "deployments and other key-only routes read keys from the 'api-key' header"
        ),
        symptom="key-sent-as-bearer",
        reference="https://github.com/Azure/azure-sdk-for-python/issues/37408",
        sources=(s.INFERENCE_KEY_BEARER,),
        workaround="until then pass headers={'api-key': '<key>'} to the client as well",
        retired="azure-ai-inference",
    ),
    SdkIssue(
        package="openai",
        introduced="1.0.0",
        fixed="1.35.12",
        clients=frozenset({"openai.AzureOpenAI"}),
        summary=(
            "AzureOpenAI kept sending the first Entra token on retries even after "
            "azure_ad_token_provider had returned a fresh one, so a token that expired during "
            "a run of retries was never replaced"
        ),
        symptom="stale-token-on-retry",
        reference="https://github.com/openai/openai-python/issues/1526",
        sources=(s.OPENAI_STALE_TOKEN,),
    ),
    SdkIssue(
        package="openai",
        introduced=None,
        fixed="1.106.0",
        clients=frozenset({"openai.OpenAI"}),
        summary=(
            "OpenAI(api_key=<token provider>) - the pattern Microsoft's v1 page uses - needs "
            "openai 1.106.0 or later; older releases send the provider object instead of a token"
        ),
        symptom="token-provider-as-key",
        reference="https://github.com/openai/openai-python/issues/2584",
        sources=(s.OPENAI_TOKEN_PROVIDER,),
    ),
    SdkIssue(
        package="azure-ai-projects",
        introduced="2.0.0b1",
        fixed="2.0.0b3",
        clients=frozenset({"azure-ai-projects", "openai.OpenAI", "openai.AzureOpenAI"}),
        summary=(
            "the OpenAI client from AIProjectClient.get_openai_client() asked for a token the "
            "project endpoint does not accept (it wants the https://ai.azure.com audience)"
        ),
        symptom="project-client-scope",
        reference="https://github.com/Azure/azure-sdk-for-python/issues/44412",
        sources=(s.PROJECTS_SCOPE,),
        workaround=(
            'until then build the client yourself: OpenAI(base_url="<project endpoint>/openai/v1", '
            "api_key=get_bearer_token_provider(DefaultAzureCredential(), "
            '"https://ai.azure.com/.default"))'
        ),
    ),
    SdkIssue(
        package="@azure/openai",
        introduced="1.0.0-beta.1",
        fixed="1.0.0-beta.2",
        clients=frozenset({"http"}),
        summary=(
            "the credential passed to OpenAIClient (OpenAIKeyCredential) was overwritten by "
            "defaults and never sent"
        ),
        symptom="credential-not-sent",
        reference="https://github.com/Azure/azure-sdk-for-js/issues/26021",
        sources=(s.AZURE_OPENAI_JS,),
    ),
)
