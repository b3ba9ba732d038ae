"""/persons: find, read (audited, Sec1 category filter), register.

Sales sees names and contact data; HR also sees identity data (C5). A read is an audited use
of personal data (Art. 5(2)) with a declared purpose; the audit entry names the person by
ref and holds no personal data.
"""

from __future__ import annotations

import uuid
from typing import Any

from privacydesk.policy import clock
from privacydesk.register.models import Person
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA_EMAIL, CARLA_BSN, only_error


def test_registering_a_person_returns_their_ref_and_nothing_else(api_as: Any, db: Any) -> None:
    response = api_as("sales").post("/persons", {"purpose": "callback", "source": "contact_form"})
    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get()
    assert body["ref"] == str(person.ref)
    assert body["roles"] == [] and body["restricted"] is False
    assert "id" not in body  # persons are addressed by ref, never by row id


def test_registering_with_an_undeclared_source_is_refused_c1(api_as: Any, db: Any) -> None:
    response = api_as("sales").post("/persons", {"purpose": "callback", "source": "linkedin"})
    assert response.status_code == 422
    assert only_error(response)["field"] == "source"
    assert only_error(response)["rule"] == "C1"
    assert not Person.objects.exists()


def test_the_list_shows_refs_and_roles_without_personal_data(api_as: Any,
                                                            personas: Any) -> None:
    response = api_as("sales").get("/persons", limit=2, offset=0)
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 5
    assert [item["ref"] for item in page["items"]] == [str(personas.anna.ref),
                                                        str(personas.carla.ref)]
    assert page["items"][0]["roles"][0]["kind"] == "customer"
    assert "Anna" not in response.content.decode()


def test_anna_is_found_by_her_email_address_in_any_case(api_as: Any, personas: Any) -> None:
    response = api_as("sales").get("/persons", email=ANNA_EMAIL.upper())
    assert response.status_code == 200
    assert [p["ref"] for p in response.json()["items"]] == [str(personas.anna.ref)]


def test_the_email_lookup_answers_exactly_what_the_list_shows(api_as: Any,
                                                              personas: Any) -> None:
    # The lookup renders its page from prepared queries (a hot path); the list goes through
    # the schema. Eva is a contact of Acme and gets a second, ended role: every field,
    # type and the role order must be the same either way.
    from datetime import timedelta

    from privacydesk.register import services

    eva = personas.eva
    services.add_datum(eva, "email", {"address": "eva@acme.example"}, source="staff",
                       purpose="callback", basis="consent", actor="test")
    role = services.add_role(eva, "prospect", actor="test",
                             started_on=clock.today() - timedelta(days=400))
    services.end_role(role, actor="test", ended_on=clock.today() - timedelta(days=30))
    listed = api_as("sales").get("/persons", limit=200).json()["items"]
    expected = next(item for item in listed if item["ref"] == str(eva.ref))
    found = api_as("sales").get("/persons", email="EVA@acme.example")
    assert found.status_code == 200
    assert found["Content-Type"] == "application/json; charset=utf-8"
    assert found.json() == {"items": [expected], "count": 1}
    roles = {r["kind"]: r for r in expected["roles"]}
    assert expected["roles"] == sorted(expected["roles"], key=lambda r: (r["started_on"], r["id"]))
    assert roles["contact"]["organisation"] == personas.acme.pk
    assert roles["prospect"]["ended_on"] is not None
    beyond = api_as("sales").get("/persons", email="eva@acme.example", offset=1)
    assert beyond.json() == {"items": [], "count": 1}


def test_an_unknown_email_address_finds_nobody(api_as: Any, personas: Any) -> None:
    response = api_as("sales").get("/persons", email="nobody@example.nl")
    assert response.json() == {"items": [], "count": 0}


