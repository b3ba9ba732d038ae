"""Sec1: the audit append writes through the ORM and the chain it writes always verifies —
also for an entry made at a whole second, which Django alone would store without its
".000000" on SQLite while its MAC covers the canonical text with it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from privacydesk.vault import audit, chain
from privacydesk.vault.models import AuditEntry, AuditHead

ANNA_REF = str(uuid.UUID(int=0xA001))


def _record(n: int = 1) -> None:
    audit.record_many({"actor": "marieke", "action": "read", "object_type": "register.email",
                       "object_id": str(i), "person_ref": ANNA_REF, "purpose": "agreement",
                       "detail": {"category": "email"}} for i in range(n))


@pytest.mark.django_db
def test_an_entry_made_at_a_whole_second_verifies():
    with time_machine.travel(datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC), tick=False):
        audit.record(actor="marieke", action="read", object_type="register.email",
                     person_ref=ANNA_REF, purpose="agreement")
    _record(2)
    entry = AuditEntry.objects.get(seq=1)
    assert entry.at == datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC)
    with connection.cursor() as cur:  # as verification reads it back: the canonical text
        cur.execute(f"SELECT {chain.AT_SQL[connection.vendor]} FROM vault_auditentry "
                    "WHERE seq = 1")
        assert cur.fetchone()[0] == "2026-03-29 01:00:00.000000"
    assert audit.verify(jobs=1) == audit.VerifyReport(True, 3)


@pytest.mark.django_db
def test_entries_are_appended_in_one_transaction_and_move_the_signed_head():
    _record(3)
    with CaptureQueriesContext(connection) as queries:
        _record(4)
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "vault_auditentry"')]
    assert len(inserts) == 1, "one bulk INSERT for the four entries"
    head = AuditHead.objects.get(pk=1)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and (head.seq, head.mac) == (7, last.mac)
    assert audit.verify(jobs=1).ok


@pytest.mark.django_db(transaction=True)
def test_a_caller_that_rolls_back_takes_its_entries_with_it():
    _record(2)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        _record(3)
        raise Undo
    assert AuditEntry.objects.count() == 2 and AuditHead.objects.get(pk=1).seq == 2
    _record(1)
    assert audit.verify(jobs=1) == audit.VerifyReport(True, 3)
