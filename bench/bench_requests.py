"""Benchmark data-subject requests on one database: access export, API, erasure.

    .venv/bin/python bench/bench_requests.py --database sqlite --people 100000

Prints one JSON object. Measured in one run, on a register filled by
`demo.population.generate(N)`:
- access: `requests.report.build(person)` (the whole Art. 15 report: audited read, every
  datum decrypted, retention decision per datum, recipients, holds) against the baseline —
  bare SELECTs of the same rows on the DB-API connection plus AES-GCM decryption of the same
  sealed fields — alternating per sampled person; medians and their ratio (goal <= 3x);
  for the same people, the register's audited read alone (`read_person`, which the report
  calls) and one audit append alone, to show where the rest of the time goes;
- http: `GET /api/v1/requests/{uid}/report` with a bearer token through gunicorn on
  loopback, one worker (goal: median <= 5 ms);
- erasure: `retention.erasure.erase_person` of other sampled people, rows really deleted
  (checked), median and p95 (goal <= 200 ms).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import _free_port, _wait_for, serve_bench, timed_with_floor  # noqa: E402
from common import median_p95, populated  # noqa: E402


def sample_people(count: int, seed: int = 7) -> list[int]:
    """Ids of `count` random people that hold an e-mail address (a typical requester)."""
    from privacydesk.register.models import Email

    ids = list(Email.objects.order_by().values_list("person_id", flat=True).distinct()[:200_000])
    return random.Random(seed).sample(ids, min(count, len(ids)))


def _baseline():  # type: ignore[no-untyped-def]
    """Bare SELECTs of every datum table + AES-GCM decryption of the sealed fields."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.db import connection

    from privacydesk.register.models import DATUM_MODELS
    from privacydesk.vault import datakeys

    ciphers: dict[str, AESGCM] = {}
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    mark = "%s" if connection.vendor == "postgresql" else "?"
    queries = []
    for model in DATUM_MODELS.values():
        columns = [f.column for f in model._meta.concrete_fields]
        sealed = "ciphertext" in columns
        queries.append((f'SELECT {", ".join(columns)} FROM {model._meta.db_table} '  # noqa: S608
                        f"WHERE person_id = {mark}", sealed, columns.index("key_id") if sealed
                        else -1, columns.index("ciphertext") if sealed else -1,
                        model._meta.label_lower))

    def run(person_id: int, ref: str) -> int:
        rows = 0
        for sql, sealed, key_col, blob_col, label in queries:
            cursor.execute(sql, (person_id,))
            for row in cursor.fetchall():
                rows += 1
                if sealed:
                    key_id, blob = row[key_col], bytes(row[blob_col])
                    # A data key is unwrapped once (vault envelope encryption, #14.1);
                    # per datum the baseline pays the bare AES-GCM decryption only.
                    cipher = ciphers.get(key_id) or ciphers.setdefault(
                        key_id, datakeys.cipher(key_id))
                    cipher.decrypt(blob[:12], blob[12:], f"{label}:{ref}".encode())
        return rows

    return run


def _parts() -> Any:
    """Where report.build's time goes, for the same person: the register's audited read
    (`register.services.read_person`, which the report calls) and, inside it, one audit
    append alone (`vault.audit.record`). The rest of a build is the report's own work."""
    from privacydesk.register import services as register
    from privacydesk.vault import audit

    def run(person: Any, clock: Any) -> tuple[float, float]:
        start = clock()
        register.read_person(person, actor="bench", purpose=register.ACCESS_REQUEST)
        middle = clock()
        audit.record(actor="bench", action="read", object_type="register.person",
                     object_id=str(person.pk), person_ref=str(person.ref),
                     purpose="access_request", detail={"categories": [], "staff_role": None})
        return middle - start, clock() - middle

    return run


