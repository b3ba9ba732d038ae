"""`privacydesk requests …`: read the mailbox and run the clocks from cron (thin)."""

from __future__ import annotations

import click

from privacydesk.policy.errors import PrivacydeskError


@click.group()
def requests() -> None:
    """Data-subject requests: mailbox intake and clocks (Rt5, Rt6)."""


@requests.command("fetch-mail")
@click.option("--url", help="IMAP URL; default $PRIVACYDESK_IMAP_URL.")
def fetch_mail(url: str | None) -> None:
    """File every new message of the request mailbox."""
    from privacydesk.cli import _django

    _django()
    from privacydesk.requests import mailbox

    try:
        r = mailbox.fetch_mail(url)
    except (PrivacydeskError, OSError) as exc:
        raise click.ClickException(f"mailbox not read: {exc}") from exc
    click.echo(f"{r.seen} messages: {r.filed} requests, {r.triage} for triage, "
               f"{r.concerns} concerns, {r.rejected} rejected, {r.duplicates} already filed, "
               f"{r.failed} failed")


@requests.command("tick")
def tick() -> None:
    """Reminders, escalations, expired downloads, retention of closed requests."""
    from privacydesk.cli import _django

    _django()
    from privacydesk.requests import clock

    r = clock.tick()
    click.echo(f"reminded {r.reminded}, escalated {r.escalated}, retried {r.retried}, "
               f"expired files {r.expired_files}, cleared {r.cleared}")
