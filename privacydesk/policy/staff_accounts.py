"""[staff_accounts]: sign-in limits per account and the lifetime of API tokens (Sec1, Sec3).

The break-in guard (W2) limits guessing per address; an attacker with many addresses is
only slowed down per account. After `failures_before_delay` wrong passwords or one-time
codes in a row, the account refuses sign-in attempts for `first_delay_seconds`, each
further failure after a delay multiplies it by `delay_multiplier`, capped at
`max_delay_seconds`: never a permanent lock-out, which an attacker could use against staff.
Failures older than `failure_memory_seconds` are forgotten. `token_days` is the lifetime of
an API token created without an explicit one.

The section and each of its keys are optional; absent keys take the defaults below.
"""

from __future__ import annotations

from dataclasses import dataclass

from privacydesk.policy._reader import Table
from privacydesk.policy.schema import bounds

_DAY = 86400


@dataclass(frozen=True)
class StaffAccountPolicy:
    failures_before_delay: int = 5        # wrong passwords/codes in a row before a delay
    first_delay_seconds: int = 60         # the first delay ...
    delay_multiplier: int = 2             # ... each next one this many times longer ...
    max_delay_seconds: int = 3600         # ... up to this (never a permanent lock-out)
    failure_memory_seconds: int = _DAY    # failures older than this are forgotten
    token_days: int = 90                  # API token lifetime when none is given


# key -> (minimum, maximum), declared once in the key catalogue (docs/policy.md).
_BOUNDS = bounds("staff_accounts")


def staff_accounts_section(t: Table | None) -> StaffAccountPolicy:
    """Read the optional [staff_accounts] table (None: all defaults); PolicyError names the
    key and the rule for a wrong type, a value out of bounds or an unknown key."""
    if t is None:
        return StaffAccountPolicy()
    values = {key: t.integer(key, low, high) for key, (low, high) in _BOUNDS.items()
              if t.has(key)}
    found = StaffAccountPolicy(**values)
    if found.first_delay_seconds > found.max_delay_seconds:
        t.fail("first_delay_seconds",
               f"must not exceed max_delay_seconds ({found.max_delay_seconds})")
    if found.failure_memory_seconds < found.max_delay_seconds:
        # Failures forgotten during a pause would start every burst from the first delay.
        t.fail("failure_memory_seconds",
               f"must be at least max_delay_seconds ({found.max_delay_seconds})")
    t.close()
    return found
