"""Appenders racing each other still make one unbroken chain (Sec1).

Each thread has its own database connection, as gunicorn workers do; on PostgreSQL an
append takes the head row's lock in the same statement that reads the head, so no two
entries can claim the same place in the chain.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from privacydesk.vault import audit
from privacydesk.vault.models import AuditEntry

THREADS, EACH = 4, 25


# The SQLite test database is in memory with a shared cache, where a second writer gets
# "table is locked" at once instead of waiting (a file database waits, and SQLite takes
# one writer at a time anyway: the live tests run several gunicorn workers on one). The
# PostgreSQL pass of scripts/test.sh runs this test.
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs concurrent writers: runs in the PostgreSQL pass")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_make_one_unbroken_chain() -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def append_many(worker: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                audit.record(actor=f"worker-{worker}", action="read",
                             object_type="register.person", object_id=str(n))
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=append_many, args=(w,)) for w in range(THREADS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    assert audit.verify().ok
