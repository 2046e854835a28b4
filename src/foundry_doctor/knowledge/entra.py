"""Getting an Entra ID token, as data: what azure-identity's credentials are, how they say
that they did not try or that they failed, what the managed-identity hosts and the token
endpoint answer, and which cause each ``AADSTS`` code points to for a Foundry / Azure OpenAI
caller (``entra.md``).

- :data:`STS_CODES` / :func:`sts_code`: the ``AADSTS`` codes a Foundry caller meets, each with
  the cause it points to (:data:`TokenCause`, the names the diagnosis uses), the OAuth
  ``error`` Entra sends with it and what it means;
- :data:`CREDENTIALS` / :func:`credential`: azure-identity's credential classes (and the inner
  classes whose names show up in logs), with the kind of identity each stands for and, for
  the developer tools, the sign-in command;
- :data:`CREDENTIAL_TEXTS` / :func:`credential_text`: the texts a credential writes when it
  cannot get a token, per situation (not configured, tool missing, signed out, no identity on
  the host, an audience the host refuses, ...), across the releases the knowledge covers;
- :data:`IDENTITY_HOSTS` / :func:`identity_host`: the Azure hosts a managed identity lives
  on, recognised from the variables the host sets, and how an identity is given to one;
- :data:`KNOWN_RESOURCES`: the Microsoft resources every tenant of a cloud knows (what a
  correct scope names).

Texts are matched on their lower-cased, whitespace-collapsed form, so the same text quoted
with its tabs as spaces, re-wrapped by a log formatter or put on one line still matches.
"""

from typing import Literal, NamedTuple

from foundry_doctor.knowledge import sources as s
from foundry_doctor.knowledge.hosts import CloudName
from foundry_doctor.knowledge.sources import Source

__all__ = [
    "ARGUMENT_TEXTS",
    "CHAIN_CLASSES",
    "CREDENTIALS",
    "CREDENTIAL_TEXTS",
    "DEFAULT_SCOPE_SUFFIX",
    "IDENTITY_HOSTS",
    "IDENTITY_VARIABLES",
    "IMDS_HOST",
    "KNOWN_RESOURCES",
    "STS_CODES",
    "ArgumentText",
    "CredentialClass",
    "CredentialKind",
    "CredentialText",
    "IdentityHost",
    "KnownResource",
    "Situation",
    "StsCode",
    "TokenCause",
    "argument_text",
    "credential",
    "credential_text",
    "identity_host",
    "normalized",
    "sts_code",
]

#: the causes of a failed token request, named as the diagnosis names them
TokenCause = Literal[
    "scope-invalid",
    "resource-principal-not-found",
    "app-not-in-tenant",
    "client-secret-invalid",
    "user-not-in-tenant",
    "interactive-sign-in-required",
    "conditional-access-blocked",
    "identity-unavailable",
    "credential-audience-unsupported",
    "federated-credential-mismatch",
]

#: what a scope must end in for the app-only flows and for every v2.0 token request of a
#: whole resource's permissions
DEFAULT_SCOPE_SUFFIX = "/.default"


def normalized(text: str) -> str:
    """``text`` lower-cased with every run of whitespace as one space: the form the markers
    of this module are written in."""
    return " ".join(text.lower().split())


# --- AADSTS codes --------------------------------------------------------------------------------


class StsCode(NamedTuple):
    """One ``AADSTS<code>``: the cause it points to, the OAuth ``error`` Entra sends with it
    (``None`` where no quoted body shows it), what it means (our words) and the sources."""

    code: int
    cause: TokenCause
    error: str | None
    meaning: str
    sources: tuple[Source, ...]


_CODES = (s.ENTRA_CODES,)
_BODIES = (s.ENTRA_CODES, s.STS_BODIES)

