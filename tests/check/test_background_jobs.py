"""Promises kept by background jobs (#14.4): `privacydesk check` fails R1 when the daily
sweep, Rt6 when the request clock and Sec1 when the audit anchor, once scheduled, has not
succeeded within its interval (is the worker running?), and says nothing on a system that
has just started (no worker yet)."""

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


@pytest.mark.parametrize(("promise", "job"), [("Rt6", periodic.REQUESTS),
                                               ("Sec1", periodic.ANCHOR)])
def test_rt6_and_sec1_fail_when_their_job_stopped_running(db, promise, job):
    assert "background job" not in details_of(promise)
    start = timezone.now()
    periodic.enqueue_due(start)
    periodic.attempt(job, job.slot(start), 1, lambda: None)
    assert "background job" not in details_of(promise)
    with time_machine.travel(start + job.grace + job.interval):
        assert status_of(promise) == FAIL
        assert f"background job {job.name}: no successful run" in details_of(promise)
