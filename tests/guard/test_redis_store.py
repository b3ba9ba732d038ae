"""W2 item 3: workers sharing Redis count one break-in once, and Redis never holds an address."""

from __future__ import annotations

import uuid

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st

from privacydesk.guard import rules
from privacydesk.guard.detector import Detector, Limits
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.stores.memory import MemoryStore
from privacydesk.guard.stores.redis import RedisStore

from .conftest import REDIS_URL

OLAF = "203.0.113.66"
ANNA = "198.51.100.7"


def worker(prefix: str, pepper: bytes = b"the same SECRET_KEY") -> Detector:
    """What one gunicorn worker builds: its own client and key ring, the shared Redis."""
    client = redis.Redis.from_url(REDIS_URL)
    return Detector(RedisStore(Limits(5, 600), client, prefix, pepper, 3600))


def test_a_break_in_spread_over_three_workers_is_counted_once(redis_prefix):
    workers = [worker(redis_prefix) for _ in range(3)]
    results = [workers[i % 3].signal(OLAF, rules.LOGIN_FAILED, "/staff/login/")
               for i in range(10)]
    crossings = [r for r in results if r is not None]
    assert len(crossings) == 2  # the 5th and the 10th signal, whichever worker saw them
    assert results[4] is not None and crossings[0].evidence.rules == {"login_failed": 5}


def test_a_pipelined_batch_counts_like_single_signals(redis_prefix):
    detector = worker(redis_prefix)
    batch = [(OLAF, rules.ATTACK_PATH, "/.env")] * 3 + [(ANNA, rules.CSRF_FAILED, "/")] + [
        (OLAF, rules.ATTACK_PATH, "/wp-login.php")] * 2
    crossings = detector.signal_many(batch)
    assert [c.subject for c in crossings] == [OLAF]
    assert crossings[0].evidence.paths == ["/.env", "/wp-login.php"]


def test_redis_holds_keyed_hashes_with_a_lifetime_never_an_address(redis_prefix):
    detector = worker(redis_prefix)
    detector.signal(ANNA, rules.LOGIN_FAILED, "/staff/login/")
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{redis_prefix}:*"))
    [bucket] = [k for k in keys if b":w:" in k]  # the counters of this time bucket
    [(field, record)] = client.hgetall(bucket).items()  # one counter: Anna's
    assert len(field) == 16 and int(field, 16) >= 0  # 64 bits of keyed hash
    assert ANNA.encode() not in field and ANNA.encode() not in record
    assert 0 < client.ttl(bucket) <= 3 * 600  # gone at most three windows later
    for key in keys:
        assert ANNA.encode() not in key
        assert 0 < client.ttl(key) <= 3600 + 600 + 60


def test_without_the_pepper_the_shared_salt_does_not_give_the_same_hash(redis_prefix):
    ours, theirs = worker(redis_prefix), worker(redis_prefix, pepper=b"someone else's")
    for _ in range(4):
        ours.signal(OLAF, rules.LOGIN_FAILED)
    assert theirs.signal(OLAF, rules.LOGIN_FAILED) is None


def test_a_break_in_straddling_the_rotation_of_the_secret_is_counted_whole(redis_prefix):
    store = worker(redis_prefix).store
    before = 3600.0 * 500_000 - 60  # one minute before the secret rotates
    for _ in range(3):
        assert store.add(OLAF, rules.LOGIN_FAILED, "/staff/login/", before) is None
    after = before + 120
    assert store.add(OLAF, rules.LOGIN_FAILED, "/staff/login/", after) is None
    evidence = store.add(OLAF, rules.MFA_FAILED, "/staff/mfa/", after)
    assert evidence is not None
    assert evidence.rules == {"login_failed": 4, "mfa_failed": 1}
    assert evidence.paths == ["/staff/login/", "/staff/mfa/"]


