"""A task whose worker was killed does not read "running" for ever (#15): when its worker's
process is gone, or its lease has run out, the task is marked failed ("the worker stopped
midway") and its periodic run is tried again while tries are left (R1's sweep, Rt6's
tick), else failed — on the staff page in Dutch and in the queue.

The dead worker is a real process that ended (its id names this host and its pid); the
queue is django-tasks-db's own, never mocked. tests/jobs/test_worker.py's
`test_a_worker_killed_mid_task_*` does the same with a real worker killed by SIGKILL.
"""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from privacydesk.jobs import lost, periodic, worker
from privacydesk.jobs.models import PeriodicRun

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

TICK = periodic.REQUESTS


def _dead_worker() -> str:
    """The id a worker on this machine had, whose process has ended."""
    done = subprocess.Popen(["true"])
    done.wait()
    return f"{socket.gethostname()[:32]}-{done.pid}-0badf00d"


def _running_tick(ident: str, attempt: int = 1, started: timedelta = timedelta(0)) -> str:
    """The tick's slot enqueued, claimed by worker `ident` and started `started` ago."""
    now = timezone.now()
    slot = TICK.slot(now)
    PeriodicRun.objects.create(job=TICK.name, slot=slot, enqueued_at=now - started,
                               attempts=attempt, started_at=now - started)
    TICK.task().enqueue(slot=slot, attempt=attempt)
    task = DBTaskResult.objects.get(status="READY")
    task.claim(ident)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=now - started)
    return slot


def test_a_task_of_a_worker_whose_process_is_gone_fails_and_its_run_is_tried_again(
        staff_client):
    slot = _running_tick(_dead_worker())
    assert lost.reap() == 1
    killed = DBTaskResult.objects.get(status="FAILED")
    assert killed.exception_class_path == lost.LOST
    run = PeriodicRun.objects.get(job=TICK.name, slot=slot)
    assert (run.outcome, run.error) == (PeriodicRun.RETRYING, "WorkerLost")
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["kwargs"] == {"slot": slot, "attempt": 2}
    assert lost.reap() == 0   # reaped once
    with translation.override("nl"):
        page = staff_client("privacy_officer").get(
            "/staff/jobs/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "wordt opnieuw geprobeerd (de achtergrondverwerker stopte halverwege)" in page
    assert "WorkerLost" not in page


def test_the_last_try_lost_fails_the_run_and_enqueues_nothing():
    slot = _running_tick(_dead_worker(), attempt=periodic.MAX_ATTEMPTS)
    assert lost.reap() == 1
    assert PeriodicRun.objects.get(job=TICK.name, slot=slot).outcome == PeriodicRun.FAILED
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_living_worker_keeps_its_task_and_the_page_says_running(staff_client):
    """This test's own process stands for a worker that is alive."""
    slot = _running_tick(f"{socket.gethostname()[:32]}-{os.getpid()}-0badf00d")
    with translation.override("nl"):
        page = staff_client("privacy_officer").get(
            "/staff/jobs/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<td>bezig</td>" in page
    assert DBTaskResult.objects.get().status == "RUNNING"
    assert PeriodicRun.objects.get(job=TICK.name, slot=slot).outcome == PeriodicRun.PENDING


def test_a_worker_on_another_machine_is_trusted_until_its_lease_runs_out():
    _running_tick("elsewhere-4242-0badf00d", started=TICK.grace - timedelta(minutes=1))
    assert lost.reap() == 0
    later = timezone.now() + timedelta(minutes=2)
    assert lost.reap(later) == 1
    assert DBTaskResult.objects.get(status="FAILED").exception_class_path == lost.LOST


def test_a_run_from_a_process_that_died_without_a_task_stops_reading_as_running():
    """`retention sweep` from cron records its run but has no queued task."""
    now = timezone.now()
    PeriodicRun.objects.create(job=periodic.SWEEP.name, slot="2026-12-01",
                               enqueued_at=now - timedelta(days=2), attempts=1,
                               started_at=now - periodic.SWEEP.grace - timedelta(minutes=1))
    assert lost.reap() == 1
    run = PeriodicRun.objects.get(job=periodic.SWEEP.name)
    assert (run.outcome, run.error) == (PeriodicRun.FAILED, "WorkerLost")


def test_only_a_worker_id_of_this_machine_is_asked_about_its_process():
    assert lost.worker_gone(_dead_worker())
    assert not lost.worker_gone(worker.worker_id())            # this process: alive
    assert not lost.worker_gone("elsewhere-1-0badf00d")        # another machine
    assert not lost.worker_gone("django-tasks-db-worker")      # another shape of id
