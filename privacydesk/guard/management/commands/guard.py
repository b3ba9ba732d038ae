"""`privacydesk guard export|list|lift`: the offender register from the command line (W2;
thin over guard.services).

    privacydesk guard export [--format plain|nft] [--output FILE]   (for cron + a firewall)
    privacydesk guard list                                          (the register)
    privacydesk guard lift ADDRESS [--actor NAME]                   (audited)
"""

from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand


class Command(PrivacydeskCommand):
    help = "The break-in guard's offender register (W2)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        export = commands.add_parser(
            "export", help="The addresses banned right now, for a firewall.",
            description="The addresses banned right now, for a firewall that drops them "
                        "before the app.")
        export.add_argument(
            "--format", dest="fmt", choices=["plain", "nft"], default="plain",
            help="plain: one address or /64 per line (fail2ban, ipset); nft: an nftables "
                 "script for `nft -f`. (default: plain)")
        export.add_argument(
            "--output", metavar="FILE", type=Path,
            help="Write to this file (replaced atomically) instead of standard output.")
        commands.add_parser(
            "list", help="The register: address, ban end, bans so far, rules fired, "
                         "registration end.",
            description="The register: address, ban end, bans so far, rules fired, "
                        "registration end.")
        lift = commands.add_parser(
            "lift", help="End the ban of ADDRESS now; the evidence stays.",
            description="End the ban of ADDRESS now (an IPv6 address lifts its /64); the "
                        "evidence stays.")
        lift.add_argument("address", metavar="ADDRESS")
        lift.add_argument(
            "--actor", default=None,
            help="Who lifts the ban (audited); default cli:<user of this shell>.")

    def sub_export(self, fmt: str, output: Path | None, **_: Any) -> None:
        from privacydesk.guard import services

        text = services.export_blocklist(fmt)
        if output is None:
            self.echo(text, nl=False)
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
        self.echo(f"blocklist ({fmt}) written to {target}", err=True)

    def sub_list(self, **_: Any) -> None:
        from django.utils import timezone

        from privacydesk.guard.models import Offender

        now = timezone.now()
        rows = list(Offender.objects.order_by("address"))
        if not rows:
            self.echo("no registered offenders")
            return
        self.echo(f"{'address':<24} {'banned until':<20} {'bans':>4}  {'expires':<10}  rules")
        for o in rows:
            banned = (o.ban_until.strftime("%Y-%m-%d %H:%M:%S")
                      if o.ban_until and o.ban_until > now else "-")
            fired = ", ".join(f"{rule} {count}" for rule, count
                              in sorted(o.evidence.get("rules", {}).items()))
            self.echo(f"{o.address:<24} {banned:<20} {o.ban_count:>4}  "
                      f"{o.expires_at:%Y-%m-%d}  {fired}")

    def sub_lift(self, address: str, actor: str | None, **_: Any) -> None:
        from privacydesk.guard import net, services
        from privacydesk.guard.models import Offender

        # As listed ("2001:db8:1:2::/64") or any address inside it.
        subject = address.strip() if "/" in address else net.subject_of(address.strip())
        if subject is None:
            raise self.usage_error("Invalid value for 'ADDRESS': must be an IPv4 or IPv6 "
                                   "address")
        offender = Offender.objects.filter(address=subject).first()
        if offender is None:
            raise self.fail(f"{subject} is not in the offender register")
        services.lift_ban(offender, actor=actor or f"cli:{getpass.getuser()}")
        self.echo(f"ban of {subject} lifted")
