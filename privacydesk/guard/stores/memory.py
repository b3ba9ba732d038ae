"""A bounded in-memory counter store (W2 item 5: bounded under flood; W1: memory only).

Each tracked subject costs one dict entry: a 60-bit key (the keyed hash, a 32-byte int) and
a record. A subject with one signal (every address of a flood) has a compact record, a 60-bit
int (another 32 bytes):

    bits  0-27  window start, seconds since the store started (8.5 years)
    bits 28-33  signals in the current window (below the threshold, so at most 59)
    bits 34-39  signals in the previous window
    bits 40-47  which rules fired (one bit per rule, rules.RULE_BIT)
    bits 48-59  the first path asked for, as an index into a small shared path table

With the dict's own slots that is at most about 124 bytes per tracked subject (see
`entries_for`; tests/guard/test_detector.py measures it with tracemalloc). A suspect (two
signals or more) has a list record instead, updated in place: [window start, current,
previous, first seen, rule counts, paths]. Suspects are bounded separately (`max_suspects`);
past the bound the least recently touched are packed back into compact records, keeping their
counts and losing their detailed evidence.

The dict's insertion order is the recency order: a touched entry is moved to the end, and when
the table is full the least recently touched entries are evicted first, in batches. An
offender touches its entry on every signal, so a flood of one-off addresses evicts the flood,
not the offender.

After a rotation of the hashing secret, a subject's counter may still sit under its previous
generation's key (keys.py); the entries not touched since the rotation are exactly those
counters, and the recency order keeps them at the front of the dict. The store counts them
(`_old`): a subject not found under its new key is looked up under the old key only while
there are any, so a store without counters from before the rotation hashes once per signal.
"""

from __future__ import annotations

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
        # key -> compact int record, or a suspect's list record (see the module doc)
        self._counts: dict[int, Any] = {}
        self._suspects = 0  # how many records are suspects' lists
        self._path_ids: dict[str, int] = {"": 0}
        self._paths: list[str] = [""]
        # Set by the first signal, a little in the past so a clock that steps back slightly
        # never makes a window start negative.
        self._base: int | None = None if clock_base is None else int(clock_base)
        # The generation of the hashing secret the last signal fell in (its span), and how
        # many entries are keyed under an older secret (module doc).
        self._generation_from = self._generation_until = 0.0
        self._old = 0
        self._adds = 0
        self.evicted = 0

    def tracked(self) -> int:
        return len(self._counts)

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None:
        """Count one signal; the evidence when it makes `subject` an offender (once: the
        record is then forgotten and the next signal starts afresh)."""
        window, base = self.limits.window_seconds, self._base
        if base is None:
            base = self._base = int(now) - 4 * window
        t = int(now) - base
        if t < 0:
            t = 0
        self._adds += 1
        if self._adds & 8191 == 0:
            self._sweep(t)
        counts, keyring = self._counts, self.keyring
        if not self._generation_from <= now < self._generation_until:
            self._new_generation(now)
        k = keyring.int_key(subject, now)
        v = counts.pop(k, None)
        if v is None and self._old:
            old = keyring.previous_int_key(subject, now)
            if old is not None:  # a new secret: the old one's counter moves to the new key
                v = counts.pop(old, None)
                self._old -= v is not None
        if v is not None and t - (v & _M28 if type(v) is int else v[0]) >= 2 * window:
            # Both windows over: the old record says nothing any more.
            self._suspects -= type(v) is list
            v = None
        if v is None:
            return self._first(k, t, rule, path, now)
        if type(v) is int:  # its second signal: the record grows into a suspect's list
            found, paths = self._rules_of(v)
            v = [v & _M28, v >> 28 & 63, v >> 34 & 63, float(base + (v & _M28)), found, paths]
            self._suspects += 1
        elapsed = t - v[0]
        if elapsed >= window:  # a new window; the last one still weighs in
            v[0], v[1], v[2], elapsed = v[0] + window, 0, v[1], elapsed - window
        v[1] += 1
        found, paths = v[4], v[5]
        found[rule] = found.get(rule, 0) + 1
        if path and path[:200] not in paths and len(paths) < MAX_EVIDENCE_PATHS:
            paths.append(path[:200])
        # current + previous x (share of the previous window still inside) >= threshold
        if v[1] * window + v[2] * (window - elapsed) >= self.limits.threshold * window:
            self._suspects -= 1
            return Evidence(found, v[3], now, paths)
        counts[k] = v
        if self._suspects > self.max_suspects:
            self._demote(self._suspects - self.max_suspects + self.max_suspects // 16)
        return None

    def _new_generation(self, now: float) -> None:
        # Every entry now is keyed under an older secret than the one `now` hashes with.
        rotate = self.keyring.rotate_seconds
        self._generation_from = now // rotate * rotate
        self._generation_until = self._generation_from + rotate
        self._old = len(self._counts)

    def _first(self, k: int, t: int, rule: str, path: str, now: float) -> Evidence | None:
        """A subject's first signal (or first since its windows passed): a compact record."""
        if self.limits.threshold == 1:
            return Evidence({rule: 1}, now, now, [path[:200]] if path else [])
        if len(self._counts) >= self.max_entries:
            self._evict()
        self._counts[k] = t | 1 << 28 | RULE_BIT[rule] << 40 | self._path_id(path) << 48
        return None

    def _path_id(self, path: str) -> int:
        pid = self._path_ids.get(path)
        if pid is None:
            if len(self._paths) > self.max_paths:
                return 0
            pid = len(self._paths)
            self._paths.append(path[:200])
            self._path_ids[path] = pid
        return pid

    def _evict(self) -> None:
        # The least recently touched entries go first, 1/64 of the table at a time.
        victims = list(islice(self._counts, max(1, self.max_entries // 64)))
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
        # `keys` come from the front of the dict, where the entries from before the
        # rotation are (module doc): they go first.
        counts = self._counts
        for k in keys:
            self._suspects -= type(counts.pop(k)) is list
        self._old = max(0, self._old - len(keys))

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
