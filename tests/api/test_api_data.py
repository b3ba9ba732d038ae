"""/persons/{ref}/data/{category}: the category rules hold through the API.

C3 (financial), C4 (account: administrator accounts only) and C5 (identity: employees only)
are refused as 422 naming the field and the rule, and nothing is stored — no datum, no
audit entry. A staff role cannot write a category it may not see (Sec1).
"""

from __future__ import annotations

from typing import Any

from .conftest import only_error, stored_counts

IBAN = "NL91ABNA0417164300"


def test_a_phone_number_round_trip_add_change_delete(api_as: Any, personas: Any) -> None:
    api = api_as("sales")
    base = f"/persons/{personas.bram.ref}/data/phone"
    created = api.post(base, {"values": {"number": "050 123 4567"}, "source": "contact_form",
                              "purpose": "callback", "legal_basis": "consent"})
    assert created.status_code == 201, created.json()
    datum = created.json()
    assert datum["values"] == {"number": "+31501234567"}
    assert (datum["source"], datum["purpose"], datum["legal_basis"]) == (
        "contact_form", "callback", "consent")

    changed = api.patch(f"{base}/{datum['id']}", {"values": {"number": "06 12345678"},
                                                  "purpose": "rectification"})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["values"] == {"number": "+31612345678"}

    read = api.get(f"/persons/{personas.bram.ref}", purpose="callback").json()
    assert [d["values"]["number"] for d in read["data"]["phone"]] == ["+31612345678"]

    assert api.delete(f"{base}/{datum['id']}", purpose="erasure").status_code == 204
    read = api.get(f"/persons/{personas.bram.ref}", purpose="callback").json()
    assert "phone" not in read["data"]
    assert api.delete(f"{base}/{datum['id']}", purpose="erasure").status_code == 404


