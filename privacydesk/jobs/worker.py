"""`privacydesk worker`: one process that enqueues the periodic jobs when due and runs every
queued task (django-tasks-db's worker, all queues). Run one beside the web server (`serve`
does in the embedded default) or any number on any machines sharing a PostgreSQL database:
the periodic slots and the task rows are claimed in the database, so nothing runs twice."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import uuid

from django.db import InterfaceError, OperationalError, close_old_connections

from privacydesk.jobs import lost, periodic

log = logging.getLogger("privacydesk.jobs")

#: Seconds between looks at the queue and the schedule when there is nothing to do.
IDLE_SECONDS = 1.0
#: Seconds to wait after the database was not available.
OUTAGE_SECONDS = 5.0
#: Seconds between looks for tasks whose worker is gone (jobs.lost).
REAP_SECONDS = 30.0


def worker_id() -> str:
    """A worker id unique across machines (host, pid, random), at most 64 characters."""
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def run(interval: float = IDLE_SECONDS, once: bool = False) -> None:
    """Enqueue what is due, run every ready task, sleep `interval`; again until SIGTERM or
    SIGINT (a running task finishes first). `once`: one round, then return."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=worker_id(),
                    excluded_queue_names=[])
    worker.configure_signals()
    log.info("worker %s started", worker.worker_id)
    reaped_at = -REAP_SECONDS
    while worker.running:
        try:
            if time.monotonic() - reaped_at >= REAP_SECONDS:
                # A killed worker's task would read "running" for ever (#15).
                lost.reap()
                reaped_at = time.monotonic()
            periodic.enqueue_due()
            worker.run()   # batch: every ready task, then back here
        except (OperationalError, InterfaceError) as exc:
            # SQLite busy, or the database away for a moment: under `serve` nobody restarts
            # this process, so it waits and tries again instead of dying.
            log.warning("background worker: database not available (%s); trying again",
                        type(exc).__name__)
            time.sleep(max(interval, OUTAGE_SECONDS))
        finally:
            close_old_connections()
        if once:
            return
        time.sleep(interval)


def start_beside_server() -> subprocess.Popen[bytes] | None:
    """Start one `privacydesk worker` process beside the web server when
    PRIVACYDESK_SCHEDULER is "embedded" (the default) and return it, else None. The caller
    terminates it when the server stops (`serve`, `demo`)."""
    from django.conf import settings

    if settings.PRIVACYDESK_SCHEDULER != "embedded":
        return None
    # Django's own entry point runs privacydesk's `worker` command with this process's
    # settings; no import of the console script (#14.4).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
        "DJANGO_SETTINGS_MODULE", "privacydesk.project.settings")}
    return subprocess.Popen([  # noqa: S603 - Django's entry point, fixed arguments
        sys.executable, "-m", "django", "worker"], env=env)