def test_evidence_keeps_at_most_ten_distinct_paths(redis_prefix):
    detector = worker(redis_prefix)
    batch = [(OLAF, rules.ATTACK_PATH, f"/probe{i % 12}.php") for i in range(24)]
    [crossing] = detector.signal_many(batch)
    assert crossing.evidence.rules == {"attack_path": 24}
    assert crossing.evidence.paths == [f"/probe{i}.php" for i in range(10)]


# The shared store must decide exactly as the in-memory one: same crossings, same evidence,
# batch after batch, also across window edges and the rotation of the secret.
SUBJECTS = (OLAF, ANNA, "2001:db8:1:2::/64")
signal_st = st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(rules.RULES),
                      st.sampled_from(["/staff/login/", "/.env", "/contact/?q=", ""]))
batches_st = st.lists(st.tuples(st.sampled_from([0, 30, 299, 599, 601, 1300]),
                                st.lists(signal_st, min_size=1, max_size=8)),
                      min_size=1, max_size=12)


@given(batches=batches_st)
def test_redis_counts_exactly_like_the_memory_store(batches):
    prefix = f"pdtest:guard:{uuid.uuid4().hex}"
    shared = worker(prefix).store
    local = MemoryStore(Limits(5, 600), KeyRing(3600, 600))
    now = 3600.0 * 500_000 - 700  # the batches run across a rotation of the secret
    try:
        for step, batch in batches:
            now += step
            expected = local.add_many(batch, now)
            got = shared.add_many(batch, now)
            assert {s: (e.rules, e.paths) for s, e in got.items()} == \
                {s: (e.rules, e.paths) for s, e in expected.items()}
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


def _stream_batches() -> list[list[tuple[str, str, str]]]:
    scanners = [f"192.0.2.{i}" for i in range(40)]
    return [[(scanners[(7 * b + i) % 40], rules.RULES[(b + i) % 8], f"/p{i % 3}")
             for i in range(30)] + [(OLAF, rules.LOGIN_FAILED, "/staff/login/")]
            for b in range(12)]


def test_a_pipelined_stream_counts_exactly_like_batch_after_batch(redis_prefix):
    now = 3600.0 * 500_000 + 1800
    one_by_one = Detector(worker(f"{redis_prefix}:a").store, clock=lambda: now)
    streamed = Detector(worker(f"{redis_prefix}:b").store, clock=lambda: now)
    expected = [one_by_one.signal_many(batch) for batch in _stream_batches()]
    got = list(streamed.signal_stream(_stream_batches()))
    assert got == expected
    assert sum(c.subject == OLAF for crossings in got for c in crossings) == 2  # 5th, 10th


def test_a_stream_left_half_way_leaves_the_connection_clean(redis_prefix):
    detector = worker(redis_prefix)
    for _ in detector.signal_stream(_stream_batches()):
        break  # two batches are in flight: their replies must not reach the next command
    assert detector.store.client.ping() is True
    assert detector.signal(ANNA, rules.CSRF_FAILED, "/") is None


def test_a_stream_refuses_a_batch_with_an_unknown_rule_and_counts_none_of_it(redis_prefix):
    detector = worker(redis_prefix)
    batches = [[(OLAF, rules.LOGIN_FAILED, "/")] * 4, [(OLAF, "looks_odd", "/")] * 5]
    with pytest.raises(ValueError, match="rule: unknown break-in rule 'looks_odd'"):
        list(detector.signal_stream(batches))
    assert detector.signal(OLAF, rules.LOGIN_FAILED, "/") is not None  # the 5th counted one


def test_the_memory_store_streams_batch_after_batch_too():
    now = 1_800_000_000.0
    stream = Detector(MemoryStore(Limits(5, 600), KeyRing(3600, 600)), clock=lambda: now)
    single = Detector(MemoryStore(Limits(5, 600), KeyRing(3600, 600)), clock=lambda: now)
    got = [[c.subject for c in cs] for cs in stream.signal_stream(_stream_batches())]
    assert got == [[c.subject for c in single.signal_many(b)] for b in _stream_batches()]
