"""C3, C4, C5 after a role ends: when Anna stops being a customer, the financial data only a
customer may have become due at once — the retention plan says so, the sweep deletes them and
`privacydesk check` agrees — while her fiscal records stay until the fiscal rule's date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from privacydesk.check import FAIL, PASS, run_checks
from privacydesk.policy import ROLE_ENDED, clock
from privacydesk.register import services
from privacydesk.register.models import Financial
from privacydesk.retention import plan, sweep
from privacydesk.retention.models import DeletionReceipt

from .conftest import ACTOR, IBAN, LONG_AGO, add, person

pytestmark = pytest.mark.dates


@pytest.fixture
def anna(db) -> SimpleNamespace:
    """Anna, a customer with a running SLA: her IBAN for the SLA's direct debit (contract)
    and the same IBAN in the fiscal records (legal obligation, art. 52 AWR)."""
    anna = person("customer", "Anna", "de Vries")
    sla = services.create_agreement("sla", "SLA-ANNA", "Beheer kantoornetwerk", LONG_AGO,
                                    parties=[anna], actor=ACTOR)
    debit = add(anna, "financial", IBAN, "agreement", "contract", agreement=sla)
    fiscal = add(anna, "financial", IBAN, "legal_obligation", "legal_obligation")
    return SimpleNamespace(person=anna, sla=sla, debit=debit, fiscal=fiscal,
                           role=anna.roles.get(kind="customer"))


def _noon(day: date) -> datetime:
    """Midday of `day` in the policy's time zone (the checks judge by that day)."""
    return clock.start_of(day) + timedelta(hours=12)


def _c3(day: date) -> tuple[str, list[str]]:
    with time_machine.travel(_noon(day), tick=False):
        result = run_checks(["C3"])[0]
    return result.status, result.details


def _exists(row: Financial) -> bool:
    return Financial.objects.filter(pk=row.pk).exists()


def test_ending_annas_customer_role_makes_her_contract_data_due_that_day(anna) -> None:
    day = clock.today()
    assert anna.debit.delete_after is None   # the SLA runs: no date yet
    services.end_role(anna.role, day, actor=ACTOR)
    # The role-ending service recomputed the dates in its own transaction.
    anna.debit.refresh_from_db()
    anna.fiscal.refresh_from_db()
    assert anna.debit.delete_after == day
    assert anna.fiscal.delete_after is None   # fiscal duty: counts from the SLA's end

    rows = plan.plan(days=0, today=day)
    assert [(r.date, r.person_ref, r.category, r.rule_id, r.count) for r in rows] == [
        (day, str(anna.person.ref), "financial", ROLE_ENDED, 1)]

    result = sweep.run(day)
    assert result.by_category == {"financial": 1}
    assert not _exists(anna.debit) and _exists(anna.fiscal)
    slip = DeletionReceipt.objects.get(person_ref=str(anna.person.ref), category="financial")
    assert slip.rule_id == ROLE_ENDED and slip.promise == "C3"
    assert _c3(day + timedelta(days=1))[0] == PASS


def test_contract_data_forced_to_stay_after_the_role_fail_c3(anna) -> None:
    day = clock.today()
    services.end_role(anna.role, day, actor=ACTOR)
    # Someone bypasses the services and pushes the date away: the sweep leaves it ...
    Financial.objects.filter(pk=anna.debit.pk).update(delete_after=day + timedelta(days=400))
    sweep.run(day)
    assert _exists(anna.debit)
    # ... and the check, judging by the policy's own decision, does not.
    status, details = _c3(day + timedelta(days=1))
    assert status == FAIL
    assert f"person {anna.person.ref}: 1 financial row(s)" in details


def test_a_role_that_ended_in_the_past_shows_as_due_with_the_next_sweep(anna) -> None:
    day = clock.today()
    ended = day - timedelta(days=10)
    services.end_role(anna.role, ended, actor=ACTOR)
    anna.debit.refresh_from_db()
    assert anna.debit.delete_after == ended
    rows = plan.plan(days=0, today=day)
    assert [(r.date, r.rule_id) for r in rows] == [(day, ROLE_ENDED)]
    sweep.run(day)
    assert not _exists(anna.debit)


def test_fiscal_records_stay_until_the_fiscal_rules_date_and_check_accepts_it(anna) -> None:
    day = clock.today()
    services.end_agreement(anna.sla, day, actor=ACTOR)
    services.end_role(anna.role, day, actor=ACTOR)
    anna.fiscal.refresh_from_db()
    fiscal_date = date(day.year + 7, 12, 31)   # art. 52 AWR: 7 years from the year's end
    assert anna.fiscal.delete_after == fiscal_date

    sweep.run(day)
    assert not _exists(anna.debit) and _exists(anna.fiscal)
    assert _c3(day + timedelta(days=1))[0] == PASS
    assert _c3(fiscal_date)[0] == PASS
    # Kept past the law's date is kept without a reason: C3 fails until the sweep runs.
    status, details = _c3(fiscal_date + timedelta(days=1))
    assert status == FAIL and f"person {anna.person.ref}: 1 financial row(s)" in details
    sweep.run(fiscal_date)
    assert not _exists(anna.fiscal)


def test_a_new_allowing_role_gives_the_data_their_ordinary_date_back(anna) -> None:
    day = clock.today()
    services.end_role(anna.role, day, actor=ACTOR)
    services.add_role(anna.person, "customer", actor=ACTOR, started_on=day)
    anna.debit.refresh_from_db()
    assert anna.debit.delete_after is None   # a customer again, the SLA runs


def test_a_former_employees_identity_data_follow_the_payroll_rule_c5(db) -> None:
    """Daan left: his BSN (payroll, legal obligation) stays five years after the year's end;
    a BSN kept for a callback goes with the employment, as C5 requires."""
    day = clock.today()
    daan = person("employee", "Daan", "Bakker")
    payroll = services.add_datum(daan, "identity", {"kind": "bsn", "number": "111222333"},
                                 source="staff", purpose="legal_obligation",
                                 basis="legal_obligation", actor=ACTOR)
    asked = services.add_datum(daan, "identity", {"kind": "bsn", "number": "111222333"},
                               source="staff", purpose="callback", basis="consent",
                               actor=ACTOR)
    services.end_role(daan.roles.get(kind="employee"), day, actor=ACTOR)
    payroll.refresh_from_db()
    asked.refresh_from_db()
    assert payroll.delete_after == date(day.year + 5, 12, 31)
    assert asked.delete_after == day
    sweep.run(day)
    assert run_checks(["C5"])[0].status == PASS


def test_an_erasure_does_not_keep_data_whose_only_date_is_the_roles_end(db) -> None:
    """Rt3: the end of an allowing role is no legal duty. Bram the prospect stops being one
    next month; an IBAN filed as a 'legal obligation' that no retention rule dates (there is
    no agreement behind it) is erased now, not kept as if the law required it."""
    from privacydesk.retention import erasure

    day = clock.today()
    bram = person("prospect", "Bram", "Visser")
    iban = add(bram, "financial", IBAN, "legal_obligation", "legal_obligation")
    services.end_role(bram.roles.get(kind="prospect"), day + timedelta(days=30), actor=ACTOR)
    iban.refresh_from_db()
    assert iban.delete_after == day + timedelta(days=30)
    receipt = erasure.erase_person(bram, actor=ACTOR)
    assert not _exists(iban) and receipt.kept == ()
