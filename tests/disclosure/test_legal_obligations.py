"""D1: data leave on a legal obligation only under one the policy declares
(`[legal_obligations.<id>]`), named by its id, for a recipient it names, categories it
covers and a person who has or had one of its roles. Free text ("Belastingdienst, art. 53
AWR", "because the tax office asked") once passed the gate; now every mismatch is refused
with the field and rule D1 — in the gate, the staff form and the API — and nothing is
logged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.models import Basis, Disclosure
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser
from privacydesk.staff.tokens import create_token
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR

# Date-sensitive (a role ended yesterday): re-run under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def refused(call, field: str, rule: str) -> RuleViolation:
    """Run `call`; it must raise RuleViolation(field, rule) and log nothing."""
    disclosures, entries = Disclosure.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as caught:
        call()
    assert (caught.value.field, caught.value.rule) == (field, rule), caught.value
    assert Disclosure.objects.count() == disclosures
    assert AuditEntry.objects.count() == entries
    return caught.value


def test_carlas_payroll_records_go_to_the_tax_authority_under_the_declared_obligation(
        personas):
    row = disclose(personas.carla, "Belastingdienst", ["financial", "names"],
                   "legal_obligation", actor=ACTOR, legal_obligation="payroll_tax")
    assert (row.basis, row.legal_basis) == (Basis.LEGAL_OBLIGATION, "legal_obligation")
    assert row.obligation == row.reference == "payroll_tax"
    entry = AuditEntry.objects.filter(action="disclose").last()
    assert entry is not None and entry.detail_data["obligation"] == "payroll_tax"


@pytest.mark.parametrize("because", [
    "  ",
    "Belastingdienst, art. 53 AWR (informatieplicht)",   # free text was once enough
    "because the tax office asked",
    "tax_inspection_2",
])
def test_only_a_declared_obligation_is_a_basis(personas, because):
    error = refused(lambda: disclose(personas.carla, "Belastingdienst", ["financial"],
                                     "legal_obligation", actor=ACTOR,
                                     legal_obligation=because),
                    "legal_obligation", "D1")
    assert "payroll_tax" in error.message and "tax_inspection" in error.message


def test_the_obligation_names_the_recipient(personas):
    error = refused(lambda: disclose(personas.carla, "Loonadministratie Noord BV",
                                     ["financial"], "legal_obligation", actor=ACTOR,
                                     legal_obligation="payroll_tax"),
                    "recipient", "D1")
    assert "Belastingdienst" in error.message


def test_the_obligation_covers_only_its_categories(personas):
    # The tax inspection of customers' fiscal records does not reach their e-mail address.
    error = refused(lambda: disclose(personas.anna, "Belastingdienst", ["names", "email"],
                                     "legal_obligation", actor=ACTOR,
                                     legal_obligation="tax_inspection"),
                    "categories", "D1")
    assert "email" in error.message


def test_the_obligation_covers_only_the_people_it_names(personas):
    # Payroll records are employees' records; Anna is a customer, Olaf has no role at all.
    refused(lambda: disclose(personas.anna, "Belastingdienst", ["names"], "legal_obligation",
                             actor=ACTOR, legal_obligation="payroll_tax"), "person", "D1")
    refused(lambda: disclose(personas.olaf, "Belastingdienst", ["names"], "legal_obligation",
                             actor=ACTOR, legal_obligation="tax_inspection"), "person", "D1")


def test_a_former_customers_fiscal_records_stay_open_to_the_inspector(personas):
    role = personas.anna.roles.get(kind="customer")
    services.end_role(role, clock.today() - timedelta(days=1), actor=ACTOR)
    row = disclose(personas.anna, "belastingdienst ", ["names"], "legal_obligation",
                   actor=ACTOR, legal_obligation="tax_inspection")
    assert row.obligation == "tax_inspection"


# --- D1: a legal obligation is one the policy declares, matching recipient and data ---------

def test_the_form_offers_only_the_declared_obligations_and_names_a_mismatch(
        personas, staff_client):
    client = staff_client("finance")
    form = client.get("/staff/disclosures/new/").content.decode()
    assert 'value="payroll_tax"' in form and 'value="tax_inspection"' in form
    assert "Algemene wet inzake rijksbelastingen" in form
    page = _post(client, "/staff/disclosures/new/", person=str(personas.anna.ref),
                 recipient="Belastingdienst", categories=["names", "email"],
                 purpose="legal_obligation", basis="legal_obligation",
                 legal_obligation="tax_inspection")
    assert page.status_code == 200 and "[D1]" in page.content.decode()
    page = _post(client, "/staff/disclosures/new/", person=str(personas.anna.ref),
                 recipient="Belastingdienst", categories=["names"],
                 purpose="legal_obligation", basis="legal_obligation", legal_obligation="")
    assert page.status_code == 200 and "[D1]" in page.content.decode()
    assert not Disclosure.objects.exists()


def test_the_api_accepts_only_a_declared_obligation_that_covers_the_disclosure(personas):
    client = _api("privacy_officer")
    body = {"person": str(personas.carla.ref), "recipient": "Belastingdienst",
            "categories": ["financial"], "purpose": "legal_obligation",
            "legal_obligation": "payroll_tax"}
    for change, field in (({"legal_obligation": "Belastingdienst, art. 53 AWR"},
                           "legal_obligation"),
                          ({"recipient": "Marketing BV"}, "recipient"),
                          ({"legal_obligation": "tax_inspection"}, "person")):
        answer = _json(client, "/api/v1/disclosures", {**body, **change})
        assert answer.status_code == 422, change
        assert answer.json()["errors"] == [
            {**answer.json()["errors"][0], "field": field, "rule": "D1"}]
    assert not Disclosure.objects.exists()
    made = _json(client, "/api/v1/disclosures", body)
    assert made.status_code == 201, made.content
    assert (made.json()["basis"], made.json()["reference"]) == ("legal_obligation",
                                                                "payroll_tax")


def _post(client, path, **data):
    return client.post(path, data)


def _api(role: str) -> Client:
    user = StaffUser.objects.create_user(username=f"api-{role}", password=None,
                                         staff_role=role)
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    return Client(headers={"Authorization": f"Bearer {create_token(user, 'tests')}"})


def _json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_log_page_names_the_obligation_not_its_id(personas, staff_client):
    disclose(personas.carla, "Belastingdienst", ["financial"], "legal_obligation",
             actor=ACTOR, legal_obligation="payroll_tax")
    page = staff_client("finance").get("/staff/disclosures/").content.decode()
    assert ("Loonadministratie voor de Belastingdienst (Belastingdienst, art. 28 Wet op "
            "de loonbelasting 1964)") in page
