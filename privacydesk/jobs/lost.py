"""Tasks whose worker is gone (#15): a worker killed without warning (SIGKILL, the OOM
killer, a power cut) leaves its task "running" in the queue and its periodic run started
but never finished; nothing would ever finish them, and /staff/jobs/ would show them
running for ever.

`reap(now)` marks such a task failed (exception `WorkerLost`) and, for a periodic job, its
slot's run: tried again when tries are left (periodic.MAX_ATTEMPTS, as for any failure —
R1's sweep then still happens that day), else failed. A task counts as lost when

* its worker ran on this machine and that process is gone: the worker id names the host
  and the process id (worker.worker_id), so this is known at once; or
* its lease expired: it started longer ago than the job's grace period (periodic jobs) or
  `LEASE` (any other task). A worker on another machine cannot be asked whether it lives.

Each task is claimed by a conditional update (status still RUNNING), so two workers reaping
at once fail it, and retry it, once. A task reaped while its worker was in fact alive (only
possible when a lease is exceeded) still records its own outcome when it ends: the queue and
its run then say what happened last. `reap` runs on every worker's round and when staff
open /staff/jobs/ (the page must be true when no worker runs at all).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from privacydesk.jobs import periodic, systems
from privacydesk.jobs.models import PeriodicRun

log = logging.getLogger("privacydesk.jobs")

#: How long a task that is not a periodic job may run before it counts as lost when its
#: worker cannot be asked (another machine).
LEASE = timedelta(hours=2)
#: What a lost task's failure names (the queue stores exception class paths).
LOST = "privacydesk.jobs.lost.WorkerLost"


class WorkerLost(Exception):  # noqa: N818 - the name staff read on /staff/jobs/
    """The worker running a task stopped without finishing it."""


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False   # it exists, under another user
    try:
        # A killed child its parent has not waited for yet is a zombie: it runs nothing.
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def worker_gone(ident: str) -> bool:
    """True when the worker `ident` ("<host>-<pid>-<random>", worker.worker_id) ran on
    this machine and its process no longer runs; False when it runs, ran elsewhere, or the
    id has another shape (a worker that is not privacydesk's)."""
    head, _, _random = ident.rpartition("-")
    host, _, pid_text = head.rpartition("-")
    if not host or host != socket.gethostname()[:32] or not pid_text.isdigit():
        return False
    return _process_gone(int(pid_text))


def reap(now: datetime | None = None) -> int:
    """Fail every running task whose worker is gone or whose lease expired, and settle its
    periodic run (retry or failed); return how many tasks were reaped."""
    from django_tasks_db.models import DBTaskResult

    when = now or timezone.now()
    reaped = 0
    # The queue's status values (django-tasks' TaskResultStatus), as stored.
    running = DBTaskResult.objects.filter(status="RUNNING").values_list(
        "pk", "task_path", "worker_ids", "started_at", "args_kwargs")
    for pk, task_path, workers, started_at, args_kwargs in list(running):
        ident = str(workers[-1]) if workers else ""
        job = next((job for job in periodic.JOBS if job.task_path == task_path), None)
        expired = started_at is None or when - started_at > (job.grace if job else LEASE)
        if not (expired or (ident and worker_gone(ident))):
            continue
        with transaction.atomic():
            claimed = DBTaskResult.objects.filter(pk=pk, status="RUNNING").update(
                status="FAILED", finished_at=when, exception_class_path=LOST,
                traceback=f"{LOST}: the worker {ident or '?'} stopped without finishing "
                          "this task\n")
            if not claimed:
                continue   # another worker reaped it, or it finished meanwhile
            if job is not None:
                _settle(job, args_kwargs, when)
            elif task_path == systems.system_erase.module_path:
                systems.lost(args_kwargs, when)   # Rt3: its SystemTask retries too
        log.warning("task %s of worker %s lost: marked failed", task_path, ident or "?")
        reaped += 1
    return reaped + _stale_runs(when)


def _settle(job: periodic.Job, args_kwargs: Any, when: datetime) -> None:
    """The lost try of `job`'s slot failed: retry it when tries are left, as for any error."""
    kwargs = (args_kwargs or {}).get("kwargs", {}) if isinstance(args_kwargs, dict) else {}
    slot, number = str(kwargs.get("slot", "")), int(kwargs.get("attempt", 1) or 1)
    again = number < periodic.MAX_ATTEMPTS
    PeriodicRun.objects.filter(job=job.name, slot=slot).exclude(
        outcome=PeriodicRun.OK).update(
        finished_at=when, error=WorkerLost.__name__,
        outcome=PeriodicRun.RETRYING if again else PeriodicRun.FAILED)
    if again:
        job.task().enqueue(slot=slot, attempt=number + 1)


def _stale_runs(when: datetime) -> int:
    """Runs started but unfinished past their job's grace with no task left running for
    them (a run from cron whose process died): failed, so they stop reading as running."""
    return sum(
        PeriodicRun.objects.filter(job=job.name, outcome=PeriodicRun.PENDING,
                                   started_at__lt=when - job.grace)
        .update(finished_at=when, error=WorkerLost.__name__, outcome=PeriodicRun.FAILED)
        for job in periodic.JOBS)
