"""The periodic jobs and their schedule (R1, Rt5/Rt6, Sec1).

`enqueue_due(now)` is called by every `privacydesk worker` on each wake-up. For each job it
computes the current slot (the policy's day for the daily sweep; a 5- or 10-minute window
for the others) and, in one transaction, inserts the slot's `PeriodicRun` row and enqueues
the task. The row's unique (job, slot) makes this idempotent across any number of workers:
the loser of the race inserts nothing and enqueues nothing. The task queue then gives each
task to exactly one worker (django-tasks-db claims rows with SELECT … FOR UPDATE SKIP LOCKED
on PostgreSQL, an exclusive transaction on SQLite).

A failing run is retried a bounded number of times (`MAX_ATTEMPTS`, backing off), each retry
a new task for the same slot; the slot's row shows the attempts and the outcome to staff
(/staff/jobs/) and to `privacydesk check` (R1's line on the sweep).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacydesk.jobs.models import PeriodicRun
from privacydesk.policy import clock

log = logging.getLogger("privacydesk.jobs")

#: Tries per slot, the first included; then the slot is marked failed until the next slot.
MAX_ATTEMPTS = 3
#: Wait before retry n (n = 1, 2, …): RETRY_BACKOFF * n.
RETRY_BACKOFF = timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    """A periodic job: `name` (stable, stored), the label staff see (Dutch), how often it
    runs (`every` in words, `interval`), and `grace`: a job whose last success is older than
    this has stopped running."""

    name: str
    label: Promise
    every: Promise
    interval: timedelta
    grace: timedelta
    task_path: str

    def slot(self, now: datetime) -> str:
        """The slot `now` falls in: the policy's day for daily jobs, else a time window."""
        if self.interval >= timedelta(days=1):
            return clock.day_of(now).isoformat()
        seconds = int(self.interval.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return datetime.fromtimestamp(start, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")

    def task(self) -> Any:
        from django.utils.module_loading import import_string

        return import_string(self.task_path)


SWEEP = Job("retention-sweep", _("Daily retention sweep"), _("daily"), timedelta(days=1),
            timedelta(hours=26), "privacydesk.jobs.tasks.retention_sweep")
REQUESTS = Job("requests-tick", _("Mailbox and request deadlines"), _("every 5 minutes"),
               timedelta(minutes=5), timedelta(minutes=30), "privacydesk.jobs.tasks.requests_tick")
ANCHOR = Job("audit-anchor", _("Audit chain anchor"), _("every 10 minutes"),
             timedelta(minutes=10), timedelta(minutes=60), "privacydesk.jobs.tasks.audit_anchor")
JOBS: tuple[Job, ...] = (SWEEP, REQUESTS, ANCHOR)
BY_NAME = {job.name: job for job in JOBS}


def enqueue(job: Job, slot: str, now: datetime | None = None) -> bool:
    """Enqueue `job` for `slot` unless some worker already did; True if this call did."""
    when = now or timezone.now()
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(job=job.name, slot=slot, enqueued_at=when)
            job.task().enqueue(slot=slot, attempt=1)
    except IntegrityError:
        return False   # another worker took this slot: the run is theirs
    return True


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has no run yet; the names of those enqueued."""
    when = now or timezone.now()
    taken = set(PeriodicRun.objects.filter(
        slot__in=[job.slot(when) for job in JOBS]).values_list("job", "slot"))
    return [job.name for job in JOBS
            if (job.name, job.slot(when)) not in taken and enqueue(job, job.slot(when), when)]


def attempt(job: Job, slot: str, number: int, body: Callable[[], Any],
            retry: bool = True) -> Any:
    """Run `body` as try `number` of `job`'s `slot`, recording it; on an exception, enqueue
    the next try (up to MAX_ATTEMPTS, later each time; never with `retry=False`, as from
    cron) and re-raise, so the queue marks this task failed too."""
    run, _created = PeriodicRun.objects.get_or_create(
        job=job.name, slot=slot, defaults={"enqueued_at": timezone.now()})
    PeriodicRun.objects.filter(pk=run.pk).update(attempts=number, started_at=timezone.now())
    try:
        value = body()
    except Exception as exc:
        again = retry and number < MAX_ATTEMPTS
        with transaction.atomic():
            PeriodicRun.objects.filter(pk=run.pk).update(
                finished_at=timezone.now(), error=type(exc).__name__[:200],
                outcome=PeriodicRun.RETRYING if again else PeriodicRun.FAILED)
            if again:
                job.task().using(run_after=timezone.now() + RETRY_BACKOFF * number).enqueue(
                    slot=slot, attempt=number + 1)
        log.error("%s (%s) try %d of %d failed: %s", job.name, slot, number, MAX_ATTEMPTS,
                  type(exc).__name__)
        raise
    PeriodicRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error="",
                                                 outcome=PeriodicRun.OK)
    return value
