"""Retention (R1..R3): every datum gets the date it must be deleted, and the rule and law that
decided it. Unknown while an agreement or employment runs; the longest legal duty wins."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacydesk.policy import CONTACT_PERIOD, Policy, RetentionFacts, RuleViolation


# -- R2: no agreement came about ------------------------------------------------------------------
def test_contact_only_data_go_six_months_after_collection_R2(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2025, 1, 15))
    decision = policy.retention_decision("phone", "callback", "consent", facts)
    assert decision.date == date(2025, 7, 15)
    assert (decision.rule_id, decision.promise) == (CONTACT_PERIOD, "R2")
    assert "5(1)(e)" in decision.law.en


def test_the_contact_period_counts_from_the_last_contact_R2(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2025, 1, 15), last_contact_on=date(2025, 3, 31))
    assert policy.deletion_date("email", "written_contact", "consent", facts) == date(2025, 9, 30)


def test_agreement_purpose_data_without_any_agreement_fall_back_to_the_contact_period_R2(
        policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2025, 8, 31))
    assert policy.deletion_date("names", "agreement", "contract", facts) == date(2026, 2, 28)


# -- R3: agreement data while the agreement runs, then only what the law obliges ------------------
def test_agreement_data_have_no_date_while_the_agreement_runs_R3(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2020, 1, 1), agreement_running=True)
    decision = policy.retention_decision("address", "agreement", "contract", facts)
    assert decision.date is None
    assert decision.rule_id == "agreement-execution"


def test_agreement_data_go_when_the_agreement_ends_R3(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2020, 1, 1), agreement_end=date(2024, 6, 30))
    decision = policy.retention_decision("account", "agreement", "contract", facts)
    assert decision.date == date(2024, 6, 30)
    assert (decision.rule_id, decision.promise) == ("agreement-execution", "R3")


def test_a_running_agreement_wins_over_an_end_date_given_too(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2020, 1, 1), agreement_end=date(2024, 6, 30),
                           agreement_running=True)
    assert policy.deletion_date("names", "agreement", "contract", facts) is None


def test_fiscal_records_are_kept_seven_years_from_the_end_of_the_year_art52_AWR(
        policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2019, 5, 1), agreement_end=date(2024, 3, 15))
    decision = policy.retention_decision("financial", "legal_obligation", "legal_obligation",
                                         facts)
    assert decision.date == date(2031, 12, 31)
    assert decision.rule_id == "fiscal-records"
    assert "52" in decision.law.nl


def test_fiscal_records_have_no_date_while_the_agreement_runs_R3(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2019, 5, 1), agreement_running=True)
    assert policy.deletion_date("financial", "legal_obligation", "legal_obligation",
                                facts) is None


def test_identity_data_go_five_years_after_the_year_employment_ended(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2015, 2, 1), employment_end=date(2023, 1, 31))
    decision = policy.retention_decision("identity", "legal_obligation", "legal_obligation",
                                         facts)
    assert decision.date == date(2028, 12, 31)
    assert decision.rule_id == "payroll-identity"


def test_identity_data_have_no_date_while_employed(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2015, 2, 1), employment_running=True)
    assert policy.deletion_date("identity", "legal_obligation", "legal_obligation",
                                facts) is None


def test_when_two_laws_apply_the_longest_duty_wins(policy: Policy) -> None:
    # A former employee who was also a customer: payroll (5 y) and fiscal (7 y) both apply.
    facts = RetentionFacts(collected_on=date(2015, 1, 1), employment_end=date(2022, 6, 1),
                           agreement_end=date(2021, 3, 1))
    decision = policy.retention_decision("financial", "legal_obligation", "legal_obligation",
                                         facts)
    assert (decision.date, decision.rule_id) == (date(2028, 12, 31), "fiscal-records")
    later = RetentionFacts(collected_on=date(2015, 1, 1), employment_end=date(2026, 6, 1),
                           agreement_end=date(2021, 3, 1))
    decision = policy.retention_decision("financial", "legal_obligation", "legal_obligation",
                                         later)
    assert (decision.date, decision.rule_id) == (date(2031, 12, 31), "payroll-identity")


def test_one_running_duty_makes_the_date_unknown(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2015, 1, 1), employment_running=True,
                           agreement_end=date(2021, 3, 1))
    assert policy.deletion_date("financial", "legal_obligation", "legal_obligation",
                                facts) is None


# -- W2: break-in registrations -------------------------------------------------------------------
def test_break_in_registrations_go_after_thirty_days_W2(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2025, 5, 1))
    decision = policy.retention_decision(None, "security", "legitimate_interests", facts)
    assert (decision.date, decision.rule_id, decision.promise) == (
        date(2025, 5, 31), "break-in-registrations", "W2")


# -- legal hold -----------------------------------------------------------------------------------
def test_a_legal_hold_pushes_the_date_past_its_end(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2025, 1, 15), legal_hold_until=date(2025, 12, 1))
    decision = policy.retention_decision("phone", "callback", "consent", facts)
    assert (decision.date, decision.held) == (date(2025, 12, 2), True)


def test_a_hold_that_ends_before_the_date_changes_nothing(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2025, 1, 15), legal_hold_until=date(2025, 2, 1))
    decision = policy.retention_decision("phone", "callback", "consent", facts)
    assert (decision.date, decision.held) == (date(2025, 7, 15), False)


def test_an_open_ended_hold_makes_the_date_unknown(policy: Policy) -> None:
    facts = RetentionFacts(collected_on=date(2025, 1, 15), legal_hold_open=True)
    decision = policy.retention_decision("phone", "callback", "consent", facts)
    assert (decision.date, decision.held) == (None, True)


# -- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "rule"), [
    (("health", "callback", "consent"), "C2"),
    (("phone", "marketing", "consent"), "Art5"),
    (("phone", "callback", "whim"), "Art6"),
])
def test_retention_for_undeclared_things_is_refused(policy: Policy, args: tuple[str, str, str],
                                                    rule: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        policy.deletion_date(*args, RetentionFacts(collected_on=date(2025, 1, 1)))
    assert caught.value.rule == rule


# -- properties -----------------------------------------------------------------------------------
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
maybe_dates = st.none() | dates


@given(collected=dates, last=maybe_dates, agreement_end=maybe_dates, employment_end=maybe_dates,
       running=st.booleans(), employed=st.booleans(), hold=maybe_dates,
       category=st.sampled_from(["names", "address", "phone", "email", "financial", "account",
                                 "identity"]),
       pair=st.sampled_from([("callback", "consent"), ("written_contact", "consent"),
                             ("agreement", "contract"),
                             ("legal_obligation", "legal_obligation")]))
def test_a_deletion_date_is_never_before_the_law_or_the_hold_allows(
        policy: Policy, collected: date, last: date | None, agreement_end: date | None,
        employment_end: date | None, running: bool, employed: bool, hold: date | None,
        category: str, pair: tuple[str, str]) -> None:
    facts = RetentionFacts(collected_on=collected, last_contact_on=last,
                           agreement_end=agreement_end, agreement_running=running,
                           employment_end=employment_end, employment_running=employed,
                           legal_hold_until=hold)
    decision = policy.retention_decision(category, *pair, facts)
    if decision.date is None:
        assert decision.rule_id != CONTACT_PERIOD
        return
    if hold is not None:
        assert decision.date > hold
    if decision.rule_id == CONTACT_PERIOD:
        assert decision.date >= max(collected, last or collected)
    if pair[0] == "legal_obligation" and category == "financial" and agreement_end and not running:
        # art. 52 AWR: seven years from the end of the year, whichever other rule also applies
        assert decision.date >= date(agreement_end.year + 7, 12, 31)
