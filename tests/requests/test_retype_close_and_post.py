"""Rt6 (#13.2): a request's kind changes only with a reason and never moves its clocks; a
request closed without an answer carries its reason; and (#13, 5.11) a letter request is
erased and answered by post instead of being erased and then refused. One service each,
reached the same way from the staff page, the API and Python."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Person
from privacydesk.requests import actions, intake, verification
from privacydesk.requests.models import DataSubjectRequest, Delivery, Status
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]

DAANS_LETTER = "Daan Bos\nKerkstraat 3\n9712 AB Groningen"


def _api(token: str, method: str, path: str, body: object = None):  # type: ignore[no-untyped-def]
    kwargs: dict[str, object] = {"headers": {"Authorization": f"Bearer {token}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(f"/api/v1/requests{path}", **kwargs)


def _annas_access_request(days_ago: int = 3) -> DataSubjectRequest:
    return intake.file_web_request(kind="access", name="Anna", email=ANNA, language="nl",
                                   now=timezone.now() - timedelta(days=days_ago))


def test_changing_the_kind_of_a_request_needs_a_reason_and_keeps_its_clocks(smtp, personas):
    filed = _annas_access_request()
    clocks = (filed.received_at, filed.statement_deadline, filed.legal_deadline)
    with pytest.raises(RuleViolation) as refused:
        intake.set_kind(filed, "none", actor="po")
    assert (refused.value.field, refused.value.rule) == ("reason", "Rt6")
    filed.refresh_from_db()
    assert filed.kind == "access" and not filed.events.filter(action="kind_set").exists()

    intake.set_kind(filed, "none", actor="po", reason="a question about an invoice")
    filed.refresh_from_db()
    assert filed.kind == "none"
    assert (filed.received_at, filed.statement_deadline, filed.legal_deadline) == clocks
    [change] = filed.detail["kind_changes"]
    assert (change["from"], change["to"], change["by"], change["reason"]) == (
        "access", "none", "po", "a question about an invoice")
    entry = AuditEntry.objects.filter(action="request.kind_set").get()
    assert "a question about an invoice" in entry.detail


def test_a_reason_with_an_address_in_it_is_refused(smtp, personas):
    filed = _annas_access_request()
    with pytest.raises(RuleViolation) as refused:
        intake.set_kind(filed, "erasure", actor="po", reason=f"asked again from {ANNA}")
    assert (refused.value.field, refused.value.rule) == ("reason", "format")


def test_closing_without_an_answer_needs_a_reason_which_is_kept(smtp, personas):
    filed = _annas_access_request()
    intake.set_kind(filed, "none", actor="po", reason="sales question")
    with pytest.raises(RuleViolation) as refused:
        actions.close(filed, actor="po", note="  ")
    assert (refused.value.field, refused.value.rule) == ("note", "Rt6")
    filed.refresh_from_db()
    assert filed.status == Status.AWAITING_VERIFICATION and filed.closed_at is None
    actions.close(filed, actor="po", note="not a privacy request")
    filed.refresh_from_db()
    assert filed.status == Status.REJECTED and filed.answered_at is None
    assert filed.detail["closed_without_answer"]["reason"] == "not a privacy request"
    assert filed.events.last().note == "without an answer: not a privacy request"


def test_staff_change_the_kind_and_close_on_the_page_with_their_reasons(
        smtp, personas, staff_client):
    filed = _annas_access_request()
    client = staff_client("privacy_officer")
    page = client.get(f"/staff/requests/{filed.uid}/").content.decode()
    assert 'name="reason"' in page
    refused = client.post(f"/staff/requests/{filed.uid}/kind/", {"kind": "none"}, follow=True)
    # #15: the refusal reads in Dutch on the page (the API keeps the English message)
    assert ("Reden: zeg waarom dit verzoek van Inzage (art. 15) naar Geen verzoek gaat"
            in refused.content.decode())
    client.post(f"/staff/requests/{filed.uid}/kind/", {"kind": "none",
                                                       "reason": "sales question"})
    filed.refresh_from_db()
    assert filed.kind == "none"
    page = client.get(f"/staff/requests/{filed.uid}/").content.decode()
    assert f'action="/staff/requests/{filed.uid}/close/"' in page and 'id="close_reason"' in page
    client.post(f"/staff/requests/{filed.uid}/close/", {"note": "sales question"})
    filed.refresh_from_db()
    assert filed.status == Status.REJECTED
    assert filed.detail["closed_without_answer"]["reason"] == "sales question"


def test_the_api_asks_the_same_reasons(smtp, personas, api_token):
    token = api_token("privacy_officer")
    uid = _annas_access_request().uid
    no_reason = _api(token, "post", f"/{uid}/kind", {"kind": "none"})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert _api(token, "post", f"/{uid}/kind", {"kind": "none", "reason": "spam"}).json()[
        "kind"] == "none"
    unexplained = _api(token, "post", f"/{uid}/close", {"text": ""})
    assert unexplained.status_code == 422 and unexplained.json()["errors"][0]["rule"] == "Rt6"
    assert _api(token, "post", f"/{uid}/close", {"text": "spam"}).json()["status"] == \
        "rejected"


def _daans_letter(kind: str, personas) -> DataSubjectRequest:  # type: ignore[no-untyped-def]
    filed = intake.file_staff_request(kind=kind, name="Daan Bos", email="", message="",
                                      language="nl", actor="po", channel="letter",
                                      address=DAANS_LETTER)
    return verification.verify_by_staff(filed, str(personas.daan.ref), actor="po",
                                        note="signature compared with his contract")


def test_a_letter_erasure_is_erased_and_answered_by_post_not_erased_and_refused(
        smtp, personas, api_token):
    token = api_token("privacy_officer")
    ref = str(personas.daan.ref)
    uid = _daans_letter("erasure", personas).uid
    erased = _api(token, "post", f"/{uid}/erase")
    assert erased.status_code == 200, erased.content
    assert erased.json()["answer"] == {"by": "post", "answered": False}
    assert erased.json()["person_deleted"] is True
    assert not Person.objects.filter(ref=ref).exists()
    assert smtp.messages == []  # nothing to mail to
    request = DataSubjectRequest.objects.get(uid=uid)
    assert request.status == Status.VERIFIED and request.detail["receipt"]["person_ref"] == ref
    # Asked again, it erases nothing twice and still says: by post.
    assert _api(token, "post", f"/{uid}/erase").json()["answer"]["by"] == "post"
    posted = _api(token, "post", f"/{uid}/posted", {"text": "receipt, in Dutch"})
    # Recording the letter answers and closes the request (#15 blocker 3).
    assert posted.status_code == 200 and posted.json()["status"] == "closed"
    # A fixed text, shown in the staff's language; what was sent is on the timeline (#15).
    assert posted.json()["answered_how"] == "post: letter sent"
    assert DataSubjectRequest.objects.get(uid=uid).events.filter(
        note="letter sent by post: receipt, in Dutch").exists()
    assert _api(token, "post", f"/{uid}/erase").status_code == 422  # answered: no repeat


def test_the_staff_page_shows_the_receipt_to_post(smtp, personas, staff_client):
    request = _daans_letter("erasure", personas)
    client = staff_client("privacy_officer")
    done = client.post(f"/staff/requests/{request.uid}/erase/", follow=True).content.decode()
    assert f'action="/staff/requests/{request.uid}/answer/post/"' in done
    assert "Bevestiging van verwijdering" in done  # the receipt, in Daan's language
    client.post(f"/staff/requests/{request.uid}/answer/post/", {"note": ""})
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.answered_how == "post: letter sent"


def test_a_letter_access_request_is_refused_before_any_export_is_made(
        smtp, personas, api_token, settings):
    token = api_token("privacy_officer")
    uid = _daans_letter("access", personas).uid
    refused = _api(token, "post", f"/{uid}/export")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "email"
    assert not Delivery.objects.exists()
    exports = settings.DATA_DIR / "request-exports"
    assert not exports.exists() or not any(exports.iterdir())
    assert DataSubjectRequest.objects.get(uid=uid).status == Status.VERIFIED
