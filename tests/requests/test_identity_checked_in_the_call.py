"""Art. 12(6), issue #15: a telephone request whose caller staff already identified in the
call gets no "please confirm" e-mail — not when it is registered, not on the clock's tick;
staff match the person and mark it verified. Only a call or a visit can be checked so."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import clock as request_clock
from privacydesk.requests import intake, verification
from privacydesk.requests.models import DataSubjectRequest, Status

from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]

CALL = {"kind": "restriction", "channel": "phone", "language": "nl", "name": "Anna de Vries",
        "email": ANNA, "address": "", "notes": "Belde om het gebruik te laten beperken.",
        "identity_checked": "Teruggebeld op het nummer in het register; geboortedatum klopt."}


def _register(client: Client, data: dict[str, str]) -> object:
    return client.post("/staff/requests/new/", {**data,
                                                "received_on": clock.today().isoformat()},
                       HTTP_ACCEPT_LANGUAGE="nl")


def test_annas_call_checked_by_staff_sends_no_confirmation_mail(smtp, personas, staff_client):
    client = staff_client("privacy_officer")
    response = _register(client, CALL)
    filed = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert filed.status == Status.NEW and smtp.to(ANNA) == []
    assert filed.detail[intake.IDENTITY_CHECKED].startswith("Teruggebeld")
    assert "identity_checked" in [e.action for e in filed.events.all()]
    request_clock.tick()  # the retry of the identity step leaves it alone as well
    filed.refresh_from_db()
    assert filed.status == Status.NEW and smtp.to(ANNA) == []
    # Staff match Anna and mark the request verified; still no mail to confirm.
    verification.verify_by_staff(filed, str(personas.anna.ref), actor="po",
                                 note="in het gesprek gecontroleerd")
    filed.refresh_from_db()
    assert filed.status == Status.VERIFIED and smtp.to(ANNA) == []


def test_a_call_without_the_check_still_gets_the_confirmation_link(smtp, personas,
                                                                   staff_client):
    _register(staff_client("privacy_officer"), {**CALL, "identity_checked": ""})
    filed = DataSubjectRequest.objects.get()
    assert filed.status == Status.AWAITING_VERIFICATION and len(smtp.to(ANNA)) == 1


def test_a_letter_cannot_claim_a_check_in_a_call_and_nothing_is_stored(smtp, personas,
                                                                         staff_client):
    response = _register(staff_client("privacy_officer"),
                         {**CALL, "channel": "letter", "address": "Herestraat 12"})
    assert response.status_code == 200 and not DataSubjectRequest.objects.exists()
    assert response.context["form"].errors["identity_checked"]  # shown on its own field
    with pytest.raises(RuleViolation) as refused:
        intake.file_staff_request(kind="access", name="Anna", email=ANNA, message="",
                                  language="nl", actor="po", channel="in_person",
                                  identity_checked="mail naar anna@example.nl")
    assert (refused.value.field, refused.value.rule) == ("identity_checked", "format")
    assert not DataSubjectRequest.objects.exists()


def test_the_api_registers_a_checked_call_without_a_confirmation_mail(smtp, personas,
                                                                      api_token):
    token = api_token("privacy_officer")
    created = Client().post(
        "/api/v1/requests", json.dumps({
            "kind": "access", "channel": "phone", "name": "Anna de Vries", "email": ANNA,
            "identity_checked": "geboortedatum en klantnummer genoemd"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "new" and smtp.to(ANNA) == []
