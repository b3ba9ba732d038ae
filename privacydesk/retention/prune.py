"""Retention of the system's own data (R1): audit entries, backups, and the replay data of
receipts and the erasure ledger once no older backup needs them, here; every other app's
(guard registrations, disclosure and consent records, server-access grants, …) registers
its own prune job (`retention.registry`), so this module imports none of them.

Each period comes from the policy (records outside the register: category None), never
from a copy here. `prune_system` runs every registered job after every sweep (CLI and the
daily task).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from privacydesk.policy import RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.retention import journal, registry
from privacydesk.retention.models import BackupRecord, DeletionReceipt, ErasureLedger
from privacydesk.vault import audit
from privacydesk.vault.models import AuditEntry

AUDIT_PURPOSE, AUDIT_BASIS = "legal_obligation", "legal_obligation"


def latest_due_collection(purpose: str, basis: str, today: date) -> date | None:
    """The latest collection day whose records are due on `today` under the policy rule for
    records outside the register with `purpose`/`basis` (dates grow with collection)."""
    policy = get_policy()

    def due(day: date) -> bool:
        when = policy.retention_decision(None, purpose, basis,
                                         RetentionFacts(collected_on=day)).date
        return when is not None and when <= today

    low, high = today - timedelta(days=365 * 100), today
    if not due(low):
        return None
    while low < high:   # binary search for the last due day
        mid = low + timedelta(days=(high - low).days // 2 + 1)
        low, high = (mid, high) if due(mid) else (low, mid - timedelta(days=1))
    return low


def prune_audit(today: date) -> int:
    """Remove audit entries past the policy's audit period, leaving a signed checkpoint."""
    last_day = latest_due_collection(AUDIT_PURPOSE, AUDIT_BASIS, today)
    if last_day is None:
        return 0
    # "After last_day" in the policy's zone, not the database's UTC date (#13.1).
    first_kept = (AuditEntry.objects.filter(at__gte=clock.start_of(last_day + timedelta(days=1)))
                  .order_by("seq")
                  .values_list("seq", flat=True).first())
    if first_kept is None:
        return 0
    return audit.prune_before(first_kept)


def expire_backups(today: date) -> int:
    """Delete backup files past their policy date; the record stays as a receipt."""
    gone = 0
    for record in BackupRecord.objects.filter(expires_on__lte=today, deleted_at__isnull=True):
        (journal.backup_dir() / record.file_name).unlink(missing_ok=True)
        with transaction.atomic():
            record.deleted_at = timezone.now()
            record.save(update_fields=["deleted_at"])
            DeletionReceipt.objects.create(
                kind=DeletionReceipt.SYSTEM, at=record.deleted_at,
                model="retention.backuprecord", rule_id=record.rule_id, count=1,
                object_ids=[record.generation])
        gone += 1
    return gone


def forget_replay_data(today: date | None = None) -> int:
    """Drop the refs that only a restore of an older backup would need (data minimisation).

    A row written after backup g (generation >= g) is replayed only when backup g is
    restored; once the oldest live backup is newer, the ref serves nothing any more. A prune
    job: `today` is not used, what is forgotten depends on the live backups, not on the day.
    """
    oldest = (BackupRecord.objects.filter(deleted_at__isnull=True).order_by("generation")
              .values_list("generation", flat=True).first())
    limit = oldest if oldest is not None else 1 << 30
    with transaction.atomic():
        cleared = (DeletionReceipt.objects.filter(generation__lt=limit)
                   .exclude(person_ref="", object_ids=[])
                   .update(person_ref="", object_ids=[]))
        cleared += ErasureLedger.objects.filter(generation__lt=limit).delete()[0]
        keep = [e for e in journal.read() if e["generation"] >= limit]
        path = journal.journal_path()
        if path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in keep),
                           encoding="utf-8")
            tmp.replace(path)
    return cleared


def prune_system(today: date | None = None) -> dict[str, int]:
    """Run every registered prune job (`retention.registry`: each app registers its own in
    its AppConfig.ready()) for the policy day `today`; return the counts by job name."""
    day = today or clock.today()
    return {name: int(job(day)) for name, job in registry.prune_jobs().items()}
