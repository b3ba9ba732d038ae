"""R1–R3: for every category, purpose and basis of the InFactor policy, a datum gets a date,
the clock moves past it, the sweep deletes it and leaves a receipt naming rule and law."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from privacydesk.policy import CONTACT_PERIOD
from privacydesk.policy.active import get_policy
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS
from privacydesk.retention import sweep
from privacydesk.retention.models import DeletionReceipt

from .conftest import ACTOR, ADDRESS, BSN, IBAN, LONG_AGO, PHONE, TODAY, add

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates

VALUES = {"names": {"given_names": "Anna", "family_name": "de Vries"}, "address": ADDRESS,
          "phone": PHONE, "email": {"address": "anna@example.nl"}, "financial": IBAN,
          "account": {"system": "Microsoft 365", "username": "beheer",
                      "is_admin_account": True}, "identity": BSN}


def _cases() -> list[tuple[str, str, str]]:
    policy = get_policy()
    return [(c, p, b) for c in policy.categories for p, purpose in policy.purposes.items()
            for b in sorted(purpose.bases)]


def _role_for(category: str) -> str:
    # C5: identity data only for (former) employees; C3/C4 rule out former employees.
    return "employee" if category == "identity" else "customer"


@pytest.mark.parametrize(("category", "purpose", "basis"), _cases())
def test_every_datum_is_deleted_on_its_date_with_a_receipt(db, category, purpose, basis):
    person = services.create_person(actor=ACTOR, purpose="agreement", source="service")
    role = services.add_role(person, _role_for(category), actor=ACTOR, started_on=LONG_AGO)
    deal = services.create_agreement("one_off", f"A-{category}-{purpose}-{basis}", "Job",
                                     LONG_AGO, parties=[person], actor=ACTOR)
    needs = get_policy().purposes[purpose].requires_agreement
    datum = add(person, category, VALUES[category], purpose, basis,
                agreement=deal if needs else None)
    # The relations end: the agreement today, the employment at the end of last month.
    role_end = TODAY.replace(day=1) - timedelta(days=1)
    services.end_agreement(deal, TODAY, actor=ACTOR)
    services.end_role(role, role_end, actor=ACTOR)
    datum.refresh_from_db()
    when = datum.delete_after
    # C3..C5: data of a role-limited category go with the role, unless the law keeps them.
    limited = get_policy().role_limit(category) is not None
    assert when is not None and (when >= TODAY or (limited and when == role_end))

    sweep.run(when - timedelta(days=1))
    assert type(datum)._default_manager.filter(pk=datum.pk).exists()
    sweep.run(when)
    assert not type(datum)._default_manager.filter(pk=datum.pk).exists()
    slip = DeletionReceipt.objects.get(category=category, model=datum._meta.label_lower)
    assert slip.count == 1 and slip.law_en and slip.law_nl and slip.rule_id


def _dated(p, category: str):
    return DATUM_MODELS[category]._default_manager.get(person=p).delete_after


def test_contact_data_without_an_agreement_go_after_the_contact_period(personas):
    """R2: Bram only asked to be called back: six months, then nothing of him is left."""
    expected = get_policy().deletion_date("phone", "callback", "consent",
                                          _facts_collected_today())
    assert _dated(personas.bram, "phone") == expected
    result = sweep.run(expected)
    assert result.persons_deleted >= 1
    assert not type(personas.bram)._default_manager.filter(pk=personas.bram.pk).exists()
    rules = set(DeletionReceipt.objects.filter(person_ref=str(personas.bram.ref))
                .values_list("rule_id", flat=True))
    assert CONTACT_PERIOD in rules and "no-data-left" in rules


def _facts_collected_today():
    from privacydesk.policy import RetentionFacts

    return RetentionFacts(collected_on=TODAY)


def test_agreement_data_go_when_the_agreement_ends_and_fiscal_records_stay_seven_years(
        personas):
    """R3: Anna's SLA ends; her contract data go that day, her fiscal record after 7 years
    from the end of that year (art. 52 AWR), each until its own date."""
    assert _dated(personas.anna, "address") is None          # the SLA still runs
    assert _dated(personas.anna, "financial") is None
    services.end_agreement(personas.anna_sla, TODAY, actor=ACTOR)
    assert _dated(personas.anna, "address") == TODAY
    assert _dated(personas.anna, "financial") == date(TODAY.year + 7, 12, 31)
    sweep.run(TODAY)
    assert not DATUM_MODELS["address"]._default_manager.filter(person=personas.anna).exists()
    assert DATUM_MODELS["financial"]._default_manager.filter(person=personas.anna).exists()
    sweep.run(date(TODAY.year + 7, 12, 31))
    assert not DATUM_MODELS["financial"]._default_manager.filter(
        person=personas.anna).exists()
    assert DeletionReceipt.objects.filter(rule_id="fiscal-records", category="financial",
                                          law_en__icontains="52").exists()


def test_payroll_and_identity_of_a_former_employee_stay_five_years(personas):
    """Daan left last June: his BSN stays until 31 December five years after that year."""
    end = date(TODAY.year + 4, 12, 31)
    assert _dated(personas.daan, "identity") == end
    sweep.run(end - timedelta(days=1))
    assert DATUM_MODELS["identity"]._default_manager.filter(person=personas.daan).exists()
    sweep.run(end)
    assert not DATUM_MODELS["identity"]._default_manager.filter(person=personas.daan).exists()
    assert DeletionReceipt.objects.filter(rule_id="payroll-identity").exists()


def test_a_running_employment_keeps_the_date_unknown_until_it_ends(personas):
    """Carla still works here: no date; when her employment ends, the date appears."""
    assert _dated(personas.carla, "identity") is None
    services.end_role(personas.carla.roles.get(kind="employee"), TODAY, actor=ACTOR)
    assert _dated(personas.carla, "identity") == date(TODAY.year + 5, 12, 31)


def test_extending_an_agreement_moves_the_date(personas):
    services.end_agreement(personas.anna_sla, TODAY, actor=ACTOR)
    services.extend_agreement(personas.anna_sla, TODAY + timedelta(days=365), actor=ACTOR)
    assert _dated(personas.anna, "address") == TODAY + timedelta(days=365)
    services.extend_agreement(personas.anna_sla, None, actor=ACTOR)
    assert _dated(personas.anna, "address") is None
