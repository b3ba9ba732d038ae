"""The break-in detector: counts signals per keyed subject and names offenders (W2, no Django).

    detector = Detector(MemoryStore(limits, keyring))        # or RedisStore / DatabaseStore
    crossing = detector.signal("203.0.113.7", rules.LOGIN_FAILED, "/staff/login/")
    if crossing: register(crossing.subject, crossing.evidence)

Counting uses a two-bucket sliding window per subject (as nginx and most rate limiters do):
the estimate is `current + previous * (share of the previous window still inside the last
window_seconds)`. An address becomes an offender when the estimate reaches `threshold`; the
store then forgets its counter, so each crossing is reported exactly once, also when several
workers share one store. Non-offenders are never reported and their counters simply expire.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from privacydesk.guard.rules import RULE_BIT

MAX_EVIDENCE_PATHS = 10


@dataclass(frozen=True)
class Limits:
    """When a subject becomes an offender: `threshold` signals within `window_seconds`."""

    threshold: int
    window_seconds: int

    def __post_init__(self) -> None:
        if not 1 <= self.threshold <= 60:
            raise ValueError("threshold must be between 1 and 60")
        if self.window_seconds < 1:
            raise ValueError("window_seconds must be at least 1")


class Evidence(NamedTuple):
    """What an offender did: rules fired with counts, first/last signal (epoch seconds), the
    paths asked for (no query values, no bodies, no passwords)."""

    rules: dict[str, int]
    first_seen: float
    last_seen: float
    paths: list[str]


class Crossing(NamedTuple):
    """A subject has just crossed the threshold: the one moment its address may be stored."""

    subject: str
    evidence: Evidence


class CounterStore(Protocol):
    """Where counters live (memory, Redis, database): `add` counts one signal of `rule` from
    the keyed hash of `subject` and returns the evidence when this signal makes the subject
    an offender (exactly once per crossing, also across workers sharing the store), else
    None; `tracked` says how many subjects it holds counters for."""

    limits: Limits

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None: ...

    def tracked(self) -> int: ...


class Detector:
    """Counts break-in signals and reports the subjects that cross the threshold."""

    def __init__(self, store: CounterStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def signal(self, subject: str, rule: str, path: str = "") -> Crossing | None:
        """Count one signal of `rule` from `subject`; a Crossing when it makes an offender."""
        if rule not in RULE_BIT:
            raise ValueError(f"rule: unknown break-in rule {rule!r}")
        evidence = self.store.add(subject, rule, path, self.clock())
        return Crossing(subject, evidence) if evidence is not None else None