STS_CODES: tuple[StsCode, ...] = (
    StsCode(
        500011,
        "resource-principal-not-found",
        "invalid_resource",
        "the tenant has no service principal for the resource the scope names: the scope is "
        "mistyped, belongs to another cloud, or the resource's app is not provisioned in this "
        "tenant",
        _BODIES,
    ),
    StsCode(
        650052,
        "resource-principal-not-found",
        "invalid_client",
        "the tenant lacks the service principal of a Microsoft service the app needs",
        (s.ENTRA_CODES, s.FOUNDRY_SSO),
    ),
    StsCode(
        70011,
        "scope-invalid",
        "invalid_scope",
        "the scope value is malformed, unknown, or lists several resources",
        _BODIES,
    ),
    StsCode(
        1002012,
        "scope-invalid",
        "invalid_scope",
        "an app-only (client credential) request named a scope without /.default",
        _CODES,
    ),
    StsCode(
        700022,
        "scope-invalid",
        "invalid_scope",
        "the scope names more than one resource",
        _CODES,
    ),
    StsCode(
        700023,
        "scope-invalid",
        "invalid_scope",
        "the scope names no resource",
        _CODES,
    ),
    StsCode(
        90009,
        "scope-invalid",
        None,
        "the app asked for a token for itself by its api:// URI instead of its id",
        (s.ENTRA_CODES, s.APP_ID_URI),
    ),
    StsCode(
        700016,
        "app-not-in-tenant",
        "unauthorized_client",
        "no application with this client id exists in the tenant asked",
        _CODES,
    ),
    StsCode(
        90002,
        "app-not-in-tenant",
        "invalid_tenant",
        "the tenant asked for does not exist in this cloud",
        _BODIES,
    ),
    StsCode(
        7000215,
        "client-secret-invalid",
        "invalid_client",
        "the client secret is wrong (often the secret's ID pasted instead of its value)",
        _BODIES,
    ),
    StsCode(
        7000222,
        "client-secret-invalid",
        "invalid_client",
        "the client secret has expired",
        _BODIES,
    ),
    StsCode(
        700027,
        "client-secret-invalid",
        "invalid_client",
        "the certificate that signed the client assertion is not registered on the app, or "
        "its signature does not verify",
        _CODES,
    ),
    StsCode(
        7000218,
        "client-secret-invalid",
        "invalid_client",
        "the request carried neither a client secret nor a client assertion (an app that is "
        "not enabled for public-client flows)",
        (s.ENTRA_CODES, s.PUBLIC_CLIENT),
    ),
    StsCode(
        50020,
        "user-not-in-tenant",
        None,
        "the signed-in user's account is not in the tenant (a personal or other-tenant "
        "account, a guest never invited)",
        (s.ENTRA_CODES, s.GUEST_TENANT),
    ),
    StsCode(
        50034,
        "user-not-in-tenant",
        None,
        "the user account does not exist in the directory",
        (s.ENTRA_CODES, s.GUEST_TENANT),
    ),
    StsCode(
        50076,
        "interactive-sign-in-required",
        "invalid_grant",
        "multi-factor authentication is now required for this resource: a new interactive "
        "sign-in is needed",
        (*_BODIES, s.CLI_SIGN_IN),
    ),
    StsCode(
        50079,
        "interactive-sign-in-required",
        "invalid_grant",
        "the user must register for multi-factor authentication, then sign in again",
        _CODES,
    ),
    StsCode(
        50173,
        "interactive-sign-in-required",
        "invalid_grant",
        "the grant was revoked (password change, an administrator's revocation)",
        _CODES,
    ),
    StsCode(
        700082,
        "interactive-sign-in-required",
        "invalid_grant",
        "the refresh token expired after a period without use",
        (*_BODIES, s.CLI_SIGN_IN),
    ),
    StsCode(
        70043,
        "interactive-sign-in-required",
        "invalid_grant",
        "the refresh token is no longer valid under a Conditional Access sign-in frequency",
        _CODES,
    ),
    StsCode(
        70008,
        "interactive-sign-in-required",
        "invalid_grant",
        "the grant expired or was revoked (an older code)",
        _CODES,
    ),
    StsCode(
        65001,
        "interactive-sign-in-required",
        None,
        "the user or an administrator has not consented to the client app",
        (s.ENTRA_CODES, s.PUBLIC_CLIENT),
    ),
    StsCode(
        53003,
        "conditional-access-blocked",
        "interaction_required",
        "a Conditional Access policy blocked the token",
        (s.ENTRA_CODES, s.CONDITIONAL_ACCESS),
    ),
    StsCode(
        530084,
        "conditional-access-blocked",
        None,
        "a Conditional Access token-protection policy blocked the token",
        (s.ENTRA_CODES, s.CONDITIONAL_ACCESS),
    ),
    StsCode(
        700024,
        "federated-credential-mismatch",
        "invalid_client",
        "the client assertion is outside its valid time range (a stale projected token)",
        (*_BODIES, s.WORKLOAD_FEDERATION),
    ),
    StsCode(
        70021,
        "federated-credential-mismatch",
        "invalid_request",
        "no federated identity credential matches the assertion's issuer, subject and audience",
        (*_BODIES, s.WORKLOAD_FEDERATION),
    ),
    StsCode(
        700211,
        "federated-credential-mismatch",
        "invalid_client",
        "no federated identity credential has the assertion's issuer",
        (s.ENTRA_CODES, s.WORKLOAD_FEDERATION),
    ),
    StsCode(
        700213,
        "federated-credential-mismatch",
        "invalid_client",
        "no federated identity credential has the assertion's subject",
        (s.ENTRA_CODES, s.WORKLOAD_FEDERATION),
    ),
    StsCode(
        7002137,
        "federated-credential-mismatch",
        "invalid_client",
        "the assertion's subject matches no federated identity credential",
        (*_BODIES, s.WORKLOAD_FEDERATION),
    ),
    StsCode(
        7002138,
        "federated-credential-mismatch",
        "invalid_client",
        "the assertion's subject matches a federated identity credential only when case is "
        "ignored (Entra compares case since 2024)",
        (s.ENTRA_CODES, s.WORKLOAD_FEDERATION),
    ),
)
_BY_CODE = {entry.code: entry for entry in STS_CODES}


