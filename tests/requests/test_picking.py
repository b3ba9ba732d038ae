"""Correction and erasure by picking (#15 blocker 1, Rt2, Rt3, Art. 16, 17, 19): the officer
sees the person's data on the request page after the purpose step, picks a row, sees the
change and the recipients that will be told, and confirms; no internal id is ever typed,
a wrong value is explained in Dutch on its field and what was typed stays, and a datum of
another person is refused."""

from __future__ import annotations

import pytest

from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Address, Identity, Person, Phone
from privacydesk.requests import _picking, actions, recipients
from privacydesk.requests.models import Status
from privacydesk.retention.models import DeletionReceipt, ErasureLedger
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA, CARLA
from .helpers import verified

pytestmark = pytest.mark.django_db(transaction=True)


def _page(client, request, query=""):
    response = client.get(f"/staff/requests/{request.uid}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _pick_url(request, category, datum):
    return f"/staff/requests/{request.uid}/correct/{category}/{datum.pk}/"


def test_the_request_page_asks_no_internal_ids_and_shows_annas_data_after_the_purpose_step(
        smtp, personas, staff_client):
    request = verified(smtp, "rectification", ANNA)
    client = staff_client("privacy_officer")
    page = _page(client, request)
    for gone in ("Datum number", 'name="datum"', 'name="category"', 'name="values"'):
        assert gone not in page  # the old free-text inputs are gone
    assert "De gegevens van de persoon tonen" in page and "+31612345678" not in page
    assert not AuditEntry.objects.filter(purpose="rectification", action="read").exists()

    page = _page(client, request, "?show=data")
    assert "Telefoonnummer" in page and "+31612345678" in page  # labels and values
    assert "Straat" in page and "Herestraat" in page
    phone = Phone.objects.get(person=personas.anna)
    assert _pick_url(request, "phone", phone) in page and "Corrigeren" in page
    # Sec4: the view was recorded with the request's right as purpose
    assert AuditEntry.objects.filter(purpose="rectification", action="read",
                                     person_ref=str(personas.anna.ref)).exists()


def test_annas_address_is_picked_previewed_with_the_recipient_and_corrected(
        smtp, personas, staff_client):
    request = verified(smtp, "rectification", ANNA)
    client = staff_client("privacy_officer")
    address = Address.objects.get(person=personas.anna)
    form = client.get(_pick_url(request, "address", address)).content.decode()
    assert 'value="Herestraat"' in form and "Straat" in form  # prefilled, by label
    typed = {"street": "Oude Ebbingestraat", "house_number": "7", "postcode": "9711 LM",
             "city": "Groningen", "country": "NL"}

    preview = client.post(_pick_url(request, "address", address),
                          {**typed, "step": "preview"}).content.decode()
    assert "Herestraat" in preview and "Oude Ebbingestraat" in preview  # old → new
    assert "Boekhoud BV" in preview  # Art. 19: they received her address
    assert "Ontvangers die worden ingelicht" in preview
    address.refresh_from_db()
    assert address.get_values()["street"] == "Herestraat"  # a preview stores nothing

    done = client.post(_pick_url(request, "address", address), {**typed, "step": "confirm"})
    assert done.status_code == 302
    address.refresh_from_db()
    assert address.get_values()["street"] == "Oude Ebbingestraat"
    request.refresh_from_db()
    assert request.detail["corrections"] == [
        {"category": "address", "datum": address.pk, "recipients": ["Boekhoud BV"]}]
    page = _page(client, request)
    assert "Boekhoud BV" in page  # the timeline names whom to inform


def test_a_wrong_phone_number_is_explained_in_dutch_on_its_field_and_the_form_keeps_it(
        smtp, personas, staff_client):
    request = verified(smtp, "rectification", ANNA)
    client = staff_client("privacy_officer")
    phone = Phone.objects.get(person=personas.anna)
    response = client.post(_pick_url(request, "phone", phone),
                           {"number": "bel maar", "step": "preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Telefoonnummer: is geen telefoonnummer (regel format)" in page
    assert 'value="bel maar"' in page  # never cleared
    phone.refresh_from_db()
    assert phone.get_values()["number"] == "+31612345678"


def test_a_correction_that_changes_nothing_is_refused_with_its_rule(smtp, personas):
    request = verified(smtp, "rectification", ANNA)
    phone = Phone.objects.get(person=personas.anna)
    with pytest.raises(RuleViolation) as refused:
        _picking.preview_correction(request, "phone", phone.pk, {"number": "06 12345678"},
                                    lang="nl")
    assert (refused.value.field, refused.value.rule) == ("values", "Rt2")


def test_a_forged_datum_of_another_person_is_refused_on_every_step(
        smtp, personas, staff_client):
    request = verified(smtp, "rectification", ANNA)
    client = staff_client("privacy_officer")
    carlas = Identity.objects.get(person=personas.carla)
    url = f"/staff/requests/{request.uid}/correct/identity/{carlas.pk}/"
    typed = {"kind": "bsn", "number": "123456782"}
    steps = [lambda: client.get(url), lambda: client.post(url, {**typed, "step": "preview"}),
             lambda: client.post(url, {**typed, "step": "confirm"})]
    for step in steps:
        response = step()
        assert response.status_code == 302
        followed = client.get(response["Location"]).content.decode()
        assert ("Gekozen gegeven: de persoon van dit verzoek heeft dit gegeven niet "
                "(regel exists)") in followed
    # the old endpoint refuses it too (server-side, whatever is posted), never with a 500
    for datum in (str(carlas.pk), "Telefoonnummers"):
        old = client.post(f"/staff/requests/{request.uid}/correct/",
                          {"category": "identity", "datum": datum, "values": "number: 1"})
        assert old.status_code == 302
    carlas.refresh_from_db()
    assert carlas.get_values()["number"] == "111222333"
    request.refresh_from_db()
    assert "corrections" not in request.detail


def test_the_recipients_preview_tells_no_one(smtp, personas):
    calls = []

    def notifier(person, category, *, request, actor):
        calls.append(request)
        return ["Loonbureau"] if category == "address" else []

    recipients.NOTIFIERS.append(notifier)
    try:
        assert recipients.recipients_to_tell(personas.anna, ["address", "phone"]) == [
            "Boekhoud BV", "Loonbureau"]
    finally:
        recipients.NOTIFIERS.remove(notifier)
    assert calls and all(r is None for r in calls)  # asked as a preview only


def test_carlas_erasure_preview_says_what_goes_what_law_keeps_and_then_erases(
        smtp, personas, staff_client):
    request = verified(smtp, "erasure", CARLA)
    client = staff_client("privacy_officer")
    page = _page(client, request, "?show=data")
    assert "wordt gewist" in page and "blijft bewaard" in page
    preview = client.get(f"/staff/requests/{request.uid}/erase/preview/").content.decode()
    kept = preview.split("Bewaard op grond van een wettelijke regel")[1]
    assert "111222333" in kept and "art. 28 Wet op de loonbelasting 1964" in kept
    assert "Carla" in preview.split("Bewaard op grond")[0]  # her name goes
    assert Identity.objects.filter(person=personas.carla).exists()  # nothing done yet

    client.post(f"/staff/requests/{request.uid}/erase/")
    assert Identity.objects.get(person=personas.carla).restricted is True
    request.refresh_from_db()
    assert request.status == Status.ANSWERED and request.detail["recipients"] == []


def test_annas_erasure_names_the_recipients_of_what_goes(smtp, personas):
    request = verified(smtp, "erasure", ANNA)
    preview = _picking.preview_erasure(request, actor="po", staff_role="privacy_officer",
                                       lang="nl")
    assert preview.recipients == ("Boekhoud BV",) and preview.person_deleted
    assert {row.category for row in preview.deleted} >= {"names", "address", "phone"}
    actions.erase(request, actor="po")
    request.refresh_from_db()
    assert request.detail["recipients"] == ["Boekhoud BV"]
    assert "recipients to inform: Boekhoud BV" in request.events.get(action="erased").note
    assert not Person.objects.filter(ref=personas.anna.ref).exists()


def test_anna_has_only_her_address_erased_and_the_receipt_says_the_rest_is_unchanged(
        smtp, personas, staff_client):
    request = verified(smtp, "erasure", ANNA)
    client = staff_client("privacy_officer")
    address = Address.objects.get(person=personas.anna)
    page = _page(client, request, "?show=data")
    assert f'name="pick" value="address:{address.pk}"' in page  # ticked, never typed
    url = f"/staff/requests/{request.uid}/erase/preview/"
    nothing = client.get(url, {"picked": "1"}, follow=True).content.decode()
    assert "Gekozen gegeven: vink ten minste één gegeven aan om te wissen (regel required)" \
        in nothing
    preview = client.get(url, {"picked": "1", "pick": f"address:{address.pk}"}).content.decode()
    assert "Herestraat" in preview and "Boekhoud BV" in preview
    assert "+31612345678" not in preview  # her phone number is not part of this erasure
    assert Address.objects.filter(pk=address.pk).exists()  # a preview erases nothing

    client.post(f"/staff/requests/{request.uid}/erase/picked/",
                {"pick": f"address:{address.pk}"})
    assert not Address.objects.filter(pk=address.pk).exists()
    assert Phone.objects.filter(person=personas.anna).exists()  # the rest stays
    assert DeletionReceipt.objects.filter(model="register.address",
                                          person_ref=str(personas.anna.ref)).exists()
    assert not ErasureLedger.objects.filter(person_ref=str(personas.anna.ref)).exists()
    request.refresh_from_db()
    assert request.status == Status.ANSWERED and request.detail["recipients"] == ["Boekhoud BV"]
    assert request.detail["receipt"]["partial"] is True
    assert "uw overige gegevens zijn niet gewijzigd" in smtp.to(ANNA)[-1].get_content()


def test_a_picked_datum_the_law_keeps_or_of_another_person_erases_nothing(
        smtp, personas, staff_client):
    request = verified(smtp, "erasure", CARLA)
    identity = Identity.objects.get(person=personas.carla)
    with pytest.raises(RuleViolation) as kept:
        actions.erase(request, actor="po", picks=[("identity", identity.pk)])
    assert (kept.value.field, kept.value.rule) == ("datum", "Art17(3)")
    client = staff_client("privacy_officer")
    law = client.post(f"/staff/requests/{request.uid}/erase/picked/",
                      {"pick": [f"identity:{identity.pk}"]}, follow=True).content.decode()
    assert ("Gekozen gegeven: een wettelijke regel verplicht ons dit gegeven te bewaren "
            "(art. 17 lid 3 AVG) (regel Art17(3))") in law
    annas = Phone.objects.get(person=personas.anna)
    refused = client.post(f"/staff/requests/{request.uid}/erase/picked/",
                          {"pick": [f"phone:{annas.pk}"]}, follow=True).content.decode()
    assert "Gekozen gegeven: deze persoon heeft dit gegeven niet (regel exists)" in refused
    assert Phone.objects.filter(pk=annas.pk).exists()
    assert Identity.objects.filter(pk=identity.pk).exists()
    request.refresh_from_db()
    assert request.status == Status.VERIFIED and "receipt" not in request.detail
