"""W2 item 3 on a real gunicorn with three workers: a break-in spread over the workers is
counted once (Redis shared) and registered once; the workers then all block the attacker,
while a visitor browsing at the same time is never blocked and leaves no trace (W1)."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from .conftest import REDIS_URL
from .live import gunicorn, request, requests_in_distinct_workers

pytestmark = pytest.mark.slow
OLAF = "127.0.0.2"  # the attacker's loopback address
ANNA = "127.0.0.3"  # a visitor browsing at the same time


@pytest.fixture
def prefix():
    value = f"pdtest:guard:{uuid.uuid4().hex}"
    yield value
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{value}:*"):
        client.delete(key)


def spread_attack(port: int) -> list[int]:
    """Five attack-path requests, never more than one per worker at a time."""
    first = requests_in_distinct_workers(OLAF, port, ["/wp-login.php", "/.env", "/.git/HEAD"])
    assert request(ANNA, port, "/") != 403
    second = requests_in_distinct_workers(OLAF, port, ["/phpmyadmin/", "/xmlrpc.php"])
    return first + second


def test_three_workers_sharing_redis_count_a_spread_break_in_once(tmp_path, prefix):
    with gunicorn(tmp_path, REDIS_URL=REDIS_URL, GUARD_TEST_REDIS_PREFIX=prefix) as server:
        statuses = spread_attack(server.port)
        assert statuses.count(403) <= 1  # only the request that crossed may be refused
        time.sleep(1.5)  # every worker's copy of the ban list is refreshed
        assert requests_in_distinct_workers(OLAF, server.port, ["/", "/", "/"]) == [403] * 3
        assert [request(ANNA, server.port, p) for p in ("/", "/staff/login/")].count(403) == 0
        rows = server.shell("from privacydesk.guard.models import Offender; "
                            "print([(o.address, o.evidence['rules']) for o in "
                            "Offender.objects.all()])")
        assert rows == "[('127.0.0.2', {'attack_path': 5})]"
    assert server.traces(ANNA) == []


def test_without_sharing_the_same_spread_break_in_slips_through(tmp_path):
    # The control: counters only in each worker's memory see at most two signals each.
    with gunicorn(tmp_path, GUARD_TEST_STORE="memory") as server:
        assert 403 not in spread_attack(server.port)
        assert server.shell("from privacydesk.guard.models import Offender; "
                            "print(Offender.objects.count())") == "0"