def sts_code(code: int) -> StsCode | None:
    """The entry of ``AADSTS<code>``, or ``None`` for a code this table does not hold."""
    return _BY_CODE.get(code)


# --- credential classes ---------------------------------------------------------------------------

#: ``chain``: tries other credentials in turn; ``environment``: a service principal from
#: ``AZURE_*`` variables; ``service-principal``: an app registration with a secret or a
#: certificate; ``workload-identity``: an app registration trusting an external issuer's
#: token; ``managed-identity``: the identity of the Azure host; ``developer-tool``: a signed-in
#: command-line tool or editor; ``user``: a person signing in through a browser, a device code,
#: the broker or the shared cache
CredentialKind = Literal[
    "chain",
    "environment",
    "service-principal",
    "workload-identity",
    "managed-identity",
    "developer-tool",
    "user",
]


class CredentialClass(NamedTuple):
    """One azure-identity credential class. ``part_of`` names the public class an inner one
    (whose name shows in logs) works for; ``tool`` and ``sign_in`` are a developer tool's name
    and the command that signs in with it."""

    name: str
    kind: CredentialKind
    part_of: str | None = None
    tool: str | None = None
    sign_in: str | None = None
    sources: tuple[Source, ...] = (s.IDENTITY_SOURCE,)


CREDENTIALS: tuple[CredentialClass, ...] = (
    CredentialClass("DefaultAzureCredential", "chain", sources=(s.IDENTITY_CHAIN,)),
    CredentialClass("ChainedTokenCredential", "chain", sources=(s.IDENTITY_CHAIN,)),
    CredentialClass("EnvironmentCredential", "environment"),
    CredentialClass("ClientSecretCredential", "service-principal"),
    CredentialClass("CertificateCredential", "service-principal"),
    CredentialClass("WorkloadIdentityCredential", "workload-identity"),
    CredentialClass("ClientAssertionCredential", "workload-identity"),
    CredentialClass("AzurePipelinesCredential", "workload-identity"),
    CredentialClass("ManagedIdentityCredential", "managed-identity"),
    CredentialClass("ImdsCredential", "managed-identity", "ManagedIdentityCredential"),
    CredentialClass("AppServiceCredential", "managed-identity", "ManagedIdentityCredential"),
    CredentialClass("CloudShellCredential", "managed-identity", "ManagedIdentityCredential"),
    CredentialClass("AzureMLCredential", "managed-identity", "ManagedIdentityCredential"),
    CredentialClass("AzureArcCredential", "managed-identity", "ManagedIdentityCredential"),
    CredentialClass("ServiceFabricCredential", "managed-identity", "ManagedIdentityCredential"),
    CredentialClass(
        "AzureCliCredential", "developer-tool", tool="the Azure CLI", sign_in="az login"
    ),
    CredentialClass(
        "AzureDeveloperCliCredential",
        "developer-tool",
        tool="the Azure Developer CLI (azd)",
        sign_in="azd auth login",
    ),
    CredentialClass(
        "AzurePowerShellCredential",
        "developer-tool",
        tool="Azure PowerShell",
        sign_in="Connect-AzAccount",
    ),
    CredentialClass(
        "VisualStudioCodeCredential",
        "developer-tool",
        tool="Visual Studio Code (Azure Resources extension)",
        sign_in="sign in to Azure in Visual Studio Code",
    ),
    CredentialClass("SharedTokenCacheCredential", "user"),
    CredentialClass("InteractiveBrowserCredential", "user"),
    CredentialClass("DeviceCodeCredential", "user"),
    CredentialClass("UsernamePasswordCredential", "user"),
    CredentialClass("BrokerCredential", "user"),
    CredentialClass("InteractiveBrowserBrokerCredential", "user"),
    CredentialClass("OnBehalfOfCredential", "service-principal"),
    CredentialClass("AuthorizationCodeCredential", "user"),
)
_BY_NAME = {entry.name: entry for entry in CREDENTIALS}

