"""The rules the register asks before every write: who may hold which data (C2..C5), for which
purpose and basis (P3, Art. 6), from which source (C1), and which staff may see what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from privacydesk.policy import Policy, RuleViolation

CONTACT_ROLES = ["names", "address", "phone", "email"]


# -- C2: only the declared categories -------------------------------------------------------------
def test_a_category_outside_the_statement_is_refused_C2(policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_may_hold("health", ["customer"])
    assert (caught.value.field, caught.value.rule) == ("category", "C2")
    assert "'health'" in caught.value.message and "(C2)" in caught.value.message


@pytest.mark.parametrize("category", CONTACT_ROLES)
@pytest.mark.parametrize("role", ["customer", "prospect", "employee", "former_employee",
                                  "contact"])
def test_plain_contact_data_may_be_held_for_every_role_C2(policy: Policy, category: str,
                                                          role: str) -> None:
    policy.check_may_hold(category, [role])


# -- C3: financial data ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["customer", "prospect", "employee"])
def test_financial_data_may_be_held_for_customers_prospects_and_employees_C3(
        policy: Policy, role: str) -> None:
    policy.check_may_hold("financial", [role])


@pytest.mark.parametrize("role", ["contact", "former_employee"])
def test_financial_data_are_refused_for_other_roles_C3(policy: Policy, role: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_may_hold("financial", [role])
    assert caught.value.as_dict() == {
        "field": "category", "rule": "C3",
        "message": "Financial data may only be held for customers, prospective customers or "
                   f"employees (C3); this person's roles: {role}"}


def test_financial_data_are_refused_for_a_person_without_any_role_C3(policy: Policy) -> None:
    with pytest.raises(RuleViolation, match="this person has no role") as caught:
        policy.check_may_hold("financial", [])
    assert caught.value.rule == "C3"


def test_one_allowed_role_among_several_is_enough_C3(policy: Policy) -> None:
    policy.check_may_hold("financial", ["contact", "customer"])


# -- C4: account data -----------------------------------------------------------------------------
def test_account_data_are_held_for_the_admin_account_of_a_customer_C4(policy: Policy) -> None:
    policy.check_may_hold("account", ["customer"], admin_account=True)


def test_account_data_are_refused_without_an_administrator_account_C4(policy: Policy) -> None:
    with pytest.raises(RuleViolation, match="administrator accounts") as caught:
        policy.check_may_hold("account", ["customer"], admin_account=False)
    assert (caught.value.field, caught.value.rule) == ("category", "C4")


def test_account_data_are_refused_for_a_representative_even_with_admin_account_C4(
        policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_may_hold("account", ["contact"], admin_account=True)
    assert caught.value.rule == "C4"


# -- C5: identity data ----------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["employee", "former_employee"])
def test_identity_data_may_be_held_for_employees_and_former_employees_C5(
        policy: Policy, role: str) -> None:
    policy.check_may_hold("identity", [role])


@pytest.mark.parametrize("role", ["customer", "prospect", "contact"])
def test_identity_data_are_refused_for_everyone_else_C5(policy: Policy, role: str) -> None:
    with pytest.raises(RuleViolation, match=r"Identity data may only be held for employees or "
                       r"former employees \(C5\)") as caught:
        policy.check_may_hold("identity", [role])
    assert caught.value.rule == "C5"


def test_a_single_role_given_as_a_string_is_one_role_not_letters_C5(policy: Policy) -> None:
    policy.check_may_hold("identity", "employee")
    with pytest.raises(RuleViolation) as caught:
        policy.check_may_hold("identity", "customer")
    assert caught.value.rule == "C5"


def test_a_role_the_policy_does_not_know_is_refused_S1(policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_may_hold("names", ["klant"])
    assert (caught.value.field, caught.value.rule) == ("roles", "S1")


# -- P3 and Art. 6: purposes and their legal bases ------------------------------------------------
def test_the_agreement_purpose_needs_a_linked_agreement_P3(policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_purpose("agreement", "contract", has_agreement=False)
    assert (caught.value.field, caught.value.rule) == ("purpose", "P3")
    policy.check_purpose("agreement", "contract", has_agreement=True)


def test_a_basis_not_allowed_for_the_purpose_is_refused_Art6(policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_purpose("agreement", "consent", has_agreement=True)
    assert (caught.value.field, caught.value.rule) == ("legal_basis", "Art6")


def test_an_unknown_basis_is_refused_Art6(policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_purpose("callback", "because", has_agreement=False)
    assert (caught.value.field, caught.value.rule) == ("legal_basis", "Art6")


def test_an_undeclared_purpose_is_refused_purpose_limitation(policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_purpose("marketing", "consent", has_agreement=False)
    assert (caught.value.field, caught.value.rule) == ("purpose", "Art5")


def test_a_callback_on_request_rests_on_consent_without_an_agreement_P1(policy: Policy) -> None:
    policy.check_purpose("callback", "consent", has_agreement=False)
    policy.check_purpose("written_contact", "legitimate_interests", has_agreement=False)


# -- C1: sources ----------------------------------------------------------------------------------
@pytest.mark.parametrize("source", ["service", "contact_form", "email", "staff", "import"])
def test_data_from_a_declared_source_are_accepted_C1(policy: Policy, source: str) -> None:
    policy.check_source(source)


def test_data_from_an_undeclared_source_are_refused_C1(policy: Policy) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.check_source("data_broker")
    assert (caught.value.field, caught.value.rule) == ("source", "C1")


# -- staff: category-level access, deny by default (Sec1, Sec4) -----------------------------------
@pytest.mark.parametrize(("staff", "category", "may"), [
    ("privacy_officer", "identity", True),
    ("service_engineer", "account", True),
    ("service_engineer", "financial", False),
    ("sales", "email", True),
    ("sales", "financial", False),
    ("finance", "financial", True),
    ("finance", "identity", False),
    ("hr", "identity", True),
    ("hr", "account", False),
    ("intern", "names", False),
    ("privacy_officer", "health", False),
])
def test_staff_see_only_the_categories_of_their_role_Sec1(policy: Policy, staff: str,
                                                          category: str, may: bool) -> None:
    assert policy.staff_may_see(staff, category) is may


def test_only_the_privacy_officer_manages_staff_and_handles_requests(policy: Policy) -> None:
    holders = {k for k in policy.staff_roles if policy.staff_may(k, "manage_staff")}
    assert holders == {"privacy_officer"}
    assert policy.staff_may("privacy_officer", "handle_requests")
    assert not policy.staff_may("sales", "handle_requests")
    assert not policy.staff_may("nobody", "manage_staff")


# -- Rt6 and Art. 12(3): request deadlines --------------------------------------------------------
def test_a_request_is_due_within_one_week_and_legally_within_one_month_Rt6(
        policy: Policy) -> None:
    received = datetime(2025, 3, 10, 14, 30, tzinfo=UTC)
    statement, legal = policy.request_deadlines(received)
    assert statement == received + timedelta(days=7)
    # The month on the policy's calendar: 15:30 in Amsterdam on 10 March, 15:30 there (now
    # summer time) on 10 April.
    assert legal == datetime(2025, 4, 10, 15, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert legal == datetime(2025, 4, 10, 13, 30, tzinfo=UTC)


def test_the_legal_month_is_clamped_at_the_end_of_a_short_month_Art12(policy: Policy) -> None:
    _, legal = policy.request_deadlines(datetime(2025, 1, 31, 9, 0))
    assert legal == datetime(2025, 2, 28, 9, 0)
    _, leap = policy.request_deadlines(datetime(2024, 1, 31, 9, 0))
    assert leap == datetime(2024, 2, 29, 9, 0)


def test_another_company_keeps_its_own_deadline(voorbeeld: Policy) -> None:
    received = datetime(2025, 3, 10)
    assert voorbeeld.request_deadlines(received)[0] == datetime(2025, 3, 24)
