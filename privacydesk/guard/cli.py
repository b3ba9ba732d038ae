"""`privacydesk guard …`: the offender register from the command line (W2). Thin over services.

    privacydesk guard export [--format plain|nft] [--output FILE]   (for cron + a firewall)
    privacydesk guard list                                          (the register)
    privacydesk guard lift ADDRESS [--actor NAME]                   (audited)
"""

from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path

import click


def _django() -> None:
    from privacydesk.cli import _django as setup

    setup()


@click.group()
def guard() -> None:
    """The break-in guard's offender register (W2)."""


@guard.command("export")
@click.option("--format", "fmt", type=click.Choice(["plain", "nft"]), default="plain",
              show_default=True, help="plain: one address or /64 per line (fail2ban, ipset); "
                                      "nft: an nftables script for `nft -f`.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (replaced atomically) instead of standard output.")
def export_command(fmt: str, output: Path | None) -> None:
    """The addresses banned right now, for a firewall that drops them before the app."""
    _django()
    from privacydesk.guard import services

    text = services.export_blocklist(fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    # A firewall reloading from cron must never read half a file: write, then rename.
    target = output.resolve()
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(f"blocklist ({fmt}) written to {target}", err=True)


@guard.command("list")
def list_command() -> None:
    """The register: address, ban end, bans so far, rules fired, registration end."""
    _django()
    from django.utils import timezone

    from privacydesk.guard.models import Offender

    now = timezone.now()
    rows = list(Offender.objects.order_by("address"))
    if not rows:
        click.echo("no registered offenders")
        return
    click.echo(f"{'address':<24} {'banned until':<20} {'bans':>4}  {'expires':<10}  rules")
    for o in rows:
        banned = (o.ban_until.strftime("%Y-%m-%d %H:%M:%S")
                  if o.ban_until and o.ban_until > now else "-")
        fired = ", ".join(f"{rule} {count}" for rule, count
                          in sorted(o.evidence.get("rules", {}).items()))
        click.echo(f"{o.address:<24} {banned:<20} {o.ban_count:>4}  "
                   f"{o.expires_at:%Y-%m-%d}  {fired}")


@guard.command("lift")
@click.argument("address")
@click.option("--actor", default=None,
              help="Who lifts the ban (audited); default cli:<user of this shell>.")
def lift_command(address: str, actor: str | None) -> None:
    """End the ban of ADDRESS now (an IPv6 address lifts its /64); the evidence stays."""
    _django()
    from privacydesk.guard import net, services
    from privacydesk.guard.models import Offender

    # As listed ("2001:db8:1:2::/64") or any address inside it.
    subject = address.strip() if "/" in address else net.subject_of(address.strip())
    if subject is None:
        raise click.BadParameter("must be an IPv4 or IPv6 address", param_hint="ADDRESS")
    offender = Offender.objects.filter(address=subject).first()
    if offender is None:
        raise click.ClickException(f"{subject} is not in the offender register")
    services.lift_ban(offender, actor=actor or f"cli:{getpass.getuser()}")
    click.echo(f"ban of {subject} lifted")
