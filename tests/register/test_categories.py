"""C2..C5: only the policy's categories, and each only for the roles the statement names."""

from __future__ import annotations

import pytest

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import Account, Financial, Identity

from .conftest import ACTOR, register_counts

IBAN = {"kind": "iban", "value": "NL91ABNA0417164300"}
ADMIN_ACCOUNT = {"system": "Microsoft 365", "username": "beheer", "is_admin_account": True}
BSN = {"kind": "bsn", "number": "111222333"}


def add(person, category, values, **kw):
    kw = {"source": "staff", "purpose": "callback", "basis": "consent", "actor": ACTOR, **kw}
    return services.add_datum(person, category, values, **kw)


def refused(person, category, values, **kw) -> RuleViolation:
    before = register_counts()
    with pytest.raises(RuleViolation) as caught:
        add(person, category, values, **kw)
    assert register_counts() == before, "a refused write must leave no row and no audit entry"
    return caught.value


def test_c2_a_category_outside_the_policy_is_refused(personas):
    err = refused(personas.anna, "health", {"condition": "flu"})
    assert (err.field, err.rule) == ("category", "C2")


@pytest.mark.parametrize("who", ["anna", "bram", "carla"])
def test_c3_financial_data_allowed_for_customers_prospects_employees(personas, who):
    datum = add(getattr(personas, who), "financial", IBAN)
    assert Financial.objects.get(pk=datum.pk).get_values() == IBAN


@pytest.mark.parametrize("who", ["eva", "daan", "olaf"])
def test_c3_financial_data_refused_for_everyone_else_and_nothing_written(personas, who):
    err = refused(getattr(personas, who), "financial", IBAN)
    assert (err.field, err.rule) == ("category", "C3")


def test_c4_account_data_refused_for_a_non_admin_account_of_anna(personas):
    err = refused(personas.anna, "account", {**ADMIN_ACCOUNT, "is_admin_account": False})
    assert err.rule == "C4"
    assert not Account.objects.exists()


def test_c4_account_data_refused_for_eva_even_as_admin(personas):
    err = refused(personas.eva, "account", ADMIN_ACCOUNT)
    assert err.rule == "C4"


def test_c4_admin_account_of_anna_is_stored(personas):
    datum = add(personas.anna, "account", ADMIN_ACCOUNT)
    values = Account.objects.get(pk=datum.pk).get_values()
    assert values["is_admin_account"] is True and values["username"] == "beheer"


@pytest.mark.parametrize("who", ["anna", "bram", "eva", "olaf"])
def test_c5_identity_data_refused_for_non_employees(personas, who):
    err = refused(getattr(personas, who), "identity", BSN)
    assert (err.field, err.rule) == ("category", "C5")


@pytest.mark.parametrize("who", ["carla", "daan"])
def test_c5_identity_data_allowed_for_employees_and_former_employees(personas, who):
    datum = add(getattr(personas, who), "identity", BSN, purpose="legal_obligation",
                basis="legal_obligation")
    assert Identity.objects.get(pk=datum.pk).get_values() == BSN


def test_roles_that_ended_no_longer_count(personas):
    # Daan was an employee until last year: financial data are for employees only (C3).
    assert "employee" not in personas.daan.active_role_kinds()
    err = refused(personas.daan, "financial", IBAN)
    assert err.rule == "C3"


def test_an_outsider_holds_no_data_at_all(personas):
    err = refused(personas.olaf, "names", {"given_names": "Olaf", "family_name": "Mulder"})
    assert err.rule == "C2"
