"""What a request asked of a system keeps whom to search for (sealed) only while needed (R1,
#16.3): cleared when the task settles, and by the daily prune once the request's deadline is
long past; the row itself stays as the pseudonymous record."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.systems import tasks
from privacydesk.systems.connector import Subject
from privacydesk.systems.models import SystemTask

ANNA = Subject(name="Anna de Vries", emails=("anna.de.vries@example.nl",),
               phones=("+31612345678",), ids={"external_id": ("avries",)})


def _task(status: str, deadline_days_ago: int) -> SystemTask:
    now = timezone.now()
    task = SystemTask(request_uid=uuid.uuid4(), request_ref="VZ-TEST0001", person_ref="ref",
                      system="crm", action=SystemTask.ERASE, status=status, created_at=now,
                      updated_at=now, deadline=now - timedelta(days=deadline_days_ago))
    tasks.seal_subject(task, ANNA)
    task.save()
    return task


def test_the_sealed_subject_reads_back_and_is_not_stored_in_clear(db):
    task = _task(SystemTask.QUEUED, 0)
    task.refresh_from_db()
    assert tasks.subject_of(task) == ANNA
    assert b"Anna" not in bytes(task.ciphertext)


def test_the_daily_prune_clears_subjects_no_longer_needed(db):
    settled = _task(SystemTask.DONE, 0)          # settled, but a crash left the subject
    forgotten = _task(SystemTask.FAILED, 120)    # its request's deadline is long past
    running = _task(SystemTask.RETRYING, 3)      # still being tried
    assert tasks.prune_subjects(clock.today()) == 2
    for task in (settled, forgotten, running):
        task.refresh_from_db()
    assert tasks.subject_of(settled) == Subject() and tasks.subject_of(forgotten) == Subject()
    assert tasks.subject_of(running) == ANNA
    assert SystemTask.objects.count() == 3       # the rows stay as the record
