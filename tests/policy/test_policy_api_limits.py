"""[api] (Sec3): the rate limit of each API token comes from the policy, validated like
every other key; the section is optional with defaults generous enough for a busy client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from privacydesk.policy import Policy, PolicyError, load_policy_text
from privacydesk.policy.api_limits import ApiPolicy

Data = dict[str, Any]


@pytest.fixture()
def load(dump_toml: Callable[[Data], str]) -> Callable[[Data], Policy]:
    def load_(data: Data) -> Policy:
        return load_policy_text(dump_toml(data), file="mutated.toml")
    return load_


def test_infactor_allows_each_token_6000_calls_a_minute(policy: Policy) -> None:
    assert (policy.api.requests_per_window, policy.api.window_seconds) == (6000, 60)


def test_a_policy_without_the_section_gets_the_defaults(default_data: Data, load) -> None:
    del default_data["api"]
    assert load(default_data).api == ApiPolicy()


def test_a_key_left_out_keeps_its_default(default_data: Data, load) -> None:
    default_data["api"] = {"requests_per_window": 100}
    assert load(default_data).api == ApiPolicy(requests_per_window=100, window_seconds=60)


@pytest.mark.parametrize(("key", "value", "rule"), [
    ("requests_per_window", 0, "must be at least 1; it is 0"),
    ("requests_per_window", "many", "must be an integer, not a string"),
    ("window_seconds", 86401, "must be at most 86400; it is 86401"),
    ("window_seconds", -5, "must be at least 1; it is -5"),
])
def test_a_bad_value_is_refused_naming_the_key_and_the_rule(default_data: Data, load,
                                                            key: str, value: Any,
                                                            rule: str) -> None:
    default_data["api"][key] = value
    with pytest.raises(PolicyError) as refused:
        load(default_data)
    assert (refused.value.key, refused.value.rule) == (f"api.{key}", rule)


def test_an_unknown_key_is_refused(default_data: Data, load) -> None:
    default_data["api"]["burst"] = 10
    with pytest.raises(PolicyError) as refused:
        load(default_data)
    assert refused.value.key == "api.burst"
