"""How a system task reaches the task queue without the systems app knowing the queue.

The queue (`privacydesk.jobs`) sits above the systems app, so it registers its enqueuer here
when it starts (`jobs.apps`); the systems app only calls `enqueue`. Without an enqueuer (a
process without the jobs app) a task runs at once in the caller, so nothing is ever lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

Enqueuer = Callable[[int, int, timedelta | None], None]

_enqueuer: Enqueuer | None = None


def set_enqueuer(enqueuer: Enqueuer | None) -> None:
    """Hand every later `enqueue` to `enqueuer(task_id, attempt, delay)`."""
    global _enqueuer
    _enqueuer = enqueuer


def enqueue(task_id: int, attempt: int = 1, delay: timedelta | None = None) -> None:
    """Run try `attempt` of the erase task `task_id` on the queue, after `delay`."""
    if _enqueuer is not None:
        _enqueuer(task_id, attempt, delay)
        return
    from privacydesk.systems import erasing

    erasing.run(task_id, attempt)
