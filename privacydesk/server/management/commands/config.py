"""`privacydesk config`: the environment an install runs with (thin over
project.config)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand


class Command(PrivacydeskCommand):
    help = "Validate the environment and show every setting (secrets hidden)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true",
                            help="Print the README table of variables.")

    def handle(self, *args: Any, markdown: bool, **_: Any) -> None:
        # The settings were built from the same validated environment: an invalid
        # variable has ended `privacydesk` before this runs (exit 2, the console script).
        from privacydesk.project.config import SETTINGS, load_config, markdown_table

        if markdown:
            self.echo(markdown_table())
            return
        cfg = load_config()
        for s in SETTINGS:
            value = cfg[s.name]
            shown = "(set)" if s.secret and value else value
            self.echo(f"{s.name} = {shown}")
        for name, value in cfg.systems().items():   # a system's URL holds its credentials
            self.echo(f"{name} = {'(set)' if name.endswith('_URL') and value else value}")
