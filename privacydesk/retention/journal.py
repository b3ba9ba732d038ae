"""The erasure journal: the erasure ledger, also kept as a file outside the database.

A backup restored after the database itself was lost cannot learn from the database which
people were erased since; this append-only JSON-lines file (next to the backups) can. Each
line is one ledger entry: uid, pseudonymous ref, when, backup generation — nothing else.
A line may be missing if the process died between commit and append; the ledger rows of a
surviving database are merged on restore as well (backup.restore).
"""

from __future__ import annotations

import json
import os
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
                       "summary": entry.summary}, sort_keys=True)
    with open(journal_path(), "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
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
