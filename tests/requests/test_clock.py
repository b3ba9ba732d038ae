"""Rt6 and Art. 12(3): every request carries the statement's one-week deadline and the
legal month; staff are reminded on the policy's reminder day, the privacy officer gets an
escalation when a deadline passes, and the record keeps when and how it was answered.
The clock is moved by passing `now`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.policy.active import get_policy
from privacydesk.requests import clock, intake, kinds
from privacydesk.requests.models import DataSubjectRequest, Status

from .conftest import ANNA, CARLA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def _staff_mails(smtp, subject_part):
    return [m for m in smtp.messages if subject_part in m["Subject"]]


def test_every_request_carries_both_deadlines_from_the_policy(smtp, personas):
    received = timezone.now() - timedelta(days=2)
    filed = intake.file_staff_request(kind="access", name="Anna", email=ANNA, message="",
                                      language="nl", actor="po", received_at=received)
    statement, legal = get_policy().request_deadlines(received)
    assert (filed.statement_deadline, filed.legal_deadline) == (statement, legal)
    assert filed.statement_deadline - filed.received_at == timedelta(days=7)
    assert filed.days_left(timezone.now()) == 4


def test_the_list_puts_the_request_with_fewest_days_left_first(smtp, personas):
    now = timezone.now()
    later = intake.file_staff_request(kind="access", name="", email=ANNA, message="",
                                      language="nl", actor="po", received_at=now)
    sooner = intake.file_staff_request(kind="erasure", name="", email=CARLA, message="",
                                       language="nl", actor="po",
                                       received_at=now - timedelta(days=3))
    assert list(clock.open_requests()) == [sooner, later]


def test_reminder_on_the_reminder_day_then_escalation_when_overdue(smtp, personas, officer):
    received = timezone.now()
    filed = intake.file_staff_request(kind="access", name="", email=ANNA, message="",
                                      language="nl", actor="po", received_at=received)
    day = get_policy().requests.reminder_day
    assert clock.tick(received + timedelta(days=day - 1)).reminded == 0
    assert clock.tick(received + timedelta(days=day, minutes=1)).reminded == 1
    assert clock.tick(received + timedelta(days=day, hours=2)).reminded == 0  # once only
    # Staff read Dutch unless they chose English (issue #15).
    [reminder] = _staff_mails(smtp, "Herinnering")
    assert reminder["To"] == officer.email and filed.reference in reminder["Subject"]
    assert kinds.label("access", "nl") in reminder.get_content()  # the kind by its label
    assert ANNA not in reminder.get_content()  # staff mail names the reference only
    assert clock.tick(received + timedelta(days=7, minutes=1)).escalated == 1
    [overdue] = _staff_mails(smtp, "TE LAAT")
    assert "beloofde termijn van een week" in overdue["Subject"]
    assert clock.tick(received + timedelta(days=32)).escalated == 1  # the legal month
    assert "wettelijke termijn van een maand" in _staff_mails(smtp, "TE LAAT")[-1]["Subject"]
    actions = [e.action for e in DataSubjectRequest.objects.get().events.all()]
    assert actions.count("reminder") == 1 and actions.count("escalated") == 2


def test_a_colleague_who_chose_english_is_reminded_in_english(smtp, personas, officer):
    officer.language = "en"
    officer.save(update_fields=["language"])
    received = timezone.now()
    filed = intake.file_staff_request(kind="access", name="", email=ANNA, message="",
                                      language="nl", actor="po", received_at=received)
    day = get_policy().requests.reminder_day
    assert clock.tick(received + timedelta(days=day, minutes=1)).reminded == 1
    [reminder] = _staff_mails(smtp, "Reminder")
    assert reminder["To"] == officer.email and filed.reference in reminder["Subject"]
    assert not _staff_mails(smtp, "Herinnering")


def test_an_answered_request_is_neither_reminded_nor_escalated(smtp, personas, officer):
    received = timezone.now()
    filed = intake.file_staff_request(kind="access", name="Olaf", email="olaf@example.org",
                                      message="", language="en", actor="po",
                                      received_at=received)
    assert filed.status == Status.ANSWERED and filed.answered_at is not None
    assert filed.answered_how.startswith("e-mail: no data held")
    report = clock.tick(received + timedelta(days=40))
    assert (report.reminded, report.escalated) == (0, 0)


def test_the_clock_retries_a_confirmation_mail_that_failed(settings, smtp, personas):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9
    filed = intake.file_web_request(kind="access", name="Anna", email=ANNA, language="nl")
    assert filed.status == Status.NEW
    settings.EMAIL_PORT = port
    assert clock.tick().retried == 1
    filed.refresh_from_db()
    assert filed.status == Status.AWAITING_VERIFICATION and len(smtp.messages) == 1


def test_contact_details_of_a_closed_request_go_after_the_contact_period(smtp, personas):
    from privacydesk.requests import actions

    filed = intake.file_web_request(kind="access", name="Olaf", email="olaf@example.org",
                                    language="en")
    actions.close(filed, actor="po")
    assert clock.tick(timezone.now() + timedelta(days=30)).cleared == 0
    assert clock.tick(timezone.now() + timedelta(days=200)).cleared == 1
    filed.refresh_from_db()
    assert filed.contact() == {"name": "", "email": "", "subject": "", "message": "",
                               "address": ""}
    assert filed.answered_at is not None  # the record of the answer stays (Rt6)
