"""Further `privacydesk` subcommands (demo, staff, guard …), kept apart to keep cli.py short."""

from __future__ import annotations

import click


@click.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("create")
@click.option("--username", required=True)
@click.option("--role", "staff_role", required=True,
              help="A staff role of the policy, e.g. privacy_officer, hr, finance, sales.")
@click.option("--email", default="")
def staff_create(username: str, staff_role: str, email: str) -> None:
    """Create a staff account; its first password is printed once. MFA at first sign-in."""
    from privacydesk.cli import _django

    _django()
    from privacydesk.policy.errors import PrivacydeskError
    from privacydesk.staff.accounts import create_staff

    try:
        user, password = create_staff(username, staff_role, email=email)
    except PrivacydeskError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"staff account {user.username} ({user.staff_role}) created")
    click.echo(f"first password (shown once): {password}")
    click.echo("TOTP is enrolled at the first sign-in on /staff/login/.")


def register_more(main: click.Group) -> None:
    """Attach the remaining command groups to the main group."""
    from privacydesk.cli_demo import demo
    from privacydesk.requests.cli import requests
    from privacydesk.retention.cli import backup, retention

    main.add_command(demo)
    main.add_command(staff)
    main.add_command(retention)
    main.add_command(backup)
    main.add_command(requests)