def test_reading_anna_is_audited_with_her_ref_and_no_personal_data(api_as: Any,
                                                                   personas: Any) -> None:
    api = api_as("sales")  # its token's creation is audited too
    before = AuditEntry.objects.count()
    response = api.get(f"/persons/{personas.anna.ref}", purpose="agreement")
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["names"][0]["values"]["given_names"] == "Anna"
    assert body["data"]["email"][0]["values"]["address"].lower() == ANNA_EMAIL.lower()
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [(e.action, e.person_ref, e.purpose) for e in entries] == [
        ("read", str(personas.anna.ref), "agreement")]
    entry = entries[0]
    assert entry.actor.startswith("sales-")
    recorded = " ".join([entry.detail, entry.object_id, entry.object_type, entry.actor])
    for personal in ("Anna", "Vries", ANNA_EMAIL.lower(), "example.nl"):
        assert personal.lower() not in recorded.lower()


def test_a_sales_token_never_receives_carlas_identity_data(api_as: Any, personas: Any) -> None:
    response = api_as("sales").get(f"/persons/{personas.carla.ref}", purpose="legal_obligation")
    assert response.status_code == 200
    assert set(response.json()["data"]) == {"names"}
    assert CARLA_BSN not in response.content.decode()


def test_an_hr_token_sees_carlas_identity_data(api_as: Any, personas: Any) -> None:
    response = api_as("hr").get(f"/persons/{personas.carla.ref}", purpose="legal_obligation")
    assert response.status_code == 200
    identity = response.json()["data"]["identity"]
    assert identity[0]["values"] == {"kind": "bsn", "number": CARLA_BSN}


def test_a_read_without_a_purpose_is_refused_naming_the_parameter(api_as: Any,
                                                                  personas: Any) -> None:
    api = api_as("sales")  # its token's creation is audited too
    before = AuditEntry.objects.count()
    response = api.get(f"/persons/{personas.anna.ref}")
    assert response.status_code == 422
    assert only_error(response)["field"] == "purpose"
    assert only_error(response)["rule"] == "schema"
    assert AuditEntry.objects.count() == before


def test_a_read_for_an_undeclared_purpose_is_refused_art5(api_as: Any, personas: Any) -> None:
    api = api_as("sales")  # its token's creation is audited too
    before = AuditEntry.objects.count()
    response = api.get(f"/persons/{personas.anna.ref}", purpose="marketing")
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("purpose", "Art5")
    assert AuditEntry.objects.count() == before


def test_an_unknown_ref_is_404_naming_the_ref(api_as: Any, personas: Any) -> None:
    response = api_as("sales").get(f"/persons/{uuid.uuid4()}", purpose="callback")
    assert response.status_code == 404
    error = only_error(response)
    assert (error["field"], error["rule"]) == ("ref", "exists")


def test_a_person_is_not_reachable_by_row_id(api_as: Any, personas: Any) -> None:
    response = api_as("sales").get(f"/persons/{personas.anna.pk}", purpose="callback")
    assert response.status_code == 404


def test_a_restricted_person_may_not_be_read_for_sales_work_art18(api_as: Any,
                                                                   personas: Any) -> None:
    from privacydesk.register import services

    services.set_restricted(personas.anna, True, actor="seed", reason="accuracy disputed")
    response = api_as("sales").get(f"/persons/{personas.anna.ref}", purpose="callback")
    assert response.status_code == 409
    assert only_error(response)["rule"] == "Art18"
    # Art. 18(2): her own access request is still served.
    response = api_as("privacy_officer").get(f"/persons/{personas.anna.ref}",
                                             purpose="access_request")
    assert response.status_code == 200


def test_the_readme_example_a_cli_token_finds_anna_by_email(personas: Any) -> None:
    # docs/api.md: `privacydesk token create`, then GET /persons?email=… with that token.
    from privacydesk.staff import protocol
    from privacydesk.staff.models import StaffUser
    from tests.console import run_privacydesk

    from .conftest import Api

    user = StaffUser.objects.create_user(username="sanne", password=None, staff_role="sales")
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    result = run_privacydesk("token", "create", "--user", "sanne", "--name", "crm sync",
                             "--days", "90")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = Api(token).get("/persons", email="anna.de.vries@example.nl")
    assert response.status_code == 200
    assert [p["ref"] for p in response.json()["items"]] == [str(personas.anna.ref)]
