"""D1 on the log: every disclosure on a legal obligation is verified against the policy's
declaration (`[legal_obligations.<id>]`). The gate only logs matching ones; each test changes
a logged row (or the person) behind the gate's back and expects `check` to fail D1."""

from __future__ import annotations

import pytest

from privacydesk.check import FAIL, PASS
from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.models import Disclosure
from privacydesk.register.models import Role

from .conftest import ACTOR, details_of, status_of


@pytest.fixture
def by_law(personas) -> Disclosure:
    """Carla's payroll records went to the tax authority under the declared obligation."""
    return disclose(personas.carla, "Belastingdienst", ["financial"], "legal_obligation",
                    actor=ACTOR, legal_obligation="payroll_tax")


def test_a_disclosure_under_a_declared_obligation_passes(by_law):
    assert status_of("D1") == PASS
    assert "declared legal obligation" in details_of("D1")


def test_free_text_instead_of_a_declared_obligation_fails(by_law):
    # What the gate once accepted: a statute typed in by hand.
    Disclosure.objects.filter(pk=by_law.pk).update(obligation="Belastingdienst, art. 53 AWR")
    assert status_of("D1") == FAIL
    assert "is not a legal obligation the policy declares" in details_of("D1")


def test_a_recipient_the_obligation_does_not_name_fails(by_law):
    Disclosure.objects.filter(pk=by_law.pk).update(recipient="Incassobureau Noord BV")
    assert status_of("D1") == FAIL
    assert "Incassobureau Noord BV" in details_of("D1")


def test_categories_beyond_the_obligation_fail(by_law):
    Disclosure.objects.filter(pk=by_law.pk).update(categories=["email", "financial"])
    assert status_of("D1") == FAIL
    assert "not email" in details_of("D1")


def test_a_person_the_obligation_does_not_cover_fails(by_law, personas):
    # Carla's employee role recorded as a customer role: payroll law no longer covers her.
    Role.objects.filter(person=personas.carla).update(kind="customer")
    assert status_of("D1") == FAIL
    assert "never had one of those roles" in details_of("D1")


def test_an_erased_persons_pseudonymous_row_is_verified_without_roles(by_law, personas):
    Disclosure.objects.filter(pk=by_law.pk).update(person=None)
    assert status_of("D1") == PASS
