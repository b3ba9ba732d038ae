"""Rt1–Rt6 on the live records: each line of `check` made to fail by a deliberate break, the
Rt1 false alarm an outsider could raise (#13.2), and the Rt6 escape of a request re-typed
to "none" and closed (#13.2).

Personas (conftest): Anna has an open access request; Olaf is an outsider the register
holds nothing about under his address.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from privacydesk.check import FAIL, IDLE, PASS, WARN
from privacydesk.requests import actions, intake
from privacydesk.requests.intake import file_staff_request
from privacydesk.requests.models import NO_DATA_HELD, DataSubjectRequest, RequestEvent, Status

from .conftest import ACTOR, ANNA_EMAIL, details_of, status_of

OLAF = "olaf.mulder@example.org"  # the register holds no such address


def _filed(kind: str, *, days_ago: float = 0, email: str = ANNA_EMAIL) -> DataSubjectRequest:
    return file_staff_request(kind=kind, name="", email=email, message="", language="nl",
                              actor=ACTOR,
                              received_at=timezone.now() - timedelta(days=days_ago))


# -- Rt1 / Rt3 / Rt4: "we hold no data" is an answer ---------------------------------------

@pytest.mark.parametrize(("kind", "promise"), [("access", "Rt1"), ("portability", "Rt4"),
                                                ("erasure", "Rt3")])
def test_anyone_on_the_internet_asking_about_an_unknown_address_cannot_turn_the_check_red(
        personas, kind, promise):
    response = Client().post("/en/request/", {"kind": kind, "name": "Olaf", "email": OLAF})
    assert response.status_code in (200, 302)
    asked = DataSubjectRequest.objects.get(kind=kind, channel="web")
    assert asked.status == Status.ANSWERED and asked.detail["outcome"] == NO_DATA_HELD
    assert status_of(promise) == PASS
    assert "no data held" in details_of(promise)


def test_rt1_no_data_held_for_a_request_tied_to_a_person_fails(personas):
    Client().post("/en/request/", {"kind": "access", "name": "Olaf", "email": OLAF})
    DataSubjectRequest.objects.filter(channel="web").update(person_ref=str(personas.anna.ref))
    assert status_of("Rt1") == FAIL
    assert "'no data held' without a register search" in details_of("Rt1")


def test_rt1_an_access_request_answered_without_a_report_fails(personas):
    DataSubjectRequest.objects.filter(pk=personas.request.pk).update(
        status="answered", answered_at=timezone.now())
    assert status_of("Rt1") == FAIL
    assert personas.request.reference in details_of("Rt1")


# -- Rt2, Rt3, Rt4, Rt5: each line has a break that fails it --------------------------------

def test_rt2_a_rectification_marked_answered_without_the_moment_fails(personas):
    corrected = _filed("rectification")
    assert status_of("Rt2") == PASS
    DataSubjectRequest.objects.filter(pk=corrected.pk).update(status="answered")
    assert status_of("Rt2") == FAIL
    assert "without the moment recorded" in details_of("Rt2")


def test_rt3_an_erasure_answered_without_a_receipt_fails(personas):
    erased = _filed("erasure")
    DataSubjectRequest.objects.filter(pk=erased.pk).update(
        status="answered", answered_at=timezone.now())
    assert status_of("Rt3") == FAIL
    assert f"{erased.reference} answered without a receipt" in details_of("Rt3")


def test_rt4_a_portability_request_answered_without_an_export_fails(personas):
    ported = _filed("portability")
    DataSubjectRequest.objects.filter(pk=ported.pk).update(
        status="answered", answered_at=timezone.now())
    assert status_of("Rt4") == FAIL
    assert f"{ported.reference} answered without a portability export" in details_of("Rt4")


def test_rt5_without_the_public_request_form_fails(personas, settings):
    settings.PRIVACYDESK_IMAP_URL = "imaps://desk:secret@mail.example.nl/INBOX"
    assert status_of("Rt5") == PASS
    settings.ROOT_URLCONF = "privacydesk.requests.public_urls"  # a site without the form
    assert status_of("Rt5") == FAIL
    assert "request form is not routed" in details_of("Rt5")


# -- Rt6: closed and re-typed requests stay in view -------------------------------------------

@pytest.mark.dates
def test_rt6_an_overdue_access_request_retyped_to_none_and_closed_is_listed_with_its_reason(
        personas):
    overdue = _filed("access", days_ago=8)
    assert status_of("Rt6") == FAIL  # open past its week
    intake.set_kind(overdue, "none", actor=ACTOR, reason="a question about an invoice")
    actions.close(overdue, actor=ACTOR, note="not a privacy request: billing question")
    overdue.refresh_from_db()
    assert overdue.status == Status.REJECTED
    # The clocks stayed; the request is not forgotten, and the reason is on the check.
    assert overdue.statement_deadline == overdue.received_at + timedelta(days=7)
    assert status_of("Rt6") == WARN
    details = details_of("Rt6")
    assert f"{overdue.reference} (access -> none) closed without an answer" in details
    assert "billing question" in details


@pytest.mark.dates
def test_rt6_a_request_retyped_behind_the_services_back_fails(personas):
    hidden = _filed("access", days_ago=8)
    DataSubjectRequest.objects.filter(pk=hidden.pk).update(
        kind="none", status="rejected", closed_at=timezone.now(),
        detail={"closed_without_answer": {"reason": "spam"}})
    assert status_of("Rt6") == FAIL
    assert f"{hidden.reference} changed from access to none without a record" in \
        details_of("Rt6")


def test_rt6_a_request_closed_without_an_answer_and_without_a_reason_fails(personas):
    DataSubjectRequest.objects.filter(pk=personas.request.pk).update(
        kind="none", status="rejected", closed_at=timezone.now())
    RequestEvent.objects.create(request=personas.request, at=timezone.now(), actor=ACTOR,
                                action="kind_set", note="access -> none: spam")
    assert status_of("Rt6") == FAIL
    assert "closed without an answer and without a recorded reason" in details_of("Rt6")


def test_rt6_a_kind_change_without_a_reason_on_the_timeline_fails(personas):
    # As the service wrote it before reasons were required: the escape of issue #13.
    RequestEvent.objects.create(request=personas.request, at=timezone.now(), actor=ACTOR,
                                action="kind_set", note="access -> none")
    assert status_of("Rt6") == FAIL
    assert "changed from access to none without a reason" in details_of("Rt6")


@pytest.mark.dates
def test_rt6_a_request_answered_after_its_week_fails_even_when_closed(personas):
    late = _filed("access", days_ago=9)
    DataSubjectRequest.objects.filter(pk=late.pk).update(
        status="closed", answered_at=timezone.now(), closed_at=timezone.now())
    assert status_of("Rt6") == FAIL
    assert f"{late.reference} answered " in details_of("Rt6")
    assert "day(s) after its deadline" in details_of("Rt6")


def test_rt6_a_message_that_was_never_a_request_closed_with_a_reason_passes(personas):
    message = _filed("none")
    actions.close(message, actor=ACTOR, note="sales question")
    assert status_of("Rt6") == PASS
    assert "1 message that was no request, closed with a reason" in details_of("Rt6")


def test_rt6_an_access_request_closed_as_a_sales_question_is_listed_not_passed(personas):
    message = _filed("access")
    intake.set_kind(message, "none", actor=ACTOR, reason="sales question, filed by mistake")
    actions.close(message, actor=ACTOR, note="sales question")
    # Filed as access, so it is listed (warn), never silently passed.
    assert status_of("Rt6") == WARN
    DataSubjectRequest.objects.exclude(pk=message.pk).delete()
    assert "re-typed, each with a reason" in details_of("Rt6")


def test_rt_lines_are_idle_without_requests(personas):
    DataSubjectRequest.objects.all().delete()
    assert {p: status_of(p) for p in ("Rt1", "Rt2", "Rt4", "Rt6")} == {
        "Rt1": IDLE, "Rt2": IDLE, "Rt4": IDLE, "Rt6": IDLE}
