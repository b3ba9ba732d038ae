"""[backups]: how recent the newest encrypted backup must be (Sec1, Art. 32(1)(c) GDPR).

The check fails Sec1 on it (tests/check/test_idle_and_backups.py); here the policy file
states it, another company may state another, and a nonsense value is refused by key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from privacydesk.policy import Policy, PolicyError, load_policy_text

Data = dict[str, Any]


def _load(dump_toml: Callable[[Data], str], data: Data) -> Policy:
    return load_policy_text(dump_toml(data), file="mutated.toml")


def test_infactor_backs_up_every_day_and_voorbeeld_every_week(policy: Policy,
                                                              voorbeeld: Policy) -> None:
    assert policy.backups.interval_days == 1
    assert voorbeeld.backups.interval_days == 7


def test_a_policy_without_the_section_expects_a_daily_backup(
        default_data: Data, dump_toml: Callable[[Data], str]) -> None:
    del default_data["backups"]
    assert _load(dump_toml, default_data).backups.interval_days == 1


@pytest.mark.parametrize(("section", "key", "rule"), [
    ({"interval_days": 0}, "backups.interval_days", "must be at least 1; it is 0"),
    ({"interval_days": 32}, "backups.interval_days", "must be at most 31; it is 32"),
    ({"interval_days": "daily"}, "backups.interval_days", "must be an integer"),
    ({}, "backups.interval_days", ""),
    ({"interval_days": 1, "every": 2}, "backups.every", ""),
])
def test_a_wrong_backup_interval_is_refused_naming_the_key(
        default_data: Data, dump_toml: Callable[[Data], str], section: Data, key: str,
        rule: str) -> None:
    default_data["backups"] = section
    with pytest.raises(PolicyError) as caught:
        _load(dump_toml, default_data)
    assert caught.value.key == key
    assert rule in caught.value.rule
