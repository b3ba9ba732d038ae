"""Carry the audit chain across a restore (Sec1, Art. 5(2)): what was logged after a
backup was taken is not lost when that backup is restored.

A backup records the chain's head (`head()`). Before a restore replaces the tables,
`entries_after(seq)` reads every entry appended since; after the backup is loaded,
`adopt(rows)` puts them back verbatim when they continue the restored chain — the first
links to the restored head and each links to the one before — and moves the head to the
last. Entries hold no personal data (refs, ids, counts), so a list that does not continue
the chain (a backup of another history) can be set aside in a file by the caller.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from privacydesk.vault import append, chain, keyring
from privacydesk.vault.models import AuditEntry, AuditHead


def head() -> tuple[int, str] | None:
    """(seq, mac) of the chain's last entry; None for an empty chain."""
    found = AuditHead.objects.filter(pk=1).values_list("seq", "mac").first()
    return (int(found[0]), str(found[1])) if found else None


def entries_after(seq: int) -> list[dict[str, Any]]:
    """Every entry numbered above `seq`, oldest first, as stored (field name -> value)."""
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq").values(*chain.COLUMNS))


def continues(rows: list[dict[str, Any]], current: tuple[int, str] | None) -> bool:
    """True when `rows` follow the chain whose head is `current` without a gap or a
    foreign link."""
    seq, mac = current if current else (0, chain.GENESIS)
    for row in rows:
        if row["seq"] != seq + 1 or row["prev_mac"] != mac:
            return False
        seq, mac = row["seq"], row["mac"]
    return True


def adopt(rows: list[dict[str, Any]]) -> int:
    """Append `rows` (from `entries_after`) verbatim after the current head and move the
    head to the last; return how many. 0, and nothing written, unless they continue the
    current chain. One transaction; `audit verify` re-checks every MAC afterwards."""
    if not rows:
        return 0
    with transaction.atomic():
        current = head()
        if not continues(rows, current):
            return 0
        conn = chain.connection()
        append.insert(conn.alias, [[row[name] for name in chain.COLUMNS] for row in rows])
        last = rows[-1]
        chain.write_head(conn, keyring.get().audit_key, last["seq"], last["mac"],
                         exists=current is not None)
    return len(rows)
