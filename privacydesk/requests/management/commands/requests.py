"""`privacydesk requests fetch-mail|tick`: read the mailbox and run the clocks from cron
(Rt5, Rt6; thin over requests.mailbox and requests.clock)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand
from privacydesk.policy.errors import PrivacydeskError


class Command(PrivacydeskCommand):
    help = "Data-subject requests: mailbox intake and clocks (Rt5, Rt6)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        fetch = commands.add_parser(
            "fetch-mail", help="File every new message of the request mailbox.",
            description="File every new message of the request mailbox.")
        fetch.add_argument("--url", help="IMAP URL; default $PRIVACYDESK_IMAP_URL.")
        commands.add_parser(
            "tick", help="Reminders, escalations, expired downloads, retention of closed "
                         "requests.",
            description="Reminders, escalations, expired downloads, retention of closed "
                        "requests.")

    def sub_fetch_mail(self, url: str | None, **_: Any) -> None:
        from privacydesk.requests import mailbox

        try:
            r = mailbox.fetch_mail(url)
        except (PrivacydeskError, OSError) as exc:
            raise self.fail(f"mailbox not read: {exc}") from exc
        self.echo(f"{r.seen} messages: {r.filed} requests, {r.triage} for triage, "
                  f"{r.concerns} concerns, {r.rejected} rejected, {r.duplicates} already "
                  f"filed, {r.failed} failed")

    def sub_tick(self, **_: Any) -> None:
        from privacydesk.requests import clock

        r = clock.tick()
        self.echo(f"reminded {r.reminded}, escalated {r.escalated}, retried {r.retried}, "
                  f"expired files {r.expired_files}, cleared {r.cleared}")
