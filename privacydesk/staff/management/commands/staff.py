"""`privacydesk staff create`: staff accounts (thin over staff.accounts)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand


class Command(PrivacydeskCommand):
    help = "Staff accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        create = commands.add_parser(
            "create", help="Create a staff account; its first password is printed once.",
            description="Create a staff account; its first password is printed once. MFA at "
                        "first sign-in.")
        create.add_argument("--username", required=True)
        create.add_argument(
            "--role", dest="staff_role", required=True,
            help="A staff role of the policy, e.g. privacy_officer, hr, finance, sales.")
        create.add_argument("--email", default="")

    def sub_create(self, username: str, staff_role: str, email: str, **_: Any) -> None:
        from privacydesk.staff.accounts import create_staff

        user, password = create_staff(username, staff_role, email=email)
        self.echo(f"staff account {user.username} ({user.staff_role}) created")
        self.echo(f"first password (shown once): {password}")
        self.echo("TOTP is enrolled at the first sign-in on /staff/login/.")
