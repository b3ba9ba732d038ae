"""The memory store's C counting loop (issue #4) against its Python reference (counting.py):
the same crossings and the same table, entry for entry and in the same order, under any
batches; built and in use on this machine; no reference leaked."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacydesk.guard import rules
from privacydesk.guard.detector import Detector, Limits
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.stores import memory
from privacydesk.guard.stores.counting import count_batch
from privacydesk.guard.stores.memory import MemoryStore, accelerator_built

STORES = Path(memory.__file__).parent


def salt(generation: int) -> bytes:
    return b"test salt %d" % generation  # the same secrets, so both stores use the same keys


def store_pair(threshold: int, window: int, rotate: int, max_bytes: int,
               sweep_every: int) -> tuple[MemoryStore, MemoryStore]:
    pair = []
    for accelerated in (True, False):
        store = MemoryStore(Limits(threshold, window), KeyRing(rotate, window, salt),
                            max_bytes=max_bytes, accelerated=accelerated)
        store._next_sweep = sweep_every  # sweeps (Python) over records the C loop wrote
        pair.append(store)
    return pair[0], pair[1]


def table(store: MemoryStore) -> list[tuple[int, Any]]:
    """The table in order, every record spelled out with its types and its dicts' order."""
    out: list[tuple[int, Any]] = []
    for k, v in store._counts.items():
        if type(v) is list:
            v = ("list", [(type(x).__name__, x) for x in v[:4]], list(v[4].items()), v[5])
        else:
            v = (type(v).__name__, v)
        out.append((k, v))
    return out


def evidence(crossed: dict[str, Any]) -> list[Any]:
    return [(subject, type(e).__name__, list(e.rules.items()), e.first_seen, e.last_seen,
             e.paths) for subject, e in crossed.items()]


def state(store: MemoryStore) -> tuple[Any, ...]:
    return (table(store), store._suspects, store.evicted, store._paths, store._path_ids,
            store._path_bits, store._base, store._adds)


_LONG = "/wp-content/" + "x" * 240  # longer than the 200 characters an offender's path keeps
_PATHS = ["", "/.env", "/staff/login/", _LONG] + [f"/scan/{i}" for i in range(24)]
_rules = st.sampled_from(list(rules.RULES) + ["not_a_rule"])  # the store itself checks none
# Signals name a subject by number; each example maps them onto a pool of 3 (long suspects'
# histories, many paths), 20 (just over the suspects' cap: demotions) or 60 (evictions).
_batch = st.lists(st.tuples(st.integers(0, 59), _rules, st.sampled_from(_PATHS)),
                  min_size=1, max_size=40)
# Clock steps in windows: within one, to the next, past both, slightly back; plus fractions.
_step = st.sampled_from([0, 0, 0.3, 1, 0.5, 0.99, 1.0, 1.01, 1.99, 2.0, 3.5, -0.02])


@pytest.mark.skipif(not accelerator_built(), reason="asserted by the test below")
@settings(max_examples=600, deadline=None)
@given(threshold=st.sampled_from([1, 2, 3, 5, 60]), window=st.sampled_from([1, 7, 600]),
       rotate=st.sampled_from([1, 2, 6]), max_bytes=st.sampled_from([8 << 10, 16 << 10, 1 << 20]),
       sweep_every=st.sampled_from([8, 64, 8192]), pool=st.sampled_from([3, 20, 60]),
       steps=st.lists(st.tuples(_step, _batch), min_size=1, max_size=30))
def test_the_c_loop_counts_exactly_like_the_python_loop(threshold, window, rotate, max_bytes,
                                                       sweep_every, pool, steps):
    fast, pure = store_pair(threshold, window, rotate * window, max_bytes, sweep_every)
    assert fast._count is not count_batch and pure._count is count_batch
    now = 1_800_000_000.0 - 1.5 * window  # the steps cross rotations of the hashing secret
    for step, numbered in steps:
        now += step * window
        batch = [(f"192.0.2.{i % pool}", rule, path) for i, rule, path in numbered]
        outcome = []
        for store in (fast, pure):
            try:
                outcome.append(("ok", evidence(store.add_many(batch, now))))
            except (KeyError, ValueError) as exc:  # an unknown rule, reaching a first signal
                outcome.append(("error", type(exc), str(exc)))
        assert outcome[0] == outcome[1]
        assert state(fast) == state(pure)


@pytest.mark.skipif(not accelerator_built(), reason="asserted by the test below")
@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from([0, 1, 299, 601, 1300]), _batch.map(
    lambda b: [(f"192.0.2.{i}", r, p) for i, r, p in b if r in rules.RULE_BIT]
    or [("192.0.2.1", rules.LOGIN_FAILED, "")])), min_size=1, max_size=20))
def test_single_signals_and_batches_through_the_detector_agree(steps):
    fast, pure = store_pair(5, 600, 3600, 16 << 10, 8192)
    clock = [3600.0 * 500_000 - 700]
    detectors = [Detector(s, clock=lambda: clock[0]) for s in (fast, pure)]
    for step, batch in steps:
        clock[0] += step
        single = [[d.signal(*signal) for signal in batch[:3]] for d in detectors]
        assert single[0] == single[1]
        assert detectors[0].signal_many(batch[3:]) == detectors[1].signal_many(batch[3:])
        assert state(fast) == state(pure)


