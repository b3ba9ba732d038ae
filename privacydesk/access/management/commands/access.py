"""`privacydesk access ca|krl|list|record-use|prune`: the CA for the servers, the revocation
list, the grants (A2; thin over access.ca and access.grants)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, int_range


class Command(PrivacydeskCommand):
    help = "Server access: CA public key, revocation list (KRL), grants."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        commands.add_parser(
            "ca", help="Print the CA public key; made on first use.",
            description="Print the CA public key (for the servers' TrustedUserCAKeys); made "
                        "on first use.")
        krl = commands.add_parser(
            "krl", help="Write the revocation list of every revoked certificate serial.",
            description="Write the revocation list of every revoked certificate serial.")
        krl.add_argument(
            "--output", required=True, metavar="FILE", type=Path,
            help="Write the KRL here (for the servers' RevokedKeys); replaced atomically.")
        listing = commands.add_parser(
            "list", help="List grants.",
            description="List grants: id, serial, principal, server, requester, approver, "
                        "window, state.")
        listing.add_argument("--all", dest="show_all", action="store_true",
                             help="Also expired and revoked grants.")
        use = commands.add_parser(
            "record-use", help="Record that certificate SERIAL was used to log in on HOST.",
            description="Record that certificate SERIAL was used to log in on HOST (for a "
                        "local login hook; remote servers use POST /api/v1/access/uses with "
                        "a token).")
        use.add_argument("--serial", required=True, type=int_range())
        use.add_argument("--host", required=True)
        commands.add_parser(
            "prune", help="Delete grants and requests past the security retention rule (R1).",
            description="Delete grants and requests past the policy's security retention "
                        "rule (R1).")

    def sub_ca(self, **_: Any) -> None:
        from privacydesk.access import ca

        try:
            self.echo(ca.ca_public_key())
        except ca.CaError as exc:
            raise self.fail(exc)

    def sub_krl(self, output: Path, **_: Any) -> None:
        from privacydesk.access import grants

        grants.export_krl(output)
        self.echo(f"{len(grants.revoked_serials())} revoked serial(s) written to {output}",
                  err=True)

    def sub_list(self, show_all: bool, **_: Any) -> None:
        from django.utils import timezone

        from privacydesk.access.models import Grant

        now = timezone.now()
        rows = Grant.objects.select_related("request", "request__server")
        if not show_all:
            rows = rows.filter(revoked_at__isnull=True, valid_before__gt=now)
        for g in rows[:1000]:
            state = "revoked" if g.revoked_at else "active" if g.is_active(now) else "expired"
            self.echo("\t".join([g.key_id, str(g.serial), g.principal, g.request.server.host,
                                 g.request.requested_by, g.request.decided_by,
                                 g.valid_after.isoformat(), g.valid_before.isoformat(),
                                 state]))

    def sub_record_use(self, serial: int, host: str, **_: Any) -> None:
        from privacydesk.access import grants

        grants.record_use(serial, host, SimpleNamespace(get_username=lambda: "system"))

    def sub_prune(self, **_: Any) -> None:
        from privacydesk.access import grants

        self.echo(f"{grants.prune_expired()} access request(s) deleted")
