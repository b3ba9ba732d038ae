"""Sec1: every backup and every daily sweep anchors the audit chain; a backup carries the
anchor of its own snapshot; a restore — the operator's deliberate return to an earlier
chain — anchors anew, so a wiped log can be brought back and verify again."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from privacydesk.jobs import tasks
from privacydesk.register import services
from privacydesk.retention import backup, journal, sweep
from privacydesk.retention.sealed_file import read_header
from privacydesk.vault import anchor, audit, keyring
from privacydesk.vault.models import AuditHead

from .conftest import TODAY


def anchors(settings) -> list[dict]:
    path = settings.PRIVACYDESK_AUDIT_ANCHOR_FILE
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def wipe() -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM vault_auditentry")
        cur.execute("DELETE FROM vault_audithead")


def test_a_backup_carries_its_snapshots_anchor_and_anchors_after_it_commits(
        personas, settings, django_capture_on_commit_callbacks):
    before = AuditHead.objects.get(pk=1).seq
    with django_capture_on_commit_callbacks(execute=True):
        record = backup.create()
    with open(journal.backup_dir() / record.file_name, "rb") as fh:
        header, _ = read_header(fh)
    carried = anchor.Anchor.from_dict(header["audit_anchor"])
    assert carried is not None and carried.genuine(keyring.get().audit_key)
    assert (carried.seq, carried.reason) == (before, "backup")
    assert header["audit_head"] == [carried.seq, carried.mac]
    # The anchor file names the head after the backup's own entry.
    assert [(a["seq"], a["reason"]) for a in anchors(settings)] == [(before + 1, "backup")]


def test_a_backup_rolled_back_leaves_no_anchor(personas, settings):
    # The test's own transaction never commits: neither may the anchor appear.
    backup.create()
    assert anchors(settings) == []


def test_the_daily_sweep_anchors_the_chain(personas, settings,
                                           django_capture_on_commit_callbacks):
    services.end_agreement(personas.anna_sla, TODAY, actor="tester")
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run(TODAY).data == 2
    assert anchors(settings)[-1]["reason"] == "sweep"
    assert anchors(settings)[-1]["seq"] == AuditHead.objects.get(pk=1).seq


@pytest.mark.django_db(transaction=True)
@pytest.mark.dates
def test_the_daily_sweep_task_anchors_on_its_run(personas, settings):
    assert tasks.retention_sweep.call(slot=TODAY.isoformat())
    assert [a["reason"] for a in anchors(settings)] == ["sweep"]


def test_a_wiped_log_restored_from_the_backup_verifies_again(
        personas, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = backup.create()
    wipe()
    assert audit.verify().tampering == "wipe"

    with django_capture_on_commit_callbacks(execute=True):
        backup.restore(journal.backup_dir() / record.file_name, today=TODAY)

    report = audit.verify()
    assert report.ok, report.reason
    history = [a["reason"] for a in anchors(settings)]
    assert history[0] == "backup" and "restore" in history   # the earlier anchor stays
