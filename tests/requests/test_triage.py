"""#15 triage: closing a triage item as "not a request" is one click with a reason. The
decision (who, when, why) stays on the request's timeline, the item leaves triage, and
`check` Rt6 counts it neither as late nor as a request closed without an answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.check.rights import request_deadlines
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _triage, intake, kinds, mailparse
from privacydesk.requests.models import DataSubjectRequest, Status

from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]

_ids = iter(range(1, 1000))


def _mailed(subject: str, body: str, days_ago: int = 0) -> DataSubjectRequest:
    """A message from the mailbox, as the mailbox reader files it."""
    raw = (f"From: Piet Bakker <piet.bakker@example.net>\nSubject: {subject}\n"
           f"Message-ID: <triage{next(_ids)}@example.net>\n\n{body}\n").encode()
    filed = intake.file_mail(mailparse.parse(raw),
                             received_at=clock.now() - timedelta(days=days_ago)).request
    assert filed is not None
    return filed


def test_an_unclear_message_past_its_promise_is_closed_as_support_and_rt6_stays_green(
        smtp, personas):
    item = _mailed("Hallo", "Kunt u mij even terugbellen?", days_ago=10)
    assert item.kind == kinds.TRIAGE and item in _triage.triage_items()
    before = request_deadlines()
    assert before.status == "fail" and "open past its deadline" in " ".join(before.details)
    clocks = (item.received_at, item.statement_deadline, item.legal_deadline)

    closed = _triage.close_as_not_a_request(item, "support", actor="sanne",
                                            text="vraag over de printer")

    assert closed.status == Status.REJECTED and closed.kind == kinds.NONE
    assert (closed.received_at, closed.statement_deadline, closed.legal_deadline) == clocks
    decision = closed.detail["closed_without_answer"]
    assert decision["by"] == "sanne" and decision["at"]
    assert decision["reason"] == "not a request (support): vraag over de printer"
    assert closed.detail["not_a_request"] == {"reason": "support",
                                              "text": "vraag over de printer"}
    steps = list(closed.events.values_list("action", "actor"))
    assert ("kind_set", "sanne") in steps and ("closed", "sanne") in steps
    assert item not in _triage.triage_items()
    rt6 = request_deadlines()
    assert rt6.status == "pass", rt6.details
    assert "1 message that was no request, closed with a reason" in rt6.details


def test_an_invoice_the_mailbox_called_not_a_request_is_confirmed_with_one_reason(
        smtp, personas):
    item = _mailed("Factuur 2026-118", "Bijgaand onze factuur voor november.")
    assert item.kind == kinds.NONE and item.is_open

    closed = _triage.close_as_not_a_request(item, "invoice", actor="sanne")

    assert closed.status == Status.REJECTED
    assert closed.detail["closed_without_answer"]["reason"] == "not a request (invoice)"
    assert not closed.events.filter(action="kind_set").exists()  # the kind was right


@pytest.mark.parametrize(("reason", "text", "field", "rule"), [
    ("complaint", "", "reason", "Rt5"),
    ("other", "", "text", "Rt6"),
    ("other", "   ", "text", "Rt6"),
    ("spam", "stuur naar piet@example.net", "text", "format"),
    ("other", "x" * 201, "text", "format"),
])
def test_a_bad_reason_is_refused_naming_field_and_rule_and_nothing_is_stored(
        smtp, personas, reason, text, field, rule):
    item = _mailed("Hallo", "Zie bijlage.")
    with pytest.raises(RuleViolation) as refused:
        _triage.close_as_not_a_request(item, reason, actor="sanne", text=text)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    item.refresh_from_db()
    assert item.kind == kinds.TRIAGE and item.is_open
    assert list(item.events.values_list("action", flat=True)) == ["received"]


def test_a_request_of_a_real_kind_is_not_closed_from_triage(smtp, personas):
    # Anna's access request changes kind only with a reason on its own page (Rt6).
    access = intake.file_web_request(kind="access", name="Anna", email=ANNA, language="nl")
    with pytest.raises(RuleViolation) as refused:
        _triage.close_as_not_a_request(access, "sales", actor="sanne")
    assert (refused.value.field, refused.value.rule) == ("kind", "Rt5")
    access.refresh_from_db()
    assert access.kind == kinds.ACCESS and access.is_open


def test_a_closed_item_cannot_be_closed_twice(smtp, personas):
    item = _triage.close_as_not_a_request(_mailed("Hallo", "Zie bijlage."), "spam",
                                          actor="sanne")
    with pytest.raises(RuleViolation) as refused:
        _triage.close_as_not_a_request(item, "spam", actor="sanne")
    assert refused.value.field == "status"


def test_the_officer_closes_an_item_on_the_triage_page_with_one_button(
        smtp, personas, staff_client):
    item = _mailed("Offerte", "Kunt u mij een offerte sturen voor 20 licenties?")
    unclear = _mailed("Vraag", "Kunt u mij terugbellen?")
    client = staff_client("privacy_officer")
    page = client.get("/staff/requests/triage/").content.decode()
    # Dutch for staff; each item has its reasons as buttons and its subject to decide on.
    assert item.reference in page and unclear.reference in page and "Offerte" in page
    assert "verkoop of offerte" in page and "ondersteuningsvraag" in page
    assert "Berichten om in te delen" in page

    done = client.post(f"/staff/requests/{item.uid}/not-a-request/", {"reason": "sales"},
                       follow=True)

    text = done.content.decode()
    assert f"{item.reference} gesloten: geen verzoek (verkoop of offerte)." in text
    assert f'href="/staff/requests/{item.uid}/"' not in text  # no longer in triage
    assert unclear.reference in text
    item.refresh_from_db()
    assert item.status == Status.REJECTED
    assert item.detail["closed_without_answer"]["by"].startswith("privacy_officer")


def test_other_without_a_note_is_shown_on_the_page_and_the_item_stays(
        smtp, personas, staff_client):
    item = _mailed("Vraag", "Kunt u mij terugbellen?")
    client = staff_client("privacy_officer")
    done = client.post(f"/staff/requests/{item.uid}/not-a-request/",
                       {"reason": "other", "text": ""}, follow=True)
    # The field by its label, in Dutch (#15), not its code "text".
    assert done.status_code == 200
    assert f"{item.reference}: In uw eigen woorden:" in done.content.decode()
    item.refresh_from_db()
    assert item.is_open and item.kind == kinds.TRIAGE


def test_sales_staff_may_not_open_triage_or_close_an_item(smtp, personas, staff_client):
    item = _mailed("Vraag", "Kunt u mij terugbellen?")
    client = staff_client("sales")
    assert client.get("/staff/requests/triage/").status_code == 403
    assert client.post(f"/staff/requests/{item.uid}/not-a-request/",
                       {"reason": "spam"}).status_code == 403
    item.refresh_from_db()
    assert item.is_open
