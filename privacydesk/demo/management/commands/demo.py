"""`privacydesk demo`: a working privacydesk on SQLite with a synthetic population."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, int_range


class Command(PrivacydeskCommand):
    help = "Migrate, load the InFactor policy and demo data, print a staff login, and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", default=200, type=int_range(0),
                            help="Size of the synthetic population (1,000,000 takes minutes). "
                                 "(default: 200)")
        parser.add_argument("--serve", dest="do_serve", default=True,
                            action=argparse.BooleanOptionalAction,
                            help="Serve on http://127.0.0.1:8000 afterwards. (default: --serve)")
        parser.add_argument("--port", default=8000, type=int, help="(default: 8000)")

    def handle(self, *args: Any, people: int, do_serve: bool, port: int, **_: Any) -> None:
        from privacydesk.demo import population, staff_login

        call_command("migrate", interactive=False, verbosity=0)
        made = population.generate(people, progress=True)
        self.echo(f"demo register: {made.people} people, {made.organisations} organisations, "
                  f"{made.agreements} agreements")
        # The demo's first night, as the worker or cron would run it: the population invents
        # histories, some of whose data are already past their date (R1), and Sec1 asks for
        # a recent backup; so `privacydesk check` on a fresh demo shows what a running
        # install shows.
        from privacydesk.policy import clock
        from privacydesk.retention import backup, prune, sweep

        swept = sweep.run(clock.today(), progress=False)
        prune.prune_system(clock.today())
        self.echo(f"first sweep: {swept.data} data past their date deleted "
                  f"({swept.persons_deleted} people entirely)")
        record = backup.create(progress=False)
        self.echo(f"first backup: {record.file_name}")
        login = staff_login.create_demo_staff()
        if login is not None:
            self.echo("Demo staff login (shown once, write it down):")
            self.echo(f"  user {login.username}  password {login.password}")
            self.echo(f"  TOTP secret {login.totp_secret}  (otpauth URI: {login.otpauth_uri})")
        else:
            self.echo("Demo staff login already exists (its password was shown the first "
                      "time).")
        if do_serve:
            from privacydesk.jobs.worker import start_beside_server
            from privacydesk.server import public_url
            from privacydesk.server import serve as serving

            self.echo(f"privacydesk on http://127.0.0.1:{port}/ (Ctrl-C stops)")
            # The demo's e-mail links must reach this server, on this --port (#15).
            self.echo(f"links in e-mails use {public_url.adopt('http', '127.0.0.1', port)}/")
            background = start_beside_server()   # the daily sweep etc., as `serve` (#14.4)
            try:
                serving.run("127.0.0.1", port, 2)
            finally:
                if background is not None:
                    background.terminate()
