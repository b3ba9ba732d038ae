"""C3, C4, C5 after a role ends: data a category allows only for some roles go with the last
of those roles, unless the law keeps them (Art. 17(3)(b) GDPR) — decided by the policy core,
without Django."""

from __future__ import annotations

from datetime import date

import pytest

from privacydesk.policy import (
    CONTACT_PERIOD,
    ROLE_ENDED,
    Policy,
    PolicyError,
    RetentionFacts,
    RoleSpan,
    load_policy_text,
)

COLLECTED = date(2024, 3, 1)
ROLE_END = date(2025, 6, 30)
CUSTOMER_ENDED = (RoleSpan("customer", date(2020, 1, 1), ROLE_END),)


def _facts(roles: tuple[RoleSpan, ...] | None, **kw: object) -> RetentionFacts:
    return RetentionFacts(collected_on=COLLECTED, roles=roles, **kw)  # type: ignore[arg-type]


def test_only_categories_limited_to_some_roles_carry_a_role_limit(policy: Policy) -> None:
    assert policy.role_limit("financial").promise == "C3"  # type: ignore[union-attr]
    assert policy.role_limit("account").promise == "C4"  # type: ignore[union-attr]
    assert policy.role_limit("identity").promise == "C5"  # type: ignore[union-attr]
    assert policy.role_limit("names") is None   # every role may have a name (C2)


def test_annas_financial_data_are_due_the_day_her_customer_role_ends_C3(
        policy: Policy) -> None:
    # Her SLA still runs, which alone would leave the date unknown; C3 does not allow that.
    decision = policy.retention_decision("financial", "agreement", "contract",
                                         _facts(CUSTOMER_ENDED, agreement_running=True))
    assert (decision.date, decision.rule_id, decision.promise) == (ROLE_END, ROLE_ENDED, "C3")
    assert "5(1)(c)" in decision.law.en and "art. 5 lid 1" in decision.law.nl


def test_contact_data_of_a_former_customer_do_not_wait_for_the_contact_period_C3(
        policy: Policy) -> None:
    ordinary = policy.retention_decision("financial", "callback", "consent", _facts(None))
    assert ordinary.rule_id == CONTACT_PERIOD and ordinary.date == date(2024, 9, 1)
    facts = _facts((RoleSpan("customer", date(2020, 1, 1), date(2024, 5, 31)),))
    decision = policy.retention_decision("financial", "callback", "consent", facts)
    assert (decision.date, decision.rule_id) == (date(2024, 5, 31), ROLE_ENDED)


def test_an_earlier_ordinary_date_stays(policy: Policy) -> None:
    facts = _facts(CUSTOMER_ENDED, agreement_end=date(2025, 1, 31))
    decision = policy.retention_decision("financial", "agreement", "contract", facts)
    assert (decision.date, decision.rule_id) == (date(2025, 1, 31), "agreement-execution")


def test_while_any_allowing_role_runs_nothing_changes(policy: Policy) -> None:
    # Bram the prospect became a customer: the allowing roles follow each other.
    roles = (RoleSpan("prospect", date(2020, 1, 1), date(2023, 12, 31)),
             RoleSpan("customer", date(2024, 1, 1), None))
    decision = policy.retention_decision("financial", "agreement", "contract",
                                         _facts(roles, agreement_running=True))
    assert (decision.date, decision.rule_id) == (None, "agreement-execution")


def test_a_role_that_does_not_allow_the_category_does_not_keep_it(policy: Policy) -> None:
    # Eva represents a company (contact): that role never allowed financial data (C3).
    roles = CUSTOMER_ENDED + (RoleSpan("contact", date(2020, 1, 1), None),)
    decision = policy.retention_decision("financial", "agreement", "contract",
                                         _facts(roles, agreement_running=True))
    assert (decision.date, decision.rule_id) == (ROLE_END, ROLE_ENDED)