#: the credentials that try others in turn and list them in their message
CHAIN_CLASSES = frozenset(entry.name for entry in CREDENTIALS if entry.kind == "chain")


def credential(name: str | None) -> CredentialClass | None:
    """The credential class called ``name`` (an inner class resolves to itself; see
    ``part_of``), or ``None``."""
    return _BY_NAME.get(name) if name else None


# --- what a credential says when it cannot get a token -------------------------------------------

#: ``not-configured``: nothing tells the credential what to use (variables unset, no
#: identity endpoint, empty cache); ``tool-missing``: the developer tool or package is not
#: installed; ``tool-failed``: it is installed but could not be run or answered oddly;
#: ``signed-out``: the tool is installed but nobody is signed in; ``sign-in-needed``: a
#: sign-in exists but a new interactive one is required; ``no-identity-endpoint``: no
#: managed-identity endpoint answered (not an Azure host, or none enabled);
#: ``identity-missing``: the host's endpoint answered that it has no such identity (none
#: enabled, the client id given is not attached, several and none chosen);
#: ``audience-refused``: the host's endpoint issues no token for this audience;
#: ``msi-refused``: the host's endpoint refused the request without saying why (the Azure
#: CLI's "Failed to connect to MSI")
Situation = Literal[
    "not-configured",
    "tool-missing",
    "tool-failed",
    "signed-out",
    "sign-in-needed",
    "no-identity-endpoint",
    "identity-missing",
    "audience-refused",
    "msi-refused",
]


class CredentialText(NamedTuple):
    """A text a credential writes when it gets no token. ``marker`` is a piece only that text
    has (in :func:`normalized` form); ``credential`` is the class that writes it (``None``:
    several); ``unavailable`` says whether it comes as ``CredentialUnavailableError`` (a
    chain goes on to its next credential); ``gist`` says what it means, in our words;
    ``host`` names the inner managed-identity credential of the host kind whose endpoint
    writes it (``ImdsCredential``, ``AppServiceCredential``, ...)."""

    marker: str
    situation: Situation
    credential: str | None
    unavailable: bool
    gist: str
    sources: tuple[Source, ...] = (s.IDENTITY_SOURCE,)
    host: str | None = None


_MI = "ManagedIdentityCredential"
_IMDS = "ImdsCredential"
_APP_SERVICE = "AppServiceCredential"
_CLOUD_SHELL = "CloudShellCredential"

