"""R1–R3 and D1–D3: data kept past their date, recipients outside their agreement."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.check import FAIL
from privacydesk.register import services
from privacydesk.register.models import AgreementRecipient, Email, Name, Phone

from .conftest import ACTOR, TODAY, status_of

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_r1_a_datum_past_its_date_means_the_sweep_is_not_running(personas):
    Phone.objects.filter(person=personas.bram).update(delete_after=TODAY - timedelta(days=1))
    assert status_of("R1") == FAIL


def test_r1_a_datum_without_a_date_and_nothing_running_fails(personas):
    # Bram's name serves a callback: the contact period dates it, nothing keeps it open.
    Name.objects.filter(person=personas.bram).update(delete_after=None)
    assert status_of("R1") == FAIL


def test_r1_agreement_data_may_wait_while_the_agreement_runs(personas):
    assert Email.objects.get(person=personas.anna).delete_after is None
    assert status_of("R1") != FAIL


def test_r2_contact_data_dated_beyond_the_contact_period_fail(personas):
    Phone.objects.filter(person=personas.bram).update(delete_after=TODAY + timedelta(days=900))
    assert status_of("R2") == FAIL


def test_r3_agreement_data_kept_after_the_agreement_ended_fail(personas):
    services.end_agreement(personas.anna_sla, TODAY - timedelta(days=10), actor=ACTOR)
    assert status_of("R3") != FAIL  # dated by the service: now the sweep's job (R1)
    Email.objects.filter(person=personas.anna).update(delete_after=None)
    assert status_of("R3") == FAIL


def test_d1_a_recipient_on_a_basis_other_than_contract_or_law_fails(personas):
    AgreementRecipient.objects.update(legal_basis="legitimate_interests")
    assert status_of("D1") == FAIL


def test_d2_a_recipient_without_categories_fails(personas):
    AgreementRecipient.objects.update(categories=[])
    assert status_of("D2") == FAIL


def test_d2_a_recipient_of_an_undeclared_category_fails(personas):
    AgreementRecipient.objects.update(categories=["names", "medical"])
    assert status_of("D2") == FAIL
