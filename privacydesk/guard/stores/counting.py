"""The memory store's counting loop in pure Python: the reference for the C accelerator.

`count_batch` updates `counts` (the memory store's table, see memory.py for the two kinds of
record) for one folded batch and returns `(crossed, suspects)`: the evidence of each subject
the batch made an offender, in batch order, and how many suspect records the batch made minus
how many it ended. `_counting.count_batch` (privacydesk/guard/stores/_counting.c) takes the
same arguments and must give the same results and leave the same table, entry for entry and
in the same order (tests/guard/test_memory_accelerated.py checks both on random batches);
this loop is also what runs where the extension is not built (issue #4, in-memory ≥ 30×).

Arguments: the table; the keys (one per group, in order) and the groups (`fold`); the clock
`t` (seconds since `base`), `window` and `limit` (threshold × window); `fresh`, a first
signal's record without its rule and path bits (-1 when the threshold is one: a first signal
crosses it); the rule bits and path bits in place (bits 40-47, 48-59), the rule of each
single-rule mask, the path table, the cap on an offender's paths, the Evidence builder, `now`
and `float(now)`, and the store's `_path_id` and `_rules_of` for the rare cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_M28 = (1 << 28) - 1


def count_batch(counts: dict[int, Any], keys: list[int], groups: dict[str, Any], t: int,
                base: int, window: int, limit: int, fresh: int, rule_bits: dict[str, int],
                path_bits: dict[str, int], rule_of_bit: dict[int, str], path_table: list[str],
                max_paths: int, evidence_of: Callable[[tuple[Any, ...]], Any], now: float,
                fnow: float, path_id: Callable[[str], int],
                rules_of: Callable[[int], tuple[dict[str, int], list[str]]]
                ) -> tuple[dict[str, Any], int]:
    """Count one folded batch into `counts` (see the module doc); written out inline: it is
    the hot path of an attack and of a flood."""
    window2, pop = 2 * window, counts.pop
    crossed: dict[str, Any] = {}
    suspects = 0  # suspect records made minus suspect records ended, in this batch
    for k, subject, group in zip(keys, groups, groups.values(), strict=True):
        v = pop(k, None)
        if type(group) is tuple:  # one signal from this subject in this batch
            if v is not None:
                if type(v) is list:  # a suspect signalling again: the common case of an attack
                    elapsed = t - v[0]
                    if elapsed < window:  # only the count moves (the record is updated
                        cur = v[1] = v[1] + 1  # in place, and moved to the end below)
                        prev = v[2]
                    elif elapsed < window2:  # a new window; the last one still weighs in
                        cur, prev, elapsed = 1, v[1], elapsed - window
                        v[0], v[1], v[2] = v[0] + window, cur, prev
                    else:  # both windows over: the old record says nothing any more
                        suspects -= 1
                        v = None
                    if v is not None:
                        rule, path, found = group[1], group[2], v[4]
                        found[rule] = found.get(rule, 0) + 1
                        if path:
                            paths = v[5]
                            if path not in paths and len(paths) < max_paths:
                                paths.append(path[:200])
                        # cur + prev * (share of the last window still inside) >= threshold
                        if cur * window + prev * (window - elapsed) >= limit:
                            suspects -= 1
                            crossed[subject] = evidence_of((found, v[3], now, v[5]))
                            continue  # forgotten: the next signal starts afresh
                        counts[k] = v
                        continue
                else:  # a compact record: this subject's second signal
                    ws = v & _M28
                    elapsed = t - ws
                    if elapsed < window2:
                        first = float(base + ws)
                        if elapsed < window:
                            cur, prev = (v >> 28 & 63) + 1, v >> 34 & 63
                        else:
                            cur, prev = 1, v >> 28 & 63
                            ws, elapsed = ws + window, elapsed - window
                        rule, path = group[1], group[2]
                        first_rule = rule_of_bit.get(v >> 40 & 255)
                        if first_rule is not None:  # one signal so far (written out: an
                            found = {first_rule: 1, rule: (rule == first_rule) + 1}
                            first_path = path_table[v >> 48]  # attack makes many)
                            paths = [first_path] if first_path else []
                            if path and path != first_path:
                                paths.append(path[:200])
                        else:  # a suspect packed small earlier (see MemoryStore._demote)
                            found, paths = rules_of(v)
                            found[rule] = found.get(rule, 0) + 1
                            if path and path not in paths:
                                paths.append(path[:200])
                        if cur * window + prev * (window - elapsed) >= limit:
                            crossed[subject] = evidence_of((found, first, now, paths))
                            continue
                        counts[k] = [ws, cur, prev, first, found, paths]
                        suspects += 1
                        continue
            path = group[2]  # a new subject (or one whose windows are both over)
            if fresh >= 0:  # the common case under a flood
                in_place = path_bits.get(path)
                if in_place is None:
                    in_place = path_id(path) << 48
                counts[k] = fresh | rule_bits[group[1]] | in_place
            else:  # a threshold of one: the first signal crosses it
                crossed[subject] = evidence_of(({group[1]: 1}, fnow, now,
                                                [path[:200]] if path else []))
            continue
        # Several signals from this subject in this batch.
        if type(v) is list:
            if t - v[0] >= window2:
                suspects -= 1
                v = None
        elif v is not None:
            ws = v & _M28
            if t - ws < window2:
                found, paths = rules_of(v)
                v = [ws, v >> 28 & 63, v >> 34 & 63, float(base + ws), found, paths]
                suspects += 1
            else:
                v = None
        if v is None:
            v = [t, 0, 0, fnow, {}, []]
            suspects += 1
        ws, cur, prev = v[0], v[1], v[2]
        elapsed = t - ws
        if elapsed >= window:
            prev, ws, elapsed, cur = cur, ws + window, elapsed - window, 0
        found, paths, cur = v[4], v[5], cur + len(group)
        for _, rule, path in group:
            found[rule] = found.get(rule, 0) + 1
            if path and path not in paths and len(paths) < max_paths:
                paths.append(path[:200])
        if cur * window + prev * (window - elapsed) >= limit:
            suspects -= 1
            crossed[subject] = evidence_of((found, v[3], now, paths))
            continue
        v[0], v[1], v[2] = ws, cur, prev
        counts[k] = v
    return crossed, suspects
