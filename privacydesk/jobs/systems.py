"""The systems' erase tasks on the task queue (#16.3, Rt3): one queued task per try of one
system; the systems app decides what a try does and whether another follows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from privacydesk.jobs.queue import task


@task()
def system_erase(task_id: int, attempt: int = 1) -> dict[str, Any]:
    """Rt3: one try of erasing a person in one declared system, then the re-search."""
    from privacydesk.systems import erasing

    return erasing.run(task_id, attempt)


def lost(args_kwargs: Any, when: datetime) -> None:
    """`jobs.lost` failed a `system_erase` try whose worker stopped: the systems app's own
    task must not stay "running" either (`erasing.lost`: retrying, or failed after the
    last try)."""
    from privacydesk.systems import erasing

    kwargs = (args_kwargs or {}).get("kwargs", {}) if isinstance(args_kwargs, dict) else {}
    if str(kwargs.get("task_id", "")).isdigit():
        erasing.lost(int(kwargs["task_id"]), int(kwargs.get("attempt", 1) or 1), now=when)


def enqueue(task_id: int, attempt: int, delay: timedelta | None) -> None:
    """The systems app's enqueuer (`systems.dispatch`), registered by `jobs.apps`."""
    if delay:
        system_erase.using(run_after=timezone.now() + delay).enqueue(task_id=task_id,
                                                                     attempt=attempt)
    else:
        system_erase.enqueue(task_id=task_id, attempt=attempt)
