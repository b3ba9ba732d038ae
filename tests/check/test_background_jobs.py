"""R1 rests on the daily sweep: `privacydesk check` fails R1 when the sweep, once scheduled,
has not succeeded within its interval (is the worker running?), and stays quiet on a system
that has just started (no worker yet)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from privacydesk.check.registry import FAIL
from privacydesk.jobs import periodic

from .conftest import details_of, status_of

pytestmark = pytest.mark.dates


def test_r1_fails_when_the_daily_sweep_stopped_running(db):
    assert "background job" not in details_of("R1")   # just started: no worker yet
    start = timezone.now()
    periodic.enqueue_due(start)
    periodic.attempt(periodic.SWEEP, periodic.SWEEP.slot(start), 1, lambda: None)
    assert "background job" not in details_of("R1")
    with time_machine.travel(start + timedelta(days=2)):   # the worker stopped since
        assert status_of("R1") == FAIL
        assert "background job retention-sweep: no successful run" in details_of("R1")
