"""D1, D2: data leave for a third party only on an agreement that names the recipient and
the categories, or on a stated legal obligation — every refusal names the field and the rule,
and leaves nothing behind; every disclosure is logged without data values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.models import Basis, Disclosure
from privacydesk.policy import clock
from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register import services
from privacydesk.register.models import Email
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR, ANNA_EMAIL, HOSTING

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def refused(call, field: str, rule: str) -> RuleViolation:
    """Run `call`; it must raise RuleViolation(field, rule) and write nothing."""
    disclosures, entries = Disclosure.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as caught:
        call()
    assert (caught.value.field, caught.value.rule) == (field, rule), caught.value
    assert Disclosure.objects.count() == disclosures
    assert AuditEntry.objects.count() == entries
    return caught.value


def test_annas_sla_lets_hosting_bv_receive_her_name_and_email(personas):
    row = disclose(personas.anna, HOSTING, ["email", "names"], "agreement", actor=ACTOR,
                   agreement=personas.anna_sla)
    assert (row.basis, row.legal_basis, row.agreement_reference) == (
        Basis.AGREEMENT, "contract", personas.anna_sla.reference)
    assert row.categories == ["email", "names"] and row.person_ref == personas.anna.ref
    entry = AuditEntry.objects.filter(action="disclose").get()
    assert entry.person_ref == str(personas.anna.ref) and entry.actor == ACTOR
    assert ANNA_EMAIL not in entry.detail and "Anna" not in entry.detail
    assert HOSTING in entry.detail


def test_without_a_named_basis_the_gate_finds_the_agreement(personas):
    row = disclose(personas.anna, "hosting  bv", ["names"], "agreement", actor=ACTOR)
    assert row.basis == Basis.AGREEMENT and row.agreement_id == personas.anna_sla.pk


def test_a_recipient_the_agreement_does_not_name_is_refused_d2(personas):
    error = refused(lambda: disclose(personas.anna, "Marketing BV", ["names"], "agreement",
                                     actor=ACTOR, agreement=personas.anna_sla),
                    "recipient", "D2")
    assert HOSTING in error.message


def test_a_category_the_agreement_does_not_name_for_the_recipient_is_refused_d2(personas):
    error = refused(lambda: disclose(personas.anna, HOSTING, ["names", "financial"],
                                     "agreement", actor=ACTOR, agreement=personas.anna_sla),
                    "categories", "D2")
    assert "financial" in error.message


def test_olaf_is_no_party_to_annas_agreement(personas):
    refused(lambda: disclose(personas.olaf, HOSTING, ["names"], "agreement", actor=ACTOR,
                             agreement=personas.anna_sla), "agreement", "D2")


def test_olaf_has_no_basis_at_all_d1(personas):
    error = refused(lambda: disclose(personas.olaf, HOSTING, ["names"], "agreement",
                                     actor=ACTOR), "basis", "D1")
    assert "D2" in error.message and "D3" in error.message


def test_an_ended_agreement_allows_no_more_disclosures(personas):
    services.end_agreement(personas.anna_sla, clock.today() - timedelta(days=1), actor=ACTOR)
    refused(lambda: disclose(personas.anna, HOSTING, ["names"], "agreement", actor=ACTOR,
                             agreement=personas.anna_sla), "agreement", "D1")


def test_the_purpose_must_fit_the_basis_art6(personas):
    refused(lambda: disclose(personas.carla, "Belastingdienst", ["financial"], "callback",
                             actor=ACTOR, legal_obligation="payroll_tax"),
            "purpose", "Art6")


def test_one_basis_only(personas):
    refused(lambda: disclose(personas.anna, HOSTING, ["names"], "agreement", actor=ACTOR,
                             agreement=personas.anna_sla, legal_obligation="AWR"),
            "basis", "D1")


@pytest.mark.parametrize(("kwargs", "field", "rule"), [
    ({"categories": ["names", "medical"]}, "categories", "C2"),
    ({"categories": []}, "categories", "format"),
    ({"purpose": "marketing"}, "purpose", "Art5"),
    ({"recipient": "hosting@example.nl"}, "recipient", "format"),
    ({"recipient": ""}, "recipient", "required"),
    ({"actor": ""}, "actor", "Sec1"),
])
def test_bad_input_names_the_field_and_the_rule(personas, kwargs, field, rule):
    args = {"recipient": HOSTING, "categories": ["names"], "purpose": "agreement",
            "actor": ACTOR, **kwargs}
    refused(lambda: disclose(personas.anna, args.pop("recipient"), args.pop("categories"),
                             args.pop("purpose"), agreement=personas.anna_sla, **args),
            field, rule)


def test_a_restricted_person_is_not_disclosed_art18(personas):
    services.set_restricted(personas.anna, True, actor=ACTOR, reason="accuracy contested")
    with pytest.raises(RestrictedError):
        disclose(personas.anna, HOSTING, ["names"], "agreement", actor=ACTOR)
    assert not Disclosure.objects.exists()


def test_a_restricted_datum_stops_only_its_own_category(personas):
    services.set_restricted(Email.objects.get(person=personas.anna), True, actor=ACTOR)
    with pytest.raises(RestrictedError) as caught:
        disclose(personas.anna, HOSTING, ["names", "email"], "agreement", actor=ACTOR)
    assert caught.value.field == "categories" and caught.value.rule == "Art18"
    assert disclose(personas.anna, HOSTING, ["names"], "agreement", actor=ACTOR).pk


def test_a_category_named_twice_is_refused_and_nothing_is_logged(personas):
    # #13 5.9: lists have limits; a repeated category is named, not silently folded.
    with pytest.raises(RuleViolation) as caught:
        disclose(personas.anna, HOSTING, ["names"] * 10_000, "agreement", actor=ACTOR,
                 agreement=personas.anna_sla)
    assert (caught.value.field, caught.value.rule) == ("categories", "unique")
    assert not Disclosure.objects.exists()
