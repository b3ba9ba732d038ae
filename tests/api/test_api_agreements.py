"""/agreements: one-off assignments and SLAs with parties and recipients (P3, D2).

Changing agreements needs the policy permission manage_agreements (privacy officer,
finance); every staff role may read them.
"""

from __future__ import annotations

from typing import Any

from privacydesk.register.models import Agreement

from .conftest import only_error

RECIPIENT = {"recipient": "Hosting Noord BV", "categories": ["names", "email"],
             "legal_basis": "contract", "purpose": "hosting the new mail server"}
ASSIGNMENT: dict[str, Any] = {
    "kind": "one_off", "reference": "OPD-2025-017", "title": "Migratie mailserver",
    "starts_on": "2025-02-01", "ends_on": "2025-03-01",
    "recipients": [RECIPIENT],
}


def test_an_assignment_with_parties_and_recipients_round_trip(api_as: Any,
                                                              personas: Any) -> None:
    api = api_as("finance")
    created = api.post("/agreements", {**ASSIGNMENT, "parties": [str(personas.bram.ref)],
                                       "organisation": personas.acme.pk})
    assert created.status_code == 201, created.json()
    agreement = created.json()
    assert agreement["parties"] == [str(personas.bram.ref)]
    assert agreement["organisation"] == personas.acme.pk
    assert agreement["recipients"][0]["categories"] == ["email", "names"]

    added = api.post(f"/agreements/{agreement['id']}/parties", {"person": str(personas.eva.ref)})
    assert added.status_code == 201
    assert set(added.json()["parties"]) == {str(personas.bram.ref), str(personas.eva.ref)}

    extended = api.patch(f"/agreements/{agreement['id']}", {"ends_on": "2025-06-30"})
    assert extended.json()["ends_on"] == "2025-06-30"
    opened = api.patch(f"/agreements/{agreement['id']}", {"ends_on": None})
    assert opened.json()["ends_on"] is None

    read = api_as("sales").get(f"/agreements/{agreement['id']}")
    assert read.status_code == 200
    assert read.json()["reference"] == "OPD-2025-017"
    listing = api_as("sales").get("/agreements").json()
    assert {a["reference"] for a in listing["items"]} == {"SLA-2024-001", "OPD-2025-017"}


def test_sales_may_read_but_not_record_agreements(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post("/agreements", ASSIGNMENT)
    assert response.status_code == 403
    assert only_error(response)["rule"] == "Sec3"
    assert not Agreement.objects.filter(reference="OPD-2025-017").exists()


def test_a_recipient_for_marketing_is_refused_d1_and_nothing_is_stored(api_as: Any,
                                                                       personas: Any) -> None:
    body = {**ASSIGNMENT, "recipients": [{**RECIPIENT, "legal_basis": "consent"}]}
    response = api_as("privacy_officer").post("/agreements", body)
    assert response.status_code == 422
    error = only_error(response)
    assert (error["field"], error["rule"]) == ("recipients[0].legal_basis", "D1")
    assert not Agreement.objects.filter(reference="OPD-2025-017").exists()


def test_an_unknown_party_is_refused_and_nothing_is_stored(api_as: Any, personas: Any) -> None:
    body = {**ASSIGNMENT, "parties": ["00000000-0000-4000-8000-000000000000"]}
    response = api_as("privacy_officer").post("/agreements", body)
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("parties[0]",
                                                                            "exists")
    assert not Agreement.objects.filter(reference="OPD-2025-017").exists()


def test_a_duplicate_reference_is_refused(api_as: Any, personas: Any) -> None:
    response = api_as("privacy_officer").post("/agreements",
                                              {**ASSIGNMENT, "reference": "SLA-2024-001"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("reference",
                                                                            "unique")


def test_an_end_before_the_start_is_refused(api_as: Any, personas: Any) -> None:
    response = api_as("privacy_officer").patch(f"/agreements/{personas.anna_sla.pk}",
                                               {"ends_on": "2000-01-01"})
    assert response.status_code == 422
    assert only_error(response)["field"] == "ends_on"


def test_an_unknown_agreement_is_404(api_as: Any, personas: Any) -> None:
    response = api_as("sales").get("/agreements/999999")
    assert response.status_code == 404
    assert only_error(response)["field"] == "agreement_id"


def test_ten_thousand_identical_recipients_are_refused_with_422(api_as: Any,
                                                                personas: Any) -> None:
    # #13 5.9: this body was once stored whole; the second copy is already refused.
    body = {**ASSIGNMENT, "recipients": [RECIPIENT] * 10_000}
    response = api_as("privacy_officer").post("/agreements", body)
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == (
        "recipients[1].recipient", "unique")
    assert not Agreement.objects.filter(reference="OPD-2025-017").exists()


def test_more_than_fifty_different_recipients_are_refused_with_422(api_as: Any,
                                                                   personas: Any) -> None:
    many = [{**RECIPIENT, "recipient": f"Leverancier {i}"} for i in range(51)]
    response = api_as("privacy_officer").post("/agreements", {**ASSIGNMENT, "recipients": many})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("recipients",
                                                                            "limit")
    assert not Agreement.objects.filter(reference="OPD-2025-017").exists()


def test_a_recipient_named_twice_is_refused_with_422(api_as: Any, personas: Any) -> None:
    body = {**ASSIGNMENT, "recipients": [RECIPIENT, RECIPIENT]}
    response = api_as("privacy_officer").post("/agreements", body)
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == (
        "recipients[1].recipient", "unique")
    assert not Agreement.objects.filter(reference="OPD-2025-017").exists()


def test_too_many_parties_are_refused_before_any_lookup(api_as: Any, personas: Any) -> None:
    body = {**ASSIGNMENT, "parties": [str(personas.bram.ref)] * 101}
    response = api_as("privacy_officer").post("/agreements", body)
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("parties",
                                                                            "limit")
