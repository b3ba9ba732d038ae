"""A bounded in-memory counter store (W2 item 5: bounded under flood; W1: memory only).

Each tracked subject costs one dict entry: a 60-bit key (the keyed hash, a 32-byte int) and
a 60-bit packed record (another 32-byte int):

    bits  0-27  window start, seconds since the store started (8.5 years)
    bits 28-33  signals in the current window (saturates at 63)
    bits 34-39  signals in the previous window
    bits 40-47  which rules fired (one bit per rule, rules.RULE_BIT)
    bits 48-59  the first path asked for, as an index into a small shared path table

With the dict's own slots that is about 124 bytes per tracked subject (see `entries_for`;
measured by bench/bench_guard.py). The dict's insertion order is the recency order: a touched
entry is moved to the end, and when the table is full the least recently touched entries are evicted
first, in batches. An offender touches its entry on every signal, so a flood of one-off
addresses evicts the flood, not the offender. Subjects that signalled twice or more also get
a small evidence list (rule counts, paths) in a second, separately bounded dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from privacydesk.guard.detector import MAX_EVIDENCE_PATHS, Evidence, Limits
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.rules import RULE_BIT, RULES

#: The key and the record of one entry: two ints below 2**60, 32 bytes each.
INT_BYTES_PER_ENTRY = 64
#: One dict slot: a 4-byte index plus 2/3 of a 24-byte entry (CPython 3.11 dicts).
DICT_BYTES_PER_SLOT = 20
BUDGET_PER_SUSPECT = 600
MAX_PATHS = 4095
_M28 = (1 << 28) - 1
_RULE_OF_BIT = {bit: rule for rule, bit in RULE_BIT.items()}


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
                 clock_base: float | None = None) -> None:
        self.limits = limits
        self.keyring = keyring
        suspects_share = max_bytes // 8
        self.max_paths = min(MAX_PATHS, max(16, max_bytes // 4096))
        self.max_entries = entries_for(max_bytes - suspects_share - 200 * self.max_paths)
        self.max_suspects = max(16, suspects_share // BUDGET_PER_SUSPECT)
        self._counts: dict[int, int] = {}
        self._suspects: dict[int, Any] = {}  # key -> [first seen, rule counts, paths]
        self._path_ids: dict[str, int] = {}
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
        return pid

    def _evict(self, needed: int) -> None:
        # The least recently touched entries go first, at least 1/64 of the table at a time.
        counts, suspects = self._counts, self._suspects
        victims = list(islice(counts, max(needed, self.max_entries // 64)))
        for k in victims:
            del counts[k]
            suspects.pop(k, None)
        self.evicted += len(victims)

    def _sweep(self, t: int) -> None:
        # Counters whose windows have both passed say nothing any more: drop them (W1).
        counts, suspects = self._counts, self._suspects
        horizon = 2 * self.limits.window_seconds
        dead = []
        for k, v in counts.items():
            if t - (v & _M28) < horizon:
                break
            dead.append(k)
        for k in dead:
            del counts[k]
            suspects.pop(k, None)

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None:
        return self.add_many(((subject, rule, path),), now).get(subject)

    def add_many(self, signals: Sequence[tuple[str, str, str]],
                 now: float) -> dict[str, Evidence]:
        """Count a batch; return the evidence of each subject this batch made an offender.

        The batch is folded per subject, so a subject is keyed (one AES call for the whole
        batch) and updated once however many signals it sent; the loop below is the hot path
        of a flood, so it is written out inline.
        """
        groups = fold(signals)
        counts, suspects, keyring, limits = self._counts, self._suspects, self.keyring, self.limits
        if self._base is None:
            self._base = int(now) - 4 * limits.window_seconds
        t = max(0, int(now) - self._base)
        self._adds += len(groups)
        if self._adds >= self._next_sweep:
            self._next_sweep = self._adds + 8192
            self._sweep(t)
        room = self.max_entries - len(counts) - len(groups)
        if room < 0:  # make room for the whole batch at once, least recently touched first
            self._evict(-room)
        keys = keyring.ints(groups, now)  # one AES call for the whole batch
        if keyring.in_overlap(now):  # a new secret: carry counters of the old one over
            for k, ok in zip(keys, keyring.ints(groups, now, previous=True), strict=True):
                if k not in counts:
                    self._carry_over(ok, k)
        window, bits = limits.window_seconds, RULE_BIT
        window2, limit = 2 * window, limits.threshold * window
        pop, path_ids, evidence_of = counts.pop, self._path_ids, self._evidence_of
        max_suspects = self.max_suspects
        fresh = t | 1 << 28 if limits.threshold > 1 else -1  # the record of a first signal
        crossed: dict[str, Evidence] = {}
        ev: list[Any]
        for k, (subject, group) in zip(keys, groups.items(), strict=True):
            v = pop(k, None)
            if type(group) is tuple:  # one signal from this subject in this batch
                rule, path = group[1], group[2]
                if v is not None:  # a subject seen before (the common case of an attack)
                    ws = v & _M28
                    elapsed = t - ws
                    if elapsed < window:
                        cur, prev = (v >> 28 & 63) + 1, v >> 34 & 63
                        ev = suspects.pop(k, None) or evidence_of(v)
                    elif elapsed < window2:
                        cur, prev, ws, elapsed = 1, v >> 28 & 63, ws + window, elapsed - window
                        ev = suspects.pop(k, None) or evidence_of(v)
                    else:  # both windows over: the old counter says nothing any more
                        suspects.pop(k, None)
                        v = None
                if v is None:
                    if fresh >= 0:  # the common case under a flood: a new subject
                        pid = path_ids.get(path)
                        if pid is None:
                            pid = self._path_id(path)
                        counts[k] = fresh | bits[rule] << 40 | pid << 48
                        continue
                    v, ev = t | bits[rule] << 40 | self._path_id(path) << 48, [now, {}, []]
                    cur, prev, ws, elapsed = 1, 0, t, 0
                rules = ev[1]
                rules[rule] = rules.get(rule, 0) + 1
                if path:
                    paths = ev[2]
                    if path not in paths and len(paths) < MAX_EVIDENCE_PATHS:
                        paths.append(path[:200])
                mask = bits[rule]
            else:  # several signals from this subject in this batch
                if v is not None and t - (v & _M28) >= window2:  # both windows over
                    suspects.pop(k, None)
                    v = None
                if v is None:
                    first = group[0]
                    v, ev = t | bits[first[1]] << 40 | self._path_id(first[2]) << 48, \
                        [now, {}, []]
                else:
                    ev = suspects.pop(k, None) or evidence_of(v)
                ws, cur, prev = v & _M28, v >> 28 & 63, v >> 34 & 63
                elapsed = t - ws
                if elapsed >= window:
                    prev, ws, elapsed, cur = cur, ws + window, elapsed - window, 0
                mask, rules, paths = 0, ev[1], ev[2]
                for _, rule, path in group:
                    cur += 1
                    mask |= bits[rule]
                    rules[rule] = rules.get(rule, 0) + 1
                    if path and path not in paths and len(paths) < MAX_EVIDENCE_PATHS:
                        paths.append(path[:200])
            if cur > 63:
                cur = 63
            # cur + prev * (share of the previous window still inside) >= threshold, in ints.
            if cur * window + prev * (window - elapsed) >= limit:
                crossed[subject] = Evidence(rules, float(ev[0]), now, ev[2])
                continue  # forgotten: the next signal starts afresh
            # Bits 40 and up (rule mask, first path) are kept; this batch's rules are added.
            counts[k] = v >> 40 << 40 | mask << 40 | ws | cur << 28 | prev << 34
            if len(suspects) >= max_suspects:
                for victim in list(islice(suspects, max(1, max_suspects // 16))):
                    del suspects[victim]
            suspects[k] = ev
        return crossed

    def _carry_over(self, ok: int, k: int) -> None:
        # First signal in a new generation: the old generation's counter moves to the new key.
        v = self._counts.pop(ok, None)
        if v is not None:
            self._counts[k] = v
            if ok in self._suspects:
                self._suspects[k] = self._suspects.pop(ok)

    def _evidence_of(self, v: int) -> list[Any]:
        """Evidence [first seen, rule counts, paths] rebuilt from a compact record (a subject
        with one signal so far, or whose evidence was evicted)."""
        mask, first_path = v >> 40 & 255, self._paths[v >> 48]
        rule = _RULE_OF_BIT.get(mask)  # after one signal: exactly one rule
        return [(self._base or 0) + (v & _M28),
                {rule: 1} if rule else {r: 1 for r in RULES if mask & RULE_BIT[r]},
                [first_path] if first_path else []]


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
