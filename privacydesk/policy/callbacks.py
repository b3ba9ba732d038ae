"""P2: when has phone contact failed? A pure rule over the call log (no Django).

The statement allows written contact only "if you cannot be reached by telephone". What
counts as a failed call and how far apart the calls must be is the policy's `[callbacks]`:

* only outcomes in `failed_outcomes` count ("reached" never does);
* calls count greedily, earliest first: a failed call counts only when it comes at least
  `min_gap_minutes` after the previous call that counted — a burst of calls within minutes
  is one try, not three;
* the counted calls must fall on at least `min_distinct_days` calendar days in the policy's
  time zone (a person away for a day is not "unreachable");
* written contact opens when `attempts_before_written` calls count and the days are met.

`readiness()` answers with the numbers a refusal or a staff page needs, so the reason it
gives is always the rule itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from privacydesk.policy.model import CallbackPolicy

#: Every outcome a logged call can have (privacydesk.callbacks.models.Outcome mirrors this).
REACHED = "reached"
CALL_OUTCOMES: tuple[str, ...] = (REACHED, "no_answer", "voicemail", "busy", "wrong_number")


@dataclass(frozen=True)
class Readiness:
    """How far a callback's call log is from allowing written contact (P2)."""

    needed: int                   # calls that must count (attempts_before_written)
    counted: int                  # calls that count so far
    min_days: int                 # different days those calls must span
    days: int                     # different days the counted calls span
    gap_minutes: int              # minimum time between two counted calls
    next_counts_from: datetime | None   # the earliest moment a next call can count

    @property
    def allowed(self) -> bool:
        return self.counted >= self.needed and self.days >= self.min_days

    def reason(self) -> str:
        """An English sentence naming rule P2 and what is missing ('' when allowed)."""
        if self.allowed:
            return ""
        return (f"written contact is only allowed after {self.needed} failed calls at least "
                f"{_span(self.gap_minutes)} apart on at least {self.min_days} different "
                f"day(s) (P2); counted so far: {self.counted} call(s) on {self.days} day(s)")


def _span(minutes: int) -> str:
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def readiness(rules: CallbackPolicy, attempts: Iterable[tuple[datetime, str]],
              zone: ZoneInfo) -> Readiness:
    """Judge a call log of (moment, outcome) pairs, in any order, against `rules`."""
    gap = timedelta(minutes=rules.min_gap_minutes)
    counted: list[datetime] = []
    for moment, outcome in sorted((_aware(m), o) for m, o in attempts):
        if outcome not in rules.failed_outcomes:
            continue
        if not counted or moment - counted[-1] >= gap:
            counted.append(moment)
    # The day in the policy's zone (given by the caller, as clock.day_of would; #13.1).
    days = len({m.astimezone(zone).date() for m in counted})
    next_from = counted[-1] + gap if counted else None
    return Readiness(needed=rules.attempts_before_written, counted=len(counted),
                     min_days=rules.min_distinct_days, days=days,
                     gap_minutes=rules.min_gap_minutes, next_counts_from=next_from)
