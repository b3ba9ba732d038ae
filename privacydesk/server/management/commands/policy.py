"""`privacydesk policy check|schema|reference`: inspect and validate policy files (thin over
privacydesk.policy, which stays free of Django)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, existing_file


class Command(PrivacydeskCommand):
    help = "Inspect and validate policy files."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        check = commands.add_parser(
            "check", help="Validate a policy TOML file; print the first defect.",
            description="Validate a policy TOML file; print the first defect (file, key, "
                        "rule).")
        check.add_argument("path", metavar="PATH", type=existing_file)
        commands.add_parser(
            "schema", help="Print a JSON Schema of the policy file, for editors.",
            description="Print a JSON Schema (draft 2020-12) of the policy file, for editors "
                        "(docs/policy.md).")
        commands.add_parser(
            "reference", help="Print the reference of every policy key as Markdown.",
            description="Print the reference of every policy key as Markdown (the text of "
                        "docs/policy.md).")

    def sub_check(self, path: str, **_: Any) -> None:
        from privacydesk.policy import load_policy

        loaded = load_policy(path)
        self.echo(f"{path}: valid policy for {loaded.controller.name}")

    def sub_schema(self, **_: Any) -> None:
        from privacydesk.policy.schema_render import json_schema_text

        self.echo(json_schema_text(), nl=False)

    def sub_reference(self, **_: Any) -> None:
        from privacydesk.policy.schema_render import reference

        self.echo(reference(), nl=False)
