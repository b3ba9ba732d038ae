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


@click.command("check")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table",
              show_default=True)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False),
              help="Also write the report as a PDF to this file.")
@click.option("--only", multiple=True, metavar="ID",
              help="Check only this promise id (repeatable), e.g. --only C3 --only Sec1.")
def check(fmt: str, pdf_path: str | None, only: tuple[str, ...]) -> None:
    """Verify every promise of the policy on the live data; exit status 1 if any fails."""
    from privacydesk.cli import _django

    _django()
    from privacydesk.check import any_failed, report, run_checks

    try:
        results = run_checks(only or None)
    except ValueError as exc:
        raise click.UsageError(str(exc))
    click.echo(report.render(results, fmt))
    if pdf_path:
        report.write_pdf(results, pdf_path)
        click.echo(f"PDF report written to {pdf_path}", err=True)
    if any_failed(results):
        raise SystemExit(1)


def register_more(main: click.Group) -> None:
    """Attach the remaining command groups to the main group."""
    from privacydesk.access.cli import access
    from privacydesk.cli_demo import demo
    from privacydesk.guard.cli import guard
    from privacydesk.requests.cli import requests
    from privacydesk.retention.cli import backup, retention

    main.add_command(demo)
    main.add_command(staff)
    main.add_command(retention)
    main.add_command(backup)
    main.add_command(check)
    main.add_command(requests)
    main.add_command(guard)
    main.add_command(access)
