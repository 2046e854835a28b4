"""``foundry-doctor check``: judge a client configuration without any network call.

The configuration comes from flags or from the environment variables the SDKs read
(``AZURE_OPENAI_ENDPOINT``, ``AZURE_AI_ENDPOINT``, ``OPENAI_API_VERSION``, ...). Every rule that
can tell a problem from the configuration alone reports it: endpoint shape against client, scope
against the endpoint's audience, api-version against the route, retired API, regional endpoint
with Entra ID, SDK releases with known bugs. Exit code 0 when no finding is an error, 1 when one
is, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json

from foundry_doctor.cli.client_options import add_client_arguments, choose_client
from foundry_doctor.diagnosis.checkup import check_configuration

NAME = "check"
HELP = "Check a client configuration (flags or environment variables) without calling Azure."


def configure(parser: argparse.ArgumentParser) -> None:
    add_client_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")


def run(args: argparse.Namespace) -> int:
    choice = choose_client(args)
    checkup = check_configuration(choice.configuration)
    if args.json:
        result = checkup.to_dict()
        result["client_guessed"] = choice.guessed_client
        result["sources"] = dict(choice.sources)
        print(json.dumps(result, ensure_ascii=False))
    else:
        if choice.guessed_client:
            print(
                f"(client guessed from the endpoint's shape: {choice.client_name}; "
                "give --client to choose)"
            )
        if choice.sources:
            used = ", ".join(f"{what} from {source}" for what, source in choice.sources.items())
            print(f"(read {used})")
        print(checkup.render())
    return 0 if checkup.ok else 1
