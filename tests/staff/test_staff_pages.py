"""The back office writes only through the register service: a broken rule is shown next to
the field it names, with its rule id, and nothing is stored. Pages obey the strict CSP."""

from __future__ import annotations

import re
from datetime import date

from privacydesk.register.models import DATUM_MODELS, Agreement, Financial, Person, Role
from privacydesk.staff.models import StaffUser
from privacydesk.vault.models import AuditEntry

PAGES = ["/staff/", "/staff/persons/", "/staff/persons/new/", "/staff/organisations/",
         "/staff/agreements/", "/staff/agreements/new/", "/staff/users/", "/staff/users/new/",
         "/staff/protocol/"]


def _stored() -> tuple[int, int]:
    return sum(m.objects.count() for m in DATUM_MODELS.values()), Person.objects.count()


def test_pages_have_no_inline_script_or_style_and_an_accessible_frame(staff_client, people):
    client = staff_client("privacy_officer")
    for url in PAGES + [f"/staff/persons/{people.anna.ref}/?purpose=callback"]:
        html = client.get(url).content.decode()
        assert "<script" not in html and "style=" not in html and "<style" not in html, url
        assert re.search(r'<html lang="(nl|en)">', html), url
        assert 'href="#main"' in html and 'id="main"' in html, url
        assert "InFactor" in html, url  # the controller, from the policy, in the footer


