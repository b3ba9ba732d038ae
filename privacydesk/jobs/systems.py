"""The systems' erase tasks on the task queue (#16.3, Rt3): one queued task per try of one
system; the systems app decides what a try does and whether another follows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from privacydesk.jobs.queue import task


@task()
def system_erase(task_id: int, attempt: int = 1) -> dict[str, Any]:
    """Rt3: one try of erasing a person in one declared system, then the re-search."""
    from privacydesk.systems import erasing

    return erasing.run(task_id, attempt)


def enqueue(task_id: int, attempt: int, delay: timedelta | None) -> None:
    """The systems app's enqueuer (`systems.dispatch`), registered by `jobs.apps`."""
    if delay:
        system_erase.using(run_after=timezone.now() + delay).enqueue(task_id=task_id,
                                                                     attempt=attempt)
    else:
        system_erase.enqueue(task_id=task_id, attempt=attempt)
