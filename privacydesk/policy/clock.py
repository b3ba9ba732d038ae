"""One notion of "today": the calendar day in the policy's time zone (no Django here).

Every deadline, deletion date, prune and report asks this module which day it is, or which
day a moment falls on. A UTC date and an Amsterdam date differ for an hour or two every
night; mixing them made a grant, a deletion date or a test disagree between 22:00 and 00:00
UTC (issue #13). `now()` is read through `datetime.now`, so `time-machine` moves it in tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from privacydesk.policy import active


def zone() -> ZoneInfo:
    """The active policy's time zone (`controller.time_zone`); ZoneInfo caches it by key."""
    return ZoneInfo(active.get_policy().controller.time_zone)


def now() -> datetime:
    """The current moment, aware, in the policy's time zone."""
    return datetime.now(UTC).astimezone(zone())


def today() -> date:
    """The calendar day it is now in the policy's time zone."""
    return now().date()


def day_of(moment: datetime) -> date:
    """The calendar day `moment` falls on in the policy's time zone.

    A naive `moment` is taken to be UTC (Django stores and returns UTC with USE_TZ).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone()).date()


def start_of(day: date) -> datetime:
    """The first moment of `day` in the policy's time zone (aware), e.g. for a range filter
    `at >= start_of(d)` that replaces a `__date` lookup.

    Python adds to and subtracts two such moments by the wall clock (one ZoneInfo): a day is
    24 hours even on a DST night. To count elapsed hours, convert to UTC first."""
    return datetime.combine(day, time.min, tzinfo=zone())
