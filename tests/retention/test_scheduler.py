"""The embedded daily sweep: exactly one worker runs it per day, through a database lease."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from privacydesk.register.models import Person
from privacydesk.retention import scheduler

from .conftest import TODAY

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_only_one_worker_claims_the_days_sweep(db):
    assert scheduler.claim("worker-a", TODAY) is True
    assert scheduler.claim("worker-b", TODAY) is False


def test_the_day_runs_once_and_the_next_day_again(personas):
    later = TODAY + timedelta(days=400)
    assert scheduler.run_if_due("worker-a", later) is True
    assert not Person.objects.filter(pk=personas.bram.pk).exists()
    assert scheduler.run_if_due("worker-b", later) is False
    assert scheduler.run_if_due("worker-b", later + timedelta(days=1)) is True


def test_the_test_client_never_starts_the_scheduler_thread(db):
    Client().get("/")
    assert not scheduler._started.is_set()