def test_the_c_loop_is_built_and_in_use_here(monkeypatch):
    monkeypatch.delenv("PRIVACYDESK_GUARD_PURE", raising=False)
    assert accelerator_built(), "_counting.c is not built: run bash scripts/bootstrap.sh"
    [built] = STORES.glob("_counting.*.so")
    source = STORES / "_counting.c"
    assert built.stat().st_mtime >= source.stat().st_mtime, \
        "_counting.c changed since it was built: run bash scripts/bootstrap.sh"
    store = MemoryStore(Limits(5, 600), KeyRing(3600, 600))
    assert store.accelerated and store._count is memory._counting.count_batch
    monkeypatch.setenv("PRIVACYDESK_GUARD_PURE", "1")
    assert MemoryStore(Limits(5, 600), KeyRing(3600, 600))._count is count_batch
    assert MemoryStore(Limits(5, 600), KeyRing(3600, 600), accelerated=True).accelerated


def test_pure_counting_is_chosen_and_accelerated_refused_where_not_built(monkeypatch):
    monkeypatch.setattr(memory, "_counting", None)
    assert not MemoryStore(Limits(5, 600), KeyRing(3600, 600)).accelerated
    with pytest.raises(RuntimeError, match="not built"):
        MemoryStore(Limits(5, 600), KeyRing(3600, 600), accelerated=True)


def _attack(store: MemoryStore, subjects: list[str], paths: list[str], now: float) -> int:
    """60 batches: 30 signals from `subjects` and 20 one-off addresses each (evictions), more
    suspects than the store keeps in detail (demotions), crossings; the number of crossings."""
    crossings = 0
    for i in range(60):
        batch = [(subjects[(i * 7 + j * 13) % len(subjects)], rules.RULES[j % 8],
                  paths[j % len(paths)]) for j in range(30)]
        batch += [(f"10.0.{i}.{j}", rules.ATTACK_PATH, paths[j % len(paths)]) for j in range(20)]
        crossings += len(store.add_many(batch, now + i * 30))
    return crossings


@pytest.mark.skipif(not accelerator_built(), reason="asserted by the test above")
def test_the_c_loop_leaks_no_reference_and_no_memory():
    # Fresh objects (not interned), so their reference counts are this test's own.
    subjects = ["".join(["198.51.100.", str(i)]) for i in range(40)]
    paths = ["".join(["/scan/", str(i)]) for i in range(12)] + ["".join([_LONG, "/"]), ""]
    counted = subjects + paths[:13]  # not "": one object shared by all
    gc.collect()  # nothing left over from earlier tests that would drop a reference meanwhile
    before = [sys.getrefcount(o) for o in counted]
    tracemalloc.start()
    try:
        sizes = []
        for round_ in range(6):
            store = MemoryStore(Limits(3, 600), KeyRing(3600, 600, salt), max_bytes=64 << 10,
                                accelerated=True)
            assert _attack(store, subjects, paths, 1_800_000_000.0 + round_) > 100
            assert store._suspects > 0 and store.evicted > 0
            del store
            gc.collect()
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert [sys.getrefcount(o) for o in counted] == before
    assert max(sizes[2:]) - min(sizes[2:]) < 4096, sizes  # a leak per crossing would be KBs


@pytest.mark.skipif(not accelerator_built(), reason="asserted by the test above")
@pytest.mark.parametrize("group", [
    [["s", rules.LOGIN_FAILED, "/a"], ("s", rules.MFA_FAILED, "/b")],  # signals as lists
    [("s", rules.LOGIN_FAILED, "/a"), ("s", rules.MFA_FAILED)],  # too short
    [("s", rules.LOGIN_FAILED, "/a"), ("s", rules.MFA_FAILED, "/b", "extra")],  # too long
    ("s", rules.LOGIN_FAILED),  # one signal, too short
])
def test_odd_signals_go_the_same_way_in_both_loops(group):
    # Detector always hands over (subject, rule, path) tuples; the store's loops still agree
    # on anything else, error included (the C loop unpacks like Python does).
    results = []
    for count in (memory._counting.count_batch, count_batch):
        counts: dict[int, Any] = {7: 1 << 28 | 100}
        try:
            crossed, suspects = count(
                counts, [7], {"s": group}, 120, 0, 600, 3000, 120 | 1 << 28, memory._RULE_BITS,
                {"": 0}, memory._RULE_OF_BIT, [""], 10, tuple, 120.0, 120.0, lambda p: 0,
                lambda v: ({}, []))
            results.append((crossed, suspects, counts))
        except (IndexError, ValueError) as exc:
            results.append((type(exc), str(exc), counts))
    assert results[0] == results[1]


def test_the_pure_switch_is_a_declared_setting(monkeypatch):
    """PRIVACYDESK_GUARD_PURE reads like every other boolean variable, and a value that is
    not one is refused with the variable's name, as at start-up."""
    from privacydesk.config import ConfigError

    monkeypatch.setenv("PRIVACYDESK_GUARD_PURE", "true")
    assert not MemoryStore(Limits(5, 600), KeyRing(3600, 600)).accelerated
    monkeypatch.setenv("PRIVACYDESK_GUARD_PURE", "off")
    assert MemoryStore(Limits(5, 600), KeyRing(3600, 600)).accelerated == accelerator_built()
    monkeypatch.setenv("PRIVACYDESK_GUARD_PURE", "perhaps")
    with pytest.raises(ConfigError, match="PRIVACYDESK_GUARD_PURE: must be true or false"):
        MemoryStore(Limits(5, 600), KeyRing(3600, 600))
