"""Rt6 after one late answer (#15): the line fails, saying which request was answered late,
on which day and against which deadline, and the day it passes again; 30 days after the
answer it passes again and still lists the late answer (for a year). A new late answer,
or a request open past its week, still fails whatever came before.

Personas (conftest): Anna has an open access request, filed today.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.check import FAIL, PASS
from privacydesk.check.rights import LATE_ANSWER_WINDOW
from privacydesk.policy import clock
from privacydesk.requests.intake import file_staff_request
from privacydesk.requests.models import DataSubjectRequest

from .conftest import ACTOR, ANNA_EMAIL, details_of, status_of

pytestmark = pytest.mark.dates


def _answered_late(*, answered_days_ago: float, late_by_days: float = 2) -> DataSubjectRequest:
    """Anna's access request, answered `late_by_days` after its week, `answered_days_ago`."""
    answered = timezone.now() - timedelta(days=answered_days_ago)
    received = answered - timedelta(days=7 + late_by_days)
    filed = file_staff_request(kind="access", name="", email=ANNA_EMAIL, message="",
                               language="nl", actor=ACTOR, received_at=received)
    DataSubjectRequest.objects.filter(pk=filed.pk).update(
        status="closed", answered_at=answered, closed_at=answered)
    filed.refresh_from_db()
    return filed


def test_a_late_answer_fails_naming_the_request_the_day_and_when_it_passes_again(personas):
    late = _answered_late(answered_days_ago=3)
    assert late.answered_at is not None
    assert status_of("Rt6") == FAIL
    text = details_of("Rt6")
    answered_on = clock.day_of(late.answered_at).isoformat()
    deadline = clock.day_of(late.statement_deadline).isoformat()
    again = clock.day_of(late.answered_at + LATE_ANSWER_WINDOW).isoformat()
    assert (f"request {late.reference} answered on {answered_on}, 2 day(s) after its "
            f"deadline of {deadline}; this line passes again on {again}") in text


def test_thirty_days_after_the_late_answer_the_line_passes_and_still_lists_it(personas):
    late = _answered_late(answered_days_ago=LATE_ANSWER_WINDOW.days + 1)
    assert status_of("Rt6") == PASS
    assert f"request {late.reference} answered on " in details_of("Rt6")
    assert "(more than 30 days ago)" in details_of("Rt6")


def test_an_old_late_answer_does_not_hide_a_new_one_or_an_overdue_request(personas):
    _answered_late(answered_days_ago=60)
    new = _answered_late(answered_days_ago=1, late_by_days=1)
    assert status_of("Rt6") == FAIL
    assert f"request {new.reference} answered on " in details_of("Rt6")
    DataSubjectRequest.objects.filter(pk=new.pk).delete()
    assert status_of("Rt6") == PASS
    DataSubjectRequest.objects.filter(pk=personas.request.pk).update(
        statement_deadline=timezone.now() - timedelta(hours=1),
        received_at=timezone.now() - timedelta(days=7, hours=1))
    assert status_of("Rt6") == FAIL
    assert f"request {personas.request.reference} open past its deadline" in details_of("Rt6")


def test_a_late_answer_more_than_a_year_ago_is_no_longer_listed(personas):
    late = _answered_late(answered_days_ago=400)
    assert status_of("Rt6") == PASS
    assert late.reference not in details_of("Rt6")
