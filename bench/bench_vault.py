"""Benchmark the vault: audit-chain verification against a baseline measured in the same
run, and `keys rotate` (re-wrapping the data keys) at N people.

    .venv/bin/python bench/bench_vault.py                       # 100k rows, SQLite
    .venv/bin/python bench/bench_vault.py --rows 1000000 --database postgres

(a) audit: append N entries through the real MAC code (audit.record_many, executemany),
    then `audit.verify()`; baseline: the bare HMAC-SHA256 of the same canonical rows
    held in memory. Goal: verify >= 200,000 entries/s on SQLite.
(b) rotation: N people with a sealed register.Financial field each, then
    `rotation.rotate_keys()` as `privacydesk keys rotate` runs it (a new KEK, every data
    key re-wrapped; no field is touched). Goal: <= 10 s at 1M people on both databases.
Everything runs in a throw-away data folder (and database, for PostgreSQL).
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import setup  # noqa: E402  (bench/ is on sys.path when run as a script)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (verification workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Clock:
    """Wall-clock and CPU seconds of a block (the CPU figure is what the code costs on a
    shared, busy machine, worker processes included; for PostgreSQL the server's work is
    not in it)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = _cpu() - self.cpu


Result = tuple[str, int, Clock]


def bench_audit(rows: int) -> list[Result]:
    from privacydesk.vault import audit, chain, keyring

    chunk = 50_000
    with Clock() as append:
        for first in range(0, rows, chunk):
            audit.record_many(
                {"actor": "marieke", "action": ("create", "read", "update")[i % 3],
                 "object_type": "register.email", "object_id": str(i),
                 "person_ref": f"3b0d6a52-0000-4000-8000-{i:012d}", "purpose": "agreement",
                 "detail": {"category": "email", "fields": ["address"]}}
                for i in range(first, min(first + chunk, rows)))

    with Clock() as verify:
        report = audit.verify()  # as `privacydesk audit verify`: workers for a long chain
    assert report.ok and report.checked == rows, report

    # Baseline: the same number of HMACs over canonical rows already in memory.
    key = keyring.get().audit_key
    detail = json.dumps({"category": "email", "fields": ["address"]}, sort_keys=True,
                        separators=(",", ":"))
    msgs = [chain.SEP.join((chain.GENESIS, str(i), "2026-11-25 12:00:00.000000", "marieke",
                            "read", "register.email", str(i),
                            f"3b0d6a52-0000-4000-8000-{i:012d}", "agreement", detail))
            for i in range(min(rows, 200_000))]
    with Clock() as raw:
        for msg in msgs:
            hmac.digest(key, msg.encode(), "sha256").hex()
    raw.wall, raw.cpu = raw.wall * rows / len(msgs), raw.cpu * rows / len(msgs)
    return [("audit append (record_many)", rows, append),
            ("audit verify", rows, verify),
            ("  baseline: bare HMAC in memory", rows, raw)]


def bench_rotation(rows: int) -> list[Result]:
    from privacydesk.register.models import Financial, Person
    from privacydesk.vault import crypto, keyring, rotation

    chunk = 10_000
    value = json.dumps({"value": "NL91ABNA0417164300"})
    for first in range(0, rows, chunk):
        people = Person.objects.bulk_create(Person() for _ in range(min(chunk, rows - first)))
        batch = []
        for person in people:
            row = Financial(person=person, source="service", purpose="callback",
                            legal_basis="consent", kind="iban")
            row.key_id, row.ciphertext = crypto.seal(
                value, aad=f"register.financial:{person.ref}")
            batch.append(row)
        Financial.objects.bulk_create(batch)

    with Clock() as rotate:
        report = rotation.rotate_keys()  # as `privacydesk keys rotate`
    assert report.rewrapped == report.total >= 1, report
    keyring.reset()  # a fresh process: the data key is unwrapped by the new KEK
    sample = Financial.objects.select_related("person").order_by("?").first()
    assert sample is not None and json.loads(sample.get_secret())["value"]
    return [(f"keys rotate (re-wrap), {rows:,} people", rows, rotate)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="entries and fields")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    env = setup(args.database, "bench_vault")
    try:
        results = bench_audit(args.rows) + bench_rotation(args.rows)
    finally:
        env.close()

    print(f"\nvault benchmark: {args.rows:,} rows on {args.database} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)\n")
    print(f"{'measurement':<42} {'rows':>10} {'wall s':>8} {'rows/s':>10} "
          f"{'cpu s':>8} {'rows/cpu-s':>11}")
    print("-" * 94)
    wall, cpu = {}, {}
    for label, n, clock in results:
        wall[label.strip()], cpu[label.strip()] = n / clock.wall, n / max(clock.cpu, 1e-9)
        print(f"{label:<42} {n:>10,} {clock.wall:>8.2f} {n / clock.wall:>10,.0f} "
              f"{clock.cpu:>8.2f} {n / max(clock.cpu, 1e-9):>11,.0f}")
    print("-" * 94)
    for name, rates in (("wall", wall), ("cpu", cpu)):
        verify = rates["audit verify"]
        print(f"{name:>4}: audit verify {verify:,.0f} entries/s (goal >= 200,000 on SQLite), "
              f"{verify / rates['baseline: bare HMAC in memory']:.0%} of bare HMAC")
    rotate = results[-1][2].wall
    print(f"keys rotate (re-wrap) at {args.rows:,} people: {rotate:.2f} s (goal <= 10 s at 1M)")


if __name__ == "__main__":
    main()
