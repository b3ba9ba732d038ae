"""Backups: encrypted, restorable, expiring by policy; a restore never brings back an
erased person or swept data (Rt3, R1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import serializers

from privacydesk.register.models import DATUM_MODELS, Agreement, Person, Role
from privacydesk.retention import backup, erasure, journal, prune, sweep
from privacydesk.retention.models import BackupRecord, DeletionReceipt, ErasureLedger
from privacydesk.vault import DecryptionError, audit

from .conftest import ACTOR, TODAY

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates

REGISTER = [Person, Role, Agreement, *DATUM_MODELS.values()]


def snapshot() -> dict[str, dict]:
    """Every register row as serialised data (sealed fields as ciphertext), by model+pk."""
    rows = {}
    for model in REGISTER:
        for row in serializers.serialize("python", model._default_manager.all()):
            rows[f"{row['model']}:{row['pk']}"] = row["fields"]
    return rows


def test_restoring_an_old_backup_keeps_the_erased_erased_and_the_swept_gone(
        personas, django_capture_on_commit_callbacks):
    before = snapshot()
    record = backup.create()
    path = journal.backup_dir() / record.file_name
    assert path.exists() and b"Bram" not in path.read_bytes()
    # After the backup: Bram asks for erasure, the SLA ends and a sweep removes its data.
    bram_ref = str(personas.bram.ref)
    bram_rows = {k for k, v in before.items() if v.get("person") == personas.bram.pk}
    bram_rows.add(f"register.person:{personas.bram.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_person(personas.bram, actor=ACTOR, request_ref="REQ-7")
    from privacydesk.register import services

    services.end_agreement(personas.anna_sla, TODAY, actor=ACTOR)
    swept = sweep.run(TODAY)
    assert swept.data == 2          # Anna's contract address and e-mail
    gone = {f"{r.model}:{i}" for r in DeletionReceipt.objects.filter(kind="retention")
            for i in r.object_ids}

    report = backup.restore(path, today=TODAY)
    assert report.erasures == 1 and report.receipts >= 2
    assert not Person.objects.filter(ref=bram_ref).exists()
    after = snapshot()
    assert not (set(after) & (bram_rows | gone))
    expected = {k: v for k, v in before.items() if k not in bram_rows | gone}
    assert after == expected
    # The proof survived the restore too, and the chain still verifies.
    assert ErasureLedger.objects.filter(person_ref=bram_ref).count() == 1
    assert DeletionReceipt.objects.filter(kind="retention").count() == 2
    assert audit.verify().ok


def test_the_journal_re_erases_when_the_ledger_rows_are_lost(
        personas, django_capture_on_commit_callbacks):
    record = backup.create()
    ref = str(personas.eva.ref)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_person(personas.eva, actor=ACTOR)
    ErasureLedger.objects.all().delete()          # as if the database itself was lost
    report = backup.restore(journal.backup_dir() / record.file_name, today=TODAY)
    assert report.erasures == 1
    assert not Person.objects.filter(ref=ref).exists()
    assert ErasureLedger.objects.filter(person_ref=ref).exists()


def test_a_damaged_backup_is_refused_and_nothing_is_replaced(personas):
    record = backup.create()
    path = journal.backup_dir() / record.file_name
    data = bytearray(path.read_bytes())
    data[-40] ^= 1
    path.write_bytes(bytes(data))
    count = Person.objects.count()
    with pytest.raises(DecryptionError):
        backup.restore(path)
    truncated = journal.backup_dir() / "short.pdbk"
    truncated.write_bytes(bytes(data[:-200]))
    with pytest.raises(DecryptionError):
        backup.restore(truncated)
    assert Person.objects.count() == count


def test_backups_expire_by_the_policy_rule(personas):
    record = backup.create()
    assert record.rule_id == "backups"
    assert record.expires_on == TODAY + timedelta(days=35)
    assert prune.expire_backups(record.expires_on - timedelta(days=1)) == 0
    assert prune.expire_backups(record.expires_on) == 1
    assert not (journal.backup_dir() / record.file_name).exists()
    assert BackupRecord.objects.get().deleted_at is not None
    assert DeletionReceipt.objects.filter(kind="system", rule_id="backups").exists()


def test_replay_refs_are_forgotten_once_no_older_backup_exists(
        personas, django_capture_on_commit_callbacks):
    old = backup.create()
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_person(personas.bram, actor=ACTOR)
    assert prune.forget_replay_data() == 0          # the old backup could bring Bram back
    prune.expire_backups(old.expires_on)
    assert prune.forget_replay_data() > 0
    assert not ErasureLedger.objects.exists() and journal.read() == []
    assert not DeletionReceipt.objects.exclude(person_ref="").filter(kind="erasure").exists()


def test_what_the_audit_log_recorded_after_the_backup_outlives_the_restore(personas):
    # Sec1, Art. 5(2): restoring yesterday's backup must not erase the record of what
    # staff did since — Anna's data were read after the backup was taken.
    from privacydesk.register import services
    from privacydesk.vault.models import AuditEntry

    record = backup.create()
    services.read_person(personas.anna, actor="support", purpose="agreement")
    later = list(AuditEntry.objects.filter(
        seq__gt=AuditEntry.objects.filter(action="backup").get().seq - 1)
        .values_list("seq", "action", "person_ref", "mac"))
    assert [row[1] for row in later] == ["backup", "read"]

    backup.restore(journal.backup_dir() / record.file_name, today=TODAY)

    kept = AuditEntry.objects.filter(seq__in=[row[0] for row in later])
    assert sorted(kept.values_list("seq", "action", "person_ref", "mac")) == later
    restore_entry = AuditEntry.objects.filter(action="restore").get()
    assert restore_entry.seq > later[-1][0]
    assert restore_entry.detail_data["audit_entries_kept"] == 2
    assert audit.verify().ok


def test_audit_entries_of_another_history_are_set_aside_not_lost(personas):
    from privacydesk.register import services
    from privacydesk.vault.models import AuditEntry

    record = backup.create()
    services.read_person(personas.anna, actor="support", purpose="agreement")
    # A chain that no longer continues the backup's head (as after restoring a backup
    # of another history): the entries cannot be linked in, so they go to a file.
    first = AuditEntry.objects.filter(action="backup").get().seq
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE vault_auditentry SET prev_mac = %s WHERE seq = %s",
                       ["0" * 64, first])

    backup.restore(journal.backup_dir() / record.file_name, today=TODAY)

    assert not AuditEntry.objects.filter(action="read", actor="support").exists()
    files = list(journal.backup_dir().glob("audit-set-aside-*.jsonl"))
    assert len(files) == 1 and oct(files[0].stat().st_mode & 0o777) == "0o600"
    lines = files[0].read_text().splitlines()
    assert len(lines) == 2 and '"actor": "support"' in lines[1]
    assert "Anna" not in files[0].read_text()
    assert AuditEntry.objects.get(action="restore").detail_data["audit_entries_set_aside"] == 2
    assert audit.verify().ok


def test_a_restore_deletes_the_picked_data_again_and_keeps_the_rest_of_the_person(
        personas, django_capture_on_commit_callbacks):
    # Rt3 for a partial erasure (#15): Anna asked to erase only her address after the
    # backup; restoring that backup must not bring the address back, nor erase the rest.
    anna, address_model = personas.anna, DATUM_MODELS["address"]
    address = address_model._default_manager.get(person=anna)
    address_row = f"register.address:{address.pk}"
    before = snapshot()
    record = backup.create()
    with django_capture_on_commit_callbacks(execute=True):
        result = erasure.erase_data(anna, [("address", address.pk)], actor=ACTOR,
                                    request_ref="REQ-9")
    assert result.partial and not result.person_deleted

    report = backup.restore(journal.backup_dir() / record.file_name, today=TODAY)

    assert report.erasures == 0 and report.receipts == 1
    assert not address_model._default_manager.filter(pk=address.pk).exists()
    after = snapshot()
    assert after == {k: v for k, v in before.items() if k != address_row}
    assert not Person.objects.get(pk=anna.pk).restricted
    # The partial erasure is proven by its receipt; no ledger line erases all of Anna.
    assert not ErasureLedger.objects.filter(person_ref=str(anna.ref)).exists()
    assert DeletionReceipt.objects.get(kind="erasure", person_ref=str(anna.ref)).object_ids \
        == [address.pk]
    assert audit.verify().ok


def test_the_journal_deletes_the_picked_data_again_when_the_database_is_lost(
        personas, django_capture_on_commit_callbacks):
    # The database that held the receipt is gone (Rt3, second line of defence): the
    # journal beside the backups still knows which of Anna's data she had erased.
    anna, address_model = personas.anna, DATUM_MODELS["address"]
    address = address_model._default_manager.get(person=anna)
    before = snapshot()
    record = backup.create()
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_data(anna, [("address", address.pk)], actor=ACTOR)
    DeletionReceipt.objects.all().delete()        # as if the database itself was lost
    ErasureLedger.objects.all().delete()

    report = backup.restore(journal.backup_dir() / record.file_name, today=TODAY)

    assert report.erasures == 0 and report.receipts == 1
    assert snapshot() == {k: v for k, v in before.items()
                          if k != f"register.address:{address.pk}"}
    assert DeletionReceipt.objects.filter(kind="erasure", person_ref=str(anna.ref),
                                          object_ids=[address.pk]).exists()
    assert "Eeldersingel" not in journal.journal_path().read_text()


def test_a_partial_erasures_journal_lines_are_forgotten_with_the_last_older_backup(
        personas, django_capture_on_commit_callbacks):
    # Data minimisation: the ids and ref of Anna's erased address serve only a restore of
    # a backup older than the erasure; once none is kept, the journal forgets them too.
    old = backup.create()
    address = DATUM_MODELS["address"]._default_manager.get(person=personas.anna)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_data(personas.anna, [("address", address.pk)], actor=ACTOR)
    assert [line["object_ids"] for line in journal.read()] == [[address.pk]]
    assert prune.forget_replay_data() == 0
    prune.expire_backups(old.expires_on)
    assert prune.forget_replay_data() > 0
    assert journal.read() == []
    assert DeletionReceipt.objects.get(kind="erasure").object_ids == []
