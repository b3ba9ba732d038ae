"""Mail intake and request clocks on a schedule, without an extra service (Rt5, Rt6).

The same mechanism as the retention sweep (retention/scheduler.py): a daemon thread in each
served web worker, started on its first request from a real WSGI server (never the test
client, a CLI command or a migration), with the workers agreeing through a lease row
(`retention.SchedulerLease`, job "requests"): whoever claims the expired lease reads the
mailbox (if PRIVACYDESK_IMAP_URL is set) and runs `clock.tick`, then holds the lease for
one interval. `PRIVACYDESK_SCHEDULER=off` switches it off; then run
`privacydesk requests fetch-mail` and `privacydesk requests tick` from cron.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger("privacydesk.requests")
JOB = "requests"
INTERVAL = timedelta(minutes=5)
_started = threading.Event()


def claim(holder: str, now: datetime | None = None) -> bool:
    """Claim the next run: True for one caller per interval."""
    from privacydesk.retention.models import SchedulerLease
    from privacydesk.retention.scheduler import HOLDER

    when = now or timezone.now()
    with transaction.atomic():
        SchedulerLease.objects.get_or_create(name=JOB)
        return SchedulerLease.objects.filter(name=JOB).filter(
            Q(until__isnull=True) | Q(until__lte=when)).update(
            holder=holder or HOLDER, until=when + INTERVAL) == 1


def run_if_due(holder: str = "", now: datetime | None = None) -> bool:
    """Read the mailbox and tick the clocks if this process claims the run."""
    from privacydesk.requests import clock, mailbox

    if not claim(holder, now):
        return False
    if settings.PRIVACYDESK_IMAP_URL:
        try:
            report = mailbox.fetch_mail()
            log.info("mailbox: %d filed, %d triage, %d failed", report.filed, report.triage,
                     report.failed)
        except Exception as exc:  # the mailbox being down must not stop the clocks
            log.warning("mailbox not read (%s)", type(exc).__name__)
    clock.tick(now)
    return True


def _loop() -> None:
    while True:
        try:
            run_if_due()
        except Exception:
            log.exception("request schedule failed")
        finally:
            close_old_connections()
        threading.Event().wait(INTERVAL.total_seconds())


def _on_request(sender: Any, environ: dict[str, Any] | None = None, **_: Any) -> None:
    if _started.is_set() or not (environ or {}).get("SERVER_SOFTWARE"):
        return  # the test client sets no SERVER_SOFTWARE; real servers do
    _started.set()
    threading.Thread(target=_loop, name="privacydesk-requests", daemon=True).start()


def connect() -> None:
    """Arm the schedule (AppConfig.ready) unless PRIVACYDESK_SCHEDULER is "off"."""
    if getattr(settings, "PRIVACYDESK_SCHEDULER", "embedded") == "embedded":
        request_started.connect(_on_request, dispatch_uid="requests.schedule")
