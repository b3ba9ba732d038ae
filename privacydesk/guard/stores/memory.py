"""A bounded in-memory counter store (W2 item 5: bounded under flood; W1: memory only).

Each tracked subject costs one dict entry: a 60-bit key (the keyed hash, a 32-byte int) and
a record. A subject with one signal (every address of a flood) has a compact record, a 60-bit
int (another 32 bytes):

    bits  0-27  window start, seconds since the store started (8.5 years)
    bits 28-33  signals in the current window (below the threshold, so at most 59)
    bits 34-39  signals in the previous window
    bits 40-47  which rules fired (one bit per rule, rules.RULE_BIT)
    bits 48-59  the first path asked for, as an index into a small shared path table

With the dict's own slots that is about 124 bytes per tracked subject (see `entries_for`;
measured by bench/bench_guard.py). A suspect (two signals or more) has a list record instead,
updated in place: [window start, current, previous, first seen, rule counts, paths]. Suspects
are bounded separately (`max_suspects`); past the bound the least recently touched are
packed back into compact records, keeping their counts and losing their detailed evidence.

The dict's insertion order is the recency order: a touched entry is moved to the end, and when
the table is full the least recently touched entries are evicted first, in batches. An
offender touches its entry on every signal, so a flood of one-off addresses evicts the flood,
not the offender.

The loop that counts a batch into the table is counting.count_batch; _counting.c is the same
loop in C, on the same dict and records (issue #4: the in-memory detector's speed), used when
it was built at install time unless PRIVACYDESK_GUARD_PURE=1 or `accelerated=False`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from privacydesk import config
from privacydesk.guard.detector import MAX_EVIDENCE_PATHS, Evidence, Limits, evidence_of, fold
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.rules import RULE_BIT, RULES
from privacydesk.guard.stores.counting import count_batch

try:
    from privacydesk.guard.stores import _counting
except ImportError:  # not built (no compiler at install time): the Python loop counts the same
    _counting = None  # type: ignore[assignment]

#: The key and the record of one entry: two ints below 2**60, 32 bytes each.
INT_BYTES_PER_ENTRY = 64
#: One dict slot: a 4-byte index plus 2/3 of a 24-byte entry (CPython 3.11 dicts).
DICT_BYTES_PER_SLOT = 20
BUDGET_PER_SUSPECT = 600
MAX_PATHS = 4095
_M28 = (1 << 28) - 1
_RULE_OF_BIT = {bit: rule for rule, bit in RULE_BIT.items()}
_RULE_BITS = {rule: bit << 40 for rule, bit in RULE_BIT.items()}  # each rule's bit in place
_C_RANGE, _C_BASE = 1 << 40, 1 << 52  # where the C loop's 64-bit arithmetic is exact


def accelerator_built() -> bool:
    """True when the C counting loop was compiled at install time (tests check this here)."""
    return _counting is not None


def entries_for(budget: int) -> int:
    """How many entries fit in `budget` bytes, also at the peak of a dict resize.

    Under churn (entries moved to the end, evicted from the front) CPython resizes a dict to
    the power of two >= 3 x its live entries. Keeping at most 2**k / 3 entries keeps the table
    at 2**k slots: 64 + 60 = 124 bytes per entry; while it resizes, the old and the new table
    exist together, so the peak is budgeted as entries x 64 + 2 x 2**k x 20.
    """
    k = 6
    while (1 << (k + 1)) // 3 * INT_BYTES_PER_ENTRY + \
            2 * (1 << (k + 1)) * DICT_BYTES_PER_SLOT <= budget:
        k += 1
    return (1 << k) // 3


class MemoryStore:
    """Counters in this process's memory, never more than about `max_bytes` of them."""

    def __init__(self, limits: Limits, keyring: KeyRing, max_bytes: int = 64 << 20,
                 clock_base: float | None = None, accelerated: bool | None = None) -> None:
        """`accelerated`: count in C (True: required, an error if not built), in Python
        (False), or in C when built unless PRIVACYDESK_GUARD_PURE=1 (None)."""
        if accelerated is None:
            accelerated = accelerator_built() and not config.setting("PRIVACYDESK_GUARD_PURE")
        if accelerated and _counting is None:
            raise RuntimeError("the guard's C counting loop is not built: pip install -e .")
        self.accelerated = accelerated
        self._count = _counting.count_batch if accelerated else count_batch
        self.limits = limits
        self.keyring = keyring
        suspects_share = max_bytes // 8
        self.max_paths = min(MAX_PATHS, max(16, max_bytes // 4096))
        self.max_entries = entries_for(max_bytes - suspects_share - 200 * self.max_paths)
        self.max_suspects = max(16, suspects_share // BUDGET_PER_SUSPECT)
        # key -> compact int record, or a suspect's list record (see the module doc)
        self._counts: dict[int, Any] = {}
        self._suspects = 0  # how many records are suspects' lists
        self._path_ids: dict[str, int] = {}
        self._path_bits: dict[str, int] = {"": 0}  # path -> its id in place (bits 48-59)
        self._paths: list[str] = [""]
        # Set by the first signal, a little in the past so a clock that steps back slightly
        # never makes a window start negative.
        self._base: int | None = None if clock_base is None else int(clock_base)
        self._adds = 0
        self._next_sweep = 8192
        self.evicted = 0

    def tracked(self) -> int:
        return len(self._counts)

    def _path_id(self, path: str) -> int:
        pid = self._path_ids.get(path)
        if pid is None:
            if len(self._paths) > self.max_paths or not path:
                return 0
            pid = len(self._paths)
            self._paths.append(path[:200])
            self._path_ids[path] = pid
            self._path_bits[path] = pid << 48
        return pid

    def _evict(self, needed: int) -> None:
        # The least recently touched entries go first, at least 1/64 of the table at a time.
        counts = self._counts
        victims = list(islice(counts, max(needed, self.max_entries // 64)))
        self._drop(victims)
        self.evicted += len(victims)

    def _sweep(self, t: int) -> None:
        # Records whose windows have both passed say nothing any more: drop them (W1).
        horizon, dead = 2 * self.limits.window_seconds, []
        for k, v in self._counts.items():
            if t - (v & _M28 if type(v) is int else v[0]) < horizon:
                break
            dead.append(k)
        self._drop(dead)

    def _drop(self, keys: list[int]) -> None:
        counts, suspects = self._counts, 0
        for k in keys:
            if type(counts.pop(k)) is list:
                suspects += 1
        self._suspects -= suspects

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None:
        return self.add_many(((subject, rule, path),), now).get(subject)

    def add_many(self, signals: Sequence[tuple[str, str, str]],
                 now: float) -> dict[str, Evidence]:
        """Count a batch; return the evidence of each subject this batch made an offender.

        The batch is folded per subject, so a subject is keyed (one AES call for the whole
        batch) and updated once however many signals it sent. The loop over the subjects is
        the hot path of an attack and of a flood: `counting.count_batch` in Python, or the
        same loop in C (`_counting`, see the module doc).
        """
        groups = fold(signals)
        counts, limits = self._counts, self.limits
        if self._base is None:
            self._base = int(now) - 4 * limits.window_seconds
        base = self._base
        t = max(0, int(now) - base)
        self._adds += len(groups)
        if self._adds >= self._next_sweep:
            self._next_sweep = self._adds + 8192
            self._sweep(t)
        room = self.max_entries - len(counts) - len(groups)
        if room < 0:  # make room for the whole batch at once, least recently touched first
            self._evict(-room)
        keys = self.keyring.ints(groups, now)  # one AES call for the whole batch
        if self.keyring.in_overlap(now):  # a new secret: carry counters of the old one over
            for k, ok in zip(keys, self.keyring.ints(groups, now, previous=True), strict=True):
                if ok in counts and k not in counts:  # its record moves to the new key
                    counts[k] = counts.pop(ok)
        window = limits.window_seconds
        # The C loop where it is built and its 64-bit arithmetic is exact (always, short of a
        # clock 35,000 years past the store's start); else the reference loop, same results.
        count = self._count if t < _C_RANGE and window < _C_RANGE and \
            -_C_BASE <= base < _C_BASE else count_batch
        crossed, suspects = count(
            counts, keys, groups, t, base, window, limits.threshold * window,
            t | 1 << 28 if limits.threshold > 1 else -1,  # the record of a first signal
            _RULE_BITS, self._path_bits, _RULE_OF_BIT, self._paths, MAX_EVIDENCE_PATHS,
            evidence_of, now, float(now), self._path_id, self._rules_of)
        self._suspects += suspects
        if self._suspects > self.max_suspects:
            self._demote(self._suspects - self.max_suspects + self.max_suspects // 16)
        return crossed

    def _rules_of(self, v: int) -> tuple[dict[str, int], list[str]]:
        """The rule counts and paths of a compact record (a subject with one signal so far, or
        a suspect demoted to save memory: then each rule it fired counts once)."""
        mask, first_path = v >> 40 & 255, self._paths[v >> 48]
        rule = _RULE_OF_BIT.get(mask)  # after one signal: exactly one rule
        return ({rule: 1} if rule else {r: 1 for r in RULES if mask & RULE_BIT[r]},
                [first_path] if first_path else [])

    def _compact(self, v: list[Any]) -> int:
        """A suspect's record packed into an int: counts kept, evidence cut to rules fired
        and the first path."""
        mask = 0
        for rule in v[4]:
            mask |= RULE_BIT[rule]
        pid = self._path_id(v[5][0]) if v[5] else 0
        return int(v[0]) | v[1] << 28 | v[2] << 34 | mask << 40 | pid << 48

    def _demote(self, count: int) -> None:
        # Too many suspects: the least recently touched keep their counts, not their evidence.
        counts, demoted = self._counts, []
        for k, v in counts.items():
            if type(v) is list:
                demoted.append(k)
                if len(demoted) >= count:
                    break
        for k in demoted:
            counts[k] = self._compact(counts[k])
        self._suspects -= len(demoted)
