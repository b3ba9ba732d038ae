"""Calendar arithmetic for retention periods and request deadlines (pure functions).

Months are calendar months, clamped at the month's end: 31 January + 1 month = 28 (or 29)
February. Results that would fall beyond `date.max` are clamped to `date.max` ("never").
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TypeVar

from privacydesk.policy.model import Period

D = TypeVar("D", date, datetime)


def add_months(moment: D, months: int) -> D:
    """`moment` plus `months` calendar months, the day clamped to the target month's length.

    Works for dates and datetimes alike (time and tzinfo are kept). Raises OverflowError when
    the result lies outside the years 1..9999.
    """
    index = moment.year * 12 + (moment.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return moment.replace(year=year, month=month0 + 1, day=min(moment.day, last_day))


def add_period(start: date, period: Period) -> date:
    """`start` plus `period` (years and months as calendar months, then days).

    Clamped to `date.max` when the result would not fit in a date.
    """
    try:
        moved = add_months(start, period.years * 12 + period.months)
        return moved + timedelta(days=period.days)
    except OverflowError:
        return date.max


def year_end(day: date) -> date:
    """31 December of `day`'s year: fiscal periods count from here (art. 52 AWR)."""
    return date(day.year, 12, 31)


def request_deadlines(received: datetime, deadline_days: int, legal_limit_months: int,
                      zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """(statement deadline, legal deadline) for a request received at `received`.

    The statement's deadline is `deadline_days` × 24 hours later (Rt6: "within one week"); the
    legal one is `legal_limit_months` calendar months later, clamped at the month's end (GDPR
    Art. 12(3)), on the calendar of `zone` (the policy's time zone) when `received` is aware:
    received at 00:30 on 31 March in Amsterdam (22:30 UTC on the 30th), the month ends on 30
    April there, not on 30 April UTC (1 May in Amsterdam).
    """
    if received.tzinfo is None:
        return received + timedelta(days=deadline_days), add_months(received, legal_limit_months)
    # In UTC the week is 7 × 24 hours even across a DST night, as `check` Rt6 measures it.
    week = received.astimezone(UTC) + timedelta(days=deadline_days)
    local = received.astimezone(zone) if zone is not None else received
    return week, add_months(local, legal_limit_months)
