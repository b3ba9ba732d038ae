"""An erasure in another system whose worker was killed does not read "running" for ever
either (#15, #16.3, Rt3): when `jobs.lost` fails the queue's try, Anna's erase task in the
CRM goes back to retrying (the next try queued, later) or, after the last try, to failed —
open on her request, never reported done. Its error kind is "interrupted", not
"unreachable": the CRM was never found down; privacydesk's own worker died, and the next
try's re-search shows what is left.

The dead worker is a real process that ended, the queue django-tasks-db's own (as in
test_lost_workers.py).
"""

from __future__ import annotations

import socket
import subprocess
import uuid

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from privacydesk.jobs import lost, systems
from privacydesk.systems import erasing
from privacydesk.systems.models import SystemTask

pytestmark = [pytest.mark.django_db]


def _dead_worker() -> str:
    """The id a worker on this machine had, whose process has ended."""
    done = subprocess.Popen(["true"])
    done.wait()
    return f"{socket.gethostname()[:32]}-{done.pid}-0badf00d"


def _annas_crm_erasure(status: str, attempts: int) -> SystemTask:
    now = timezone.now()
    return SystemTask.objects.create(
        request_uid=uuid.uuid4(), request_ref="VZ-ANNA0001", person_ref="anna-ref",
        system="crm", action=SystemTask.ERASE, status=status, attempts=attempts,
        created_at=now, updated_at=now)


def _try_claimed_by(ident: str, task: SystemTask, attempt: int) -> None:
    systems.system_erase.enqueue(task_id=task.pk, attempt=attempt)
    DBTaskResult.objects.get(status="READY").claim(ident)


def test_a_lost_try_of_annas_erasure_is_retried_later_as_interrupted(
        django_capture_on_commit_callbacks):
    task = _annas_crm_erasure(SystemTask.RUNNING, 1)
    _try_claimed_by(_dead_worker(), task, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert lost.reap() == 1
    task.refresh_from_db()
    assert (task.status, task.error_kind, task.attempts) == (
        SystemTask.RETRYING, erasing.INTERRUPTED, 1)
    assert task.is_open          # her request is not answered meanwhile (Rt3)
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["kwargs"] == {"task_id": task.pk, "attempt": 2}
    assert again.run_after is not None and again.run_after > timezone.now()


def test_the_last_try_lost_fails_annas_erasure_and_queues_nothing(
        django_capture_on_commit_callbacks):
    task = _annas_crm_erasure(SystemTask.RUNNING, erasing.MAX_ATTEMPTS)
    _try_claimed_by(_dead_worker(), task, erasing.MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        assert lost.reap() == 1
    task.refresh_from_db()
    assert (task.status, task.error_kind) == (SystemTask.FAILED, erasing.INTERRUPTED)
    assert "unreachable" not in task.error
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_an_erasure_that_settled_before_its_worker_died_stays_as_it_settled(
        django_capture_on_commit_callbacks):
    task = _annas_crm_erasure(SystemTask.DONE, 1)
    _try_claimed_by(_dead_worker(), task, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert lost.reap() == 1     # the queue's try is failed all the same
    task.refresh_from_db()
    assert (task.status, task.error_kind) == (SystemTask.DONE, "")
    assert not DBTaskResult.objects.filter(status="READY").exists()
