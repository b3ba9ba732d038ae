"""R1 on the incident register: `privacydesk check` fails when a closed incident still holds
its reporter's contact data after the policy's reporter_period, or is still there after the
documentation_period — the daily prune (incidents.retention.prune_expired) did not run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from time_machine import travel

from privacydesk.check import FAIL, PASS
from privacydesk.incidents import services
from privacydesk.incidents.models import Incident
from privacydesk.incidents.retention import due, prune_expired
from privacydesk.policy import clock

from .conftest import details_of, status_of

pytestmark = pytest.mark.dates


@pytest.fixture
def closed(personas) -> Incident:
    """Eva's concern, with her name and address, handled and closed today."""
    incident = services.file_concern("An invoice of another customer reached me.",
                                     reporter_name="Eva Bakker",
                                     reporter_email="eva.bakker@acme.example")
    return services.set_status(incident, "closed", actor="officer")


def _day_after(day):
    return clock.start_of(day + timedelta(days=1)) + timedelta(hours=12)


def test_a_closed_incident_within_its_periods_passes(closed):
    assert status_of("R1") == PASS


def test_a_reporter_held_past_the_reporter_period_fails_r1(closed):
    assert closed.closed_at is not None
    with travel(_day_after(due(closed.closed_at).reporter_on), tick=False):
        assert status_of("R1") == FAIL
        assert "1 reporter still held" in details_of("R1")
        prune_expired()   # the register's own data may be due by then: only ours must go
        assert "incidents:" not in details_of("R1")


def test_a_record_kept_past_the_documentation_period_fails_r1(closed):
    assert closed.closed_at is not None
    record_on = due(closed.closed_at).record_on
    Incident.objects.filter(pk=closed.pk).update(reporter_cleared_at=closed.closed_at)
    with travel(_day_after(record_on), tick=False):
        assert status_of("R1") == FAIL
        assert "1 record kept past" in details_of("R1")
        prune_expired()
        assert "incidents:" not in details_of("R1")
