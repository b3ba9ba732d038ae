"""Benchmark of the break-in guard (W2 item 7; issue #14 speed goals). Prints tables; every
ratio comes from one run.

1. Events per second on one synthetic stream: fail2ban-regex reading it as a log file (the
   Debian package fail2ban; installed with apt-get when missing and running as root) against
   the detector as production calls it, `Detector.signal` one signal at a time, on the memory
   store and on the Redis store (one script call per signal). Goal: memory ≥ 10× fail2ban.
   Two streams: "attack" (most events from a few hundred repeating addresses, the rest
   one-off) and "flood" (every event a new address), and the attack stream again in the first
   window after a rotation of the hashing secret, on a store that holds the previous
   generation's counters (the same attack a minute before the rotation, other one-off
   addresses): a subject not found under the new secret is looked up under the old one.

   fail2ban is measured the way its rate is usually quoted: the wall time of the whole command
   `fail2ban-regex <log> <filter>` on a log of N lines, start-up included; the last table also
   gives the rate without start-up and fail2ban-regex's own "processed in" figure. The log is
   what the application would write to syslog, one line per signal, and the filter is written
   like Debian's filter.d files. Each contender runs --repeat times, interleaved, and its best
   run counts (on a shared machine the slower runs measure the other load, not the code).
2. Memory under a flood of distinct addresses (tracemalloc): bytes per tracked address (goal
   ≤ 128), and the peak against the configured cap.
3. Request latency with and without the guard (measured first, in a fresh process as a web
   worker is): the same Django test-client loop (GET of the staff login page), alternating a
   client whose middleware chain has GuardMiddleware and one built with it removed from
   MIDDLEWARE (ABBA order); medians of wall and CPU time and their ratio (goal ≤ 1.05), best
   of --repeat rounds, and the middleware's own CPU time per request measured alone. The same
   loop with two clients that both lack the guard gives the method's own spread in this run
   (its ratio would be 1.000 on a quiet machine).

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fail2ban_baseline import Fail2banRunner, ensure_fail2ban, print_every_way, ratio  # noqa: E402

from privacydesk.guard import rules  # noqa: E402
from privacydesk.guard.detector import Detector, Limits  # noqa: E402
from privacydesk.guard.keys import KeyRing  # noqa: E402
from privacydesk.guard.stores.memory import MemoryStore  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMITS = Limits(5, 600)
ROTATE = 3600  # seconds per generation of the hashing secret
# label -> (stream, measured in the first minute of a generation of the secret)
STREAMS = {"attack": ("attack", False), "flood": ("flood", False),
           "attack, first window after a rotation": ("attack", True)}
RULE_PATHS = [(rules.LOGIN_FAILED, "/staff/login/"), (rules.ATTACK_PATH, "/wp-login.php"),
              (rules.ATTACK_PATH, "/.env"), (rules.SQL_INJECTION, "/contact/?q="),
              (rules.CSRF_FAILED, "/staff/login/"), (rules.TRAVERSAL, "/static/")]


def stream(kind: str, n: int, seed: int = 7, one_off_net: int = 10
           ) -> list[tuple[str, str, str]]:
    rnd = random.Random(seed)
    attackers = [f"198.51.{rnd.randrange(256)}.{rnd.randrange(256)}" for _ in range(500)]
    events = []
    for i in range(n):
        if kind == "attack" and rnd.random() < 0.7:
            address = rnd.choice(attackers)
        else:
            address = f"{one_off_net}.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
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


def memory_single(events: list[tuple[str, str, str]], now: float,
                  before: list[tuple[str, str, str]] | None = None) -> tuple[float, float]:
    """(events per wall second, events per CPU second) through the memory detector, signal
    by signal as production calls it; `before` is signalled first (untimed), one minute
    before the generation of the secret that `now` falls in began."""
    clock = [now // ROTATE * ROTATE - 60]
    detector = Detector(MemoryStore(LIMITS, KeyRing(ROTATE, 600)), clock=lambda: clock[0])
    for address, rule, path in before or ():
        detector.signal(address, rule, path)
    clock[0] = now
    started, cpu = time.perf_counter(), time.process_time()
    for address, rule, path in events:
        detector.signal(address, rule, path)
    return (len(events) / (time.perf_counter() - started),
            len(events) / (time.process_time() - cpu))


def redis_single(events: list[tuple[str, str, str]], now: float) -> float | None:
    """Events per second through the Redis detector, signal by signal (one script call, one
    round trip each, as a web worker sends them); None when Redis does not answer."""
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
        started = time.perf_counter()
        for address, rule, path in events:
            detector.signal(address, rule, path)
        return len(events) / (time.perf_counter() - started)
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=5000):
            client.delete(key)


def memory_under_flood(n: int, cap: int) -> tuple[float, float, int, int]:
    """(bytes per tracked address, peak bytes, tracked, cap) after n distinct addresses."""
    store, now = MemoryStore(LIMITS, KeyRing(ROTATE, 600), max_bytes=cap), moment(False)
    tracemalloc.start()
    for j in range(n):
        store.add(f"10.{j >> 16 & 255}.{j >> 8 & 255}.{j & 255}", rules.ATTACK_PATH, "/.env",
                  now)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / store.tracked(), peak, store.tracked(), cap


def _django() -> list[str]:
    """Set Django up on a throw-away SQLite database; the MIDDLEWARE without the guard."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacydesk.project.settings")
    os.environ.setdefault("PRIVACYDESK_DATA_DIR", tempfile.mkdtemp(prefix="pd-bench-"))
    os.environ.pop("DATABASE_URL", None)
    django.setup()
    call_command("migrate", verbosity=0)
    return [m for m in settings.MIDDLEWARE if "guard" not in m]


