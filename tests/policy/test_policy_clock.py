"""One notion of "today" (issue #13): `privacydesk.policy.clock` names the day of a moment in
the policy's time zone (`controller.time_zone`), so a deadline, a deletion date or a prune never
takes the UTC date between 22:00 and 00:00 UTC, nor loses or gains a day across a DST change."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from privacydesk.policy import PolicyError, active, clock, load_policy_text

pytestmark = pytest.mark.dates

ROOT = Path(__file__).resolve().parents[2]
Data = dict[str, Any]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def hours(start: datetime, end: datetime) -> float:
    # In UTC: Python subtracts two moments of one ZoneInfo by their wall clocks (always 24 h).
    return (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(hours=1)


@pytest.fixture()
def company_in(tmp_path: Path, default_data: Data,
               dump_toml: Callable[[Data], str]) -> Iterator[Callable[[str], None]]:
    """Make a policy whose controller sits in the given zone the active one; afterwards the
    policy that was active before is active again."""
    before = active.configured_path()

    def use(zone: str) -> None:
        default_data["controller"]["time_zone"] = zone
        path = tmp_path / "elsewhere.toml"
        path.write_text(dump_toml(default_data), "utf-8")
        active.configure(path)

    yield use
    active.configure(before)


# -- the evening: UTC's date is not Amsterdam's ---------------------------------------------
def test_2230_utc_is_still_the_same_day_in_amsterdam() -> None:
    assert clock.day_of(utc(2026, 12, 6, 22, 30)) == date(2026, 12, 6)    # 23:30 CET


def test_2300_and_2330_utc_are_already_tomorrow_in_amsterdam() -> None:
    assert clock.day_of(utc(2026, 12, 6, 22, 59, 59)) == date(2026, 12, 6)
    assert clock.day_of(utc(2026, 12, 6, 23, 0)) == date(2026, 12, 7)     # 00:00 CET
    assert clock.day_of(utc(2026, 12, 6, 23, 30)) == date(2026, 12, 7)


def test_today_at_2330_utc_is_amsterdams_day_not_the_utc_date() -> None:
    with time_machine.travel(utc(2026, 12, 6, 23, 30), tick=False):
        assert datetime.now(UTC).date() == date(2026, 12, 6)
        assert clock.today() == date(2026, 12, 7)
        assert clock.now().utcoffset() == timedelta(hours=1)
        assert clock.now() == utc(2026, 12, 6, 23, 30)


def test_a_moment_in_another_zone_is_judged_by_the_policys_day() -> None:
    tokyo = datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("Asia/Tokyo"))    # 23:00 CET on the 6th
    assert clock.day_of(tokyo) == date(2026, 12, 6)


def test_a_naive_moment_is_taken_as_utc() -> None:
    # Django stores UTC; a naive value is never read as the server's local time.
    assert clock.day_of(datetime(2026, 12, 6, 22, 30)) == date(2026, 12, 6)
    assert clock.day_of(datetime(2026, 12, 6, 23, 30)) == date(2026, 12, 7)


def test_the_start_of_a_day_is_local_midnight_and_its_day_is_that_day() -> None:
    start = clock.start_of(date(2026, 12, 7))
    assert start == utc(2026, 12, 6, 23, 0)
    assert clock.day_of(start) == date(2026, 12, 7)
    assert clock.day_of(start - timedelta(microseconds=1)) == date(2026, 12, 6)


# -- the DST nights ---------------------------------------------------------------------------
def test_the_spring_night_clocks_go_forward_the_day_has_23_hours() -> None:
    sunday = date(2027, 3, 28)   # last Sunday of March: 02:00 CET becomes 03:00 CEST
    assert clock.start_of(sunday) == utc(2027, 3, 27, 23, 0)
    assert clock.start_of(sunday + timedelta(days=1)) == utc(2027, 3, 28, 22, 0)
    assert hours(clock.start_of(sunday), clock.start_of(sunday + timedelta(days=1))) == 23
    assert clock.day_of(utc(2027, 3, 27, 23, 30)) == sunday                # 00:30 CET
    assert clock.day_of(utc(2027, 3, 28, 21, 59)) == sunday                # 23:59 CEST
    assert clock.day_of(utc(2027, 3, 28, 22, 0)) == sunday + timedelta(days=1)


def test_the_autumn_night_clocks_go_back_the_day_has_25_hours() -> None:
    sunday = date(2026, 10, 25)  # last Sunday of October: 03:00 CEST becomes 02:00 CET
    assert clock.start_of(sunday) == utc(2026, 10, 24, 22, 0)
    assert hours(clock.start_of(sunday), clock.start_of(sunday + timedelta(days=1))) == 25
    # 02:30 happens twice that night (CEST, then CET): both are that Sunday.
    assert clock.day_of(utc(2026, 10, 25, 0, 30)) == sunday
    assert clock.day_of(utc(2026, 10, 25, 1, 30)) == sunday
    assert clock.day_of(utc(2026, 10, 24, 21, 59)) == sunday - timedelta(days=1)
    assert clock.day_of(utc(2026, 10, 25, 22, 59)) == sunday               # 23:59 CET
    assert clock.day_of(utc(2026, 10, 25, 23, 0)) == sunday + timedelta(days=1)


def test_today_on_the_autumn_night_stays_the_sunday_while_the_clocks_go_back() -> None:
    with time_machine.travel(utc(2026, 10, 25, 0, 30), tick=False):
        assert clock.today() == date(2026, 10, 25)
        assert clock.now().utcoffset() == timedelta(hours=2)
    with time_machine.travel(utc(2026, 10, 25, 1, 30), tick=False):
        assert clock.today() == date(2026, 10, 25)
        assert clock.now().utcoffset() == timedelta(hours=1)


# -- another company's time zone ---------------------------------------------------------------
def test_another_companys_zone_decides_its_day(company_in: Callable[[str], None]) -> None:
    company_in("America/New_York")
    assert clock.zone() == ZoneInfo("America/New_York")
    assert clock.day_of(utc(2026, 12, 7, 3, 0)) == date(2026, 12, 6)       # 22:00 EST
    assert clock.start_of(date(2026, 12, 7)) == utc(2026, 12, 7, 5, 0)
    with time_machine.travel(utc(2026, 12, 7, 3, 0), tick=False):
        assert clock.today() == date(2026, 12, 6)


def test_a_company_east_of_utc_is_a_day_ahead_earlier(company_in: Callable[[str], None]) -> None:
    company_in("Pacific/Auckland")
    assert clock.day_of(utc(2026, 12, 6, 11, 0)) == date(2026, 12, 7)      # 00:00 NZDT


# -- the policy key -----------------------------------------------------------------------------
def test_the_default_policy_keeps_time_in_amsterdam(default_data: Data,
                                                    dump_toml: Callable[[Data], str]) -> None:
    assert default_data["controller"]["time_zone"] == "Europe/Amsterdam"
    del default_data["controller"]["time_zone"]
    unset = load_policy_text(dump_toml(default_data), file="no-zone.toml")
    assert unset.controller.time_zone == "Europe/Amsterdam"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "CET+1", "../../etc/passwd",
                                  "Europe/Amsterdam "])
def test_a_zone_that_is_not_an_iana_time_zone_is_refused_naming_file_key_and_rule(
        zone: str, default_data: Data, dump_toml: Callable[[Data], str]) -> None:
    default_data["controller"]["time_zone"] = zone
    with pytest.raises(PolicyError) as caught:
        load_policy_text(dump_toml(default_data), file="elsewhere.toml")
    error = caught.value
    assert (error.file, error.key) == ("elsewhere.toml", "controller.time_zone")
    assert "IANA time zone" in error.rule and repr(zone) in error.rule


@pytest.mark.parametrize("value", [1, "", ["Europe/Amsterdam"]])
def test_a_zone_that_is_no_text_is_refused_naming_the_key(
        value: Any, default_data: Data, dump_toml: Callable[[Data], str]) -> None:
    default_data["controller"]["time_zone"] = value
    with pytest.raises(PolicyError) as caught:
        load_policy_text(dump_toml(default_data), file="elsewhere.toml")
    assert caught.value.key == "controller.time_zone"


def test_djangos_time_zone_is_the_policys(tmp_path: Path, default_data: Data,
                                          dump_toml: Callable[[Data], str]) -> None:
    # Templates and forms (Django's TIME_ZONE) and the clock must name the same day.
    default_data["controller"]["time_zone"] = "Asia/Tokyo"
    policy = tmp_path / "tokyo.toml"
    policy.write_text(dump_toml(default_data), "utf-8")
    env = {**os.environ, "PRIVACYDESK_POLICY": str(policy), "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "privacydesk.project.settings",
           "PRIVACYDESK_DATA_DIR": str(tmp_path / "data")}
    script = ("import django; django.setup(); from django.conf import settings; "
              "from privacydesk.policy import clock; print(settings.TIME_ZONE, clock.zone())")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env=env, cwd=ROOT).stdout.split()
    assert shown == ["Asia/Tokyo", "Asia/Tokyo"]


# -- the request clocks (Rt6, Art. 12(3)) -------------------------------------------------------
def test_the_legal_month_ends_on_the_policys_calendar(policy: Any) -> None:
    # Received at 00:30 on 31 March in Amsterdam (22:30 UTC on the 30th): one month is 30 April
    # there. Counted on UTC's calendar it would run into 1 May in Amsterdam, past the law.
    received = utc(2027, 3, 30, 22, 30)
    _, legal = policy.request_deadlines(received)
    assert clock.day_of(legal) == date(2027, 4, 30)
    # Received at 00:30 on 1 March in Amsterdam (23:30 UTC on 28 February): until 1 April,
    # not 28 March.
    _, legal = policy.request_deadlines(utc(2027, 2, 28, 23, 30))
    assert clock.day_of(legal) == date(2027, 4, 1)


def test_the_statements_week_is_seven_times_24_hours_across_the_autumn_night(policy: Any) -> None:
    # A letter staff register as received on 20 October counts from local midnight; a week
    # on the wall clock would be 169 hours, and check Rt6 would call the deadline moved.
    for received in (utc(2026, 10, 20, 9, 0), clock.start_of(date(2026, 10, 20))):
        week, _ = policy.request_deadlines(received)
        assert hours(received, week) == 7 * 24
