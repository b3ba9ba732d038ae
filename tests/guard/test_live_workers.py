"""W2 item 3 on a real gunicorn with three workers: a break-in spread over the workers is
counted once (Redis shared) and registered once; the workers then all block the attacker,
while a visitor browsing at the same time is never blocked and leaves no trace (W1).

Two servers start side by side for this module: one whose workers share Redis, and the
control, whose workers count in their own memory only."""

from __future__ import annotations

import uuid

import pytest
import redis

from .conftest import REDIS_URL
from .live import (
    gunicorns,
    request,
    requests_in_distinct_workers,
    until_every_worker_refreshed_its_bans,
)

pytestmark = [pytest.mark.slow, pytest.mark.live]
OLAF = "127.0.0.2"  # the attacker's loopback address
ANNA = "127.0.0.3"  # a visitor browsing at the same time


@pytest.fixture(scope="module")
def servers(live_template, tmp_path_factory):
    """(workers sharing Redis under a prefix of their own, workers counting in memory)."""
    prefix = f"pdtest:guard:{uuid.uuid4().hex}"
    shared = {"REDIS_URL": REDIS_URL, "GUARD_TEST_REDIS_PREFIX": prefix}
    unshared = {"GUARD_TEST_STORE": "memory"}
    with gunicorns(live_template, tmp_path_factory.mktemp("guard-live-workers"),
                   shared, unshared) as (with_redis, in_memory):
        yield with_redis, in_memory
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def spread_attack(port: int) -> list[int]:
    """Five attack-path requests, never more than one per worker at a time."""
    first = requests_in_distinct_workers(OLAF, port, ["/wp-login.php", "/.env", "/.git/HEAD"])
    assert request(ANNA, port, "/") != 403
    second = requests_in_distinct_workers(OLAF, port, ["/phpmyadmin/", "/xmlrpc.php"])
    return first + second


def test_three_workers_sharing_redis_count_a_spread_break_in_once(servers):
    server = servers[0]
    statuses = spread_attack(server.port)
    assert statuses.count(403) <= 1  # only the request that crossed may be refused
    until_every_worker_refreshed_its_bans()
    assert requests_in_distinct_workers(OLAF, server.port, ["/", "/", "/"]) == [403] * 3
    assert [request(ANNA, server.port, p) for p in ("/", "/staff/login/")].count(403) == 0
    assert server.offenders() == {OLAF: {"attack_path": 5}}
    assert server.traces(ANNA) == []


def test_without_sharing_the_same_spread_break_in_slips_through(servers):
    # The control: counters only in each worker's memory see at most two signals each.
    server = servers[1]
    assert 403 not in spread_attack(server.port)
    assert server.offenders() == {}