#: most specific first: the first text whose marker a message contains is the one it is
CREDENTIAL_TEXTS: tuple[CredentialText, ...] = (
    CredentialText(
        "environment variables are not fully configured",
        "not-configured",
        "EnvironmentCredential",
        True,
        "its variables (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or "
        "AZURE_CLIENT_CERTIFICATE_PATH) are not all set",
    ),
    CredentialText(
        "workload options are not fully configured",
        "not-configured",
        "WorkloadIdentityCredential",
        True,
        "not a workload-identity host: AZURE_TENANT_ID, AZURE_CLIENT_ID and "
        "AZURE_FEDERATED_TOKEN_FILE are not all set",
    ),
    CredentialText(
        "workload identity was selected but no client id was provided",
        "not-configured",
        _MI,
        False,
        "workload identity was chosen but no client id was given",
    ),
    CredentialText(
        "not a supported msi token audience",
        "audience-refused",
        _MI,
        False,
        "the host's managed-identity endpoint issues no token for this audience",
        (s.IDENTITY_SOURCE, s.CLOUD_SHELL),
        host=_CLOUD_SHELL,
    ),
    CredentialText(
        "audiencenotsupported",
        "audience-refused",
        _MI,
        False,
        "the host's managed-identity endpoint issues no token for this audience",
        (s.IDENTITY_SOURCE, s.CLOUD_SHELL),
        host=_CLOUD_SHELL,
    ),
    CredentialText(
        "failed to connect to msi",
        "msi-refused",
        "AzureCliCredential",
        True,
        "the Azure CLI's managed-identity sign-in was refused by the host's endpoint",
        (s.CLOUD_SHELL,),
    ),
    CredentialText(
        "multiple user assigned identities exist",
        "identity-missing",
        _MI,
        True,
        "the host has several user-assigned identities and the request named none",
        (s.IDENTITY_SOURCE, s.IMDS_ANSWERS),
        host=_IMDS,
    ),
    CredentialText(
        "no user assigned or delegated managed identity found",
        "identity-missing",
        _MI,
        True,
        "the App Service host has no identity with the client id asked for (or no "
        "system-assigned one when none was named)",
        (s.IDENTITY_SOURCE, s.APP_SERVICE_IDENTITY),
        host=_APP_SERVICE,
    ),
    CredentialText(
        "no msi found for specified clientid",
        "identity-missing",
        _MI,
        True,
        "the App Service host has no identity with the client id asked for",
        (s.APP_SERVICE_IDENTITY,),
        host=_APP_SERVICE,
    ),
    CredentialText(
        "requested identity has not been assigned to this resource",
        "identity-missing",
        _MI,
        True,
        "the host's metadata endpoint (IMDS) has no identity with the client id asked for, "
        "or no identity at all",
        (s.IDENTITY_SOURCE, s.IMDS_ANSWERS),
        host=_IMDS,
    ),
    CredentialText(
        "no identity has been assigned to this resource",
        "identity-missing",
        _MI,
        True,
        "the host has no managed identity",
        (s.IDENTITY_SOURCE, s.IMDS_ANSWERS),
        host=_IMDS,
    ),
    CredentialText(
        "identity not found",
        "identity-missing",
        _MI,
        True,
        "the host's metadata endpoint (IMDS) answered that it has no identity with the "
        "client id asked for, or no identity at all",
        (s.IDENTITY_SOURCE, s.IMDS_ANSWERS, s.STALE_CLIENT_ID),
        host=_IMDS,
    ),
    CredentialText(
        "no response from the imds endpoint. invalid_request",
        "identity-missing",
        _MI,
        True,
        "the host's metadata endpoint (IMDS) refused the request (azure-identity 1.19 to "
        "1.25.0 call that 'no response'): no identity with the client id asked for",
        (s.IDENTITY_SOURCE, s.IMDS_ANSWERS),
        host=_IMDS,
    ),
    CredentialText(
        "managed identity configuration not found in environment",
        "identity-missing",
        _MI,
        True,
        "the App Service host's identity endpoint refused the request: no identity with the "
        "client id asked for",
        (s.IDENTITY_SOURCE, s.APP_SERVICE_IDENTITY),
        host=_APP_SERVICE,
    ),
    CredentialText(
        "no response from the imds endpoint",
        "no-identity-endpoint",
        _MI,
        True,
        "no managed-identity endpoint answered: not an Azure host, or no identity enabled",
        (s.IDENTITY_SOURCE, s.IMDS_ANSWERS),
        host=_IMDS,
    ),
    CredentialText(
        "no managed identity endpoint found",
        "no-identity-endpoint",
        _MI,
        True,
        "IDENTITY_ENDPOINT is set without the variables that name the host's kind",
    ),
    CredentialText(
        "managedidentitycredential authentication unavailable",
        "no-identity-endpoint",
        _MI,
        True,
        "no usable managed-identity endpoint answered",
        (s.IDENTITY_SOURCE, s.IMDS_ANSWERS),
    ),
    CredentialText(
        "no accounts were found in the cache",
        "not-configured",
        "SharedTokenCacheCredential",
        True,
        "no account in the shared token cache",
    ),
    CredentialText(
        "multiple accounts were found in the cache",
        "not-configured",
        "SharedTokenCacheCredential",
        True,
        "several accounts in the shared token cache and none chosen",
    ),
    CredentialText(
        "was found in the cache",
        "not-configured",
        "SharedTokenCacheCredential",
        True,
        "no cached account matches the username or tenant given",
    ),
    CredentialText(
        "shared token cache unavailable",
        "not-configured",
        "SharedTokenCacheCredential",
        True,
        "the shared token cache cannot be read",
    ),
    CredentialText(
        "shared token cache is not supported on this platform",
        "not-configured",
        "SharedTokenCacheCredential",
        True,
        "no shared token cache on this platform",
    ),
    CredentialText(
        "token acquisition failed for user",
        "sign-in-needed",
        "SharedTokenCacheCredential",
        True,
        "the cached sign-in no longer works: sign in again",
        (s.IDENTITY_SOURCE, s.CLI_SIGN_IN),
    ),
    CredentialText(
        "requires the 'azure-identity-broker' package",
        "tool-missing",
        "VisualStudioCodeCredential",
        True,
        "the azure-identity-broker package is not installed",
        (s.IDENTITY_CHAIN,),
    ),
    CredentialText(
        "the 'azure-identity-broker' package is required",
        "tool-missing",
        "BrokerCredential",
        True,
        "the azure-identity-broker package is not installed",
        (s.IDENTITY_CHAIN,),
    ),
    CredentialText(
        "azure cli not found on path",
        "tool-missing",
        "AzureCliCredential",
        True,
        "the Azure CLI is not installed (no 'az' on PATH)",
    ),
    CredentialText(
        "please run 'az login' to set up an account",
        "signed-out",
        "AzureCliCredential",
        True,
        "the Azure CLI is installed but nobody is signed in",
    ),
    # the same credential in .NET ("... to set up account") and JavaScript
    CredentialText(
        "please run 'az login' to set up account",
        "signed-out",
        "AzureCliCredential",
        True,
        "the Azure CLI is installed but nobody is signed in",
        (s.OTHER_IDENTITY_LIBRARIES,),
    ),
    CredentialText(
        "please run 'az login' from a command prompt",
        "signed-out",
        "AzureCliCredential",
        True,
        "the Azure CLI is installed but nobody is signed in",
        (s.OTHER_IDENTITY_LIBRARIES,),
    ),
    CredentialText(
        "azure cli not installed",
        "tool-missing",
        "AzureCliCredential",
        True,
        "the Azure CLI is not installed",
        (s.OTHER_IDENTITY_LIBRARIES,),
    ),
    CredentialText(
        "interactive authentication is needed",
        "sign-in-needed",
        "AzureCliCredential",
        True,
        "the Azure CLI's sign-in must be renewed interactively",
        (s.CLI_SIGN_IN,),
    ),
    CredentialText(
        "az login --claims-challenge",
        "sign-in-needed",
        "AzureCliCredential",
        True,
        "the resource asks for claims the Azure CLI's sign-in lacks",
    ),
    CredentialText(
        "unexpected output from azure cli",
        "tool-failed",
        "AzureCliCredential",
        True,
        "the Azure CLI answered something that is not a token",
    ),
    CredentialText(
        "failed to invoke the azure cli",
        "tool-failed",
        "AzureCliCredential",
        True,
        "the Azure CLI could not be run (or timed out)",
    ),
    CredentialText(
        "failed to invoke azure cli",
        "tool-failed",
        "AzureCliCredential",
        True,
        "the Azure CLI failed without saying why",
    ),
    CredentialText(
        "azure developer cli could not be found",
        "tool-missing",
        "AzureDeveloperCliCredential",
        True,
        "the Azure Developer CLI is not installed (no 'azd' on PATH)",
    ),
    CredentialText(
        "please run 'azd auth login'",
        "signed-out",
        "AzureDeveloperCliCredential",
        True,
        "the Azure Developer CLI is installed but nobody is signed in",
    ),
    CredentialText(
        "claims challenges are not supported by the azure developer cli",
        "tool-failed",
        "AzureDeveloperCliCredential",
        True,
        "this azd release cannot answer a claims challenge",
    ),
    CredentialText(
        "unexpected output from azure developer cli",
        "tool-failed",
        "AzureDeveloperCliCredential",
        True,
        "the Azure Developer CLI answered something that is not a token",
    ),
    CredentialText(
        "failed to invoke the azure developer cli",
        "tool-failed",
        "AzureDeveloperCliCredential",
        True,
        "the Azure Developer CLI could not be run",
    ),
    CredentialText(
        "powershell is not installed",
        "tool-missing",
        "AzurePowerShellCredential",
        True,
        "PowerShell is not installed",
    ),
    CredentialText(
        "az.account module >= 2.2.0 is not installed",
        "tool-missing",
        "AzurePowerShellCredential",
        True,
        "the Az.Accounts PowerShell module is not installed",
    ),
    CredentialText(
        'please run "connect-azaccount"',
        "signed-out",
        "AzurePowerShellCredential",
        True,
        "Azure PowerShell is installed but nobody is signed in",
    ),
    CredentialText(
        "execution policy prevented invoking azure powershell",
        "tool-failed",
        "AzurePowerShellCredential",
        True,
        "PowerShell's execution policy refused to run it",
    ),
    CredentialText(
        "failed to invoke powershell",
        "tool-failed",
        "AzurePowerShellCredential",
        True,
        "PowerShell could not be run",
    ),
    CredentialText(
        "unexpected output from get-azaccesstoken",
        "tool-failed",
        "AzurePowerShellCredential",
        True,
        "Azure PowerShell answered something that is not a token",
    ),
    CredentialText(
        "interactive authentication is required to get a token",
        "sign-in-needed",
        None,
        True,
        "the credential needs an interactive sign-in first (authenticate())",
    ),
    CredentialText(
        "for the user to authenticate",
        "sign-in-needed",
        None,
        False,
        "nobody completed the interactive sign-in in time",
    ),
    CredentialText(
        "failed to open a browser",
        "tool-failed",
        "InteractiveBrowserCredential",
        True,
        "no browser could be opened for the sign-in",
    ),
    CredentialText(
        "couldn't start an http server",
        "tool-failed",
        "InteractiveBrowserCredential",
        True,
        "the local redirect server for the sign-in could not start",
    ),
    CredentialText(
        "failed to begin authentication flow",
        "tool-failed",
        None,
        True,
        "the interactive sign-in could not start",
    ),
    CredentialText(
        "authentication unavailable",
        "not-configured",
        None,
        True,
        "it said it could not even try (CredentialUnavailableError)",
    ),
    CredentialText(
        "credential unavailable",
        "not-configured",
        None,
        True,
        "it said it could not even try (CredentialUnavailableError)",
    ),
    CredentialText(
        "credentialunavailableerror",
        "not-configured",
        None,
        True,
        "it said it could not even try (CredentialUnavailableError)",
    ),
)