def latency(samples: int, rounds: int = 3, control: bool = False
            ) -> dict[bool, tuple[float, float]]:
    """{guarded: (median wall seconds, median CPU seconds)} per request; the CPU time is
    shown beside the wall time because on a shared machine the wall time mostly measures
    the other load. With `control`, the "guarded" client lacks the guard too."""
    from django.test import Client, override_settings

    without = _django()
    best: dict[bool, tuple[float, float]] = {}
    for _ in range(rounds):  # fresh clients each round; the best median of each counts
        # A test client builds its middleware chain at its first request and keeps it.
        clients = {True: Client(REMOTE_ADDR="198.51.100.7"),
                   False: Client(REMOTE_ADDR="198.51.100.7")}
        if control:
            with override_settings(MIDDLEWARE=without):
                clients[True].get("/staff/login/")
        else:
            clients[True].get("/staff/login/")
        with override_settings(MIDDLEWARE=without):
            clients[False].get("/staff/login/")
        walls: dict[bool, list[float]] = {True: [], False: []}
        cpus: dict[bool, list[float]] = {True: [], False: []}
        for i in range(samples * 2 + 200):
            # ABBA order: neither client always runs first (after the other's garbage).
            guarded = i % 4 in (0, 3)
            started, cpu = time.perf_counter(), time.process_time()
            clients[guarded].get("/staff/login/")
            elapsed, used = time.perf_counter() - started, time.process_time() - cpu
            if i >= 200:  # warm-up done
                walls[guarded].append(elapsed)
                cpus[guarded].append(used)
        for g in (True, False):
            wall, cpu_time = statistics.median(walls[g]), statistics.median(cpus[g])
            old = best.get(g, (wall, cpu_time))
            best[g] = (min(old[0], wall), min(old[1], cpu_time))
    return best


def by_depth(samples: int, depth: int) -> tuple[float, float, float]:
    """(CPU with / without the guard, minor page faults per request with, without): the
    latency loop (one round, ABBA, medians) run `depth` Python frames deeper than its caller.
    The ratio depends on where the request's deepest calls fall against the chunks of the
    interpreter's frame stack; the page faults show it (docs/performance.md, Guard)."""
    if depth:
        return by_depth(samples, depth - 1)
    import resource

    from django.test import Client, override_settings

    without = _django()
    clients = {True: Client(REMOTE_ADDR="198.51.100.7"),
               False: Client(REMOTE_ADDR="198.51.100.7")}
    clients[True].get("/staff/login/")
    with override_settings(MIDDLEWARE=without):
        clients[False].get("/staff/login/")
    cpus: dict[bool, list[float]] = {True: [], False: []}
    faults: dict[bool, int] = {True: 0, False: 0}
    for i in range(samples * 2 + 200):
        guarded = i % 4 in (0, 3)
        before, cpu = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.process_time()
        clients[guarded].get("/staff/login/")
        used = time.process_time() - cpu
        if i >= 200:
            cpus[guarded].append(used)
            faults[guarded] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    return (statistics.median(cpus[True]) / statistics.median(cpus[False]),
            faults[True] / samples, faults[False] / samples)


