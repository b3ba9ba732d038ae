"""W2 item 3: workers sharing Redis count one break-in once, and Redis never holds an address."""

from __future__ import annotations

import uuid

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


def signal_all(detector: Detector, signals) -> list:
    return [c for c in (detector.signal(*s) for s in signals) if c is not None]


def test_a_scan_is_reported_once_with_its_paths(redis_prefix):
    detector = worker(redis_prefix)
    scan = [(OLAF, rules.ATTACK_PATH, "/.env")] * 3 + [(ANNA, rules.CSRF_FAILED, "/")] + [
        (OLAF, rules.ATTACK_PATH, "/wp-login.php")] * 2
    crossings = signal_all(detector, scan)
    assert [c.subject for c in crossings] == [OLAF]
    assert crossings[0].evidence.paths == ["/.env", "/wp-login.php"]


def test_redis_holds_keyed_hashes_with_a_lifetime_never_an_address(redis_prefix):
    detector = worker(redis_prefix)
    detector.signal(ANNA, rules.LOGIN_FAILED, "/staff/login/")
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{redis_prefix}:*"))
    [counter] = [k for k in keys if b":c:" in k]  # one counter: Anna's
    hashed = counter.rsplit(b":", 1)[1]
    assert len(hashed) == 16 and int(hashed, 16) >= 0  # 64 bits of keyed hash
    record = client.hgetall(counter)
    assert ANNA.encode() not in repr(record).encode()
    assert 0 < client.ttl(counter) <= 2 * 600  # gone two windows after the last signal
    assert detector.store.tracked() == 1
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
    detector = Detector(RedisStore(Limits(24, 600), detector.store.client, redis_prefix,
                                   b"pepper", 3600))
    scan = [(OLAF, rules.ATTACK_PATH, f"/probe{i % 12}.php") for i in range(24)]
    [crossing] = signal_all(detector, scan)
    assert crossing.evidence.rules == {"attack_path": 24}
    assert crossing.evidence.paths == [f"/probe{i}.php" for i in range(10)]


# The shared store must decide exactly as the in-memory one: same crossings, same evidence,
# signal after signal, also across window edges and the rotation of the secret.
SUBJECTS = (OLAF, ANNA, "2001:db8:1:2::/64")
signal_st = st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(rules.RULES),
                      st.sampled_from(["/staff/login/", "/.env", "/contact/?q=", ""]))
batches_st = st.lists(st.tuples(st.sampled_from([0, 30, 299, 599, 601, 1300]),
                                st.lists(signal_st, min_size=1, max_size=8)),
                      min_size=1, max_size=12)


def _brief(evidence):
    return None if evidence is None else (evidence.rules, evidence.paths)


@given(batches=batches_st)
def test_redis_counts_exactly_like_the_memory_store(batches):
    prefix = f"pdtest:guard:{uuid.uuid4().hex}"
    shared = worker(prefix).store
    local = MemoryStore(Limits(5, 600), KeyRing(3600, 600))
    now = 3600.0 * 500_000 - 700  # the batches run across a rotation of the secret
    try:
        for step, batch in batches:
            now += step
            for signal in batch:
                expected, got = local.add(*signal, now), shared.add(*signal, now)
                assert _brief(got) == _brief(expected), signal
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
