"""One notion of "today" (issue #13): what Bram gives at 00:30 in Amsterdam — 23:30 UTC the
evening before in winter — is collected on Amsterdam's day. Its deletion date (R2), the
day the access report and a legal hold name (Art. 15) all count from that day, never from the
UTC date of the row's timestamp."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from privacydesk.policy import RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import Phone
from privacydesk.retention import services as retention
from privacydesk.retention.facts import PersonFacts, row_facts

from .conftest import ACTOR, PHONE, add, person

pytestmark = pytest.mark.dates


def half_past_midnight() -> datetime:
    """00:30 today in the policy's zone: still yesterday in UTC (23:30 or 22:30 UTC)."""
    return clock.start_of(clock.today()) + timedelta(minutes=30)


def test_a_row_written_at_2330_utc_is_collected_on_amsterdams_next_day() -> None:
    written = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)          # 00:30 CET on 7 December
    assert row_facts(None, written, PersonFacts()).collected_on == date(2026, 12, 7)


def test_bram_calling_at_half_past_midnight_is_kept_the_contact_period_from_that_day(db):
    moment = half_past_midnight()
    assert moment.astimezone(UTC).date() == clock.today() - timedelta(days=1)
    with time_machine.travel(moment, tick=False):
        bram = person("prospect", "Bram", "Visser")
        add(bram, "phone", PHONE, "callback", "consent")
    stored = Phone.objects.get(person=bram)
    assert clock.day_of(stored.created_at) == clock.today()
    policy = get_policy()
    from_today = policy.deletion_date("phone", "callback", "consent",
                                      RetentionFacts(collected_on=clock.today()))
    from_utc_date = policy.deletion_date("phone", "callback", "consent",
                                         RetentionFacts(collected_on=clock.today()
                                                        - timedelta(days=1)))
    assert from_today != from_utc_date
    assert stored.delete_after == from_today


def test_a_hold_placed_at_half_past_midnight_is_dated_that_day_in_the_access_report(db):
    carla = person("employee", "Carla", "Jansen")
    with time_machine.travel(half_past_midnight(), tick=False):
        retention.create_hold(carla, "Loondispuut", actor=ACTOR)
    assert [h.since for h in retention.holds_for(carla)] == [clock.today()]