class ArgumentText(NamedTuple):
    """A refusal azure-identity raises (``ValueError``) for an argument it was given, before
    any token request: ``marker`` (in :func:`normalized` form), the cause it points to and
    what it means (our words)."""

    marker: str
    cause: TokenCause
    gist: str
    sources: tuple[Source, ...] = (s.IDENTITY_SOURCE,)


ARGUMENT_TEXTS: tuple[ArgumentText, ...] = (
    ArgumentText(
        "an invalid scope was provided",
        "scope-invalid",
        "the scope holds characters a scope cannot have (a space-separated list counts)",
    ),
    ArgumentText(
        "requires exactly one scope",
        "scope-invalid",
        "this credential takes one scope per token request",
    ),
    ArgumentText(
        "requires at least one scope",
        "scope-invalid",
        "no scope was given",
    ),
    ArgumentText(
        "client_id should be the id of a microsoft entra application",
        "app-not-in-tenant",
        "the client id is empty",
    ),
    ArgumentText(
        "tenant_id should be a microsoft entra tenant's id",
        "app-not-in-tenant",
        "the tenant id is empty",
    ),
    ArgumentText(
        "invalid tenant id provided",
        "app-not-in-tenant",
        "the tenant id has characters a tenant id cannot have",
    ),
    ArgumentText(
        "secret should be a microsoft entra application's client secret",
        "client-secret-invalid",
        "the client secret is empty",
    ),
    ArgumentText(
        "failed to deserialize certificate",
        "client-secret-invalid",
        "the certificate is neither PEM nor PKCS12 (or its password is wrong)",
    ),
    ArgumentText(
        "the certificate must include its private key",
        "client-secret-invalid",
        "the certificate lacks its private key",
    ),
    ArgumentText(
        'requires a value for either "certificate_path" or "certificate_data"',
        "client-secret-invalid",
        "no certificate was given",
    ),
)


