"""Sec1: the audit chain survives a complete wipe. Its head is anchored outside the table it
protects, so whoever holds only the database cannot delete the chain, cut it short or put
an older genuine state back without `audit verify` (and `check` Sec1) naming it.

Each attack is made with raw SQL, as a database administrator would; the suite runs these
tests on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import pytest
from django.db import connection, transaction

from privacydesk.check.registry import FAIL
from privacydesk.check.security import chain_keys_mfa
from privacydesk.vault import anchor, audit
from privacydesk.vault.models import AuditHead
from tests.console import run_privacydesk

pytestmark = pytest.mark.django_db

ANNA_REF = str(uuid.UUID(int=0xA001))


def staff_work(n: int) -> None:
    """Staff member 'marieke' reads and updates Anna's e-mail address, n entries."""
    for i in range(n):
        audit.record(actor="marieke", action=("read", "update")[i % 2],
                     object_type="register.email", object_id=str(40 + i),
                     person_ref=ANNA_REF, purpose="agreement")


def raw(*statements: tuple[str, list[Any]]) -> None:
    with connection.cursor() as cur:
        for sql, params in statements:
            cur.execute(sql, params)


def genuine_head() -> tuple[int, str, str]:
    """The head row as it is now: a database administrator can save it and put it back."""
    head = AuditHead.objects.get(pk=1)
    return head.seq, head.mac, head.head_mac


def put_head_back(saved: tuple[int, str, str]) -> tuple[str, list[Any]]:
    return ("UPDATE vault_audithead SET seq = %s, mac = %s, head_mac = %s WHERE id = 1",
            list(saved))


def verify_cli() -> Any:
    return run_privacydesk("audit", "verify", "--jobs", "1")


def sec1_details() -> tuple[str, str]:
    found = chain_keys_mfa()
    return found.status, "\n".join(found.details)


def test_a_wiped_chain_is_named_by_verify_and_fails_sec1():
    staff_work(12)
    first = verify_cli()
    assert first.exit_code == 0, first.output
    assert "intact: 12 entries verified; no anchor yet" in first.output
    assert "anchored: the anchor of" in first.output
    assert "broken" not in sec1_details()[1]

    raw(("DELETE FROM vault_auditentry", []), ("DELETE FROM vault_audithead", []))

    assert audit.verify().ok is False
    wiped = verify_cli()
    assert wiped.exit_code == 1
    assert "intact" not in wiped.output
    assert "BROKEN at entry 1: wipe: the table holds no audit entries" in wiped.output
    assert "counted 12" in wiped.output
    status, details = sec1_details()
    assert status == FAIL and "wipe:" in details


def test_a_chain_cut_short_with_its_old_head_put_back_is_a_truncation():
    staff_work(5)
    saved = genuine_head()
    staff_work(4)
    assert verify_cli().exit_code == 0   # anchors entry 9

    # Entries 6..9 go and the head row of entry 5 comes back: the table alone is a clean,
    # shorter chain (the walk cannot tell), the anchor names what is missing.
    raw(("DELETE FROM vault_auditentry WHERE seq > 5", []), put_head_back(saved))

    report = audit.verify()
    assert (report.ok, report.tampering, report.first_broken_seq) == (False, "truncation", 6)
    assert "entries 6..9 were cut off" in report.reason
    cut = verify_cli()
    assert cut.exit_code == 1 and "truncation" in cut.output
    status, details = sec1_details()
    assert status == FAIL and "truncation:" in details


def test_without_an_anchor_the_same_truncation_walks_clean():
    # Why the anchor exists: the identical attack on a chain never anchored passes.
    staff_work(5)
    saved = genuine_head()
    staff_work(4)
    raw(("DELETE FROM vault_auditentry WHERE seq > 5", []), put_head_back(saved))
    assert audit.verify() == audit.VerifyReport(True, 5)


def test_an_older_state_put_back_and_written_on_is_a_rollback():
    staff_work(5)
    saved = genuine_head()
    staff_work(3)
    assert verify_cli().exit_code == 0   # anchors entry 8
    # Yesterday's database comes back (entries 1..5 and their head), and work goes on:
    # entry 8 exists again, but it is not the entry the anchor saw.
    raw(("DELETE FROM vault_auditentry WHERE seq > 5", []), put_head_back(saved))
    staff_work(4)

    report = audit.verify()
    assert report.checked == 9
    assert (report.ok, report.tampering, report.first_broken_seq) == (False, "rollback", 8)
    assert "entry 8 is not the one the anchor of" in report.reason
    assert verify_cli().exit_code == 1
    status, details = sec1_details()
    assert status == FAIL and "rollback:" in details


def test_a_head_moved_back_behind_the_anchor_is_a_rollback():
    staff_work(3)
    saved = genuine_head()
    staff_work(3)
    assert verify_cli().exit_code == 0   # anchors entry 6
    raw(put_head_back(saved))

    report = audit.verify()
    assert (report.ok, report.tampering) == (False, "rollback")
    assert "the chain head (entry 3) is older than the anchor" in report.reason
    assert "entries beyond the chain head" in report.reason   # the walk's finding too
    assert sec1_details()[0] == FAIL


def test_an_intact_chain_that_grew_matches_its_anchor():
    staff_work(3)
    assert verify_cli().exit_code == 0
    staff_work(2)
    report = audit.verify()
    assert report.ok and report.checked == 5
    assert report.anchored.startswith("the anchor of ") and "through entry 3" in report.anchored
    again = verify_cli()
    assert again.exit_code == 0 and "matches the anchor of" in again.output


