"""Is each periodic job running? Read by the staff page (/staff/jobs/) and by
`privacydesk check` (R1's line on the daily sweep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from privacydesk.jobs.models import PeriodicRun
from privacydesk.jobs.periodic import JOBS, Job


@dataclass(frozen=True)
class JobState:
    """What staff and the check need to know about one job (times, counts; no data)."""

    job: Job
    first_enqueued: datetime | None
    last_success: datetime | None
    last_failure: datetime | None
    last_error: str
    failed_runs: int
    retried_runs: int
    waiting: int
    interrupted: int
    overdue: bool


def state(job: Job, now: datetime | None = None) -> JobState:
    """The job's state from its PeriodicRun rows. `overdue`: it has been scheduled here
    (a worker enqueued it once) but has not succeeded within its grace period since then.
    A job never enqueued is not overdue: the system has just started (no worker yet)."""
    when = now or timezone.now()
    runs = PeriodicRun.objects.filter(job=job.name)
    # Started but never finished within the grace period: the worker died mid-run (killed,
    # machine down). The slot is not run again; the next slot catches up.
    stale = Q(outcome=PeriodicRun.PENDING, started_at__lt=when - job.grace)
    agg = runs.aggregate(
        first=Min("enqueued_at"), ok=Max("finished_at", filter=Q(outcome=PeriodicRun.OK)),
        bad=Max("finished_at", filter=Q(outcome__in=[PeriodicRun.FAILED, PeriodicRun.RETRYING])),
        failed=Count("pk", filter=Q(outcome=PeriodicRun.FAILED)),
        retried=Count("pk", filter=Q(attempts__gt=1)),
        waiting=Count("pk", filter=Q(outcome__in=[PeriodicRun.PENDING, PeriodicRun.RETRYING])
                      & ~stale),
        interrupted=Count("pk", filter=stale))
    last_error = (runs.filter(finished_at=agg["bad"]).values_list("error", flat=True).first()
                  if agg["bad"] else "") or ""
    since = agg["ok"] or agg["first"]
    return JobState(job, agg["first"], agg["ok"], agg["bad"], last_error, agg["failed"],
                    agg["retried"], agg["waiting"], agg["interrupted"],
                    overdue=since is not None and when - since > job.grace)


def states(now: datetime | None = None) -> list[JobState]:
    return [state(job, now) for job in JOBS]


def overdue_line(job: Job, now: datetime | None = None) -> str:
    """A check's failure line when `job` stopped running, else ""."""
    found = state(job, now)
    if not found.overdue:
        return ""
    last = found.last_success.isoformat(timespec="minutes") if found.last_success else "never"
    return (f"background job {job.name}: no successful run within {job.grace} (last success: "
            f"{last}); is `privacydesk worker` running? (staff page /staff/jobs/)")
