"""Encrypted backups and restores that keep erasures erased (R1, Rt3, Art. 32(1)(c)).

A backup is a JSON-lines dump of every model (Django serialisation; natural keys for
permissions), written as one consistent snapshot and sealed with AES-GCM under the vault's
current key (sealed_file.py). It restores into any migrated database, SQLite or PostgreSQL.

`restore` replaces every dumped table in one transaction, then merges back the erasure
ledger, deletion receipts and backup records made after the backup (from the database
being replaced and from the erasure journal file) and re-applies them: every erased person
is erased again, every row a receipt names is deleted again. A sweep for today follows.
The audit entries appended since the backup (its header names the chain's head then) are
put back verbatim when they continue the restored chain (vault.carry), so the log of what
happened meanwhile survives; entries of another history are set aside in a file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from privacydesk.policy import RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.retention import journal, replay
from privacydesk.retention.models import BackupRecord
from privacydesk.retention.sealed_file import SealedWriter, read_header, read_lines
from privacydesk.vault import VaultError, anchor, audit, carry, datakeys, keyring

# Recreated identically by `migrate`; sessions are not worth restoring (people sign in again).
EXCLUDED = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
PAGE = 5000
# Backups are records outside the register kept for restoring availability (Art. 32(1)(c)).
BACKUP_PURPOSE, BACKUP_BASIS = "security", "legal_obligation"


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def dumped_models() -> list[type[models.Model]]:
    """Every concrete model, ordered so natural-key dependencies come first."""
    app_list = [(cfg, None) for cfg in apps.get_app_configs() if cfg.models_module]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in EXCLUDED
            and m._meta.managed and not m._meta.proxy]


def expiry(taken_on: date) -> tuple[date | None, str]:
    """The date a backup taken on `taken_on` must go, and the policy rule that says so."""
    decision = get_policy().retention_decision(None, BACKUP_PURPOSE, BACKUP_BASIS,
                                               RetentionFacts(collected_on=taken_on))
    return decision.date, decision.rule_id


def _rows(model: type[models.Model]) -> Any:
    """Serialised rows of `model` in primary-key pages (no table held in memory)."""
    qs = model._base_manager.order_by("pk")
    last = None
    while True:
        page = list(qs.filter(pk__gt=last)[:PAGE] if last is not None else qs[:PAGE])
        if not page:
            return
        yield from serializers.serialize("python", page, use_natural_foreign_keys=True)
        last = page[-1].pk


def create(progress: bool = False) -> BackupRecord:
    """Write one encrypted backup file and return its record; expires by policy."""
    folder = journal.backup_dir()
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            # One consistent snapshot of every table while writers go on. Raw SQL: the ORM
            # has no isolation level per transaction (not a speed row).
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        now = timezone.now()
        expires_on, rule = expiry(clock.day_of(now))
        record = BackupRecord.objects.create(taken_at=now, file_name="", expires_on=expires_on,
                                             rule_id=rule)
        record.file_name = f"privacydesk-{record.generation:05d}-{now:%Y%m%dT%H%M%S}.pdbk"
        record.save(update_fields=["file_name"])
        header = {"uid": str(record.uid), "generation": record.generation,
                  "taken_at": now.isoformat(), "key_id": keyring.get().current_id,
                  "vendor": connection.vendor, "audit_head": carry.head(),
                  # Sec1: the chain's anchor travels with every backup (vault/anchor.py).
                  "audit_anchor": anchor.current(reason=anchor.BACKUP).as_dict()}
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                writer = SealedWriter(fh, header)
                for model in tqdm(dumped_models(), unit=" tables", file=sys.stderr,
                                  disable=not progress, desc="backup"):
                    for row in _rows(model):
                        writer.write(json.dumps(row, cls=_ExactEncoder).encode() + b"\n")
                writer.close()
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, folder / record.file_name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        audit.record(actor="system", action="backup", object_type="retention.backuprecord",
                     object_id=str(record.generation), detail={"rule": rule})
        anchor.after_commit(anchor.BACKUP)
    return record


@dataclass(frozen=True)
class RestoreReport:
    generation: int
    objects: int
    erasures: int
    receipts: int
    swept: int


def _verify(path: Path) -> dict[str, Any]:
    """Decrypt the whole file once before anything is replaced; return its header."""
    with open(path, "rb") as fh:
        header, digest = read_header(fh)
        for _ in read_lines(fh, header["key_id"], digest):
            pass
    return header


def _wipe(models_: list[type[models.Model]]) -> None:
    # Raw SQL: the restore empties every table, the audit chain too, whose QuerySet.delete
    # refuses (Sec1), and without signals or cascades (not a speed row).
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        for model in reversed(models_):
            for m2m in model._meta.local_many_to_many:
                through: Any = m2m.remote_field.through
                if through._meta.auto_created:
                    cur.execute(f"DELETE FROM {q(through._meta.db_table)}")
            cur.execute(f"DELETE FROM {q(model._meta.db_table)}")


def _insert(model: Any, rows: list[models.Model]) -> None:
    """Insert rows exactly as stored: raw, so auto_now fields keep their backed-up times."""
    fields = list(model._meta.concrete_fields)
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    for start in range(0, len(rows), size):
        model._base_manager._insert(rows[start:start + size], fields=fields, raw=True)


def _load(path: Path, progress: bool) -> int:
    count = 0
    pending: list[models.Model] = []
    pending_model: Any = None
    with open(path, "rb") as fh:
        header, digest = read_header(fh)
        lines = read_lines(fh, header["key_id"], digest)
        for line in tqdm(lines, unit=" rows", file=sys.stderr, disable=not progress,
                         desc="restore"):
            for obj in serializers.deserialize("python", [json.loads(line)],
                                               handle_forward_references=False):
                model = type(obj.object)
                if pending and (model is not pending_model or len(pending) >= PAGE):
                    _insert(pending_model, pending)
                    pending = []
                if obj.m2m_data:
                    obj.save()   # save_base(raw=True) and the many-to-many rows
                else:
                    pending_model = model
                    pending.append(obj.object)
                count += 1
    if pending:
        _insert(pending_model, pending)
    return count


def reset_sequences(models_: list[type[models.Model]]) -> None:
    """Move the id sequences past rows inserted with their primary keys, so that new rows
    continue above them (PostgreSQL)."""
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cur.execute(sql)


def _set_aside(rows: list[dict[str, Any]], generation: int) -> int:
    """Keep audit entries that do not continue the restored chain (a backup of another
    history) in a file beside the backups, as JSON lines; they hold no personal data.
    Return how many."""
    name = f"audit-set-aside-{generation:05d}-{timezone.now():%Y%m%dT%H%M%S}.jsonl"
    target = journal.backup_dir() / name
    with open(target, "w", encoding="utf-8", opener=_private) as fh:
        for row in rows:
            fh.write(json.dumps(row, cls=_ExactEncoder, sort_keys=True) + "\n")
    return len(rows)


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def restore(path: Path, *, progress: bool = False, today: date | None = None) -> RestoreReport:
    """Replace the database by the backup at `path`, then re-apply what came after it."""
    header = _verify(Path(path))
    if not isinstance(header.get("generation"), int):
        raise VaultError("backup header has no generation")
    survivors = replay.collect()
    # Sec1: what the audit log recorded after the backup outlives the restore.
    backed_up_head = header.get("audit_head")
    later = carry.entries_after(backed_up_head[0]) if backed_up_head else []
    models_ = dumped_models()
    with transaction.atomic():
        _wipe(models_)
        objects = _load(Path(path), progress)
        # The backup brought its own data keys: seal nothing under a key it does not hold.
        datakeys.reset()
        reset_sequences(models_)
        kept = carry.adopt(later)   # before the replay appends its own entries
        erasures, receipts = replay.apply(survivors, header["generation"], today=today)
        reset_sequences(models_)
        set_aside = _set_aside(later, header["generation"]) if later and not kept else 0
        audit.record(actor="system", action="restore", object_type="retention.backuprecord",
                     object_id=str(header["generation"]),
                     detail={"erasures": erasures, "receipts": receipts,
                             "audit_entries_kept": kept, "audit_entries_set_aside": set_aside})
    # A restore is the operator's deliberate return to an earlier chain: anchor it anew
    # (the earlier anchors stay in the anchor file and the sinks, Sec1).
    anchor.after_commit(anchor.RESTORE, anchor.rebase)
    from privacydesk.retention import sweep

    swept = sweep.run(today).data
    return RestoreReport(header["generation"], objects, erasures, receipts, swept)
