"""One row per run of a periodic job: what makes the schedule idempotent and visible."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """The run of `job` for one `slot` (a day for the daily sweep, a time window for the
    others). (job, slot) is unique: whichever worker inserts the row enqueues the task, every
    other worker sees the slot taken, so no day's sweep runs twice however many workers
    share the queue. `attempts` counts tries including bounded retries; `error` holds an
    exception's class name only (a message may carry personal data)."""

    PENDING, OK, RETRYING, FAILED = "pending", "ok", "retrying", "failed"
    OUTCOMES = [(PENDING, _("waiting")), (OK, _("succeeded")), (RETRYING, _("to be retried")),
                (FAILED, _("failed"))]

    job = models.CharField(max_length=32)
    slot = models.CharField(max_length=32)
    enqueued_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=OUTCOMES, default=PENDING)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"],
                                               name="jobs_one_run_per_slot")]
        indexes = [models.Index(fields=["job", "outcome", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"
