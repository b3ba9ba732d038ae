"""`privacydesk retention plan|sweep|recompute`: deletion dates, the plan and the sweep
(R1–R3; thin over retention.plan, .sweep, .prune and .services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, int_range, iso_day

_TODAY_HELP = "Pretend today is this date (YYYY-MM-DD)."


class Command(PrivacydeskCommand):
    help = "Deletion dates, the retention plan and the sweep (R1–R3)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = self.subcommands(parser)
        plan = commands.add_parser(
            "plan", help="What will be deleted when. No personal data.",
            description="What will be deleted when: person ref, category, rule, date. No "
                        "personal data.")
        plan.add_argument("--days", default=30, type=int_range(0),
                          help="Show what is due within this many days. (default: 30)")
        plan.add_argument("--csv", dest="as_csv", action="store_true",
                          help="CSV instead of a table.")
        plan.add_argument("--today", type=iso_day, help=_TODAY_HELP)
        sweep = commands.add_parser(
            "sweep", help="Delete everything due, then prune system data.",
            description="Delete everything due (one transaction per person), then prune "
                        "system data.")
        sweep.add_argument("--today", type=iso_day, help=_TODAY_HELP)
        sweep.add_argument("--batch", default=500, type=int_range(1),
                           help="People per batch. (default: 500)")
        sweep.add_argument("--quiet", action="store_true", help="No progress bar.")
        commands.add_parser(
            "recompute", help="Recompute every deletion date.",
            description="Recompute every deletion date (after a bulk import that bypassed "
                        "the services).")

    def sub_plan(self, days: int, as_csv: bool, today: date | None, **_: Any) -> None:
        from privacydesk.retention import plan

        rows = plan.plan(days=days, today=today)
        self.echo(plan.as_csv(rows) if as_csv else plan.as_table(rows), nl=not as_csv)

    def sub_sweep(self, today: date | None, batch: int, quiet: bool, **_: Any) -> None:
        from privacydesk.retention import prune, sweep

        def run() -> tuple[sweep.SweepResult, dict[str, int]]:
            result = sweep.run(today, batch=batch, progress=not quiet)
            return result, prune.prune_system(today)

        if today:   # a pretended day is no run of the schedule
            result, pruned = run()
        else:
            from privacydesk.jobs import periodic
            from privacydesk.policy import clock

            # From cron, recorded as the day's run like the worker's (staff page, R1's
            # check); a worker then sees the day done. Cron retries on its next run, not
            # through the queue.
            result, pruned = periodic.attempt(periodic.SWEEP, clock.today().isoformat(), 1,
                                              run, retry=False)
        self.echo(f"swept {result.data} data of {result.people} people "
                  f"({result.persons_deleted} people deleted entirely), "
                  f"{result.receipts} receipts; system: "
                  + ", ".join(f"{k} {v}" for k, v in pruned.items()))

    def sub_recompute(self, **_: Any) -> None:
        from privacydesk.retention import services

        self.echo(f"{services.recompute_all(progress=True)} deletion dates changed")
