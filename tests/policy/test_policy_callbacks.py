"""P2: written contact only "if you cannot be reached by telephone" — the policy says which
call outcomes are failed calls and how far apart they must be; a burst of calls is one try."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from privacydesk.policy import Policy, PolicyError, RuleViolation, load_policy_text

AMS = ZoneInfo("Europe/Amsterdam")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=AMS)


def test_infactor_asks_three_failed_calls_two_hours_apart_on_two_days(policy: Policy) -> None:
    rules = policy.callbacks
    assert (rules.attempts_before_written, rules.min_gap_minutes, rules.min_distinct_days) == (
        3, 120, 2)
    assert rules.failed_outcomes == {"no_answer", "voicemail", "busy", "wrong_number"}


def test_three_wrong_numbers_within_a_fraction_of_a_second_are_one_try(policy: Policy) -> None:
    t = _at(7, 10)
    burst = [(t + timedelta(milliseconds=ms), "wrong_number") for ms in (0, 10, 20)]
    ready = policy.written_contact_readiness(burst)
    assert (ready.allowed, ready.counted, ready.days) == (False, 1, 1)
    assert ready.next_counts_from == t + timedelta(hours=2)
    with pytest.raises(RuleViolation) as refused:
        policy.check_written_contact(burst)
    assert (refused.value.field, refused.value.rule) == ("channel", "P2")
    assert "3 failed calls at least 2 hours apart on at least 2 different day(s) (P2)" in \
        refused.value.message
    assert "counted so far: 1 call(s) on 1 day(s)" in refused.value.message


def test_three_spaced_calls_on_one_day_are_not_enough(policy: Policy) -> None:
    calls = [(_at(7, 9), "no_answer"), (_at(7, 11), "busy"), (_at(7, 13), "voicemail")]
    ready = policy.written_contact_readiness(calls)
    assert (ready.allowed, ready.counted, ready.days) == (False, 3, 1)


def test_spaced_failed_calls_on_two_days_open_the_written_route(policy: Policy) -> None:
    calls = [(_at(8, 10), "no_answer"), (_at(7, 11, 30), "busy"), (_at(7, 9), "voicemail")]
    assert policy.written_contact_readiness(calls).allowed      # any order
    policy.check_written_contact(calls)


def test_a_call_within_the_gap_does_not_count_however_many_there_are(policy: Policy) -> None:
    calls = [(_at(7, 9), "no_answer"), (_at(7, 10, 59), "no_answer"), (_at(8, 9), "busy")]
    ready = policy.written_contact_readiness(calls)
    assert (ready.counted, ready.days, ready.allowed) == (2, 2, False)


def test_midnight_does_not_make_two_calls_an_hour_apart_count_twice(policy: Policy) -> None:
    calls = [(_at(7, 23, 30), "no_answer"), (_at(8, 0, 30), "no_answer")]
    assert policy.written_contact_readiness(calls).counted == 1


def test_days_are_the_policys_days_not_utc(policy: Policy) -> None:
    utc = ZoneInfo("UTC")
    # 22:30 UTC on the 7th is 23:30 in Amsterdam (the 7th); 23:30 UTC is already the 8th there.
    calls = [(datetime(2026, 12, 7, 9, 0, tzinfo=utc), "no_answer"),
             (datetime(2026, 12, 7, 12, 0, tzinfo=utc), "no_answer"),
             (datetime(2026, 12, 7, 23, 30, tzinfo=utc), "no_answer")]
    assert policy.written_contact_readiness(calls).days == 2
    calls[-1] = (datetime(2026, 12, 7, 22, 30, tzinfo=utc), "no_answer")
    assert policy.written_contact_readiness(calls).days == 1


def test_a_call_that_reached_the_person_never_counts(policy: Policy) -> None:
    calls = [(_at(7, 9), "reached"), (_at(8, 9), "reached"), (_at(9, 9), "reached")]
    assert policy.written_contact_readiness(calls).counted == 0


def test_another_company_counts_only_its_own_failed_outcomes(voorbeeld: Policy) -> None:
    # Voorbeeld BV: two calls an hour apart, no answer or busy; voicemail does not count.
    calls = [(_at(7, 9), "voicemail"), (_at(7, 10), "no_answer"), (_at(7, 11), "busy")]
    ready = voorbeeld.written_contact_readiness(calls)
    assert (ready.counted, ready.allowed) == (2, True)


@pytest.mark.parametrize(("change", "key", "rule"), [
    ({"failed_outcomes": ["no_answer", "reached"]}, "callbacks.failed_outcomes[1]", "declared"),
    ({"failed_outcomes": ["hung_up"]}, "callbacks.failed_outcomes[0]", "'hung_up'"),
    ({"failed_outcomes": []}, "callbacks.failed_outcomes", "at least one"),
    ({"failed_outcomes": ["busy", "busy"]}, "callbacks.failed_outcomes[1]", "twice"),
    ({"min_gap_minutes": -1}, "callbacks.min_gap_minutes", ""),
    ({"min_distinct_days": 0}, "callbacks.min_distinct_days", ""),
    ({"min_distinct_days": 4}, "callbacks.min_distinct_days", "attempts_before_written"),
    ({"min_gap_minutes": None}, "callbacks.min_gap_minutes", "required"),
])
def test_a_defective_callbacks_section_is_refused_naming_file_key_and_rule(
        change: dict[str, Any], key: str, rule: str, default_data: dict[str, Any],
        dump_toml: Any) -> None:
    for name, value in change.items():
        if value is None:
            del default_data["callbacks"][name]
        else:
            default_data["callbacks"][name] = value
    with pytest.raises(PolicyError) as refused:
        load_policy_text(dump_toml(default_data), file="infactor.toml")
    assert (refused.value.file, refused.value.key) == ("infactor.toml", key)
    assert rule in refused.value.rule
