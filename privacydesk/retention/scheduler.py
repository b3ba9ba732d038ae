"""The daily sweep without an extra service (R1): a thread in the served app.

In the embedded default (`PRIVACYDESK_SCHEDULER=embedded`) every web worker process starts
one daemon thread on its first request served by a real WSGI server (gunicorn, runserver —
never the test client, a CLI command or a migration). The threads agree through a lease
row in the database: whichever claims the expired lease runs the day's sweep and the system
prunes, records the day, and holds the lease for an hour; the others see the day done.
Works the same on SQLite and PostgreSQL. With `off`, run `privacydesk retention sweep`
from cron (e.g. `15 3 * * *`).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.retention.models import SchedulerLease

log = logging.getLogger("privacydesk.retention")
JOB = "daily-sweep"
LEASE = timedelta(hours=1)
WAKE_SECONDS = 600
_started = threading.Event()
HOLDER = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


def claim(holder: str = HOLDER, today: date | None = None) -> bool:
    """Claim today's run: True for exactly one caller per day while the lease is free."""
    now = timezone.now()
    day = today or clock.day_of(now)
    with transaction.atomic():
        SchedulerLease.objects.get_or_create(name=JOB)
        claimed = (SchedulerLease.objects.filter(name=JOB)
                   .filter(Q(last_run_on__isnull=True) | Q(last_run_on__lt=day))
                   .filter(Q(until__isnull=True) | Q(until__lt=now) | Q(holder=holder))
                   .update(holder=holder, until=now + LEASE))
    return claimed == 1


def run_if_due(holder: str = HOLDER, today: date | None = None) -> bool:
    """Run the sweep and system prunes if this process claims today's run; True if it ran."""
    from privacydesk.retention import prune, sweep

    day = today or clock.today()
    if not claim(holder, day):
        return False
    result = sweep.run(day)
    prune.prune_system(day)
    SchedulerLease.objects.filter(name=JOB, holder=holder).update(last_run_on=day, until=None)
    log.info("daily retention sweep: %d data of %d people deleted", result.data, result.people)
    return True


def _loop() -> None:
    from privacydesk.vault import anchor

    while True:
        try:
            run_if_due()
        except Exception:  # keep the thread alive; the next wake tries again
            log.exception("daily retention sweep failed")
        try:
            anchor.periodic()  # Sec1: the audit chain's head, anchored when it moved
        except Exception:
            log.exception("periodic audit anchor failed")
        finally:
            close_old_connections()
        threading.Event().wait(WAKE_SECONDS)


def _on_request(sender: Any, environ: dict[str, Any] | None = None, **_: Any) -> None:
    if _started.is_set() or not (environ or {}).get("SERVER_SOFTWARE"):
        return   # the test client sets no SERVER_SOFTWARE; real servers do
    _started.set()
    threading.Thread(target=_loop, name="privacydesk-retention", daemon=True).start()


def connect() -> None:
    """Arm the scheduler (AppConfig.ready) unless PRIVACYDESK_SCHEDULER is "off"."""
    if getattr(settings, "PRIVACYDESK_SCHEDULER", "embedded") == "embedded":
        request_started.connect(_on_request, dispatch_uid="retention.scheduler")
