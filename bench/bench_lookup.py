"""Benchmark the register on one database: population generation, e-mail lookup, HTTP API.

    .venv/bin/python bench/bench_lookup.py --database sqlite --people 100000

Prints one JSON object (the numbers bench/run.py turns into its table). Measured, in one run:
- generation: `demo.population.generate(N)`, people per second;
- lookup: `register.services.find_person_by_email` against the baseline — the same HMAC
  computed with `hmac` directly and the bare indexed query on the DB-API connection —
  alternating per sampled address, median and p95 of each (goal: medians within 3x);
- HTTP: `GET /api/v1/persons?email=` with a real bearer token against gunicorn on
  loopback, started with privacydesk.server.serve's options and one worker (goal: median <= 5 ms).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median_p95, populated  # noqa: E402


def sample_addresses(count: int, seed: int = 1) -> list[tuple[str, int]]:
    """(e-mail address, person id) of up to `count` random stored e-mail data."""
    from django.db.models import Max, Min

    from privacydesk.register.models import Email

    bounds = Email.objects.aggregate(low=Min("id"), high=Max("id"))
    ids = random.Random(seed).sample(range(bounds["low"], bounds["high"] + 1),
                                     min(count, bounds["high"] - bounds["low"] + 1))
    rows = Email.objects.filter(id__in=ids).select_related("person")
    found = [(row.get_values()["address"], row.person_id) for row in rows]
    random.Random(seed).shuffle(found)
    return found


def bench_lookup(addresses: list[tuple[str, int]]) -> dict[str, Any]:
    """Service-layer lookup vs. bare HMAC + indexed SELECT, interleaved per address."""
    from django.db import connection

    from privacydesk.register.services import find_person_by_email
    from privacydesk.vault import keyring

    ring = keyring.get()
    # The baseline derives the e-mail index key itself, as the vault documents it.
    kind_key = hmac.digest(ring.index_key, b"kind\x1femail", "sha256")
    connection.ensure_connection()
    raw: Any = connection.connection
    mark = "%s" if connection.vendor == "postgresql" else "?"
    sql = f"SELECT person_id FROM register_email WHERE address_index = {mark}"  # noqa: S608
    cursor = raw.cursor()

    def baseline(address: str) -> int:
        index = hmac.new(kind_key, address.strip().casefold().encode(), hashlib.sha256)
        cursor.execute(sql, (index.hexdigest(),))
        return int(cursor.fetchone()[0])

    for address, _ in addresses[:200]:  # warm caches and the connection
        find_person_by_email(address)
        baseline(address)
    service_times, baseline_times = [], []
    clock = time.perf_counter
    # Whichever of the two runs first for an address pays for reading its index and table
    # pages into SQLite's page cache (about 10 µs at 1M people) and the second finds them
    # there; so the order alternates, and each side is first for half of the addresses.
    for n, (address, person_id) in enumerate(addresses):
        if n % 2:
            start = clock()
            found = baseline(address)
            middle = clock()
            person = find_person_by_email(address)
            end = clock()
            baseline_times.append(middle - start)
            service_times.append(end - middle)
        else:
            start = clock()
            person = find_person_by_email(address)
            middle = clock()
            found = baseline(address)
            end = clock()
            service_times.append(middle - start)
            baseline_times.append(end - middle)
        assert person is not None and person.pk == person_id == found, address
    cursor.close()
    return {"service": median_p95(service_times), "baseline": median_p95(baseline_times),
            "samples": len(addresses)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before it served")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start listening")


def _api_token() -> str:
    from privacydesk.staff.models import StaffUser
    from privacydesk.staff.protocol import PROTOCOL_VERSION
    from privacydesk.staff.tokens import create_token

    user = StaffUser(username="bench", staff_role="sales")
    user.set_unusable_password()
    user.save()
    user.accept_protocol(PROTOCOL_VERSION)  # Sec4: the API refuses staff who have not
    return create_token(user, "benchmark", days=1)


def serve_bench(port: int) -> subprocess.Popen[bytes]:
    """gunicorn (privacydesk.server.serve's options, one worker) on `port` with the bench-only
    URLconf (bench_urls: the real site plus the API floor `/api/bench/floor`). The daily
    sweep stays off: on a freshly generated register it would erase people whose dates
    have passed and hold the write lock meanwhile, which is not what is measured."""
    code = f"from privacydesk.server import serve; serve.run('127.0.0.1', {port}, 1)"
    bench = Path(__file__).resolve().parent
    env = dict(os.environ, PRIVACYDESK_SCHEDULER="off", DJANGO_SETTINGS_MODULE="bench_settings",
               PYTHONPATH=os.pathsep.join([str(bench), str(bench.parent)]))
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def timed_with_floor(client: http.client.HTTPConnection, headers: dict[str, str],
                     paths: list[str], check: Any) -> tuple[list[float], list[float]]:
    """GET each of `paths` and, alternately before or after it, the API floor (the same
    token check, no data); return (times of `paths`, times of the floor). `check(path,
    body)` checks each answer."""
    def get(path: str) -> bytes:
        client.request("GET", path, headers=headers)
        response = client.getresponse()
        body = response.read()
        assert response.status == 200, (path, response.status, body[:300])
        return body

    for path in paths[:50]:  # the worker imports and connects on its first requests
        get(path)
        get(FLOOR)
    clock = time.perf_counter
    times, floor = [], []
    for n, path in enumerate(paths):
        first = FLOOR if n % 2 else path
        start = clock()
        a = get(first)
        middle = clock()
        b = get(path if n % 2 else FLOOR)
        end = clock()
        times.append(end - middle if n % 2 else middle - start)
        floor.append(middle - start if n % 2 else end - middle)
        check(path, b if n % 2 else a)
    return times, floor


FLOOR = "/api/bench/floor"


def bench_http(addresses: list[tuple[str, int]]) -> dict[str, Any]:
    """Median/p95 latency of GET /api/v1/persons?email= through gunicorn (1 worker), and
    of the API floor in the same run."""
    from privacydesk.register.models import Person

    token = _api_token()
    refs = dict(Person.objects.filter(id__in=[p for _, p in addresses]).values_list("id", "ref"))
    port = _free_port()
    server = serve_bench(port)
    person_of = {"/api/v1/persons?email=" + quote(a): p for a, p in addresses}
    try:
        _wait_for(port, server)
        # The first request waits for the worker to import Django (slow on a busy machine).
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}

        def check(path: str, body: bytes) -> None:
            assert json.loads(body)["items"][0]["ref"] == str(refs[person_of[path]]), path

        times, floor = timed_with_floor(client, headers, list(person_of), check)
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"http": median_p95(times), "http_floor": median_p95(floor),
            "http_samples": len(addresses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=3000, help="e-mail addresses looked up")
    parser.add_argument("--http-samples", type=int, default=2000)
    parser.add_argument("--reuse-population", action="store_true",
                        help="copy a cached population of this size if there is one (and "
                        "cache the one generated); its generation is then not timed")
    args = parser.parse_args()
    env, generation = populated(args.database, "bench_lookup", args.people,
                                reuse=args.reuse_population)
    try:
        from privacydesk.register.models import Person

        addresses = sample_addresses(args.samples)
        result = {"database": args.database, "people": Person.objects.count(),
                  "generation_seconds": generation, **bench_lookup(addresses),
                  **bench_http(addresses[:args.http_samples])}
    finally:
        env.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
