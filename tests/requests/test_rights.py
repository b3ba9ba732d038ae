"""Rt2 correction (Art. 16, 19), Rt3 erasure (Art. 17) with an honest receipt, and
objection and restriction (Art. 18, 21): restricted data stay stored but are not used, and
the API refuses other use with a clear message."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register import services as register
from privacydesk.register.models import DATUM_MODELS, Address, Identity, Person
from privacydesk.requests import actions
from privacydesk.requests.models import Status
from privacydesk.retention.models import ErasureLedger
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA, CARLA, DAAN
from .helpers import verified

pytestmark = pytest.mark.django_db(transaction=True)


def test_annas_address_is_corrected_and_the_recipient_that_had_it_is_listed(smtp, personas):
    request = verified(smtp, "rectification", ANNA)
    datum = Address.objects.get(person=personas.anna)
    told = actions.correct(request, "address", datum.pk,
                           {"street": "Oude Ebbingestraat", "house_number": "7"}, actor="po")
    assert told == ["Boekhoud BV"]  # Art. 19: they received her old address
    datum.refresh_from_db()
    assert datum.get_values()["street"] == "Oude Ebbingestraat"
    entry = AuditEntry.objects.filter(action="update", object_type="register.address").get()
    assert entry.purpose == "rectification" and "street" in entry.detail
    assert "Oude" not in entry.detail  # field names, never values
    actions.confirm_done(request, "Uw adres is aangepast.", actor="po")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert "Uw adres is aangepast." in smtp.to(ANNA)[-1].get_content()


def test_a_correction_obeys_the_same_rules_as_any_write(smtp, personas):
    request = verified(smtp, "rectification", ANNA)
    datum = Address.objects.get(person=personas.anna)
    with pytest.raises(RuleViolation) as refused:
        actions.correct(request, "address", datum.pk, {"postcode": "not a postcode"},
                        actor="po")
    assert refused.value.field == "postcode"
    datum.refresh_from_db()
    assert datum.get_values()["postcode"] == "9711 LM"  # nothing half-stored


def test_daan_is_erased_for_real_and_receives_the_receipt(smtp, personas):
    ref = str(personas.daan.ref)
    request = verified(smtp, "erasure", DAAN)
    receipt = actions.erase(request, actor="po")
    assert receipt["person_deleted"] is True
    assert not Person.objects.filter(ref=ref).exists()
    assert all(not m._default_manager.filter(person__ref=ref).exists()
               for m in DATUM_MODELS.values())
    assert ErasureLedger.objects.filter(person_ref=ref).exists()  # restore replays it
    mail = smtp.to(DAAN)[-1]
    assert "Bevestiging van verwijdering" in mail.get_content()
    request.refresh_from_db()
    assert request.status == Status.ANSWERED and request.person_ref == ref
    assert request.answered_how == "e-mail: erasure receipt"


def test_carlas_identity_data_kept_by_law_are_restricted_and_the_receipt_says_why(
        smtp, personas):
    request = verified(smtp, "erasure", CARLA, lang="en")
    receipt = actions.erase(request, actor="po")
    assert receipt["person_deleted"] is False
    [kept] = receipt["kept"]
    assert kept["category"] == "identity" and kept["basis_article"] == "Art. 6(1)(c) GDPR"
    assert Identity.objects.get(person=personas.carla).restricted is True
    text = smtp.to(CARLA)[-1].get_content()
    assert "Confirmation of erasure" in text and "Wage Tax Act" in text


def test_a_restriction_keeps_annas_data_but_the_api_refuses_to_use_them(
        smtp, personas, api_token):
    request = verified(smtp, "restriction", ANNA, lang="en")
    actions.restrict(request, actor="po")
    anna = Person.objects.get(pk=personas.anna.pk)
    assert anna.restricted and Address.objects.filter(person=anna).exists()
    with pytest.raises(RestrictedError):
        register.read_person(anna, actor="sales", purpose="callback")
    token = api_token("privacy_officer")
    response = Client().get(f"/api/v1/persons/{anna.ref}", {"purpose": "callback"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409
    [error] = response.json()["errors"]
    assert error["rule"] == "Art18" and "restricted" in error["message"]
    # Art. 18(2): the person's own access still works.
    response = Client().get(f"/api/v1/persons/{anna.ref}", {"purpose": "access_request"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_an_upheld_objection_is_recorded_and_restricts_a_rejected_one_only_records(
        smtp, personas):
    upheld = verified(smtp, "objection", ANNA)
    actions.record_objection(upheld, actor="po", upheld=True, note="no compelling grounds")
    assert Person.objects.get(pk=personas.anna.pk).restricted
    rejected = verified(smtp, "objection", CARLA)
    actions.record_objection(rejected, actor="po", upheld=False,
                             note="payroll is a legal obligation, Art. 21 does not apply")
    assert not Person.objects.get(pk=personas.carla.pk).restricted
    assert json.loads(json.dumps(rejected.detail))["objection"]["upheld"] is False
    actions_done = [e.action for e in rejected.events.all()]
    assert "objection_rejected" in actions_done


def test_the_back_office_refuses_to_show_restricted_data_for_another_use(
        smtp, personas, staff_client):
    actions.restrict(verified(smtp, "restriction", ANNA), actor="po")
    page = staff_client("sales").get(f"/staff/persons/{personas.anna.ref}/",
                                     {"purpose": "callback"})
    text = page.content.decode()
    assert "restricted (Art. 18 GDPR)" in text and "Herestraat" not in text
