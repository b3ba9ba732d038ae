"""Rt5, Rt6: a request that came in by letter, telephone or in person is registered by
staff in the back office (and through the API) — its clocks run from the day it came in,
every rule broken is named with its field, nothing is half-written, and it is audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]

LETTER = {"kind": "access", "channel": "letter", "language": "nl", "name": "Bram Visser",
          "email": "", "address": "Vismarkt 3\n9712 CA Groningen",
          "notes": "Brief van 3 november: wil weten welke gegevens wij hebben."}


def _post(client: Client, data: dict[str, str], lang: str = "en") -> object:
    return client.post("/staff/requests/new/", data, HTTP_ACCEPT_LANGUAGE=lang)


def test_a_letter_of_three_days_ago_is_registered_and_its_clocks_run_from_that_day(
        smtp, personas, staff_client):
    client = staff_client("privacy_officer")
    day = clock.today() - timedelta(days=3)
    response = _post(client, {**LETTER, "received_on": day.isoformat()})
    filed = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/requests/{filed.uid}/"
    received = clock.start_of(day)    # the start of that day in the policy's zone
    assert (filed.channel, filed.kind, filed.received_at) == ("letter", "access", received)
    # Rt6: one week, 7 x 24 hours (also across a DST night, as check Rt6 measures it).
    assert filed.statement_deadline - filed.received_at == timedelta(days=7)
    assert filed.legal_deadline > filed.statement_deadline           # Art. 12(3): a month
    contact = filed.contact()
    assert contact["address"] == LETTER["address"] and contact["message"] == LETTER["notes"]
    # No e-mail address: nothing to search or mail; staff verify another way.
    assert filed.status == Status.NEW and smtp.messages == []
    page = client.get(f"/staff/requests/{filed.uid}/").content.decode()
    # the channel and kind by their labels on the Dutch timeline, never the codes (#15)
    assert "Vismarkt 3" in page and "brief: Inzage (art. 15)" in page


def test_a_call_with_an_e_mail_address_starts_the_identity_step(smtp, personas, staff_client):
    client = staff_client("privacy_officer")
    _post(client, {**LETTER, "channel": "phone", "email": ANNA, "address": "",
                   "received_on": clock.today().isoformat()})
    filed = DataSubjectRequest.objects.get()
    assert filed.channel == "phone" and filed.status == Status.AWAITING_VERIFICATION
    assert len(smtp.to(ANNA)) == 1  # the confirmation link to the registered address
    assert filed.statement_deadline - filed.received_at == timedelta(days=7)


@pytest.mark.parametrize(("change", "field", "rule"), [
    ({"address": ""}, "email", "Rt5"),                       # no way to answer
    ({"received_on": "2999-01-01"}, "received_on", "Rt6"),   # clocks cannot start ahead
    ({"channel": "carrier pigeon"}, "channel", None),
    ({"kind": "gossip"}, "kind", None),
    ({"email": "not an address"}, "email", None),
    ({"name": ""}, "name", None),
    ({"received_on": "yesterday"}, "received_on", None),
])
def test_a_broken_rule_names_its_field_and_nothing_is_stored(smtp, personas, staff_client,
                                                              change, field, rule):
    client = staff_client("privacy_officer")
    data = {**LETTER, "received_on": clock.today().isoformat(), **change}
    response = _post(client, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if rule:
        assert f"[{rule}]" in errors[field][0]
    assert DataSubjectRequest.objects.count() == 0
    assert not AuditEntry.objects.filter(action="request.received").exists()


def test_every_broken_rule_is_shown_at_once(smtp, personas, staff_client):
    client = staff_client("privacy_officer")
    response = _post(client, {**LETTER, "address": "", "received_on": "2999-01-01"})
    errors = response.context["form"].errors
    assert "[Rt5]" in errors["email"][0] and "[Rt6]" in errors["received_on"][0]
    assert DataSubjectRequest.objects.count() == 0


def test_nothing_is_half_written_when_the_audit_append_fails(smtp, personas, staff_client,
                                                             monkeypatch):
    from privacydesk.requests import events

    def refuse(*args, **kwargs):
        raise RuntimeError("audit chain unavailable")

    monkeypatch.setattr(events.audit, "record", refuse)  # fails after the row is saved
    client = staff_client("privacy_officer")
    client.raise_request_exception = False
    response = _post(client, {**LETTER, "received_on": clock.today().isoformat()})
    assert response.status_code == 500
    assert DataSubjectRequest.objects.count() == 0


def test_the_registration_is_audited_without_the_requesters_details(smtp, personas,
                                                                     staff_client):
    client = staff_client("privacy_officer")
    _post(client, {**LETTER, "received_on": clock.today().isoformat()})
    filed = DataSubjectRequest.objects.get()
    entry = AuditEntry.objects.get(action="request.received")
    assert entry.actor.startswith("privacy_officer-") and entry.object_id == str(filed.pk)
    assert "Vismarkt" not in entry.detail and "Bram" not in entry.detail
    assert [e.action for e in filed.events.all()] == ["received"]


def test_only_staff_who_handle_requests_may_register_one(smtp, personas, staff_client):
    sales = staff_client("sales")
    assert sales.get("/staff/requests/new/").status_code == 403
    assert _post(sales, {**LETTER, "received_on": clock.today().isoformat()}
                 ).status_code == 403
    assert Client().get("/staff/requests/new/").status_code == 302  # to the login
    assert DataSubjectRequest.objects.count() == 0


def test_the_form_speaks_dutch_and_english(smtp, personas, staff_client):
    client = staff_client("privacy_officer")
    dutch = client.get("/staff/requests/new/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Verzoek registreren" in dutch and "Postadres" in dutch and "Brief" in dutch
    assert "inzage in uw gegevens (Art. 15)" in dutch
    english = client.get("/staff/requests/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Register a request" in english and "Postal address" in english
    assert "access to your data (Art. 15)" in english
    listing = client.get("/staff/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/staff/requests/new/"' in listing


def _api(token: str, body: dict[str, object]) -> object:
    return Client().post("/api/v1/requests", data=json.dumps(body),
                         content_type="application/json",
                         headers={"Authorization": f"Bearer {token}"})


def test_the_api_registers_a_letter_with_the_same_rules(smtp, personas, api_token):
    token = api_token("privacy_officer")
    received = timezone.now() - timedelta(days=2)
    created = _api(token, {"kind": "erasure", "channel": "letter", "name": "Bram Visser",
                           "address": "Vismarkt 3, Groningen",
                           "received_at": received.isoformat()})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["channel"], body["status"], body["days_left"]) == ("letter", "new", 4)
    unreachable = _api(token, {"kind": "access", "channel": "phone", "name": "Bram"})
    assert unreachable.status_code == 422
    assert unreachable.json()["errors"][0]["field"] == "email"
    assert unreachable.json()["errors"][0]["rule"] == "Rt5"
    ahead = _api(token, {"kind": "access", "channel": "in_person", "name": "Bram",
                         "address": "Vismarkt 3",
                         "received_at": (timezone.now() + timedelta(days=1)).isoformat()})
    assert ahead.status_code == 422 and ahead.json()["errors"][0]["rule"] == "Rt6"
    assert DataSubjectRequest.objects.count() == 1


def test_a_name_with_a_line_break_never_reaches_a_mail_header(smtp, personas, api_token):
    """"x\r\nBcc: …" through the API is refused with a field error, not stored and mailed
    (#13, 5.7); a postal address may have lines."""
    token = api_token("privacy_officer")
    for field, value in (("name", "Bram\r\nBcc: olaf@example.org"),
                         ("email", "bram@example.nl\r\nBcc: olaf@example.org"),
                         ("name", "Br\ufffd\ufffdm")):
        refused = _api(token, {"kind": "access", "channel": "letter", "name": "Bram",
                               "address": "Vismarkt 3\nGroningen", field: value})
        assert refused.status_code == 422, refused.content
        error = refused.json()["errors"][0]
        assert (error["field"], error["rule"]) == (field, "format")
    assert DataSubjectRequest.objects.count() == 0
    assert smtp.messages == []
    filed = _api(token, {"kind": "access", "channel": "letter", "name": "Bram Visser",
                         "address": "Vismarkt 3\nGroningen"})
    assert filed.status_code == 201, filed.content
