"""Rt5/Rt6 on the task queue: the `requests-tick` task reads the request mailbox and ticks
the request clocks (the worker enqueues it every five minutes); a mailbox that is down does
not stop the clocks; cron can run the same steps instead."""

from __future__ import annotations

import pytest
from django.utils import timezone

from privacydesk.jobs import periodic, tasks
from privacydesk.jobs.models import PeriodicRun
from privacydesk.requests.models import DataSubjectRequest
from tests.console import run_privacydesk

from . import mails
from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def _slot() -> str:
    return periodic.REQUESTS.slot(timezone.now())


def test_the_scheduled_task_reads_the_mailbox_and_ticks(dovecot, smtp, personas, settings):
    settings.PRIVACYDESK_IMAP_URL = dovecot.url
    dovecot.append(mails.eml(ANNA, "Inzage", "Ik wil mijn gegevens inzien."))
    summary = tasks.requests_tick.call(slot=_slot(), attempt=1)
    assert summary["mail"]["filed"] == 1
    assert DataSubjectRequest.objects.filter(kind="access").count() == 1
    assert PeriodicRun.objects.get(job="requests-tick").outcome == PeriodicRun.OK


def test_a_mailbox_that_is_down_does_not_stop_the_clocks(settings, personas):
    settings.PRIVACYDESK_IMAP_URL = "imap://desk:x@127.0.0.1:9/INBOX"  # nothing listens
    summary = tasks.requests_tick.call(slot=_slot(), attempt=1)
    assert summary["mail"] == "ConnectionRefusedError"
    assert PeriodicRun.objects.get(job="requests-tick").outcome == PeriodicRun.OK


def test_cron_can_tick_instead(personas):
    result = run_privacydesk("requests", "tick")
    assert result.exit_code == 0 and "reminded 0" in result.output
