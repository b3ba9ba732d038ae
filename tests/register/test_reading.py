"""Reads are audited with their purpose (Art. 5(2), Sec4); staff see only their categories
(Sec1); restricted data (Art. 18) are not used except for the person's own rights."""

from __future__ import annotations

import dataclasses

import pytest

from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register import services
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR

BSN = {"kind": "bsn", "number": "111222333"}


@pytest.fixture
def carla_with_bsn(personas):
    services.add_datum(personas.carla, "identity", BSN, source="staff",
                       purpose="legal_obligation", basis="legal_obligation", actor=ACTOR)
    return personas.carla


def test_read_person_returns_roles_and_decrypted_data(personas):
    view = services.read_person(personas.anna, actor="privacy.officer", purpose="agreement")
    assert view.display_name == "Anna de Vries"
    assert [r.kind for r in view.roles] == ["customer"] and view.roles[0].active
    (email,) = view.data["email"]
    assert email.values["address"] == "Anna.de.Vries@example.nl"  # domain lower-cased
    assert (email.source, email.purpose, email.agreement) == (
        "contact_form", "agreement", "SLA-2024-001")
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.display_name = "someone else"  # type: ignore[misc]


def test_every_read_is_audited_with_its_purpose(personas):
    before = AuditEntry.objects.count()
    services.read_person(personas.eva, actor="sales.jan", purpose="callback",
                         staff_role="sales")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.actor, entry.purpose) == ("read", "sales.jan", "callback")
    assert entry.person_ref == str(personas.eva.ref)
    assert "Eva" not in entry.detail


def test_a_read_without_a_declared_purpose_is_refused(personas):
    with pytest.raises(RuleViolation) as caught:
        services.read_person(personas.anna, actor=ACTOR, purpose="curiosity")
    assert (caught.value.field, caught.value.rule) == ("purpose", "Art5")


def test_sales_does_not_see_identity_data(carla_with_bsn):
    view = services.read_person(carla_with_bsn, actor="sales.jan", purpose="callback",
                                staff_role="sales")
    assert "identity" not in view.data
    assert "identity" in view.hidden_categories and "financial" in view.hidden_categories
    assert view.data["names"][0].values["given_names"] == "Carla"
    hr = services.read_person(carla_with_bsn, actor="hr.piet", purpose="legal_obligation",
                              staff_role="hr")
    assert hr.data["identity"][0].values == BSN


def test_an_unknown_staff_role_sees_nothing(personas):
    view = services.read_person(personas.anna, actor=ACTOR, purpose="agreement",
                                staff_role="intern")
    assert view.data == {} and "names" in view.hidden_categories


def test_restricted_person_data_are_refused_for_update_and_other_uses(personas):
    services.set_restricted(personas.anna, True, actor=ACTOR, reason="accuracy contested")
    name = personas.anna.name_set.get()
    with pytest.raises(RestrictedError) as caught:
        services.update_datum(name, {"family_name": "Boer"}, actor=ACTOR, purpose="agreement")
    assert caught.value.rule == "Art18"
    assert personas.anna.name_set.get().family_name == "de Vries"
    with pytest.raises(RestrictedError):
        services.read_person(personas.anna, actor=ACTOR, purpose="callback")
    with pytest.raises(RestrictedError):
        services.add_datum(personas.anna, "phone", {"number": "0612345678"}, source="staff",
                           purpose="callback", basis="consent", actor=ACTOR)


def test_restricted_data_stay_readable_for_the_persons_own_access_request(personas):
    services.set_restricted(personas.anna, True, actor=ACTOR, reason="objection")
    view = services.read_person(personas.anna, actor="system",
                                purpose=services.ACCESS_REQUEST)
    assert view.restricted and view.data["email"][0].values["address"].startswith("Anna.de.Vries@")


def test_restricted_data_may_be_rectified(personas):
    # Art. 18(1)(a): the restriction lasts while accuracy is checked; the fix must be possible.
    name = personas.anna.name_set.get()
    services.set_restricted(name, True, actor=ACTOR)
    services.update_datum(name, {"family_name": "de Boer"}, actor=ACTOR,
                          purpose=services.RECTIFICATION)
    assert personas.anna.name_set.get().family_name == "de Boer"


def test_a_restricted_datum_is_withheld_from_other_reads(personas):
    name = personas.anna.name_set.get()
    services.set_restricted(name, True, actor=ACTOR)
    view = services.read_person(personas.anna, actor=ACTOR, purpose="agreement")
    assert "names" not in view.data and view.withheld_restricted == 1
    assert services.is_usable(name, services.ACCESS_REQUEST)
    with pytest.raises(RestrictedError):
        services.ensure_usable(name, "callback")
