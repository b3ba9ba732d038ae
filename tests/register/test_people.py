"""S1: the register knows persons, organisations and the roles that link them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS, AgreementParty, Person, Role
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_s1_a_contact_represents_an_organisation(personas):
    role = personas.eva.roles.get()
    assert (role.kind, role.organisation) == ("contact", personas.acme)
    with pytest.raises(RuleViolation) as caught:
        services.add_role(personas.olaf, "contact", actor=ACTOR)
    assert (caught.value.field, caught.value.rule) == ("organisation", "S1")
    assert not personas.olaf.roles.exists()


def test_s1_an_unknown_role_is_refused(personas):
    with pytest.raises(RuleViolation) as caught:
        services.add_role(personas.olaf, "supplier", actor=ACTOR)
    assert (caught.value.field, caught.value.rule) == ("kind", "S1")


def test_adding_a_role_ends_no_other(personas):
    services.add_role(personas.bram, "customer", actor=ACTOR)
    assert personas.bram.active_role_kinds() == {"prospect", "customer"}


def test_roles_are_active_between_their_dates(personas):
    today = clock.today()
    assert personas.daan.active_role_kinds() == {"former_employee"}
    employee = personas.daan.roles.get(kind="employee")
    assert employee.is_active_on(employee.started_on)
    assert Role.objects.active_on(employee.ended_on).filter(pk=employee.pk).exists()
    assert not Role.objects.active_on(today).filter(pk=employee.pk).exists()
    future = services.add_role(personas.olaf, "prospect", actor=ACTOR,
                               started_on=today + timedelta(days=10))
    assert not Role.objects.active_on().filter(pk=future.pk).exists()


def test_a_role_cannot_end_before_it_started(personas):
    role = personas.carla.roles.get()
    with pytest.raises(RuleViolation) as caught:
        services.end_role(role, role.started_on - timedelta(days=1), actor=ACTOR)
    assert caught.value.field == "ended_on"
    role.refresh_from_db()
    assert role.ended_on is None


def test_person_is_audited_by_ref_and_str_never_names_them(personas):
    assert "Anna" not in str(personas.anna)
    assert personas.anna.display_name() == "Anna de Vries"
    assert personas.olaf.display_name() == str(personas.olaf.ref)
    entry = AuditEntry.objects.filter(object_type="register.person",
                                      object_id=str(personas.anna.pk)).get()
    assert entry.person_ref == str(personas.anna.ref) and entry.detail_data["source"] == "service"


def test_deleting_a_person_cascades_to_every_datum_and_role(personas):
    anna = personas.anna
    services.add_datum(anna, "phone", {"number": "0612345678"}, source="staff",
                       purpose="callback", basis="consent", actor=ACTOR)
    services.add_datum(anna, "financial", {"kind": "iban", "value": "NL91ABNA0417164300"},
                       source="staff", purpose="agreement", basis="contract", actor=ACTOR,
                       agreement=personas.anna_sla)
    anna.delete()
    assert not Person.objects.filter(pk=anna.pk).exists()
    for model in DATUM_MODELS.values():
        assert not model._default_manager.filter(person_id=anna.pk).exists()
    assert not Role.objects.filter(person_id=anna.pk).exists()
    assert not AgreementParty.objects.filter(person_id=anna.pk).exists()


def test_organisation_number_is_checked(db):
    with pytest.raises(RuleViolation) as caught:
        services.create_organisation("Acme BV", actor=ACTOR, coc_number="12-34")
    assert caught.value.field == "coc_number"
    with pytest.raises(RuleViolation) as caught:
        services.create_organisation("", actor=ACTOR)
    assert caught.value.field == "name"


def test_create_person_needs_a_declared_source(db):
    with pytest.raises(RuleViolation) as caught:
        services.create_person(actor=ACTOR, purpose="callback", source="bought_list")
    assert caught.value.rule == "C1"
    assert not Person.objects.exists()
