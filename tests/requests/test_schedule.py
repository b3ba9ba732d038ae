"""Rt5/Rt6 without an extra service: the served app's workers take turns (a lease row) to
read the mailbox and tick the clocks every few minutes; cron can do the same instead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.utils import timezone

from privacydesk.cli import main
from privacydesk.requests import schedule
from privacydesk.requests.models import DataSubjectRequest

from . import mails
from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def test_one_worker_per_interval_runs_the_job():
    now = timezone.now()
    assert schedule.claim("worker-1", now) is True
    assert schedule.claim("worker-2", now + timedelta(minutes=1)) is False
    assert schedule.claim("worker-2", now + schedule.INTERVAL) is True


def test_the_scheduled_run_reads_the_mailbox_and_ticks(dovecot, smtp, personas, settings):
    settings.PRIVACYDESK_IMAP_URL = dovecot.url
    dovecot.append(mails.eml(ANNA, "Inzage", "Ik wil mijn gegevens inzien."))
    assert schedule.run_if_due("worker-1") is True
    assert DataSubjectRequest.objects.filter(kind="access").count() == 1
    assert schedule.run_if_due("worker-2") is False  # the lease is held


def test_a_mailbox_that_is_down_does_not_stop_the_clocks(settings, personas):
    settings.PRIVACYDESK_IMAP_URL = "imap://desk:x@127.0.0.1:9/INBOX"  # nothing listens
    assert schedule.run_if_due("worker-1") is True


def test_cron_can_tick_instead(personas):
    result = CliRunner().invoke(main, ["requests", "tick"])
    assert result.exit_code == 0 and "reminded 0" in result.output
