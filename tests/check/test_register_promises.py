"""S1, C1–C5, P1–P3: what slips past the register's write path is caught by the check.

Each test breaks one promise with raw ORM writes (bulk_create / update bypass the
services and their policy questions) and expects the check of that promise to fail, naming
the person only by pseudonymous ref.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from privacydesk.callbacks.models import CallbackRequest, WrittenContact
from privacydesk.check import FAIL, report, run_checks
from privacydesk.policy import clock
from privacydesk.register.models import Account, Email, Financial, Identity, Name, Role

from .conftest import IBAN, SECRETS, details_of, status_of


def _sealed(model, person, **fields):
    row = model(person=person, source="staff", **fields)
    row.set_secret(json.dumps({"value": IBAN["value"]}))
    return row


def test_s1_a_role_the_policy_does_not_know_fails(personas):
    Role.objects.bulk_create([Role(person=personas.olaf, kind="supplier")])
    assert status_of("S1") == FAIL
    assert "'supplier'" in details_of("S1")


def test_c1_a_datum_without_a_declared_source_fails(personas):
    Name.objects.filter(person=personas.eva).update(source="scraped")
    assert status_of("C1") == FAIL
    assert str(personas.eva.ref) in details_of("C1")


def test_c2_a_datum_of_an_outsider_fails(personas):
    Name.objects.bulk_create([Name(person=personas.olaf, source="staff", purpose="callback",
                                   legal_basis="consent", given_names="Olaf",
                                   family_name="Mulder")])
    assert status_of("C2") == FAIL
    assert str(personas.olaf.ref) in details_of("C2")


def test_c3_financial_data_of_a_representative_fail_without_showing_them(personas):
    Financial.objects.bulk_create([_sealed(Financial, personas.eva, kind="iban",
                                           purpose="callback", legal_basis="consent")])
    results = run_checks(["C3"])
    assert results[0].status == FAIL
    assert f"person {personas.eva.ref}: 1 financial row(s)" in results[0].details
    for fmt in ("table", "json", "md"):
        text = report.render(results, fmt)
        assert not [s for s in SECRETS if s in text], fmt


@pytest.mark.dates
def test_c3_financial_data_outlive_a_role_only_as_a_legal_record(personas):
    Role.objects.filter(person=personas.carla).update(ended_on=clock.day_of(personas.carla.created_at))
    # Employment ended two years ago: the payroll rule keeps the IBAN for five more (R3).
    Role.objects.filter(person=personas.carla, kind="employee").update(
        started_on="2015-01-01", ended_on=date(clock.today().year - 2, 12, 31))
    assert status_of("C3") != FAIL  # Carla's payroll IBAN: legal obligation (R3)
    Financial.objects.filter(person=personas.carla).update(legal_basis="consent",
                                                           purpose="callback")
    assert status_of("C3") == FAIL


def test_c4_account_data_that_are_not_an_administrator_account_fail(personas):
    Account.objects.filter(person=personas.anna).update(is_admin_account=False)
    assert status_of("C4") == FAIL
    assert "not an administrator account" in details_of("C4")


def test_c5_identity_data_of_a_customer_fail(personas):
    Identity.objects.bulk_create([_sealed(Identity, personas.anna, kind="bsn",
                                          purpose="legal_obligation",
                                          legal_basis="legal_obligation")])
    assert status_of("C5") == FAIL


def test_c5_identity_data_stored_in_the_clear_fail(personas):
    Identity.objects.filter(person=personas.carla).update(key_id="", ciphertext=b"")
    assert status_of("C5") == FAIL
    assert "without encryption" in details_of("C5")


def test_p1_a_callback_closed_as_reached_without_the_call_fails(personas):
    bare = CallbackRequest.objects.create(person=personas.bram, status="reached")
    assert bare.attempts.count() == 0
    assert status_of("P1") == FAIL


def test_p2_a_letter_before_the_calls_failed_fails(personas):
    callback = CallbackRequest.objects.create(person=personas.bram)
    WrittenContact.objects.create(callback=callback, channel="letter", actor="tester")
    assert status_of("P2") == FAIL
    assert "after 0 failed call(s)" in details_of("P2")


def test_p3_agreement_data_without_their_agreement_fail(personas):
    Email.objects.filter(person=personas.anna).update(agreement=None)
    assert status_of("P3") == FAIL
    assert str(personas.anna.ref) in details_of("P3")


def test_p3_agreement_data_of_someone_elses_agreement_fail(personas):
    Email.objects.filter(person=personas.anna).update(person=personas.bram)
    assert status_of("P3") == FAIL
    assert "not party to" in details_of("P3")


def test_p3_a_purpose_the_policy_does_not_declare_fails(personas):
    Name.objects.filter(person=personas.bram).update(purpose="marketing")
    assert status_of("P3") == FAIL
    assert "Art5" in details_of("P3")
