"""The queue's own retention: finished task rows (a failed one keeps a traceback, which may
quote personal data) and the periodic runs' history are deleted after RESULT_DAYS."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

#: Days a finished task row and a periodic run stay visible to staff (/staff/jobs/).
RESULT_DAYS = 30


def prune_results(day: date) -> int:
    """R1, the daily prune job: delete finished task rows and periodic runs older than
    RESULT_DAYS; how many. `day` plays no part."""
    from django_tasks_db.models import DBTaskResult

    from privacydesk.jobs.models import PeriodicRun

    cutoff = timezone.now() - timedelta(days=RESULT_DAYS)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    runs, _ = PeriodicRun.objects.filter(enqueued_at__lt=cutoff).delete()
    return tasks + runs
