"""W2 item 3: workers sharing Redis count one break-in once, and Redis never holds an address."""

from __future__ import annotations

import redis

from privacydesk.guard import rules
from privacydesk.guard.detector import Detector, Limits
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
    counters = [k for k in keys if b":c:" in k]
    assert len(counters) == 1
    for key in keys:
        assert ANNA.encode() not in key
        assert 0 < client.ttl(key) <= 3600 + 600 + 60
        if b":c:" in key:
            assert ANNA.encode() not in client.get(key)


def test_without_the_pepper_the_shared_salt_does_not_give_the_same_hash(redis_prefix):
    ours, theirs = worker(redis_prefix), worker(redis_prefix, pepper=b"someone else's")
    for _ in range(4):
        ours.signal(OLAF, rules.LOGIN_FAILED)
    assert theirs.signal(OLAF, rules.LOGIN_FAILED) is None
