"""`privacydesk demo`: a working privacydesk on SQLite with a synthetic population."""

from __future__ import annotations

import click


@click.command()
@click.option("--people", default=200, show_default=True, type=click.IntRange(min=0),
              help="Size of the synthetic population (1,000,000 takes minutes).")
@click.option("--serve/--no-serve", "do_serve", default=True, show_default=True,
              help="Serve on http://127.0.0.1:8000 afterwards.")
@click.option("--port", default=8000, show_default=True, type=int)
def demo(people: int, do_serve: bool, port: int) -> None:
    """Migrate, load the InFactor policy and demo data, print a staff login, and serve."""
    from privacydesk.cli import _django

    _django()
    from django.core.management import call_command

    from privacydesk.demo import population, staff_login

    call_command("migrate", interactive=False, verbosity=0)
    made = population.generate(people, progress=True)
    click.echo(f"demo register: {made.people} people, {made.organisations} organisations, "
               f"{made.agreements} agreements")
    login = staff_login.create_demo_staff()
    if login is not None:
        click.echo("Demo staff login (shown once, write it down):")
        click.echo(f"  user {login.username}  password {login.password}")
        click.echo(f"  TOTP secret {login.totp_secret}  (otpauth URI: {login.otpauth_uri})")
    else:
        click.echo("Demo staff login already exists (its password was shown the first time).")
    if do_serve:
        from privacydesk import serve as serving

        click.echo(f"privacydesk on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        serving.run("127.0.0.1", port, 2)
