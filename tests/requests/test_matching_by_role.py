"""Sec1 in the register search of a letter or telephone request (#15): staff see only what
their role may see. A request clerk whose role may see addresses, not names, finds Anna by
postcode and house number and links her by her short reference; her name is not on the
page, and a search by name, e-mail or telephone — categories the role may not see — is
refused naming the field and the rule, on the page and in the API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from privacydesk.policy import active
from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _matching, intake
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.staff.person_labels import short_reference
from privacydesk.vault.models import AuditEntry

#: A role that handles requests and may see addresses only.
CLERK = """
[staff_roles.request_clerk]
label = { nl = "Medewerker verzoeken", en = "Request clerk" }
categories = ["address"]
permissions = ["handle_requests"]
"""


@pytest.fixture
def with_clerk(tmp_path: Path) -> Iterator[None]:
    """InFactor's policy with a request clerk role; afterwards the policy before it."""
    before = active.configured_path()
    path = tmp_path / "with-clerk.toml"
    path.write_text(before.read_text("utf-8") + CLERK, "utf-8")
    active.configure(path)
    yield
    active.configure(before)


def _annas_letter() -> DataSubjectRequest:
    return intake.file_staff_request(
        kind="erasure", name="Anna de Vries", email="", message="", language="nl",
        actor="po", channel="letter", address="Anna de Vries\nHerestraat 12\n9711 LM Groningen",
        received_at=timezone.now() - timedelta(hours=1))


def test_a_role_without_names_finds_anna_by_address_but_does_not_see_her_name(
        with_clerk: None, personas: Any, staff_client: Any) -> None:
    request = _annas_letter()
    client = staff_client("request_clerk")
    detail = client.get(f"/staff/requests/{request.uid}/").content.decode()
    # The form offers only what the role may search by.
    assert 'name="postcode"' in detail and 'name="house_number"' in detail
    for field in ("name", "email", "phone"):
        assert f'id="match_{field}"' not in detail
    found = client.post(f"/staff/requests/{request.uid}/match/",
                        {"postcode": "9711 LM", "house_number": "12"})
    page = found.content.decode()
    assert found.status_code == 200
    assert short_reference(personas.anna.ref) in page
    assert "de Vries" not in page
    shown = AuditEntry.objects.filter(action="read", object_type="register.person").get()
    assert shown.person_ref == str(personas.anna.ref)
    assert shown.detail_data["name_shown"] is False
    # The privacy officer, who may see names, reads her name in the same search.
    officer = staff_client("privacy_officer").post(
        f"/staff/requests/{request.uid}/match/", {"postcode": "9711 LM", "house_number": "12"})
    assert "Anna de Vries" in officer.content.decode()


def test_a_search_by_a_category_the_role_may_not_see_is_refused_naming_field_and_rule(
        with_clerk: None, personas: Any, staff_client: Any) -> None:
    request = _annas_letter()
    client = staff_client("request_clerk")
    refused = client.post(f"/staff/requests/{request.uid}/match/", {"name": "Anna de Vries"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Naam:" in page and "(regel Sec1)" in page and "de Vries" not in page.split(
        "</form>", 1)[1]
    assert not AuditEntry.objects.filter(action="read", object_type="register.person").exists()
    for criterion, value in (("email", "anna.de.vries@example.nl"), ("phone", "0612345678")):
        with pytest.raises(RuleViolation) as error:
            _matching.search_for(request, _matching.clean_query(**{criterion: value}),
                                 actor="clerk", visible={"address"})
        assert (error.value.field, error.value.rule) == (criterion, "Sec1")


def test_no_data_held_after_a_search_the_role_may_not_make_is_refused(
        with_clerk: None, personas: Any) -> None:
    """Its answer ("nobody found") would tell whether someone has that name."""
    request = _annas_letter()
    with pytest.raises(RuleViolation) as error:
        _matching.record_no_data_held(request, _matching.clean_query(name="Olaf Øster"),
                                      actor="clerk", visible={"address"})
    assert (error.value.field, error.value.rule) == ("name", "Sec1")
    request.refresh_from_db()
    assert request.detail.get("outcome") is None


def test_the_api_gives_a_role_without_names_candidates_without_a_name(
        with_clerk: None, personas: Any, api_token: Any) -> None:
    request = _annas_letter()
    token = api_token("request_clerk")

    def match(body: dict[str, str]) -> Any:
        return Client().post(f"/api/v1/requests/{request.uid}/match", data=json.dumps(body),
                             content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})

    found = match({"postcode": "9711 LM", "house_number": "12"})
    assert found.status_code == 200
    assert [(c["ref"], c["name"]) for c in found.json()] == [(str(personas.anna.ref), "")]
    refused = match({"name": "Anna"})
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["field"], refused.json()["errors"][0]["rule"]) == (
        "name", "Sec1")
