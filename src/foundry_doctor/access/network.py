"""What the account's own settings say about a call: keys refused (``disableLocalAuth``) or
accepted, public network access off, a firewall that denies by default. Read from the
account's properties (``arm.md`` section 3.1)."""

from __future__ import annotations

from foundry_doctor.access.report import AccountInfo, Verdict

__all__ = ["account_verdicts"]


def account_verdicts(account: AccountInfo, auth: str) -> list[Verdict]:
    found: list[Verdict] = []
    if auth == "key":
        if account.disable_local_auth:
            found.append(
                Verdict(
                    "key-auth-disabled",
                    "problem",
                    f"{account.name} accepts no API keys",
                    "Key authentication is disabled on the account (disableLocalAuth): every "
                    "call with a key gets 403 AuthenticationTypeDisabled. Use Entra ID tokens.",
                    (
                        "use Entra ID (DefaultAzureCredential with the scope "
                        "https://cognitiveservices.azure.com/.default or https://ai.azure.com/.default)",
                        "or, if keys are meant to work: az resource update --ids "
                        f'"{account.id}" --set properties.disableLocalAuth=false',
                    ),
                )
            )
        else:
            found.append(
                Verdict(
                    "key-auth",
                    "ok",
                    f"{account.name} accepts API keys",
                    "With a key the service does not consult role assignments; a valid key of "
                    "this account opens every route.",
                )
            )
    if account.public_network_access == "Disabled":
        found.append(
            Verdict(
                "network-closed",
                "problem",
                f"{account.name} refuses calls from public networks",
                "Public network access is disabled: only calls through a private endpoint get "
                "in; from anywhere else the service answers 403 'Public access is disabled', "
                "whatever the roles.",
                (
                    "call from a network that reaches the account's private endpoint",
                    "or, if public access is intended: az resource update --ids "
                    f'"{account.id}" --set properties.publicNetworkAccess=Enabled',
                ),
            )
        )
    elif account.network_default_action == "Deny":
        found.append(
            Verdict(
                "network-restricted",
                "note",
                f"{account.name} lets only selected networks in",
                "The account's firewall denies by default: calls from addresses and virtual "
                "networks outside its rules get 403, whatever the roles.",
            )
        )
    return found
