"""Sec1: a long audit chain is verified page by page and, on a database file or server, by
several worker processes at once; the verdict is exactly that of a walk entry by entry —
the FIRST broken entry, whatever the page and span boundaries and however many workers."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from django.db import connection

from privacydesk.vault import audit, scan, verify

ANNA_REF = str(uuid.UUID(int=0xA001))
ENTRIES = 23

# Each kind of damage, made with database access alone, and the entry it must be named at.
DAMAGE = {
    "altered field": (["UPDATE vault_auditentry SET actor = 'mallory' WHERE seq = 7"], 7,
                      "altered"),
    "altered stored mac": (["UPDATE vault_auditentry SET mac = upper(mac) WHERE seq = 6"], 6,
                           "altered"),
    "altered prev_mac": (["UPDATE vault_auditentry SET prev_mac = mac WHERE seq = 11"], 11,
                         "prev_mac"),
    "removed, last of a span": (["DELETE FROM vault_auditentry WHERE seq = 10"], 10,
                                "missing (removed)"),
    "removed, first of a span": (["DELETE FROM vault_auditentry WHERE seq = 11"], 11,
                                 "missing (removed)"),
    "removed, two places": (["DELETE FROM vault_auditentry WHERE seq IN (4, 17)"], 4,
                            "missing (removed)"),
    "reordered": (["UPDATE vault_auditentry SET seq = 100 WHERE seq = 14",
                   "UPDATE vault_auditentry SET seq = 14 WHERE seq = 15",
                   "UPDATE vault_auditentry SET seq = 15 WHERE seq = 100"], 14, "prev_mac"),
    "tail cut off": (["DELETE FROM vault_auditentry WHERE seq >= 19"], 19, "tail cut off"),
    "tail cut off at a span boundary": (["DELETE FROM vault_auditentry WHERE seq > 20"], 21,
                                        "tail cut off"),
}


def write_history(n: int = ENTRIES) -> None:
    audit.record_many({"actor": "marieke", "action": ("create", "read", "update")[i % 3],
                       "object_type": "register.email", "object_id": str(i),
                       "person_ref": ANNA_REF, "purpose": "agreement",
                       "detail": {"category": "email", "fields": ["address"]}}
                      for i in range(n))


def damage(statements: list[str]) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 3 entries in spans of 5, so every boundary case is near."""
    monkeypatch.setattr(scan, "PAGE", 3)
    monkeypatch.setattr(verify, "SPAN", 5)
    monkeypatch.setattr(verify, "PARALLEL_MIN", 0)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DAMAGE)
def test_page_by_page_names_the_same_first_broken_entry(kind, monkeypatch):
    write_history()
    statements, seq, reason = DAMAGE[kind]
    damage(statements)
    whole = audit.verify(jobs=1)  # one page holds the whole chain
    monkeypatch.setattr(scan, "PAGE", 3)
    monkeypatch.setattr(verify, "SPAN", 5)
    paged = audit.verify(jobs=1)
    assert paged == whole
    assert (paged.ok, paged.first_broken_seq, paged.checked) == (False, seq, seq - 1)
    assert reason in paged.reason


@pytest.mark.django_db
def test_an_intact_chain_verifies_page_by_page(small_pages):
    write_history()
    assert audit.verify(jobs=1) == audit.VerifyReport(True, ENTRIES)


@pytest.mark.django_db
def test_a_field_holding_the_page_separator_still_verifies(small_pages):
    write_history(4)
    audit.record(actor="odd\x1eactor", action="read", object_type="register.email")
    write_history(4)
    assert audit.verify(jobs=1) == audit.VerifyReport(True, 9)


@pytest.fixture
def workers_see_the_chain(monkeypatch, tmp_path):
    """Worker processes need a database file or server. PostgreSQL: the test database
    itself. SQLite tests run in memory, so the workers get a file copy of it."""
    if connection.vendor != "sqlite":
        return

    def copy_for_workers(conn):
        if conn.in_atomic_block:  # as the real one: no workers inside a transaction
            return None
        path = tmp_path / "chain.sqlite3"
        with sqlite3.connect(path) as target:
            conn.connection.backup(target)
        return {"database": str(path), "uri": False}

    monkeypatch.setattr(verify, "_worker_params", copy_for_workers)


@pytest.mark.django_db(transaction=True)  # workers only see committed entries
@pytest.mark.parametrize("kind", ["altered field", "removed, two places",
                                  "removed, first of a span", "tail cut off"])
def test_worker_processes_name_the_first_broken_entry(kind, small_pages,
                                                      workers_see_the_chain):
    write_history()
    assert audit.verify(jobs=3) == audit.VerifyReport(True, ENTRIES)
    statements, seq, reason = DAMAGE[kind]
    damage(statements)
    report = audit.verify(jobs=3)
    assert report == audit.verify(jobs=1)
    assert (report.ok, report.first_broken_seq) == (False, seq)
    assert reason in report.reason


@pytest.mark.django_db(transaction=True)
def test_worker_processes_verify_from_a_pruning_checkpoint(small_pages,
                                                           workers_see_the_chain):
    write_history()
    audit.prune_before(8)
    assert audit.verify(jobs=2) == audit.VerifyReport(True, ENTRIES - 7 + 1)
    damage(["UPDATE vault_auditentry SET purpose = 'marketing' WHERE seq = 9"])
    assert audit.verify(jobs=2).first_broken_seq == 9


def test_a_failing_worker_is_an_error_not_a_verdict(tmp_path):
    from privacydesk.vault import VaultError

    missing = {"database": f"file:{tmp_path / 'none.sqlite3'}?mode=ro", "uri": True}
    with pytest.raises(VaultError, match="audit verification worker"):
        verify._walk_parallel("sqlite", missing, b"k" * 32, [(0, 5), (5, 9)], "0" * 64,
                              lambda n: None, 2)
