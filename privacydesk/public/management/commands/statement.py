"""`privacydesk statement`: the privacy statement the website shows, on standard output
(thin over privacydesk.policy.render_statement)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, existing_file


class Command(PrivacydeskCommand):
    help = "Print the privacy statement rendered from the policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", choices=["nl", "en"], default="nl",
                            help="(default: nl)")
        parser.add_argument("--format", dest="fmt", choices=["md", "html"], default="md",
                            help="(default: md)")
        parser.add_argument(
            "--policy", dest="policy_path", metavar="FILE", type=existing_file,
            help="Policy TOML; default: $PRIVACYDESK_POLICY or the embedded InFactor policy.")

    def handle(self, *args: Any, lang: str, fmt: str, policy_path: str | None,
               **_: Any) -> None:
        from privacydesk.policy import get_default_policy_path, load_policy, render_statement

        path = policy_path or os.environ.get("PRIVACYDESK_POLICY") or get_default_policy_path()
        self.echo(render_statement(load_policy(path), lang=lang, fmt=fmt))
