"""`privacydesk retention …` and `privacydesk backup …`: thin click commands over services."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from privacydesk.policy.errors import PrivacydeskError


def _django() -> None:
    from privacydesk.cli import _django as setup

    setup()


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise click.BadParameter("must be a date like 2026-12-31", param_hint="--today")


@click.group()
def retention() -> None:
    """Deletion dates, the retention plan and the sweep (R1–R3)."""


@retention.command("plan")
@click.option("--days", default=30, show_default=True, type=click.IntRange(0),
              help="Show what is due within this many days.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table.")
@click.option("--today", help="Pretend today is this date (YYYY-MM-DD).")
def plan_command(days: int, as_csv: bool, today: str | None) -> None:
    """What will be deleted when: person ref, category, rule, date. No personal data."""
    _django()
    from privacydesk.retention import plan

    rows = plan.plan(days=days, today=_day(today))
    click.echo(plan.as_csv(rows) if as_csv else plan.as_table(rows), nl=not as_csv)


@retention.command("sweep")
@click.option("--today", help="Pretend today is this date (YYYY-MM-DD).")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1))
@click.option("--quiet", is_flag=True, help="No progress bar.")
def sweep_command(today: str | None, batch: int, quiet: bool) -> None:
    """Delete everything due (one transaction per person), then prune system data."""
    _django()
    from privacydesk.retention import prune, sweep

    day = _day(today)

    def run() -> tuple[sweep.SweepResult, dict[str, int]]:
        result = sweep.run(day, batch=batch, progress=not quiet)
        return result, prune.prune_system(day)

    if today:   # a pretended day is no run of the schedule
        result, pruned = run()
    else:
        from privacydesk.jobs import periodic

        # From cron, recorded as the day's run like the worker's (staff page, R1's check);
        # a worker then sees the day done. Cron retries on its next run, not through the queue.
        from privacydesk.policy import clock

        result, pruned = periodic.attempt(periodic.SWEEP, clock.today().isoformat(), 1, run,
                                          retry=False)
    click.echo(f"swept {result.data} data of {result.people} people "
               f"({result.persons_deleted} people deleted entirely), "
               f"{result.receipts} receipts; system: "
               + ", ".join(f"{k} {v}" for k, v in pruned.items()))


@retention.command("recompute")
def recompute_command() -> None:
    """Recompute every deletion date (after a bulk import that bypassed the services)."""
    _django()
    from privacydesk.retention import services

    click.echo(f"{services.recompute_all(progress=True)} deletion dates changed")


@click.group()
def backup() -> None:
    """Encrypted backups; a restore re-applies later erasures and deletions."""


@backup.command("create")
def backup_create() -> None:
    """Write an encrypted backup of the whole database to the backup folder."""
    _django()
    from privacydesk.retention import backup as backups

    try:
        record = backups.create(progress=True)
    except PrivacydeskError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"backup {record.generation}: {record.file_name} "
               f"(expires {record.expires_on})")


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask; the current database is replaced.")
def backup_restore(file: Path, yes: bool) -> None:
    """Replace the database by FILE, then re-apply every erasure and deletion since."""
    _django()
    from privacydesk.retention import backup as backups

    if not yes:
        click.confirm("This replaces every table of the database. Continue?", abort=True)
    try:
        report = backups.restore(file, progress=True)
    except PrivacydeskError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"restored {report.objects} rows of backup {report.generation}; "
               f"re-applied {report.erasures} erasures and {report.receipts} deletions; "
               f"swept {report.swept} more data")


@backup.command("list")
def backup_list() -> None:
    """The backups, newest first, and when each expires."""
    _django()
    from privacydesk.retention.models import BackupRecord

    for b in BackupRecord.objects.order_by("-generation"):
        state = f"deleted {b.deleted_at:%Y-%m-%d}" if b.deleted_at else f"expires {b.expires_on}"
        click.echo(f"{b.generation:>5}  {b.taken_at:%Y-%m-%d %H:%M}  {b.file_name}  {state}")
