"""`privacydesk ropa`: the record of processing activities (Art. 30 GDPR) from the policy
(thin over privacydesk.ropa.record and .render)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, existing_file


class Command(PrivacydeskCommand):
    help = ("Print or write the record of processing activities (Art. 30 GDPR), generated "
            "from the policy and its declared systems.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", choices=["nl", "en"], default="nl",
                            help="(default: nl)")
        parser.add_argument("--format", dest="fmt", choices=["text", "csv", "pdf"],
                            default="text", help="(default: text)")
        parser.add_argument("--output", metavar="FILE", type=Path,
                            help="Write to FILE instead of standard output (required for pdf).")
        parser.add_argument(
            "--policy", dest="policy_path", metavar="FILE", type=existing_file,
            help="Policy TOML; default: the active policy ($PRIVACYDESK_POLICY or the "
                 "embedded InFactor policy).")

    def handle(self, *args: Any, lang: str, fmt: str, output: Path | None,
               policy_path: str | None, **_: Any) -> None:
        from privacydesk.policy import load_policy
        from privacydesk.policy.active import get_policy
        from privacydesk.ropa import render
        from privacydesk.ropa.record import build

        if fmt == "pdf" and output is None:
            raise self.usage_error("--output: a PDF is written to a file; name one")
        policy = load_policy(policy_path) if policy_path else get_policy()
        record = build(policy, lang)
        data: bytes | str = (render.pdf(record) if fmt == "pdf" else
                             render.csv_text(record) if fmt == "csv" else render.text(record))
        if output is None:
            self.echo(str(data), nl=False)
            return
        try:
            if isinstance(data, bytes):
                output.write_bytes(data)
            else:
                output.write_text(data, "utf-8", newline="")
        except OSError as exc:
            raise self.fail(f"--output: cannot write {output}: {exc.strerror or exc}")
        self.echo(f"{record.title}: {output}")