def argument_text(message: str) -> ArgumentText | None:
    """The argument refusal ``message`` (in :func:`normalized` form) is, or ``None``."""
    for entry in ARGUMENT_TEXTS:
        if entry.marker in message:
            return entry
    return None


def credential_text(message: str) -> CredentialText | None:
    """The known text ``message`` (in :func:`normalized` form) is, or ``None``."""
    for entry in CREDENTIAL_TEXTS:
        if entry.marker in message:
            return entry
    return None


# --- managed-identity hosts -----------------------------------------------------------------------


class IdentityHost(NamedTuple):
    """An Azure host kind that gives its code a managed identity: the variables it sets (all
    of them present means this host), the inner credential azure-identity uses there, and
    how an identity is given to such a host."""

    name: str
    variables: tuple[str, ...]
    credential: str
    assign: str
    sources: tuple[Source, ...] = (s.IDENTITY_SOURCE,)


IMDS_HOST = IdentityHost(
    "an Azure virtual machine, scale set or AKS node (the metadata endpoint, IMDS)",
    (),
    "ImdsCredential",
    "az vm identity assign --name <vm> --resource-group <group> (add --identities <resource "
    "id of a user-assigned identity> to attach one)",
    (s.IDENTITY_SOURCE, s.IMDS_ANSWERS),
)

