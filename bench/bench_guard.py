"""Benchmark of the break-in guard (W2 item 7). Prints tables; ratios come from one run.

1. Events per second on one synthetic stream: fail2ban-regex reading it as a log file (the
   Debian package fail2ban; installed with apt-get when missing and running as root), the
   in-memory detector (signal by signal, and in batches), and the Redis-shared detector
   (batches: one script call per batch). Two streams: "attack" (most events from a few
   hundred repeating addresses, the rest one-off) and "flood" (every event a new address).
2. Memory under a flood of distinct addresses (tracemalloc): bytes per tracked address, and
   the peak against the configured cap.
3. Added latency per ordinary request through the Django test client: median with and without
   GuardMiddleware, and their ratio (goal <= 1.1).

Usage: .venv/bin/python bench/bench_guard.py [--events 200000] [--flood 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privacydesk.guard import rules  # noqa: E402
from privacydesk.guard.detector import Detector, Limits  # noqa: E402
from privacydesk.guard.keys import KeyRing  # noqa: E402
from privacydesk.guard.stores.memory import MemoryStore  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMITS = Limits(5, 600)
RULE_PATHS = [(rules.LOGIN_FAILED, "/staff/login/"), (rules.ATTACK_PATH, "/wp-login.php"),
              (rules.ATTACK_PATH, "/.env"), (rules.SQL_INJECTION, "/contact/?q="),
              (rules.CSRF_FAILED, "/staff/login/"), (rules.TRAVERSAL, "/static/")]


def stream(kind: str, n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    rnd = random.Random(seed)
    attackers = [f"198.51.{rnd.randrange(256)}.{rnd.randrange(256)}" for _ in range(500)]
    events = []
    for i in range(n):
        if kind == "attack" and rnd.random() < 0.7:
            address = rnd.choice(attackers)
        else:
            address = f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
        rule, path = rnd.choice(RULE_PATHS)
        events.append((address, rule, path))
    return events


def fail2ban_rate(events: list[tuple[str, str, str]], folder: Path) -> float | None:
    if not shutil.which("fail2ban-regex") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "fail2ban"], check=False,
                       capture_output=True)
    if not shutil.which("fail2ban-regex"):
        return None
    log = folder / "stream.log"
    with open(log, "w") as out:
        for i, (address, rule, path) in enumerate(events):
            out.write(f"2026-11-25 12:{i // 60 % 60:02d}:{i % 60:02d} privacydesk guard "
                      f"rule={rule} client={address} path={path}\n")
    done = subprocess.run(
        ["fail2ban-regex", str(log), r"privacydesk guard rule=\S+ client=<HOST> path=\S*$"],
        capture_output=True, text=True, check=True)
    seconds = float(re.search(r"processed in ([\d.]+) sec", done.stdout).group(1))
    return len(events) / seconds


def memory_rates(events: list[tuple[str, str, str]]) -> tuple[float, float]:
    now = time.time()
    store = MemoryStore(LIMITS, KeyRing(3600, 600), max_bytes=1 << 30)
    detector = Detector(store, clock=lambda: now)
    started = time.perf_counter()
    for address, rule, path in events:
        detector.signal(address, rule, path)
    single = len(events) / (time.perf_counter() - started)
    store = MemoryStore(LIMITS, KeyRing(3600, 600), max_bytes=1 << 30)
    detector = Detector(store, clock=lambda: now)
    started = time.perf_counter()
    for i in range(0, len(events), 1000):
        detector.signal_many(events[i:i + 1000])
    return single, len(events) / (time.perf_counter() - started)


def redis_rate(events: list[tuple[str, str, str]]) -> float | None:
    import uuid

    import redis

    from privacydesk.guard.stores.redis import RedisStore

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        return None
    prefix = f"pdbench:guard:{uuid.uuid4().hex}"
    detector = Detector(RedisStore(LIMITS, client, prefix, b"bench pepper", 3600))
    try:
        started = time.perf_counter()
        for i in range(0, len(events), 1000):
            detector.signal_many(events[i:i + 1000])
        return len(events) / (time.perf_counter() - started)
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=5000):
            client.delete(key)


def memory_under_flood(n: int, cap: int) -> tuple[float, float, int, int]:
    """(bytes per tracked address, peak bytes, tracked, cap) after n distinct addresses."""
    now = time.time()
    store = MemoryStore(LIMITS, KeyRing(3600, 600), max_bytes=cap)
    tracemalloc.start()
    for i in range(0, n, 10_000):
        store.add_many([(f"10.{j >> 16 & 255}.{j >> 8 & 255}.{j & 255}", rules.ATTACK_PATH,
                         "/.env") for j in range(i, min(n, i + 10_000))], now)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / store.tracked(), peak, store.tracked(), cap


def latency(samples: int) -> tuple[float, float]:
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacydesk.settings")
    os.environ.setdefault("PRIVACYDESK_DATA_DIR", tempfile.mkdtemp(prefix="pd-bench-"))
    os.environ.pop("DATABASE_URL", None)
    django.setup()
    call_command("migrate", verbosity=0)
    without = [m for m in settings.MIDDLEWARE if "guard" not in m]
    # A test client builds its middleware chain at its first request and keeps it.
    clients = {True: Client(REMOTE_ADDR="198.51.100.7"), False: Client(REMOTE_ADDR="198.51.100.7")}
    clients[True].get("/staff/login/")
    with override_settings(MIDDLEWARE=without):
        clients[False].get("/staff/login/")
    timings: dict[bool, list[float]] = {True: [], False: []}
    for i in range(samples * 2 + 200):
        guarded = i % 2 == 0
        started = time.perf_counter()
        clients[guarded].get("/staff/login/")
        elapsed = time.perf_counter() - started
        if i >= 200:  # warm-up done
            timings[guarded].append(elapsed)
    return statistics.median(timings[True]), statistics.median(timings[False])


def ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.1f}x" if value and base else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--flood", type=int, default=1_000_000)
    parser.add_argument("--cap-mib", type=int, default=64)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pd-bench-guard-"))
    print(f"## Events per second ({args.events:,} events per stream)\n")
    print("| stream | fail2ban-regex | memory, per signal | memory, batches of 1000 "
          "| Redis, batches of 1000 | memory/fail2ban | Redis/fail2ban |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("attack", "flood"):
        events = stream(kind, args.events)
        f2b = fail2ban_rate(events, folder)
        single, batched = memory_rates(events)
        shared = redis_rate(events)
        print(f"| {kind} | {f2b or 0:,.0f} | {single:,.0f} | {batched:,.0f} | {shared or 0:,.0f} "
              f"| {ratio(batched, f2b)} | {ratio(shared, f2b)} |")
    per_address, peak, tracked, cap = memory_under_flood(args.flood, args.cap_mib << 20)
    print(f"\n## Memory under a flood of {args.flood:,} distinct addresses\n")
    print("| cap | tracked at the end | bytes per tracked address | peak | peak under cap |")
    print("|---|---|---|---|---|")
    print(f"| {cap / 2**20:.0f} MiB | {tracked:,} | {per_address:.0f} | {peak / 2**20:.1f} MiB "
          f"| {'yes' if peak < cap else 'NO'} |")
    guarded, bare = latency(args.requests)
    print("\n## Ordinary request (GET /staff/login/, Django test client, median)\n")
    print("| with guard | without guard | ratio |")
    print("|---|---|---|")
    print(f"| {guarded * 1e6:.0f} µs | {bare * 1e6:.0f} µs | {guarded / bare:.3f} |")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
