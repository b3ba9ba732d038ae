"""C1: every datum records its source. P3: purpose "agreement" needs an agreement of the
person's. Art. 5/6: purposes and bases come from the policy."""

from __future__ import annotations

from datetime import date

import pytest

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS, Phone

from .conftest import ACTOR, register_counts

PHONE = {"number": "0612345678"}


def add(person, **kw):
    kw = {"source": "contact_form", "purpose": "callback", "basis": "consent",
          "actor": ACTOR, **kw}
    return services.add_datum(person, "phone", PHONE, **kw)


def refused(person, **kw) -> RuleViolation:
    before = register_counts()
    with pytest.raises(RuleViolation) as caught:
        add(person, **kw)
    assert register_counts() == before
    return caught.value


def test_c1_every_datum_records_its_source(personas):
    add(personas.anna)
    assert Phone.objects.get(person=personas.anna).source == "contact_form"
    for model in DATUM_MODELS.values():
        assert not model._default_manager.filter(source="").exists()


def test_c1_an_unknown_source_is_refused(personas):
    err = refused(personas.anna, source="scraped_from_linkedin")
    assert (err.field, err.rule) == ("source", "C1")


def test_p3_purpose_agreement_without_an_agreement_is_refused(personas):
    err = refused(personas.anna, purpose="agreement", basis="contract")
    assert (err.field, err.rule) == ("purpose", "P3")


def test_p3_an_agreement_anna_is_not_a_party_to_is_refused(personas):
    other = services.create_agreement("one_off", "OO-2024-007", "Werkplek inrichten",
                                      date(2024, 3, 1), parties=[personas.bram], actor=ACTOR)
    err = refused(personas.anna, purpose="agreement", basis="contract", agreement=other)
    assert (err.field, err.rule) == ("agreement", "P3")


def test_p3_anna_data_for_her_own_agreement_is_stored_and_linked(personas):
    datum = add(personas.anna, purpose="agreement", basis="contract",
                agreement=personas.anna_sla)
    assert datum.agreement == personas.anna_sla


def test_an_undeclared_purpose_or_wrong_basis_is_refused(personas):
    assert refused(personas.anna, purpose="marketing").rule == "Art5"
    err = refused(personas.anna, purpose="agreement", basis="consent",
                  agreement=personas.anna_sla)
    assert (err.field, err.rule) == ("legal_basis", "Art6")


def test_audit_entry_names_the_category_never_the_value(personas):
    from privacydesk.vault.models import AuditEntry

    datum = add(personas.anna)
    entry = AuditEntry.objects.filter(object_type="register.phone").get(object_id=str(datum.pk))
    assert entry.person_ref == str(personas.anna.ref)
    assert entry.action == "create" and entry.purpose == "callback"
    assert "612345678" not in entry.detail and entry.detail_data["category"] == "phone"
