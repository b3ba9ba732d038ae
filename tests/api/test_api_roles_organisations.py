"""/persons/{ref}/roles and /organisations: who a person is to the controller (S1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from privacydesk.policy import clock
from privacydesk.register.models import Organisation, Role

from .conftest import only_error

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_olaf_becomes_a_prospect_and_the_role_ends(api_as: Any, personas: Any) -> None:
    api = api_as("sales")
    base = f"/persons/{personas.olaf.ref}/roles"
    created = api.post(base, {"kind": "prospect", "started_on": "2025-01-06"})
    assert created.status_code == 201, created.json()
    role = created.json()
    assert (role["kind"], role["started_on"], role["ended_on"]) == ("prospect", "2025-01-06",
                                                                    None)
    ended = api.post(f"{base}/{role['id']}/end", {"ended_on": "2025-03-31"})
    assert ended.status_code == 200
    assert ended.json()["ended_on"] == "2025-03-31"
    assert [r["kind"] for r in api.get(base).json()] == ["prospect"]


def test_a_role_cannot_end_before_it_began(api_as: Any, personas: Any) -> None:
    api = api_as("sales")
    role = personas.bram.roles.get()
    response = api.post(f"/persons/{personas.bram.ref}/roles/{role.pk}/end",
                        {"ended_on": str(role.started_on - timedelta(days=1))})
    assert response.status_code == 422
    assert only_error(response)["field"] == "ended_on"
    role.refresh_from_db()
    assert role.ended_on is None


def test_a_contact_needs_an_organisation_s1(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(f"/persons/{personas.olaf.ref}/roles", {"kind": "contact"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("organisation",
                                                                            "S1")
    assert not Role.objects.filter(person=personas.olaf).exists()


def test_eva_represents_acme(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(f"/persons/{personas.olaf.ref}/roles",
                                    {"kind": "contact", "organisation": personas.acme.pk})
    assert response.status_code == 201
    assert response.json()["organisation"] == personas.acme.pk
    roles = api_as("sales").get(f"/persons/{personas.eva.ref}/roles").json()
    assert roles[0]["organisation"] == personas.acme.pk


def test_an_unknown_role_kind_is_refused_s1(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(f"/persons/{personas.olaf.ref}/roles", {"kind": "friend"})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("kind", "S1")


def test_an_unknown_organisation_names_the_field(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(f"/persons/{personas.olaf.ref}/roles",
                                    {"kind": "contact", "organisation": 999999})
    assert response.status_code == 422
    assert (only_error(response)["field"], only_error(response)["rule"]) == ("organisation",
                                                                            "exists")


def test_a_bad_date_is_422_naming_the_field(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(f"/persons/{personas.olaf.ref}/roles",
                                    {"kind": "prospect", "started_on": "31-12-2025"})
    assert response.status_code == 422
    assert only_error(response)["field"] == "started_on"
    assert only_error(response)["rule"] == "schema"


def test_organisations_round_trip(api_as: Any, db: Any) -> None:
    api = api_as("sales")
    created = api.post("/organisations", {"name": "Noorderzon BV", "coc_number": "87654321"})
    assert created.status_code == 201
    org = created.json()
    assert api.get(f"/organisations/{org['id']}").json()["name"] == "Noorderzon BV"
    listing = api.get("/organisations").json()
    assert [o["name"] for o in listing["items"]] == ["Noorderzon BV"]
    assert api.get("/organisations/999999").status_code == 404


def test_a_malformed_coc_number_is_refused(api_as: Any, db: Any) -> None:
    response = api_as("sales").post("/organisations", {"name": "X", "coc_number": "12"})
    assert response.status_code == 422
    assert only_error(response)["field"] == "coc_number"
    assert not Organisation.objects.exists()


def test_today_is_the_default_start(api_as: Any, personas: Any) -> None:
    response = api_as("sales").post(f"/persons/{personas.olaf.ref}/roles", {"kind": "prospect"})
    assert response.json()["started_on"] == str(clock.today())
