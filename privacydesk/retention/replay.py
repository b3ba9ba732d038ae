"""Restore replay: what happened after a backup was taken is applied again (Rt3, R1).

`collect` reads, BEFORE the database is replaced, every erasure-ledger entry, deletion
receipt and backup record made since backup generation G (from the database and from the
erasure journal file, which holds the ledger and the receipts of partial erasures).
`apply` runs AFTER the backup is loaded, in the same transaction: it merges those rows back
(they are the proof) and re-applies them, so an erased person stays erased, picked data
stay erased and swept data stay gone, whatever the restored tables held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import DatabaseError, transaction

from privacydesk.register.models import Person
from privacydesk.retention import journal
from privacydesk.retention.models import BackupRecord, DeletionReceipt, ErasureLedger


@dataclass
class Survivors:
    ledger: dict[str, dict[str, Any]] = field(default_factory=dict)   # uid -> row
    receipts: list[dict[str, Any]] = field(default_factory=list)
    backups: list[dict[str, Any]] = field(default_factory=list)


def _values(model: Any) -> list[dict[str, Any]]:
    try:
        with transaction.atomic():
            return [{k: v for k, v in row.items() if k != "id"}
                    for row in model.objects.values()]
    except DatabaseError:   # an empty database without tables: nothing survives there
        return []


def collect() -> Survivors:
    """Everything that must outlive the restore, read from the database and the journal."""
    found = Survivors()
    for row in _values(ErasureLedger):
        found.ledger[str(row["uid"])] = row
    in_database = set(found.ledger)
    found.receipts = _values(DeletionReceipt)
    known = {str(row["uid"]) for row in found.receipts}
    for line in journal.read():
        if line.get("entry") == journal.RECEIPT:   # a partial erasure's receipt (#15)
            if line["uid"] not in known:
                row = {k: v for k, v in line.items() if k != "entry"}
                row["at"] = datetime.fromisoformat(row["at"])
                found.receipts.append(row)
                known.add(line["uid"])
            continue
        if line["uid"] in in_database:
            continue
        # A later line of the same entry (its summary signed again with the other systems'
        # lines, retention.ledger) stands over an earlier one.
        found.ledger[line["uid"]] = {
            "uid": line["uid"], "person_ref": line["person_ref"],
            "erased_at": datetime.fromisoformat(line["erased_at"]), "actor": line["actor"],
            "request_ref": line["request_ref"], "generation": line["generation"],
            "summary": line["summary"], "signature": line.get("signature", "")}
    found.backups = _values(BackupRecord)
    return found


def _missing(model: Any, rows: list[dict[str, Any]], key: str = "uid") -> list[dict]:
    present = {str(u) for u in model.objects.filter(
        **{f"{key}__in": [r[key] for r in rows]}).values_list(key, flat=True)}
    return [r for r in rows if str(r[key]) not in present]


def _redelete(row: dict[str, Any]) -> int:
    ids, ref = row["object_ids"], row["person_ref"]
    if not ids:
        return 0
    if row["model"] == "register.person":
        deleted, _ = Person.objects.filter(pk__in=ids, ref=ref).delete()
        return min(deleted, 1)
    model = apps.get_model(row["model"])
    qs = model._base_manager.filter(pk__in=ids)
    if ref and any(f.name == "person" for f in model._meta.get_fields()):
        qs = qs.filter(person__ref=ref)
    return qs.delete()[0]


def apply(found: Survivors, generation: int, today: date | None = None) -> tuple[int, int]:
    """Merge back and re-apply what came after backup `generation`.

    Return (erasures re-applied, rows deleted again by receipts)."""
    from privacydesk.retention.erasure import erase_ref

    backups = [r for r in found.backups if r["generation"] > generation]
    BackupRecord.objects.bulk_create(
        BackupRecord(**r) for r in _missing(BackupRecord, backups, "generation"))
    ledger = _missing(ErasureLedger, list(found.ledger.values()))
    ErasureLedger.objects.bulk_create(ErasureLedger(**r) for r in ledger)
    receipts = _missing(DeletionReceipt, found.receipts)
    DeletionReceipt.objects.bulk_create(DeletionReceipt(**r) for r in receipts)
    rows = sum(_redelete(r) for r in sorted(receipts, key=lambda r: r["at"])
               if r["kind"] != DeletionReceipt.SYSTEM)
    for row in sorted(ledger, key=lambda r: r["erased_at"]):
        # The receipts above usually removed the person already; this catches the rest
        # (e.g. rows that appear only in the backup, or a ledger line from the journal).
        erase_ref(row["person_ref"], actor="system", today=today)
    return len(ledger), rows
