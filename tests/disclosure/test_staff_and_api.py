"""The back office and the API translate the gate and the consent service: a refusal names
the field and the rule; only roles with "disclose_data" get in; a staff member passes on
only the categories their role may see (Sec1)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from privacydesk.disclosure.models import ConsentRequest, Disclosure
from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser
from privacydesk.staff.tokens import create_token

from .conftest import HOSTING, PARTNER


def _post(client, path, **data):
    return client.post(path, data)


def test_the_log_filters_by_person_and_recipient(personas, staff_client):
    client = staff_client("privacy_officer")
    page = _post(client, "/staff/disclosures/new/", person=str(personas.anna.ref),
                 recipient=HOSTING, categories=["names"], purpose="agreement", basis="auto")
    assert page.status_code == 302 and Disclosure.objects.count() == 1
    html = client.get("/staff/disclosures/", {"person": str(personas.anna.ref)}).content
    assert HOSTING.encode() in html and b"Anna" not in html
    assert HOSTING.encode() not in client.get("/staff/disclosures/",
                                              {"recipient": "nobody"}).content


def test_a_refused_disclosure_shows_the_field_and_the_rule(personas, staff_client):
    client = staff_client("service_engineer")
    page = _post(client, "/staff/disclosures/new/", person=str(personas.anna.ref),
                 recipient="Marketing BV", categories=["names"], purpose="agreement",
                 basis="agreement", agreement=personas.anna_sla.reference)
    assert page.status_code == 200 and "[D2]" in page.content.decode()
    assert not Disclosure.objects.exists()


def test_staff_disclose_only_categories_their_role_may_see(personas, staff_client):
    page = _post(staff_client("sales"), "/staff/disclosures/new/",
                 person=str(personas.carla.ref), recipient="Belastingdienst",
                 categories=["financial"], purpose="legal_obligation",
                 basis="legal_obligation", legal_obligation="payroll_tax")
    assert "[Sec1]" in page.content.decode() and not Disclosure.objects.exists()
    page = _post(staff_client("finance"), "/staff/disclosures/new/",
                 person=str(personas.carla.ref), recipient="Belastingdienst",
                 categories=["financial"], purpose="legal_obligation",
                 basis="legal_obligation", legal_obligation="payroll_tax")
    assert page.status_code == 302 and Disclosure.objects.get().actor.startswith("finance")


@pytest.mark.parametrize("role", ["hr", "service_lead"])
def test_roles_without_the_permission_are_refused(personas, staff_client, role):
    client = staff_client(role)
    for path in ("/staff/disclosures/", "/staff/disclosures/new/",
                 "/staff/disclosures/consents/", "/staff/disclosures/consents/new/"):
        assert client.get(path).status_code == 403


def test_staff_ask_consent_and_record_a_withdrawal(personas, staff_client, smtp):
    client = staff_client("sales")
    page = _post(client, "/staff/disclosures/consents/new/", person=str(personas.bram.ref),
                 recipient=PARTNER, categories=["names", "phone"], purpose="callback",
                 explanation="Partner BV belt u terug.", language="en")
    consent = ConsentRequest.objects.get()
    assert page.status_code == 302 and page["Location"].endswith(f"{consent.uid}/")
    assert len(smtp.messages) == 1
    detail = client.get(page["Location"]).content.decode()
    # The state in words, not its code (#15.8): staff read Dutch by default.
    assert "wacht op de persoon" in detail and PARTNER in detail
    listing = client.get("/staff/disclosures/consents/").content.decode()
    assert str(consent.uid) in listing
    refused = _post(client, f"/staff/disclosures/consents/{consent.uid}/withdraw/")
    assert refused.status_code == 302 and ConsentRequest.objects.get().withdrawn_at is None


def test_asking_a_purpose_that_cannot_rest_on_consent_is_not_offered(personas, staff_client):
    page = _post(staff_client("sales"), "/staff/disclosures/consents/new/",
                 person=str(personas.bram.ref), recipient=PARTNER, categories=["names"],
                 purpose="agreement", explanation="x", language="nl")
    assert page.status_code == 200 and not ConsentRequest.objects.exists()


def _api(role: str) -> Client:
    user = StaffUser.objects.create_user(username=f"api-{role}", password=None,
                                         staff_role=role)
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    client = Client(headers={"Authorization": f"Bearer {create_token(user, 'tests')}"})
    return client


def _json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_api_discloses_through_the_gate_and_lists_the_log(personas):
    client = _api("service_engineer")
    body = {"person": str(personas.anna.ref), "recipient": HOSTING,
            "categories": ["names", "email"], "purpose": "agreement"}
    made = _json(client, "/api/v1/disclosures", body)
    assert made.status_code == 201, made.content
    assert made.json()["basis"] == "agreement"
    assert made.json()["reference"] == personas.anna_sla.reference
    refused = _json(client, "/api/v1/disclosures", {**body, "recipient": "Marketing BV"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["rule"] == "D1"
    listed = client.get("/api/v1/disclosures", {"person": str(personas.anna.ref)}).json()
    assert listed["count"] == 1 and listed["items"][0]["recipient"] == HOSTING
    assert _api("hr").get("/api/v1/disclosures").status_code == 403


def test_the_api_asks_consent_reads_it_and_records_a_withdrawal(personas, smtp):
    client = _api("privacy_officer")
    made = _json(client, "/api/v1/disclosures/consents", {
        "person": str(personas.bram.ref), "recipient": PARTNER,
        "categories": ["names", "phone"], "purpose": "callback",
        "explanation": "Partner BV calls you back.", "language": "en"})
    assert made.status_code == 201 and made.json()["state"] == "pending"
    uid = made.json()["uid"]
    assert client.get(f"/api/v1/disclosures/consents/{uid}").json()["uid"] == uid
    assert client.get("/api/v1/disclosures/consents").json()["count"] == 1
    not_granted = client.post(f"/api/v1/disclosures/consents/{uid}/withdraw")
    assert not_granted.status_code == 422 and not_granted.json()["errors"][0]["rule"] == "D3"
    sales = _json(_api("sales"), "/api/v1/disclosures/consents", {
        "person": str(personas.carla.ref), "recipient": PARTNER, "categories": ["financial"],
        "purpose": "callback", "explanation": "x"})
    assert sales.status_code == 422 and sales.json()["errors"][0]["rule"] == "Sec1"