def test_data_for_an_agreement_name_it_by_reference_p3(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(
        f"/persons/{personas.anna.ref}/data/address",
        {"values": {"street": "Eeldersingel", "house_number": "40", "postcode": "9726 as",
                    "city": "Groningen"},
         "source": "email", "purpose": "agreement", "legal_basis": "contract",
         "agreement": "SLA-2024-001"})
    assert response.status_code == 201, response.json()
    assert response.json()["agreement"] == "SLA-2024-001"


def test_agreement_purpose_without_an_agreement_is_refused_p3(api_as: Any,
                                                              personas: Any) -> None:
    api = api_as("sales")  # its token's creation is audited too
    before = stored_counts()
    response = api.post(
        f"/persons/{personas.anna.ref}/data/phone",
        {"values": {"number": "0501234567"}, "source": "email", "purpose": "agreement",
         "legal_basis": "contract"})
    assert response.status_code == 422
    assert only_error(response)["rule"] == "P3"
    assert stored_counts() == before


def test_an_unknown_agreement_reference_names_the_field(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(
        f"/persons/{personas.anna.ref}/data/phone",
        {"values": {"number": "0501234567"}, "source": "email", "purpose": "agreement",
         "legal_basis": "contract", "agreement": "SLA-NOPE"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("agreement",
                                                                            "exists")


def test_financial_data_of_a_contact_are_refused_c3(api_as: Any, personas: Any) -> None:
    api = api_as("finance")  # its token's creation is audited too
    before = stored_counts()
    response = api.post(
        f"/persons/{personas.eva.ref}/data/financial",
        {"values": {"kind": "iban", "value": IBAN}, "source": "email",
         "purpose": "legal_obligation", "legal_basis": "legal_obligation"})
    assert response.status_code == 422
    error = only_error(response)
    assert (error["field"], error["rule"]) == ("category", "C3")
    assert stored_counts() == before


def test_a_non_admin_account_of_a_customer_is_refused_c4(api_as: Any, personas: Any) -> None:
    api = api_as("service_engineer")  # its token's creation is audited too
    before = stored_counts()
    response = api.post(
        f"/persons/{personas.anna.ref}/data/account",
        {"values": {"system": "mail", "username": "anna", "is_admin_account": False},
         "source": "service", "purpose": "agreement", "legal_basis": "contract",
         "agreement": "SLA-2024-001"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("category", "C4")
    assert stored_counts() == before


def test_identity_data_of_a_customer_are_refused_c5(api_as: Any, personas: Any) -> None:
    api = api_as("hr")  # its token's creation is audited too
    before = stored_counts()
    response = api.post(
        f"/persons/{personas.anna.ref}/data/identity",
        {"values": {"kind": "bsn", "number": "111222333"}, "source": "staff",
         "purpose": "legal_obligation", "legal_basis": "legal_obligation"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("category", "C5")
    assert stored_counts() == before


def test_a_sales_token_may_not_write_identity_data_403(api_as: Any, personas: Any) -> None:
    api = api_as("sales")  # its token's creation is audited too
    before = stored_counts()
    response = api.post(
        f"/persons/{personas.carla.ref}/data/identity",
        {"values": {"kind": "bsn", "number": "111222333"}, "source": "staff",
         "purpose": "legal_obligation", "legal_basis": "legal_obligation"})
    assert response.status_code == 403
    assert only_error(response)["rule"] == "Sec1"
    assert stored_counts() == before


def test_a_malformed_value_names_its_field_under_values(api_as: Any, personas: Any) -> None:
    api = api_as("sales")  # its token's creation is audited too
    before = stored_counts()
    response = api.post(
        f"/persons/{personas.bram.ref}/data/email",
        {"values": {"address": "not an address"}, "source": "email", "purpose": "callback",
         "legal_basis": "consent"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("values.address",
                                                                            "format")
    assert stored_counts() == before


def test_an_undeclared_category_is_refused_c2(api_as: Any, personas: Any) -> None:
    response = api_as("privacy_officer").post(
        f"/persons/{personas.bram.ref}/data/health",
        {"values": {}, "source": "email", "purpose": "callback", "legal_basis": "consent"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("category", "C2")


def test_invalid_json_is_422_naming_the_body(api_as: Any, personas: Any) -> None:
    api = api_as("sales")  # its token's creation is audited too
    before = stored_counts()
    response = api.post(f"/persons/{personas.bram.ref}/data/phone",
                                    raw='{"values": {"number": ')
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("body", "schema")
    assert stored_counts() == before


def test_wrong_types_are_422_naming_each_field(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(f"/persons/{personas.bram.ref}/data/phone",
                                    {"values": ["0501234567"], "source": 7})
    assert response.status_code == 422
    errors = response.json()["errors"]
    fields = {e["field"] for e in errors}
    assert {"values", "source", "purpose", "legal_basis"} <= fields
    assert {e["rule"] for e in errors} == {"schema"}


def test_a_datum_of_someone_else_is_not_found(api_as: Any, personas: Any) -> None:
    api = api_as("sales")
    anna = api.get(f"/persons/{personas.anna.ref}", purpose="agreement").json()
    anna_name_id = anna["data"]["names"][0]["id"]
    response = api.patch(f"/persons/{personas.bram.ref}/data/names/{anna_name_id}",
                         {"values": {"given_names": "X"}, "purpose": "rectification"})
    assert response.status_code == 404
    assert only_error(response)["field"] == "datum_id"


def test_a_restricted_datum_may_be_rectified_but_not_used_art18(api_as: Any,
                                                                personas: Any) -> None:
    from privacydesk.register import services
    from privacydesk.register.models import Name

    name = Name.objects.get(person=personas.bram)
    services.set_restricted(name, True, actor="seed", reason="Bram disputes the spelling")
    api = api_as("sales")
    url = f"/persons/{personas.bram.ref}/data/names/{name.pk}"
    used = api.patch(url, {"values": {"given_names": "Bram"}, "purpose": "callback"})
    assert used.status_code == 409
    assert only_error(used)["rule"] == "Art18"
    rectified = api.patch(url, {"values": {"family_name": "Visscher"},
                                "purpose": "rectification"})
    assert rectified.status_code == 200
    assert rectified.json()["values"]["family_name"] == "Visscher"