def test_the_anchor_file_is_private_and_keeps_every_anchor(settings):
    staff_work(2)
    assert verify_cli().exit_code == 0
    staff_work(1)
    assert run_privacydesk("audit", "anchor").exit_code == 0
    path = settings.PRIVACYDESK_AUDIT_ANCHOR_FILE
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(a["seq"], a["count"], a["reason"]) for a in lines] == [
        (2, 2, "verify"), (3, 3, "manual")]
    assert all(len(a["anchor_mac"]) == 64 for a in lines)


def test_a_line_written_without_the_audit_key_is_ignored(settings):
    staff_work(4)
    assert verify_cli().exit_code == 0
    forged = {**json.loads(settings.PRIVACYDESK_AUDIT_ANCHOR_FILE.read_text()),
              "seq": 2, "count": 2}
    with open(settings.PRIVACYDESK_AUDIT_ANCHOR_FILE, "a") as fh:
        fh.write(json.dumps(forged) + "\n" + '{"seq": 9, "mac"')   # and a torn line
    found = anchor.last()
    assert found is not None and found.seq == 4
    raw(("DELETE FROM vault_auditentry WHERE seq > 2", []))
    assert audit.verify().tampering == "truncation"


def test_no_anchor_is_written_over_a_wiped_chain(settings, django_capture_on_commit_callbacks):
    staff_work(3)
    assert verify_cli().exit_code == 0
    raw(("DELETE FROM vault_auditentry", []), ("DELETE FROM vault_audithead", []))
    before = settings.PRIVACYDESK_AUDIT_ANCHOR_FILE.read_text()

    with pytest.raises(anchor.AnchorRefused) as refused:
        anchor.refresh(anchor.PERIODIC)
    assert refused.value.finding.kind == "wipe"
    manual = run_privacydesk("audit", "anchor")
    assert manual.exit_code == 1 and "NOT anchored: wipe" in manual.output
    with django_capture_on_commit_callbacks(execute=True):
        anchor.periodic()   # the served app's ten-minute anchor logs and writes nothing
    assert settings.PRIVACYDESK_AUDIT_ANCHOR_FILE.read_text() == before
    assert audit.verify().tampering == "wipe"


def test_the_periodic_anchor_is_written_only_when_the_head_moved(
        settings, django_capture_on_commit_callbacks):
    def ten_minutes_later() -> None:   # the anchor task, outside any transaction
        with django_capture_on_commit_callbacks(execute=True):
            anchor.periodic()

    staff_work(2)
    ten_minutes_later()
    ten_minutes_later()
    staff_work(1)
    ten_minutes_later()
    lines = settings.PRIVACYDESK_AUDIT_ANCHOR_FILE.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [2, 3]


def test_an_anchor_waits_for_the_commit_and_a_rollback_leaves_none(settings):
    staff_work(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        staff_work(5)
        anchor.after_commit(anchor.BACKUP)
        raise RuntimeError("the work failed")
    assert not settings.PRIVACYDESK_AUDIT_ANCHOR_FILE.exists()
    assert audit.verify().ok


def test_a_pruning_undone_is_a_rollback():
    from privacydesk.vault import carry, chain

    staff_work(6)
    old_rows = carry.entries_after(0)
    assert audit.prune_before(4) == 3
    assert verify_cli().exit_code == 0   # anchors entry 7 (the prune), pruned through 3
    # The pruned entries come back from an older copy and the checkpoint goes: the chain
    # walks clean from the start again.
    with connection.cursor() as cur:
        cur.executemany(chain.insert_sql(connection), [
            [chain.at_param(connection, row["at"], chain.at_text(row["at"])) if name == "at"
             else row[name] for name in chain.COLUMNS] for row in old_rows[:3]])
        cur.execute("DELETE FROM vault_auditcheckpoint")

    report = audit.verify()
    assert (report.ok, report.tampering, report.checked) == (False, "rollback", 7)
    assert "the pruning checkpoint at entry 3" in report.reason


def test_an_anchor_file_that_cannot_be_written_is_a_clear_error(settings, tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    settings.PRIVACYDESK_AUDIT_ANCHOR_FILE = tmp_path / "not-a-folder" / "audit-anchors.jsonl"
    staff_work(1)
    result = verify_cli()
    assert result.exit_code == 1
    assert "audit chain intact: 1 entries verified" in result.output
    assert "NOT anchored: cannot write" in result.output and "Traceback" not in result.output


def test_a_removed_head_is_never_anchored_so_a_later_wipe_still_shows(
        django_capture_on_commit_callbacks):
    staff_work(4)
    assert verify_cli().exit_code == 0   # anchors entry 4
    raw(("DELETE FROM vault_audithead", []))
    assert audit.verify().tampering == "rollback"
    manual = run_privacydesk("audit", "anchor")
    assert manual.exit_code == 1 and "rollback: the chain head is missing" in manual.output
    with django_capture_on_commit_callbacks(execute=True):
        anchor.periodic()
    raw(("DELETE FROM vault_auditentry", []))
    assert audit.verify().tampering == "wipe"


def test_entries_without_a_head_and_no_anchor_yet_are_not_anchored(settings):
    staff_work(2)
    raw(("DELETE FROM vault_audithead", []))
    manual = run_privacydesk("audit", "anchor")
    assert manual.exit_code == 1 and "head is missing" in manual.output
    assert not settings.PRIVACYDESK_AUDIT_ANCHOR_FILE.exists()
