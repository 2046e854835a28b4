"""``foundry-doctor rules``: the rule catalogue, or one rule's full explanation."""

from __future__ import annotations

import argparse
import json

from foundry_doctor.cli import UsageError
from foundry_doctor.rules import CATALOGUE, Rule, find_rule

NAME = "rules"
HELP = "List the rules foundry-doctor knows, or explain one (by slug or code)."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rule", nargs="?", metavar="SLUG_OR_CODE", help="a rule's slug or code, e.g. FD102"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument(
        "--markdown", action="store_true", help="print the catalogue as a Markdown reference"
    )


def run(args: argparse.Namespace) -> int:
    rules: tuple[Rule, ...] = CATALOGUE
    if args.rule is not None:
        rule = find_rule(str(args.rule))
        if rule is None:
            raise UsageError(f"no rule {args.rule!r}; 'foundry-doctor rules' lists them")
        rules = (rule,)
    if args.json:
        if args.rule is not None:
            print(json.dumps(rules[0].to_dict(), ensure_ascii=False))
        else:
            print(json.dumps([rule.to_dict() for rule in rules], ensure_ascii=False))
    elif args.markdown:
        print(markdown(rules))
    elif args.rule is not None:
        print(rules[0].render())
    else:
        width = max(len(rule.slug) for rule in rules)
        for rule in rules:
            print(f"{rule.code}  {rule.slug:<{width}}  {rule.title}")
    return 0


def markdown(rules: tuple[Rule, ...]) -> str:
    """The rules as a Markdown reference, one section per rule."""
    lines = ["# foundry-doctor rules", ""]
    lines += ["| code | slug | title |", "| --- | --- | --- |"]
    lines += [f"| {rule.code} | `{rule.slug}` | {rule.title} |" for rule in rules]
    for rule in rules:
        lines += ["", f"## {rule.code} `{rule.slug}`: {rule.title}", ""]
        lines += [f"**What it means.** {rule.meaning}", ""]
        lines += [f"**How it is detected.** {rule.detection}", ""]
        lines += [f"**How to fix it.** {rule.remedy}", ""]
        lines += [f"**Example.** {rule.example}"]
        if rule.docs_url:
            lines += ["", f"Docs: <{rule.docs_url}>"]
    return "\n".join(lines)
