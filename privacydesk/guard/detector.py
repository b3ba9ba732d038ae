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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from privacydesk.guard.rules import RULE_BIT

MAX_EVIDENCE_PATHS = 10
_KNOWN_RULES = frozenset(RULE_BIT)


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
    paths asked for (no query values, no bodies, no passwords). A named tuple: an attack makes
    many of them, and stores build them in C with `evidence_of`."""

    rules: dict[str, int]
    first_seen: float
    last_seen: float
    paths: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"rules": dict(self.rules), "first_seen": self.first_seen,
                "last_seen": self.last_seen, "paths": list(self.paths)}


class Crossing(NamedTuple):
    """A subject has just crossed the threshold: the one moment its address may be stored."""

    subject: str
    evidence: Evidence


#: Evidence((rules, first_seen, last_seen, paths)) and Crossing((subject, evidence)) without
#: a Python-level constructor call (the hot path of an attack makes one per crossing).
evidence_of = partial(tuple.__new__, Evidence)
crossing_of = partial(tuple.__new__, Crossing)


class CounterStore(Protocol):
    """Where counters live. `add` counts one signal and returns the evidence when this signal
    makes the subject an offender (exactly once per crossing), else None; `add_many` counts a
    batch and returns the evidence per subject that the batch made an offender."""

    limits: Limits

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None: ...

    def add_many(self, signals: Sequence[tuple[str, str, str]],
                 now: float) -> dict[str, Evidence]: ...

    def tracked(self) -> int: ...


class Detector:
    """Counts break-in signals and reports the subjects that cross the threshold."""

    def __init__(self, store: CounterStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    @property
    def limits(self) -> Limits:
        return self.store.limits

    def signal(self, subject: str, rule: str, path: str = "") -> Crossing | None:
        """Count one signal of `rule` from `subject`; a Crossing when it makes an offender."""
        if rule not in RULE_BIT:
            raise ValueError(f"rule: unknown break-in rule {rule!r}")
        evidence = self.store.add(subject, rule, path, self.clock())
        return Crossing(subject, evidence) if evidence is not None else None

    def signal_many(self, signals: Iterable[tuple[str, str, str]]) -> list[Crossing]:
        """Count a batch of (subject, rule, path) signals at once (one script call on Redis);
        return the crossings, in the order the subjects first appear in the batch."""
        crossed = self.store.add_many(self._checked(signals), self.clock())
        return list(map(crossing_of, crossed.items()))

    def signal_stream(self, batches: Iterable[Sequence[tuple[str, str, str]]]
                      ) -> Iterator[list[Crossing]]:
        """Count batch after batch (a log being read, say); yield each batch's crossings in
        order. A store that can pipeline (Redis: `add_stream`) prepares the next batch while
        the previous one is counted; each batch is still counted whole and atomically."""
        checked = map(self._checked, batches)
        stream = getattr(self.store, "add_stream", None)
        if stream is None:
            for batch in checked:
                yield list(map(crossing_of, self.store.add_many(batch, self.clock()).items()))
            return
        for crossed in stream(checked, self.clock):
            yield list(map(crossing_of, crossed.items()))

    @staticmethod
    def _checked(signals: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """The batch as a list, refused whole (nothing counted) if it names an unknown rule."""
        batch = signals if isinstance(signals, list) else list(signals)
        if not _KNOWN_RULES.issuperset(map(itemgetter(1), batch)):
            unknown = sorted(set(map(itemgetter(1), batch)).difference(RULE_BIT))
            raise ValueError(f"rule: unknown break-in rule {unknown[0]!r}")
        return batch


def fold(signals: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """Group a batch by subject: the signal tuple itself for a subject seen once, else the
    list of its signals in order (stores then hash and update each subject once)."""
    groups: dict[str, Any] = {}
    get = groups.get
    for sig in signals:
        subject = sig[0]
        group = get(subject)
        if group is None:
            groups[subject] = sig
        elif type(group) is tuple:
            groups[subject] = [group, sig]
        else:
            group.append(sig)
    return groups
