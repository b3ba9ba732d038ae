"""Benchmark the retention sweep: its cost must grow with what is due, not with the register.

    .venv/bin/python bench/bench_retention.py                          # 1,000,000 people, SQLite
    .venv/bin/python bench/bench_retention.py --database postgres
    .venv/bin/python bench/bench_retention.py --people 100000 --due 2000   # a quick run

Same run, same database: (a) sweep `due` people in a register of `due` people; (b) sweep
`due` people in a register of `people` people. Each person holds a name and a phone number;
the due ones are dated yesterday, the others years ahead. Goal: (b) / (a) <= 2.
Reports deletions (data rows + person rows) per second. Runs in a throw-away data folder
(and PostgreSQL database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import setup  # noqa: E402  (bench/ is on sys.path when run as a script)

BATCH = 20_000


def populate(count: int, due: int, start_id: int) -> None:
    """Insert `count` people (ids from start_id), the first `due` of them due yesterday."""
    from django.db import connection, transaction
    from django.utils import timezone

    from privacydesk.register.models import Name, Person, Phone

    now, today = timezone.now(), dt.date.today()
    yesterday, later = today - dt.timedelta(days=1), today + dt.timedelta(days=3650)

    def prep(model, name, value):
        return model._meta.get_field(name).get_db_prep_save(value, connection)

    now_db = prep(Person, "created_at", now)
    # The due ones were collected two years ago: the contact period (R2) has passed.
    old_db = prep(Person, "created_at", now - dt.timedelta(days=730))
    days = {d: prep(Name, "delete_after", d) for d in (yesterday, later)}
    q = connection.ops.quote_name
    common = "person_id, source, purpose, legal_basis, created_at, updated_at, " \
             "delete_after, restricted"
    sql_person = (f"INSERT INTO {q(Person._meta.db_table)} (id, ref, created_at, restricted, "
                  f"restricted_reason) VALUES (%s, %s, %s, %s, %s)")
    sql_name = (f"INSERT INTO {q(Name._meta.db_table)} ({common}, given_names, infix, "
                f"family_name) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
    sql_phone = (f"INSERT INTO {q(Phone._meta.db_table)} ({common}, number) "
                 f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)")
    for first in range(0, count, BATCH):
        ids = range(start_id + first, start_id + min(first + BATCH, count))
        people, names, phones = [], [], []
        for pid in ids:
            is_due = pid - start_id < due
            at = old_db if is_due else now_db
            base = (pid, "contact_form", "callback", "consent", at, at,
                    days[yesterday if is_due else later], False)
            people.append((pid, prep(Person, "ref", uuid.uuid4()), now_db, False, ""))
            names.append((*base, "Bram", "", "Visser"))
            phones.append((*base, "+31505259060"))
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(sql_person, people)
            cur.executemany(sql_name, names)
            cur.executemany(sql_phone, phones)
    from django.core.management.color import no_style

    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Name, Phone]):
            cur.execute(sql)
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE")


def timed_sweep() -> tuple[float, int]:
    from privacydesk.retention import sweep

    start = time.perf_counter()
    result = sweep.run(batch=500)
    elapsed = time.perf_counter() - start
    return elapsed, result.data + result.persons_deleted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    env = setup(args.database, "bench_retention")
    try:
        populate(args.due, args.due, 1)
        small, small_n = timed_sweep()
        t0 = time.perf_counter()
        populate(args.people, args.due, 10_000_000)
        fill = time.perf_counter() - t0
        big, big_n = timed_sweep()
        print(f"retention sweep on {args.database} (populating {args.people:,}: {fill:.0f} s)")
        print("| register | due people | deletions | seconds | deletions/s |")
        print("|---:|---:|---:|---:|---:|")
        for size, seconds, n in ((args.due, small, small_n), (args.people, big, big_n)):
            print(f"| {size:,} | {args.due:,} | {n:,} | {seconds:.1f} | {n / seconds:,.0f} |")
        ratio = big / small
        print(f"ratio large/small register: {ratio:.2f}x (goal <= 2x) "
              f"{'OK' if ratio <= 2 else 'MISSED'}")
    finally:
        env.close()


if __name__ == "__main__":
    main()