def bench_access(person_ids: list[int]) -> dict[str, Any]:
    from privacydesk.register.models import Person
    from privacydesk.requests import report

    people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
    baseline, parts = _baseline(), _parts()
    clock = time.perf_counter
    for pid in person_ids[:50]:
        report.build(people[pid], actor="bench", lang="nl")
        baseline(pid, str(people[pid].ref))
        parts(people[pid], clock)
    service_t, base_t, read_t, audit_t = [], [], [], []
    # Whichever side reads a person first pays for bringing that person's index and table
    # pages into the database's cache and the second finds them there (bench/bench_lookup:
    # ~10 µs per probe at 1M people); so the order alternates, each side first for half.
    for n, pid in enumerate(person_ids):
        person = people[pid]
        if n % 2:
            start = clock()
            rows = baseline(pid, str(person.ref))
            middle = clock()
            doc = report.build(person, actor="bench", lang="nl")
            end = clock()
            base_t.append(middle - start)
            service_t.append(end - middle)
        else:
            start = clock()
            doc = report.build(person, actor="bench", lang="nl")
            middle = clock()
            rows = baseline(pid, str(person.ref))
            end = clock()
            service_t.append(middle - start)
            base_t.append(end - middle)
        assert len(doc["data"]) == rows, (pid, len(doc["data"]), rows)
        read, append = parts(person, clock)
        read_t.append(read)
        audit_t.append(append)
    return {"access": median_p95(service_t), "access_baseline": median_p95(base_t),
            "access_samples": len(person_ids),
            # Medians of the parts, measured on the same people in the same loop.
            "access_read_person": median_p95(read_t), "access_audit_append": median_p95(audit_t)}


def _requests_for(person_ids: list[int]) -> tuple[str, list[str]]:
    """A privacy officer's token and one verified access request per person."""
    from django.utils import timezone

    from privacydesk.register.models import Person
    from privacydesk.requests.models import Channel, DataSubjectRequest, Status
    from privacydesk.staff.models import StaffUser
    from privacydesk.staff.protocol import PROTOCOL_VERSION
    from privacydesk.staff.tokens import create_token

    user = StaffUser(username="bench-po", staff_role="privacy_officer")
    user.set_unusable_password()
    user.save()
    user.accept_protocol(PROTOCOL_VERSION)
    now = timezone.now()
    refs = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "ref"))
    uids = []
    for pid in person_ids:
        r = DataSubjectRequest(kind="access", channel=Channel.STAFF, status=Status.VERIFIED,
                               person_ref=str(refs[pid]), received_at=now,
                               statement_deadline=now, legal_deadline=now)
        r.set_contact(name="", email="")
        r.save()
        uids.append(str(r.uid))
    return create_token(user, "benchmark", days=1), uids


def bench_http(person_ids: list[int]) -> dict[str, Any]:
    token, uids = _requests_for(person_ids)
    port = _free_port()
    server = serve_bench(port)
    try:
        _wait_for(port, server)
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}

        def check(path: str, body: bytes) -> None:
            assert json.loads(body)["schema"] == "privacydesk.access-report/1", path

        times, floor = timed_with_floor(
            client, headers, [f"/api/v1/requests/{uid}/report" for uid in uids], check)
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"http": median_p95(times), "http_floor": median_p95(floor),
            "http_samples": len(uids)}


def bench_erasure(person_ids: list[int]) -> dict[str, Any]:
    from privacydesk.register.models import DATUM_MODELS, Person
    from privacydesk.retention.erasure import erase_person

    times, deleted_people = [], 0
    for pid in person_ids:
        person = Person.objects.get(pk=pid)
        start = time.perf_counter()
        receipt = erase_person(person, actor="bench", request_ref="bench")
        times.append(time.perf_counter() - start)
        left = sum(m._default_manager.filter(person_id=pid, restricted=False).count()
                   for m in DATUM_MODELS.values())
        assert left == 0, pid  # every datum deleted or (kept by law) restricted
        deleted_people += receipt.person_deleted
    return {"erasure": median_p95(times), "erasure_samples": len(person_ids),
            "erased_people_rows_deleted": deleted_people}


def settle() -> None:
    """Let the copy of the cached population reach the disk before anything is timed.

    Copying it writes gigabytes (PostgreSQL's CREATE DATABASE ... TEMPLATE logs the
    whole database to the WAL); while that is written back, every fsync waits behind it,
    and the audit entry's COMMIT (the baseline writes nothing) took milliseconds instead of
    0.2 ms. A checkpoint and a sync first measure the steady state instead."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    os.sync()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--reuse-population", action="store_true",
                        help="copy a cached population of this size if there is one (and "
                        "cache the one generated); its generation is then not timed")
    args = parser.parse_args()
    env, generation = populated(args.database, "bench_requests", args.people,
                                reuse=args.reuse_population)
    try:
        settle()
        from privacydesk.register.models import Person

        people = Person.objects.count()
        sample = sample_people(args.samples * 3)
        third = len(sample) // 3
        access = bench_access(sample[:third])
        result = {"database": args.database, "people": people,
                  "generation_seconds": generation, **access,
                  "access_ratio": access["access"][0] / access["access_baseline"][0],
                  **bench_http(sample[third:2 * third]),
                  **bench_erasure(sample[2 * third:])}
    finally:
        env.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
