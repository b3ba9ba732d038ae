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
    # The demo's first night, as the worker or cron would run it: the population invents
    # histories, some of whose data are already past their date (R1), and Sec1 asks for a
    # recent backup; so `privacydesk check` on a fresh demo shows what a running install shows.
    from privacydesk.policy import clock
    from privacydesk.retention import backup, prune, sweep

    swept = sweep.run(clock.today(), progress=False)
    prune.prune_system(clock.today())
    click.echo(f"first sweep: {swept.data} data past their date deleted "
               f"({swept.persons_deleted} people entirely)")
    record = backup.create(progress=False)
    click.echo(f"first backup: {record.file_name}")
    login = staff_login.create_demo_staff()
    if login is not None:
        click.echo("Demo staff login (shown once, write it down):")
        click.echo(f"  user {login.username}  password {login.password}")
        click.echo(f"  TOTP secret {login.totp_secret}  (otpauth URI: {login.otpauth_uri})")
    else:
        click.echo("Demo staff login already exists (its password was shown the first time).")
    if do_serve:
        from privacydesk.jobs.worker import start_beside_server
        from privacydesk.server import serve as serving

        click.echo(f"privacydesk on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        background = start_beside_server()   # the daily sweep etc., as `serve` (#14.4)
        try:
            serving.run("127.0.0.1", port, 2)
        finally:
            if background is not None:
                background.terminate()
