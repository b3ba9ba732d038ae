"""Sec1: the audit log is tamper-evident. Whoever alters, removes or cuts off entries with
database access alone is caught by `verify()`, which names the first broken entry."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction

from privacydesk.policy.errors import RuleViolation
from privacydesk.vault import AuditImmutableError, VaultError, audit
from privacydesk.vault.models import AuditCheckpoint, AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

ANNA_REF = str(uuid.UUID(int=0xA001))
CARLA_REF = str(uuid.UUID(int=0xC001))


def write_history(n: int = 6) -> list[AuditEntry]:
    """Staff member 'marieke' works on Anna's and Carla's data, n entries."""
    entries = []
    for i in range(n):
        ref = ANNA_REF if i % 2 == 0 else CARLA_REF
        entries.append(audit.record(
            actor="marieke", action=("create", "read", "update")[i % 3],
            object_type="register.email", object_id=str(40 + i), person_ref=ref,
            purpose="agreement", detail={"category": "email", "fields": ["address"]}))
    return entries


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_an_untouched_chain_verifies():
    entries = write_history(6)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert AuditEntry.objects.get(seq=1).at == entries[0].at
    assert entries[1].prev_mac == entries[0].mac
    report = audit.verify()
    assert report == audit.VerifyReport(ok=True, checked=6, first_broken_seq=None, reason="")


def test_an_empty_chain_verifies():
    assert audit.verify() == audit.VerifyReport(True, 0)


def test_entries_are_stored_as_written():
    write_history(1)
    entry = AuditEntry.objects.get(seq=1)
    assert (entry.actor, entry.action, entry.person_ref) == ("marieke", "create", ANNA_REF)
    assert entry.detail_data == {"category": "email", "fields": ["address"]}
    assert list(audit.history(ANNA_REF).values_list("seq", flat=True)) == [1]


@pytest.mark.parametrize("column, value", [
    ("actor", "someone-else"), ("person_ref", ANNA_REF), ("detail", "{}"),
    ("purpose", "marketing"), ("action", "delete"),
])
def test_an_altered_entry_is_reported_by_its_seq(column, value):
    write_history(6)
    raw(f"UPDATE vault_auditentry SET {column} = %s WHERE seq = 4", [value])
    report = audit.verify()
    assert not report.ok
    assert report.first_broken_seq == 4
    assert report.checked == 3
    assert "altered" in report.reason


def test_an_altered_timestamp_is_detected():
    write_history(3)
    raw("UPDATE vault_auditentry SET at = %s WHERE seq = 2",
        [AuditEntry.objects.get(seq=1).at])
    assert audit.verify().first_broken_seq == 2


def test_a_removed_middle_entry_is_reported():
    write_history(6)
    raw("DELETE FROM vault_auditentry WHERE seq = 3", [])
    report = audit.verify()
    assert (report.ok, report.first_broken_seq, report.checked) == (False, 3, 2)
    assert "missing" in report.reason


def test_a_removed_first_entry_is_reported():
    write_history(3)
    raw("DELETE FROM vault_auditentry WHERE seq = 1", [])
    assert audit.verify().first_broken_seq == 1


def test_a_cut_off_tail_is_detected_through_the_head():
    write_history(6)
    raw("DELETE FROM vault_auditentry WHERE seq >= 5", [])
    report = audit.verify()
    assert (report.ok, report.first_broken_seq, report.checked) == (False, 5, 4)
    assert "tail cut off" in report.reason


def test_moving_the_head_back_by_hand_is_detected():
    entries = write_history(6)
    raw("DELETE FROM vault_auditentry WHERE seq = 6", [])
    raw("UPDATE vault_audithead SET seq = 5, mac = %s WHERE id = 1", [entries[4].mac])
    report = audit.verify()
    assert (report.ok, report.first_broken_seq) == (False, 5)
    assert "head was altered" in report.reason


def test_a_removed_head_is_detected():
    write_history(2)
    raw("DELETE FROM vault_audithead", [])
    report = audit.verify()
    assert not report.ok and "head is missing" in report.reason


def test_a_forged_entry_beyond_the_head_is_detected():
    entries = write_history(2)
    raw("INSERT INTO vault_auditentry (seq, at, actor, action, object_type, object_id, "
        "person_ref, purpose, detail, prev_mac, mac) VALUES (3, %s, 'x', 'read', 'r', '', "
        "'', '', '{}', %s, %s)", [entries[1].at, entries[1].mac, "f" * 64])
    report = audit.verify()
    assert (report.ok, report.first_broken_seq) == (False, 3)


def test_the_orm_refuses_to_change_or_delete_entries():
    write_history(2)
    entry = AuditEntry.objects.get(seq=1)
    entry.actor = "someone-else"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(seq=2).update(actor="x")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry(seq=9, actor="x").save()
    assert audit.verify().ok


def test_an_entry_rolls_back_with_the_callers_transaction():
    write_history(2)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        audit.record(actor="marieke", action="read", object_type="register.email",
                     person_ref=ANNA_REF, purpose="agreement")
        raise Abort
    assert AuditEntry.objects.count() == 2
    assert audit.record(actor="system", action="login", object_type="staff.staffuser").seq == 3
    assert audit.verify() == audit.VerifyReport(True, 3)


@pytest.mark.parametrize("kwargs, field", [
    ({"detail": {"to": "anna@example.nl"}}, "detail.to"),
    ({"detail": {"list": ["ok", "anna@example.nl"]}}, "detail.list[1]"),
    ({"person_ref": "anna@example.nl"}, "person_ref"),
    ({"actor": ""}, "actor"),
    ({"object_type": "a\x1fb"}, "object_type"),
    ({"purpose": "p" * 65}, "purpose"),
    ({"detail": {"when": object()}}, "detail"),
])
def test_bad_entries_are_refused_naming_the_field(kwargs, field):
    write_history(1)
    entry = {"actor": "marieke", "action": "read", "object_type": "register.email"} | kwargs
    with pytest.raises(RuleViolation) as exc:
        audit.record(**entry)
    assert exc.value.field == field
    assert AuditEntry.objects.count() == 1


def test_audit_read_records_who_saw_whose_data_and_why():
    entry = audit.audit_read(actor="marieke", object_type="register.person",
                             person_ref=ANNA_REF, purpose="access_request")
    assert (entry.action, entry.person_ref, entry.purpose) == (
        "read", ANNA_REF, "access_request")


def test_record_many_appends_in_order_in_one_go():
    write_history(2)
    appended = audit.record_many(
        {"actor": "system", "action": "erase", "object_type": "register.email",
         "object_id": str(i)} for i in range(5))
    assert appended == 5
    assert list(AuditEntry.objects.filter(action="erase").values_list("seq", "object_id")) == [
        (3, "0"), (4, "1"), (5, "2"), (6, "3"), (7, "4")]
    assert audit.verify() == audit.VerifyReport(True, 7)


def test_a_bad_entry_in_a_batch_appends_nothing():
    write_history(2)
    with pytest.raises(RuleViolation):
        audit.record_many([{"actor": "system", "action": "erase", "object_type": "x"},
                           {"actor": "system", "action": "", "object_type": "x"}])
    assert AuditEntry.objects.count() == 2
    assert audit.verify() == audit.VerifyReport(True, 2)


def test_pruning_leaves_a_checkpoint_and_the_chain_still_verifies():
    write_history(10)
    assert audit.prune_before(6) == 5
    assert AuditEntry.objects.order_by("seq").first().seq == 6
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.seq, checkpoint.pruned) == (5, 5)
    last = AuditEntry.objects.order_by("seq").last()
    assert (last.action, last.detail_data) == ("prune", {"pruned": 5, "through_seq": 5})
    assert audit.verify() == audit.VerifyReport(True, 6)  # 6..10 and the prune entry
    write_history(1)
    assert audit.prune_before(9) == 3
    assert audit.verify().ok


def test_a_removed_entry_after_a_checkpoint_is_still_caught():
    write_history(10)
    audit.prune_before(6)
    raw("DELETE FROM vault_auditentry WHERE seq = 6", [])
    assert audit.verify().first_broken_seq == 6


def test_a_forged_or_removed_checkpoint_is_caught():
    write_history(10)
    audit.prune_before(6)
    raw("UPDATE vault_auditcheckpoint SET seq = 7", [])
    report = audit.verify()
    assert not report.ok and "checkpoint was altered" in report.reason
    raw("DELETE FROM vault_auditcheckpoint", [])
    assert audit.verify().first_broken_seq == 1


def test_pruning_refuses_to_launder_a_tampered_entry():
    write_history(10)
    raw("UPDATE vault_auditentry SET actor = 'x' WHERE seq = 3", [])
    with pytest.raises(VaultError, match="broken at entry 3"):
        audit.prune_before(6)
    assert AuditEntry.objects.count() == 10


def test_the_head_points_at_the_last_entry():
    entries = write_history(3)
    head = AuditHead.objects.get()
    assert (head.seq, head.mac) == (3, entries[-1].mac)


@pytest.mark.parametrize("key", [b"k" * 32, b"", b"x" * 64, b"long" * 40])
def test_the_fast_entry_mac_is_exactly_hmac_sha256(key):
    import hashlib
    import hmac

    from privacydesk.vault import chain

    msg = "prev\x1f1\x1fAnna's ref 🙂".encode()
    assert chain.EntryMac(key).hexdigest(msg) == hmac.new(key, msg, hashlib.sha256).hexdigest()
