"""The erasure journal: the erasure ledger, also kept as a file outside the database.

A backup restored after the database itself was lost cannot learn from the database which
people were erased since; this append-only JSON-lines file (next to the backups) can. Each
line is one ledger entry: uid, pseudonymous ref, when, backup generation, its receipt and
signature (retention.ledger) — nothing else; an entry whose summary gained the other
systems' lines is written again, and the later line stands.
A partial erasure (only the data a person picked, #15) erases no whole person, so it writes
no ledger entry: its deletion receipts go into the journal instead (lines with
`"entry": "receipt"`: category, rule, ids and ref — proof without personal data, R1), so a
restore after losing the database deletes those data again (Rt3).
A line may be missing if the process died between commit and append; the ledger rows and
receipts of a surviving database are merged on restore as well (backup.restore).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings


def backup_dir() -> Path:
    """The folder for backups and the journal (PRIVACYDESK_BACKUP_DIR), created 0700."""
    path = Path(settings.PRIVACYDESK_BACKUP_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def journal_path() -> Path:
    return backup_dir() / "erasure-ledger.jsonl"


def append(entry: Any) -> None:
    """Append one ErasureLedger entry and flush it to disk."""
    line = json.dumps({"uid": str(entry.uid), "person_ref": entry.person_ref,
                       "erased_at": entry.erased_at.isoformat(), "actor": entry.actor,
                       "request_ref": entry.request_ref, "generation": entry.generation,
                       "summary": entry.summary,
                       "signature": getattr(entry, "signature", "")}, sort_keys=True)
    _write([line])


#: The `entry` of a journal line holding a deletion receipt (a ledger line has none).
RECEIPT = "receipt"


def append_receipts(receipts: Iterable[Any]) -> None:
    """Append DeletionReceipt rows (saved, of a partial erasure) and flush them to disk."""
    lines = [json.dumps({"entry": RECEIPT, "uid": str(r.uid), "at": r.at.isoformat(),
                         "kind": r.kind, "model": r.model, "category": r.category,
                         "rule_id": r.rule_id, "law_nl": r.law_nl, "law_en": r.law_en,
                         "promise": r.promise, "count": r.count, "person_ref": r.person_ref,
                         "object_ids": list(r.object_ids), "generation": r.generation,
                         "actor": r.actor}, sort_keys=True) for r in receipts]
    if lines:
        _write(lines)


def _write(lines: list[str]) -> None:
    with open(journal_path(), "a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
        fh.flush()
        os.fsync(fh.fileno())


def read() -> list[dict[str, Any]]:
    """Every complete line of the journal (a torn last line is skipped)."""
    path = journal_path()
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries
