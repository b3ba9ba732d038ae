"""Benchmark of the break-in guard (W2 item 7). Prints tables; ratios come from one run.

1. Events per second on one synthetic stream: fail2ban-regex reading it as a log file (the
   Debian package fail2ban; installed with apt-get when missing and running as root), the
   in-memory detector (signal by signal, and in batches; its counting loop in C where built,
   with the Python loop timed beside it, and the bench says which ran), and the Redis-shared
   detector (batches: one script call per batch). Two streams: "attack" (most events from a few
   hundred repeating addresses, the rest one-off) and "flood" (every event a new address).

   fail2ban is measured the way its rate is usually quoted (the issue's anchor, "about 9,400
   lines per second"): the wall time of the whole command `fail2ban-regex <log> <filter>` on
   a log of N lines, start-up included. So that nothing is hidden, the table also gives the
   rate without start-up (wall time minus that of the same command on a one-line log) and
   fail2ban-regex's own "processed in" figure (its matching loop only). The log is what the
   application would write to syslog, one line per signal, and the filter is written like
   Debian's filter.d files (common.conf's syslog prefix, one failregex naming our rules). Two
   other filters are timed for comparison: fail2ban at its fastest (a bare regex on a log
   with ISO dates, no syslog prefix) and Debian's own `sshd` filter on an auth.log with the
   same addresses (the kind of filter the anchor's figure comes from).
   Each contender runs --repeat times, interleaved, and its best run counts (timeit's rule:
   on a shared machine the slower runs measure the other load, not the code). The detectors
   run on a fixed clock in the middle of a generation of the hashing secret; the attack
   stream is also measured in a generation's first window, when every subject is hashed
   under both secrets and counters are carried over (`moment`).
2. Memory under a flood of distinct addresses (tracemalloc): bytes per tracked address, and
   the peak against the configured cap.
3. Added latency per ordinary request through the Django test client: median with and without
   GuardMiddleware, and their ratio (goal <= 1.1).

Usage: .venv/bin/python bench/bench_guard.py [--events 200000] [--repeat 3] [--flood 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fail2ban_baseline import Fail2banRunner, ensure_fail2ban, print_every_way, ratio  # noqa: E402

from privacydesk.guard import rules  # noqa: E402
from privacydesk.guard.detector import Detector, Limits, fold  # noqa: E402
from privacydesk.guard.keys import KeyRing  # noqa: E402
from privacydesk.guard.stores.memory import MemoryStore  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
# Which counting loop the in-memory detector runs here (MemoryStore's default choice).
ACCELERATED = MemoryStore(Limits(5, 600), KeyRing(3600, 600)).accelerated
IMPLEMENTATION = ("counting loop in C (privacydesk/guard/stores/_counting.c); the Python loop "
                  "(counting.py) timed beside it" if ACCELERATED else
                  "Python counting loop (counting.py: the C loop is not built, or "
                  "PRIVACYDESK_GUARD_PURE=1)")
LIMITS = Limits(5, 600)
ROTATE = 3600  # seconds per generation of the hashing secret
# label -> (stream, measured in the first minute of a generation of the secret)
STREAMS = {"attack": ("attack", False), "flood": ("flood", False),
           "attack, first window after a rotation": ("attack", True)}
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


def moment(rotation: bool) -> float:
    """A fixed clock for a run: the middle of a generation of the hashing secret, or (when
    `rotation`) its first minute, when the previous generation's counters are carried over
    and every subject is hashed twice. A clock that runs freely would make the figures
    depend on the minute of the hour."""
    start = time.time() // ROTATE * ROTATE
    return start + (60 if rotation else ROTATE // 2)


def memory_single(events: list[tuple[str, str, str]], now: float) -> float:
    detector = Detector(MemoryStore(LIMITS, KeyRing(ROTATE, 600), max_bytes=1 << 30),
                        clock=lambda: now)
    started = time.perf_counter()
    for address, rule, path in events:
        detector.signal(address, rule, path)
    return len(events) / (time.perf_counter() - started)


def memory_batched(events: list[tuple[str, str, str]], now: float,
                   accelerated: bool | None = None) -> tuple[float, float]:
    """(events per wall second, events per CPU second) in batches of 1000; `accelerated`
    False: the store's Python counting loop (the reference the C loop replaces)."""
    detector = Detector(MemoryStore(LIMITS, KeyRing(ROTATE, 600), max_bytes=1 << 30,
                                    accelerated=accelerated), clock=lambda: now)
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(events), 1000):
        detector.signal_many(events[i:i + 1000])
    return (len(events) / (time.perf_counter() - started),
            len(events) / (time.process_time() - cpu))


def memory_breakdown(events: list[tuple[str, str, str]], repeat: int) -> dict[str, float]:
    """Where the in-memory detector's time goes: CPU nanoseconds per event, best of `repeat`."""
    now = moment(rotation=False)
    batches = [events[i:i + 1000] for i in range(0, len(events), 1000)]
    best: dict[str, float] = {}

    def timed(name: str, make: Callable[[], Any], work: Callable[[Any], object]) -> None:
        # Only what `make` built is alive while `work` runs (and it dies on return), so no
        # part pays for another part's garbage collection.
        thing = make()
        started = time.process_time()
        work(thing)
        best[name] = min(best.get(name, float("inf")),
                         (time.process_time() - started) / len(events) * 1e9)

    def detector() -> Detector:
        return Detector(MemoryStore(LIMITS, KeyRing(ROTATE, 600), max_bytes=1 << 30),
                        clock=lambda: now)

    for _ in range(repeat):
        timed("fold", lambda: None, lambda _: [fold(batch) for batch in batches])
        timed("keys", lambda: (KeyRing(ROTATE, 600), [fold(batch) for batch in batches]),
              lambda made: [made[0].ints(group, now) for group in made[1]])
        timed("store", lambda: MemoryStore(LIMITS, KeyRing(ROTATE, 600), max_bytes=1 << 30),
              lambda store: [store.add_many(batch, now) for batch in batches])
        timed("detector", detector, lambda d: [d.signal_many(batch) for batch in batches])
    return {"grouping by address": best["fold"], "keyed hash (AES, whole batch)": best["keys"],
            "counters and evidence": best["store"] - best["fold"] - best["keys"],
            "detector (rule check, crossings)": best["detector"] - best["store"],
            "total": best["detector"]}


def redis_batched(events: list[tuple[str, str, str]], now: float,
                  pipelined: bool = False) -> float | None:
    """Events per second through the Redis detector in batches of 1000: one script call per
    batch and a reply awaited each time, or (`pipelined`) Detector.signal_stream, which sends
    the next batch before reading the previous reply."""
    import uuid

    import redis

    from privacydesk.guard.stores.redis import RedisStore

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        return None
    prefix = f"pdbench:guard:{uuid.uuid4().hex}"
    detector = Detector(RedisStore(LIMITS, client, prefix, b"bench pepper", ROTATE),
                        clock=lambda: now)
    try:
        batches = (events[i:i + 1000] for i in range(0, len(events), 1000))
        started = time.perf_counter()
        if pipelined:
            for _ in detector.signal_stream(batches):
                pass
        else:
            for batch in batches:
                detector.signal_many(batch)
        return len(events) / (time.perf_counter() - started)
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=5000):
            client.delete(key)


def memory_under_flood(n: int, cap: int) -> tuple[float, float, int, int]:
    """(bytes per tracked address, peak bytes, tracked, cap) after n distinct addresses."""
    store, now = MemoryStore(LIMITS, KeyRing(ROTATE, 600), max_bytes=cap), moment(False)
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


def events_table(args: argparse.Namespace, folder: Path) -> None:
    have_f2b = ensure_fail2ban()
    best: dict[str, dict[str, float]] = {}
    f2b: dict[str, Fail2banRunner] = {}
    for label, (kind, rotation) in STREAMS.items():
        events, now = stream(kind, args.events), moment(rotation)
        runs = best[label] = dict.fromkeys(("single", "memory", "memory cpu", "memory python",
                                             "redis", "redis pipelined"), 0.0)
        if have_f2b and not rotation:  # fail2ban has no secret to rotate: one run per stream
            kinds = ["syslog", "bare"] + (["sshd"] if kind == "attack" else [])
            (folder / kind).mkdir()
            f2b[kind] = Fail2banRunner(events, folder / kind, kinds)
        for repeat in range(args.repeat):  # interleaved, so every contender sees every load
            if have_f2b and not rotation:
                f2b[kind].run("syslog")
                f2b[kind].run("bare")
                if kind == "attack" and repeat == 0:
                    f2b[kind].run("sshd")
            runs["single"] = max(runs["single"], memory_single(events, now))
            wall, cpu = memory_batched(events, now)
            runs["memory"], runs["memory cpu"] = max(runs["memory"], wall), \
                max(runs["memory cpu"], cpu)
            if ACCELERATED:  # the same run with the Python loop, for the A/B in the table
                runs["memory python"] = max(runs["memory python"],
                                            memory_batched(events, now, accelerated=False)[0])
            runs["redis"] = max(runs["redis"], redis_batched(events, now) or 0.0)
            runs["redis pipelined"] = max(runs["redis pipelined"],
                                          redis_batched(events, now, pipelined=True) or 0.0)
    print(f"## Events per second ({args.events:,} events per stream, best of {args.repeat})\n")
    print("fail2ban-regex: the whole command `fail2ban-regex <log> <filter>` with a syslog "
          "filter written like Debian's (start-up included, as its rate is usually quoted).\n")
    print(f"In-memory detector: {IMPLEMENTATION}.\n")
    print("| stream | fail2ban-regex | memory, per signal | memory, batches of 1000 "
          "| memory, Python loop | Redis, batches of 1000 | Redis, pipelined | memory/fail2ban "
          "| memory Python loop/fail2ban | Redis/fail2ban | Redis pipelined/fail2ban |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, runs in best.items():
        kind = STREAMS[label][0]
        base = f2b[kind].results["syslog"].rates()["wall"] if have_f2b else None
        python = runs["memory python"] if ACCELERATED else runs["memory"]
        print(f"| {label} | {base or 0:,.0f} | {runs['single']:,.0f} | {runs['memory']:,.0f} "
              f"| {python:,.0f} | {runs['redis']:,.0f} | {runs['redis pipelined']:,.0f} "
              f"| {ratio(runs['memory'], base)} | {ratio(python, base)} "
              f"| {ratio(runs['redis'], base)} | {ratio(runs['redis pipelined'], base)} |")
    print("\n## Where the in-memory detector's time goes (CPU ns per event, batches of 1000, "
          f"best of {args.repeat}; {'C' if ACCELERATED else 'Python'} counting loop)\n")
    parts = {kind: memory_breakdown(stream(kind, args.events), args.repeat)
             for kind in ("attack", "flood")}
    print("| part | " + " | ".join(parts) + " |")
    print("|---|" + "---|" * len(parts))
    for name in parts["attack"]:
        print(f"| {name} | " + " | ".join(f"{p[name]:.0f}" for p in parts.values()) + " |")
    if not have_f2b:
        return
    print_every_way(f2b, best)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--flood", type=int, default=1_000_000)
    parser.add_argument("--cap-mib", type=int, default=64)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pd-bench-guard-"))
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    try:
        events_table(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
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
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