def guard_alone(samples: int) -> float:
    """CPU seconds GuardMiddleware itself adds to an ordinary request (its `__call__` around a
    view that returns at once): the part of the ratio above that is the guard's, without the
    noise of timing two whole requests."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from privacydesk.guard.middleware import GuardMiddleware

    response = HttpResponse("ok")
    guarded, bare = GuardMiddleware(lambda r: response), (lambda r: response)
    requests = [RequestFactory().get("/staff/login/", REMOTE_ADDR="198.51.100.7",
                                     HTTP_USER_AGENT="Mozilla/5.0") for _ in range(samples)]
    guarded(requests[0])
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for request in requests:
            guarded(request)
        middle = time.process_time()
        for request in requests:
            bare(request)
        best = min(best, (middle - started) - (time.process_time() - middle))
    return best / samples


def events_table(args: argparse.Namespace, folder: Path) -> None:
    have_f2b = ensure_fail2ban()
    best: dict[str, dict[str, float]] = {}
    f2b: dict[str, Fail2banRunner] = {}
    for label, (kind, rotation) in STREAMS.items():
        events, now = stream(kind, args.events), moment(rotation)
        before = stream(kind, args.events, one_off_net=11) if rotation else None
        runs = best[label] = {"memory": 0.0, "memory cpu": 0.0, "redis": 0.0}
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
            wall, cpu = memory_single(events, now, before)
            runs["memory"], runs["memory cpu"] = max(runs["memory"], wall), \
                max(runs["memory cpu"], cpu)
        # One round trip per signal: a sample of the stream is enough for its rate.
        runs["redis"] = redis_single(events[:args.redis_events], now) or 0.0
    print(f"## Events per second ({args.events:,} events per stream, best of {args.repeat}; "
          f"Redis: the first {args.redis_events:,}, once)\n")
    print("fail2ban-regex: the whole command `fail2ban-regex <log> <filter>` with a syslog "
          "filter written like Debian's (start-up included, as its rate is usually quoted). "
          "Detector: `Detector.signal`, one signal at a time, keyed BLAKE2b, plain Python.\n")
    print("| stream | fail2ban-regex | memory store | Redis store | memory/fail2ban (goal ≥ 10×) "
          "| Redis/fail2ban |")
    print("|---|---|---|---|---|---|")
    for label, runs in best.items():
        kind = STREAMS[label][0]
        base = f2b[kind].results["syslog"].rates()["wall"] if have_f2b else None
        print(f"| {label} | {base or 0:,.0f} | {runs['memory']:,.0f} | {runs['redis']:,.0f} "
              f"| {ratio(runs['memory'], base)} | {ratio(runs['redis'], base)} |")
    if have_f2b:
        print_every_way(f2b, best)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--redis-events", type=int, default=20_000)
    parser.add_argument("--flood", type=int, default=1_000_000)
    parser.add_argument("--cap-mib", type=int, default=64)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--depths", default="",
                        help="e.g. 0,1,2,3,5: only the latency ratio at these extra depths")
    args = parser.parse_args()
    if args.depths:
        print("| extra frames | CPU with / without guard | minor faults per request, with / "
              "without |\n|---|---|---|")
        for depth in (int(d) for d in args.depths.split(",")):
            cpu_ratio, with_guard, without_guard = by_depth(args.requests, depth)
            print(f"| {depth} | {cpu_ratio:.3f} | {with_guard:.1f} / {without_guard:.1f} |")
        return
    folder = Path(tempfile.mkdtemp(prefix="pd-bench-guard-"))
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    # First, in a fresh process as a web worker is.
    times = latency(args.requests, args.repeat)
    control = latency(args.requests, args.repeat, control=True)
    print(f"## Ordinary request (GET /staff/login/, Django test client, median of "
          f"{args.requests:,} each in ABBA order, best of {args.repeat} rounds)\n")
    print("| measured | with guard | without guard | ratio (goal ≤ 1.05) |")
    print("|---|---|---|---|")
    for i, name in enumerate(("wall time", "CPU time")):
        guarded, bare = times[True][i], times[False][i]
        print(f"| {name} | {guarded * 1e6:.0f} µs | {bare * 1e6:.0f} µs "
              f"| {guarded / bare:.3f} |")
    for i, name in enumerate(("wall time", "CPU time")):
        a, b = control[True][i], control[False][i]
        print(f"| {name}, control: both clients without guard | {a * 1e6:.0f} µs "
              f"| {b * 1e6:.0f} µs | {a / b:.3f} |")
    alone, bare_cpu = guard_alone(20_000), times[False][1]
    print(f"| the middleware alone (CPU, RequestFactory) + the request without guard | "
          f"{(bare_cpu + alone) * 1e6:.0f} µs ({alone * 1e6:.1f} µs guard) "
          f"| {bare_cpu * 1e6:.0f} µs | {(bare_cpu + alone) / bare_cpu:.3f} |")
    print()
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
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
