"""`privacydesk audit verify|anchor`: the tamper-evident audit log (thin over vault.audit and
vault.anchor)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, int_range


class Command(PrivacydeskCommand):
    help = "The tamper-evident audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        verify = commands.add_parser(
            "verify", help="Walk the audit chain and compare it with its last anchor.",
            description="Walk the audit chain and compare it with its last anchor; report "
                        "the first broken link, or a wipe, truncation or rollback. Exit 1 if "
                        "broken. An intact chain is anchored anew (the anchor file, and the "
                        "configured append-only places).")
        verify.add_argument(
            "--jobs", type=int_range(1), default=None,
            help="Worker processes for a long chain (default: one per CPU from 200,000 "
                 "entries; 1: none). The report is the same either way.")
        commands.add_parser(
            "anchor", help="Anchor the audit chain's head now.",
            description="Anchor the audit chain's head now (cron, where the served app's "
                        "ten-minute anchor does not run). Exit 1, writing nothing, if the "
                        "table no longer holds the last anchor.")

    def sub_verify(self, jobs: int | None, **_: Any) -> None:
        from privacydesk.vault import anchor
        from privacydesk.vault import audit as chain

        report = chain.verify(progress=sys.stderr.isatty(), jobs=jobs)
        if report.ok:
            compared = f"; matches {report.anchored}" if report.anchored else "; no anchor yet"
            self.echo(f"audit chain intact: {report.checked} entries verified{compared}")
            self._anchor_now(anchor.VERIFY)
            return
        self.echo(f"audit chain BROKEN at entry {report.first_broken_seq}: {report.reason} "
                  f"({report.checked} entries checked before it)", err=True)
        sys.exit(1)

    def sub_anchor(self, **_: Any) -> None:
        from privacydesk.vault import anchor

        self._anchor_now(anchor.MANUAL)

    def _anchor_now(self, reason: str) -> None:
        from privacydesk.vault import anchor

        try:
            written = anchor.refresh(reason)
        except anchor.AnchorRefused as exc:
            self.echo(f"audit chain NOT anchored: {exc.finding.message}", err=True)
            sys.exit(1)
        except OSError as exc:
            self.echo(f"audit chain NOT anchored: cannot write {anchor.anchor_file()} "
                      f"({type(exc).__name__}: {exc.strerror})", err=True)
            sys.exit(1)
        if written is None:
            self.echo("audit chain NOT anchored: its head is missing or its seal does not "
                      "check (run `privacydesk audit verify`)", err=True)
            sys.exit(1)
        self.echo(f"anchored: {written.describe()} in {anchor.anchor_file()}")