def test_the_dashboard_counts_roles_and_draws_an_svg_chart(staff_client, people):
    html = staff_client("sales").get("/staff/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<svg class="chart" role="img"' in html
    assert "customers: 1" in html and "employees: 1" in html


def test_a_person_is_added_with_role_and_name_through_the_form(staff_client):
    client = staff_client("sales")
    response = client.post("/staff/persons/new/", {
        "role": "prospect", "given_names": "Bram", "family_name": "Visser",
        "source": "contact_form", "purpose": "callback", "basis": "consent"})
    bram = Person.objects.get()
    assert response.status_code == 302 and str(bram.ref) in response["Location"]
    assert Role.objects.get(person=bram).kind == "prospect"
    assert bram.display_name() == "Bram Visser"


def test_a_contact_without_organisation_is_refused_whole(staff_client):
    client = staff_client("sales")
    response = client.post("/staff/persons/new/", {
        "role": "contact", "given_names": "Eva", "family_name": "Smit",
        "source": "email", "purpose": "callback", "basis": "consent"})
    assert response.status_code == 200
    assert "[S1]" in response.content.decode()
    assert _stored() == (0, 0)  # not even the person: one transaction


def test_financial_data_for_a_contact_is_refused_next_to_the_field(staff_client, people):
    # C3: financial data only for customers, prospects and employees; Eva is a contact.
    client = staff_client("finance")
    before = (_stored(), AuditEntry.objects.count())
    response = client.post(f"/staff/persons/{people.eva.ref}/data/financial/new/", {
        "kind": "iban", "value": "NL91ABNA0417164300", "source": "email",
        "purpose": "callback", "basis": "consent"})
    html = response.content.decode()
    assert response.status_code == 200 and "[C3]" in html
    assert (_stored(), AuditEntry.objects.count()) == before
    assert not Financial.objects.exists()


def test_financial_data_for_a_customer_is_stored_and_shown_to_finance(staff_client, people):
    client = staff_client("finance")
    response = client.post(f"/staff/persons/{people.anna.ref}/data/financial/new/", {
        "kind": "iban", "value": "NL91ABNA0417164300", "source": "service",
        "purpose": "callback", "basis": "consent"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "NL91ABNA0417164300" in page


def test_a_datum_is_changed_and_deleted_with_a_reason(staff_client, people):
    client = staff_client("privacy_officer")
    name = DATUM_MODELS["names"].objects.get(person=people.anna)
    base = f"/staff/persons/{people.anna.ref}/data/names/{name.pk}"
    form = client.get(f"{base}/edit/?purpose=rectification").content.decode()
    assert 'value="Anna"' in form
    client.post(f"{base}/edit/", {"given_names": "Anne", "family_name": "de Vries",
                                  "purpose": "rectification"})
    assert DATUM_MODELS["names"].objects.get(pk=name.pk).given_names == "Anne"
    client.post(f"{base}/delete/", {"purpose": "erasure"})
    assert not DATUM_MODELS["names"].objects.filter(pk=name.pk).exists()
    assert AuditEntry.objects.filter(action="delete", purpose="erasure").exists()


def test_the_edit_form_needs_a_purpose_before_it_shows_values(staff_client, people):
    client = staff_client("privacy_officer")
    name = DATUM_MODELS["names"].objects.get(person=people.anna)
    response = client.get(f"/staff/persons/{people.anna.ref}/data/names/{name.pk}/edit/")
    assert response.status_code == 302


def test_a_role_is_added_and_ended(staff_client, people):
    client = staff_client("hr")
    url = f"/staff/persons/{people.anna.ref}/roles/"
    client.post(url, {"kind": "prospect", "started_on": "2024-01-01"})
    role = Role.objects.get(person=people.anna, kind="prospect")
    client.post(f"{url}{role.pk}/end/", {"ended_on": "2024-06-30"})
    assert Role.objects.get(pk=role.pk).ended_on == date(2024, 6, 30)


def test_search_by_email_uses_the_blind_index(staff_client, people):
    html = staff_client("sales").get("/staff/persons/?q=ANNA@example.nl").content.decode()
    assert str(people.anna.ref) in html and str(people.carla.ref) not in html


def test_search_by_name(staff_client, people):
    html = staff_client("sales").get("/staff/persons/?q=jansen").content.decode()
    assert str(people.carla.ref) in html and str(people.anna.ref) not in html


def test_an_agreement_is_created_with_parties_and_recipients(staff_client, people):
    client = staff_client("finance")
    response = client.post("/staff/agreements/new/", {
        "kind": "sla", "reference": "SLA-2025-007", "title": "Network maintenance",
        "organisation": people.acme.pk, "starts_on": "2025-01-01", "ends_on": "",
        "parties": "anna@example.nl",
        "recipients-TOTAL_FORMS": "3", "recipients-INITIAL_FORMS": "0",
        "recipients-0-recipient": "Hosting BV", "recipients-0-categories": ["names", "email"],
        "recipients-0-legal_basis": "contract", "recipients-0-purpose": "hosting the mailbox",
    })
    agreement = Agreement.objects.get(reference="SLA-2025-007")
    assert response.status_code == 302
    assert agreement.has_party(people.anna)
    assert agreement.recipients.get().categories == ["email", "names"]
    assert "Hosting BV" in client.get(response["Location"]).content.decode()


def test_a_recipient_without_categories_is_refused_on_its_row(staff_client, people):
    client = staff_client("finance")
    response = client.post("/staff/agreements/new/", {
        "kind": "one_off", "reference": "OO-1", "title": "Repair", "starts_on": "2025-01-01",
        "recipients-TOTAL_FORMS": "3", "recipients-INITIAL_FORMS": "0",
        "recipients-0-recipient": "Courier BV", "recipients-0-legal_basis": "contract",
        "recipients-0-purpose": "delivery"})
    assert response.status_code == 200
    assert "at least one category" in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_privacy_officer_creates_staff_and_resets_their_second_factor(staff_client,
                                                                          make_staff):
    client = staff_client("privacy_officer")
    response = client.post("/staff/users/new/", {
        "username": "daan.sales", "staff_role": "sales",
        "password": "a long unguessable first password"})
    assert response.status_code == 302
    daan = StaffUser.objects.get(username="daan.sales")
    assert daan.staff_role == "sales" and daan.password.startswith("argon2")
    colleague = make_staff("hr")
    client.post(f"/staff/users/{colleague.pk}/reset-mfa/")
    assert not StaffUser.objects.get(pk=colleague.pk).mfa_enabled
    assert AuditEntry.objects.filter(object_type="staff.staffuser", action="reset_mfa").exists()
