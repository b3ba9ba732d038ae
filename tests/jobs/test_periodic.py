"""R1/Rt6/Sec1 on a task queue: each periodic job is enqueued once per slot however many
workers look, a failing run is retried a bounded number of times, and a job that stopped
running is noticed. The queue is the real database backend (django-tasks-db)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from privacydesk.jobs import health, periodic
from privacydesk.jobs.models import PeriodicRun
from privacydesk.policy import clock

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _sweep_tasks() -> int:
    return DBTaskResult.objects.filter(task_path=periodic.SWEEP.task_path).count()


def test_two_workers_looking_at_the_same_day_enqueue_one_sweep():
    now = timezone.now()
    assert "retention-sweep" in periodic.enqueue_due(now)   # worker A
    assert periodic.enqueue_due(now) == []                  # worker B, same moment
    assert periodic.enqueue(periodic.SWEEP, periodic.SWEEP.slot(now), now) is False
    assert PeriodicRun.objects.filter(job="retention-sweep").count() == 1
    assert _sweep_tasks() == 1


def test_the_next_day_enqueues_the_next_sweep_and_short_jobs_follow_their_window():
    now = timezone.now().replace(second=0, microsecond=0)
    base = now - timedelta(minutes=now.minute % 10 - 1)   # a minute into a 10-minute window
    periodic.enqueue_due(base)
    later = base + timedelta(minutes=5)   # a new 5-minute window, the same 10-minute one
    day_changed = periodic.SWEEP.slot(later) != periodic.SWEEP.slot(base)
    assert sorted(periodic.enqueue_due(later)) == sorted(
        ["requests-tick"] + (["retention-sweep"] if day_changed else []))
    assert "retention-sweep" in periodic.enqueue_due(base + timedelta(days=1))
    assert _sweep_tasks() == 2 + day_changed


def _fail() -> None:
    raise ConnectionError("the backup disk is gone")


def test_a_failing_run_is_retried_later_and_then_given_up():
    slot = periodic.SWEEP.slot(timezone.now())
    for number in range(1, periodic.MAX_ATTEMPTS + 1):
        with pytest.raises(ConnectionError):
            periodic.attempt(periodic.SWEEP, slot, number, _fail)
        run = PeriodicRun.objects.get(job="retention-sweep", slot=slot)
        assert run.attempts == number and run.error == "ConnectionError"
    # one retry per failed try but the last, each due later than the one before
    retries = DBTaskResult.objects.filter(task_path=periodic.SWEEP.task_path)
    assert [r.args_kwargs["kwargs"]["attempt"] for r in retries.order_by("run_after")] == [2, 3]
    assert run.outcome == PeriodicRun.FAILED
    state = health.state(periodic.SWEEP)
    assert state.failed_runs == 1 and state.retried_runs == 1 and state.last_error == \
        "ConnectionError"


def test_a_retry_that_succeeds_marks_the_slot_done():
    slot = periodic.SWEEP.slot(timezone.now())
    with pytest.raises(ConnectionError):
        periodic.attempt(periodic.SWEEP, slot, 1, _fail)
    assert periodic.attempt(periodic.SWEEP, slot, 2, lambda: {"data": 0}) == {"data": 0}
    run = PeriodicRun.objects.get(job="retention-sweep", slot=slot)
    assert (run.outcome, run.attempts, run.error) == (PeriodicRun.OK, 2, "")


def test_a_job_that_stopped_is_overdue_one_that_never_started_is_not():
    now = timezone.now()
    assert health.overdue_line(periodic.SWEEP, now) == ""   # just started: no worker yet
    periodic.enqueue_due(now)
    assert health.overdue_line(periodic.SWEEP, now + timedelta(hours=1)) == ""
    line = health.overdue_line(periodic.SWEEP, now + timedelta(hours=27))
    assert "retention-sweep" in line and "last success: never" in line
    periodic.attempt(periodic.SWEEP, periodic.SWEEP.slot(now), 1, lambda: None)
    assert health.overdue_line(periodic.SWEEP, now + timedelta(hours=25)) == ""
    assert health.overdue_line(periodic.SWEEP, now + timedelta(hours=27)) != ""


def test_a_sweep_from_cron_counts_as_the_days_run_and_a_worker_then_skips_the_day():

    from tests.console import run_privacydesk

    result = run_privacydesk("retention", "sweep", "--quiet")
    assert result.exit_code == 0, result.output
    assert "task results 0" in result.output
    run = PeriodicRun.objects.get(job="retention-sweep")
    assert run.outcome == PeriodicRun.OK
    later_that_day = clock.start_of(date.fromisoformat(run.slot)) + timedelta(hours=12)
    assert "retention-sweep" not in periodic.enqueue_due(later_that_day)
    assert _sweep_tasks() == 0


def test_a_pretended_day_from_cron_is_no_run_of_the_schedule():
    from tests.console import run_privacydesk

    result = run_privacydesk("retention", "sweep", "--quiet", "--today", "2031-01-01")
    assert result.exit_code == 0, result.output
    assert not PeriodicRun.objects.exists()


def test_a_run_whose_worker_died_midway_shows_as_interrupted_not_waiting():
    now = timezone.now()
    periodic.enqueue_due(now)
    PeriodicRun.objects.filter(job="retention-sweep").update(attempts=1, started_at=now)
    assert (health.state(periodic.SWEEP, now).waiting,
            health.state(periodic.SWEEP, now).interrupted) == (1, 0)
    later = now + periodic.SWEEP.grace + timedelta(minutes=1)   # never finished since
    assert (health.state(periodic.SWEEP, later).waiting,
            health.state(periodic.SWEEP, later).interrupted) == (0, 1)
