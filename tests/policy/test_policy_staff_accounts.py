"""[staff_accounts] (Sec1): sign-in limits per account and the API token lifetime come from
the policy, validated like every other key; the section is optional with safe defaults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from privacydesk.policy import Policy, PolicyError, load_policy_text
from privacydesk.policy.staff_accounts import StaffAccountPolicy

Data = dict[str, Any]


@pytest.fixture()
def load(dump_toml: Callable[[Data], str]) -> Callable[[Data], Policy]:
    def load_(data: Data) -> Policy:
        return load_policy_text(dump_toml(data), file="mutated.toml")
    return load_


def test_infactor_pauses_after_five_failures_for_a_minute_up_to_an_hour(policy: Policy) -> None:
    rules = policy.staff_accounts
    assert (rules.failures_before_delay, rules.first_delay_seconds, rules.delay_multiplier,
            rules.max_delay_seconds) == (5, 60, 2, 3600)
    assert rules.token_days == 90


def test_a_policy_without_the_section_gets_the_defaults(default_data: Data, load) -> None:
    del default_data["staff_accounts"]
    assert load(default_data).staff_accounts == StaffAccountPolicy()


def test_a_key_left_out_keeps_its_default(default_data: Data, load) -> None:
    default_data["staff_accounts"] = {"token_days": 30}
    rules = load(default_data).staff_accounts
    assert rules.token_days == 30 and rules.failures_before_delay == 5


@pytest.mark.parametrize(("key", "value", "rule"), [
    ("failures_before_delay", 0, "must be at least 1"),
    ("failures_before_delay", "5", "must be an integer"),
    ("first_delay_seconds", True, "must be an integer"),
    ("max_delay_seconds", 8 * 86400, "must be at most"),
    ("delay_multiplier", 0, "must be at least 1"),
    ("failure_memory_seconds", 10, "must be at least 60"),
    ("token_days", 0, "must be at least 1"),
    ("token_days", 3651, "must be at most 3650"),
    ("lockout_forever", True, "is not a known key"),
])
def test_a_bad_value_is_refused_naming_the_key(default_data: Data, load, key: str,
                                               value: object, rule: str) -> None:
    default_data["staff_accounts"][key] = value
    with pytest.raises(PolicyError) as caught:
        load(default_data)
    assert caught.value.key == f"staff_accounts.{key}"
    assert rule in caught.value.rule


def test_the_first_delay_may_not_exceed_the_cap(default_data: Data, load) -> None:
    default_data["staff_accounts"].update(first_delay_seconds=600, max_delay_seconds=300)
    with pytest.raises(PolicyError) as caught:
        load(default_data)
    assert caught.value.key == "staff_accounts.first_delay_seconds"
    assert "must not exceed max_delay_seconds" in caught.value.rule


def test_failures_are_remembered_at_least_as_long_as_the_longest_pause(default_data: Data,
                                                                       load) -> None:
    default_data["staff_accounts"].update(max_delay_seconds=7200, failure_memory_seconds=3600)
    with pytest.raises(PolicyError) as caught:
        load(default_data)
    assert caught.value.key == "staff_accounts.failure_memory_seconds"
    assert "at least max_delay_seconds" in caught.value.rule


def test_the_section_must_be_a_table(default_data: Data, load) -> None:
    default_data["staff_accounts"] = 5
    with pytest.raises(PolicyError) as caught:
        load(default_data)
    assert caught.value.key == "staff_accounts" and "must be a table" in caught.value.rule