#: most specific first; none matching means IMDS (:data:`IMDS_HOST`)
IDENTITY_HOSTS: tuple[IdentityHost, ...] = (
    IdentityHost(
        "Service Fabric",
        ("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT"),
        "ServiceFabricCredential",
        "enable a managed identity for the Service Fabric application",
    ),
    IdentityHost(
        "App Service, Azure Functions or Container Apps",
        ("IDENTITY_ENDPOINT", "IDENTITY_HEADER"),
        "AppServiceCredential",
        "az webapp identity assign --name <app> --resource-group <group> (az functionapp / "
        "az containerapp identity assign likewise; add --identities <resource id of a "
        "user-assigned identity> to attach one)",
        (s.IDENTITY_SOURCE, s.APP_SERVICE_IDENTITY),
    ),
    IdentityHost(
        "an Azure Arc-enabled server",
        ("IDENTITY_ENDPOINT", "IMDS_ENDPOINT"),
        "AzureArcCredential",
        "connect the server to Azure Arc (its system-assigned identity comes with it)",
    ),
    IdentityHost(
        "Azure Machine Learning compute",
        ("MSI_ENDPOINT", "MSI_SECRET"),
        "AzureMLCredential",
        "assign a managed identity to the compute (az ml compute update --identity-type ...)",
    ),
    IdentityHost(
        "Azure Cloud Shell",
        ("MSI_ENDPOINT",),
        "CloudShellCredential",
        "Cloud Shell's identity is the signed-in user's; it issues tokens only for its own "
        "list of audiences",
        (s.IDENTITY_SOURCE, s.CLOUD_SHELL),
    ),
    IdentityHost(
        "AKS workload identity",
        ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"),
        "WorkloadIdentityCredential",
        "label the pod azure.workload.identity/use: 'true' with a service account annotated "
        "with the app's client id, and a federated credential on the app for that service "
        "account",
        (s.IDENTITY_SOURCE, s.WORKLOAD_FEDERATION),
    ),
)

#: every variable whose presence says something about the identity a process has; only the
#: names are ever read, never the values
IDENTITY_VARIABLES: tuple[str, ...] = (
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_AUTHORITY_HOST",
    "AZURE_TOKEN_CREDENTIALS",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "IDENTITY_SERVER_THUMBPRINT",
    "IMDS_ENDPOINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
)


def identity_host(variables: frozenset[str]) -> IdentityHost | None:
    """The managed-identity host the set ``variables`` point at, or ``None`` when they point
    at none (then only IMDS is left, which any machine may or may not have)."""
    for host in IDENTITY_HOSTS:
        if all(name in variables for name in host.variables):
            return host
    return None


# --- resources -----------------------------------------------------------------------------------


class KnownResource(NamedTuple):
    """A Microsoft resource every tenant of ``cloud`` knows (a scope is ``<uri>/.default``);
    ``foundry`` marks the ones a Foundry / Azure OpenAI call takes."""

    uri: str
    cloud: CloudName
    foundry: bool
    sources: tuple[Source, ...]


KNOWN_RESOURCES: tuple[KnownResource, ...] = (
    KnownResource("https://cognitiveservices.azure.com", "public", True, (s.SOVEREIGN,)),
    KnownResource("https://ai.azure.com", "public", True, (s.AUTH,)),
    KnownResource("https://cognitiveservices.azure.us", "usgov", True, (s.SOVEREIGN,)),
    KnownResource("https://cognitiveservices.azure.cn", "china", True, (s.SOVEREIGN,)),
    KnownResource("https://ml.azure.com", "public", False, (s.WIRE_SDK,)),
    KnownResource("https://management.azure.com", "public", False, (s.CLOUD_SHELL,)),
    KnownResource("https://management.core.windows.net", "public", False, (s.CLOUD_SHELL,)),
    KnownResource("https://graph.microsoft.com", "public", False, (s.CLOUD_SHELL,)),
    KnownResource("https://vault.azure.net", "public", False, (s.CLOUD_SHELL,)),
    KnownResource("https://storage.azure.com", "public", False, (s.CLOUD_SHELL,)),
    KnownResource("https://database.windows.net", "public", False, (s.CLOUD_SHELL,)),
)
