"""The periodic jobs as tasks (`@task`): each takes its slot and the try number, JSON only,
and returns a small JSON summary (counts, never personal data) that the queue stores."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.conf import settings

from privacydesk.jobs import periodic
from privacydesk.jobs.queue import task

log = logging.getLogger("privacydesk.jobs")


@task()
def retention_sweep(slot: str, attempt: int = 1) -> dict[str, Any]:
    """R1: the day's sweep and the system prunes, for the policy day `slot` (ISO date)."""
    from privacydesk.retention import prune, sweep

    def body() -> dict[str, Any]:
        day = date.fromisoformat(slot)
        result = sweep.run(day)
        prune.prune_system(day)   # every app's prune job, the queue's own results included
        log.info("daily retention sweep: %d data of %d people deleted", result.data,
                 result.people)
        return {"data": result.data, "people": result.people}

    return periodic.attempt(periodic.SWEEP, slot, attempt, body)


@task()
def requests_tick(slot: str, attempt: int = 1) -> dict[str, Any]:
    """Rt5/Rt6: read the request mailbox (when configured), then tick the request clocks."""
    from privacydesk.requests import clock, mailbox

    def body() -> dict[str, Any]:
        summary: dict[str, Any] = {}
        if settings.PRIVACYDESK_IMAP_URL:
            try:
                report = mailbox.fetch_mail()
                summary["mail"] = {"filed": report.filed, "triage": report.triage,
                                   "failed": report.failed}
            except Exception as exc:  # the mailbox being down must not stop the clocks
                log.warning("mailbox not read (%s)", type(exc).__name__)
                summary["mail"] = type(exc).__name__
        clock.tick(None)
        return summary

    return periodic.attempt(periodic.REQUESTS, slot, attempt, body)


@task()
def audit_anchor(slot: str, attempt: int = 1) -> dict[str, Any]:
    """Sec1: anchor the audit chain's head outside the database when it moved."""
    from privacydesk.vault import anchor

    def body() -> dict[str, Any]:
        anchor.periodic()
        return {}

    return periodic.attempt(periodic.ANCHOR, slot, attempt, body)
