"""How long server-access records are kept (R1): the policy's rule for security records.

Grants, their requests and reported uses are security records outside the register
(category None) kept for the purpose "security" on the basis "legitimate_interests" — the
policy's rule for that purpose and basis decides (in the InFactor policy:
"break-in-registrations", 30 days, Art. 6(1)(f) GDPR). The clock starts when the record
stops mattering: the end of a grant's window, or the decision on a request that got none.
The audit chain keeps its own pseudonymous entries longer, by its own rule ("audit-log").
"""

from __future__ import annotations

from datetime import date, timedelta

from privacydesk.policy import RetentionFacts
from privacydesk.policy.active import get_policy

PURPOSE, BASIS = "security", "legitimate_interests"


def deletion_date(ended_on: date) -> date:
    """The day a record whose access ended on `ended_on` must go."""
    decided = get_policy().retention_decision(None, PURPOSE, BASIS,
                                              RetentionFacts(collected_on=ended_on))
    assert decided.date is not None  # a "collected" anchor is always known
    return decided.date


def rule_id() -> str:
    return get_policy().retention_decision(
        None, PURPOSE, BASIS, RetentionFacts(collected_on=date(2000, 1, 1))).rule_id


def cutoff(today: date) -> date:
    """The latest end date whose records are due on `today` (deletion_date <= today)."""
    day = today - (deletion_date(today) - today)
    while deletion_date(day) > today:
        day -= timedelta(days=1)
    while deletion_date(day + timedelta(days=1)) <= today:
        day += timedelta(days=1)
    return day