def test_an_end_date_still_ahead_dates_the_data_now(policy: Policy) -> None:
    ahead = (RoleSpan("customer", date(2020, 1, 1), date(2031, 1, 31)),)
    decision = policy.retention_decision("account", "agreement", "contract",
                                         _facts(ahead, agreement_running=True))
    assert (decision.date, decision.rule_id, decision.promise) == (
        date(2031, 1, 31), ROLE_ENDED, "C4")


def test_fiscal_records_stay_until_the_fiscal_rules_date_art52_AWR(policy: Policy) -> None:
    facts = _facts(CUSTOMER_ENDED, agreement_end=date(2025, 6, 30))
    decision = policy.retention_decision("financial", "legal_obligation", "legal_obligation",
                                         facts)
    assert (decision.date, decision.rule_id) == (date(2032, 12, 31), "fiscal-records")


def test_a_legal_basis_without_a_rule_that_dates_it_keeps_nothing(policy: Policy) -> None:
    # No agreement ever: the fiscal rule does not apply, only the contact period would
    # (collected in May, six months: November); the role ended in June.
    facts = RetentionFacts(collected_on=date(2025, 5, 1), roles=CUSTOMER_ENDED)
    decision = policy.retention_decision("financial", "legal_obligation", "legal_obligation",
                                         facts)
    assert (decision.date, decision.rule_id) == (ROLE_END, ROLE_ENDED)


def test_identity_data_follow_an_employee_into_former_employment_C5(policy: Policy) -> None:
    # Daan: employee until June, then former employee (both allow identity data).
    roles = (RoleSpan("employee", date(2015, 1, 1), ROLE_END),
             RoleSpan("former_employee", date(2025, 7, 1), None))
    decision = policy.retention_decision("identity", "legal_obligation", "legal_obligation",
                                         _facts(roles, employment_end=ROLE_END))
    assert (decision.date, decision.rule_id) == (date(2030, 12, 31), "payroll-identity")
    # ... but his salary account under the contract goes with the employment (C3).
    decision = policy.retention_decision("financial", "agreement", "contract",
                                         _facts(roles, agreement_running=True))
    assert (decision.date, decision.rule_id) == (ROLE_END, ROLE_ENDED)


def test_data_of_someone_who_never_held_an_allowing_role_are_due_at_once(
        policy: Policy) -> None:
    decision = policy.retention_decision("identity", "callback", "consent",
                                         _facts((RoleSpan("customer", date(2020, 1, 1),
                                                          None),)))
    assert (decision.date, decision.rule_id, decision.promise) == (COLLECTED, ROLE_ENDED,
                                                                   "C5")


def test_a_legal_hold_still_keeps_data_whose_role_ended(policy: Policy) -> None:
    facts = _facts(CUSTOMER_ENDED, agreement_running=True,
                   legal_hold_until=date(2026, 1, 15))
    decision = policy.retention_decision("financial", "agreement", "contract", facts)
    assert (decision.date, decision.rule_id, decision.held) == (date(2026, 1, 16),
                                                                ROLE_ENDED, True)


def test_without_the_roles_in_the_facts_no_role_limit_is_applied(policy: Policy) -> None:
    decision = policy.retention_decision("financial", "agreement", "contract",
                                         _facts(None, agreement_running=True))
    assert decision.date is None


def test_a_category_every_role_may_hold_is_not_limited(policy: Policy) -> None:
    decision = policy.retention_decision("names", "agreement", "contract",
                                         _facts(CUSTOMER_ENDED, agreement_running=True))
    assert decision.date is None


def test_the_role_ended_rule_id_is_reserved(dump_toml, default_data) -> None:  # type: ignore
    default_data["retention"]["rule"][0]["id"] = ROLE_ENDED
    with pytest.raises(PolicyError) as refused:
        load_policy_text(dump_toml(default_data), file="infactor.toml")
    assert refused.value.key == "retention.rule[0].id"
    assert "reserved" in str(refused.value)
