"""Low-level audit chain: canonical encoding, MACs and SQL, shared by audit.py and bench/.

Canonical form of an entry: the fields joined by U+001F (unit separator), in this order:
prev_mac, seq, at, actor, action, object_type, object_id, person_ref, purpose, detail.
`at` is UTC as "YYYY-MM-DD HH:MM:SS.ffffff"; `detail` is the JSON text exactly as stored.
No field may contain U+001F (record() refuses it), so the encoding is unambiguous. The
database hands `at` back in this exact form (see AT_SQL), so verification never parses or
re-serialises anything: it joins strings and computes one HMAC per row.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from privacydesk.vault import scan
from privacydesk.vault.models import AuditCheckpoint, AuditEntry, AuditHead

SEP = "\x1f"
GENESIS = "0" * 64
# Arbitrary constant naming the audit append lock on PostgreSQL ("pdaudit" in ASCII).
PG_LOCK_ID = 0x70646175646974
COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "person_ref",
           "purpose", "detail", "prev_mac", "mac")
AT_SQL = {
    "sqlite": 'CAST("at" AS TEXT)',
    "postgresql": "to_char(\"at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
}
AT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def connection() -> BaseDatabaseWrapper:
    """The database connection the audit chain is written on."""
    return connections[router.db_for_write(AuditEntry)]


def at_text(moment: datetime) -> str:
    """Return the canonical UTC text of a timestamp."""
    return moment.astimezone(UTC).strftime(AT_FORMAT)


# The canonical message of a row built by the database itself, as UTF-8 bytes: one value
# per row instead of ten, so verification does no joining or encoding in Python. A NULL in
# any field makes the whole message NULL, which verification reports as an altered entry.
_US = {"sqlite": "char(31)", "postgresql": "chr(31)"}
MSG_SQL = {
    "sqlite": "CAST({fields} AS BLOB)",
    "postgresql": "convert_to({fields}, 'UTF8')",
}
_MSG_TEXT = {"sqlite": 'CAST("seq" AS TEXT)', "postgresql": '"seq"::text'}


class EntryMac:
    """HMAC-SHA256 under one key, with the key's inner and outer pads hashed once
    (RFC 2104), so each message costs two hash-state copies. Equal to `hmac.digest`,
    about twice as fast per entry: verification of millions of entries is bound by this."""

    def __init__(self, key: bytes) -> None:
        self._inner, self._outer = scan.pads(key)

    def hexdigest(self, msg: bytes) -> str:
        inner = self._inner.copy()
        inner.update(msg)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def entry_mac(mac: EntryMac, prev_mac: str, seq: int, at: str, actor: str, action: str,
              object_type: str, object_id: str, person_ref: str, purpose: str,
              detail: str) -> str:
    """Return the hex HMAC-SHA256 of one entry in its canonical form."""
    msg = SEP.join((prev_mac, str(seq), at, actor, action, object_type, object_id,
                    person_ref, purpose, detail))
    return mac.hexdigest(msg.encode("utf-8"))


def head_mac(key: bytes, seq: int, mac: str) -> str:
    """Return the MAC that seals the chain head (seq and mac of the last entry)."""
    return hmac.digest(key, SEP.join(("head", str(seq), mac)).encode(), "sha256").hex()


def checkpoint_mac(key: bytes, seq: int, mac: str, pruned: int) -> str:
    """Return the MAC that seals a pruning checkpoint."""
    msg = SEP.join(("checkpoint", str(seq), mac, str(pruned))).encode()
    return hmac.digest(key, msg, "sha256").hex()


def lock_appends(connection: BaseDatabaseWrapper) -> None:
    """Serialise appenders until the end of the current transaction.

    PostgreSQL: a transaction-scoped advisory lock (it also covers the very first
    append, when there is no head row to lock yet) and the head row's lock, which is what
    an ordinary append takes alone (`append.append`: SELECT ... FOR UPDATE), so pruning
    and appending exclude each other. SQLite: the settings open every transaction
    IMMEDIATE, which already takes the single writer lock.
    """
    if connection.vendor == "postgresql":
        # Raw SQL: the ORM has no advisory lock (a correctness need, not a speed row).
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_ID])
            cur.execute(f"SELECT 1 FROM {connection.ops.quote_name(AuditHead._meta.db_table)} "  # noqa: S608
                        "WHERE id = 1 FOR UPDATE")


def insert_sql(connection: BaseDatabaseWrapper) -> str:
    """Return the INSERT statement for one entry (parameters in COLUMNS order)."""
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    return f"INSERT INTO {q(AuditEntry._meta.db_table)} ({cols}) VALUES ({marks})"


def at_param(connection: BaseDatabaseWrapper, moment: datetime, text: str) -> Any:
    """Return what to bind for `at`: on SQLite the canonical text itself (stored verbatim),
    elsewhere the aware datetime (stored with microsecond precision)."""
    return text if connection.vendor == "sqlite" else moment


def write_head(connection: BaseDatabaseWrapper, key: bytes, seq: int, mac: str,
               exists: bool) -> None:
    """Point the chain head at entry `seq` with MAC `mac`."""
    head = AuditHead(id=1, seq=seq, mac=mac, head_mac=head_mac(key, seq, mac))
    head.save(using=connection.alias, force_update=exists, force_insert=not exists)


def latest_checkpoint(connection: BaseDatabaseWrapper) -> AuditCheckpoint | None:
    """Return the most recent pruning checkpoint, or None if nothing was ever pruned."""
    return AuditCheckpoint.objects.using(connection.alias).order_by("-seq").first()


def message_text_sql(vendor: str) -> str:
    """Return the SQL text expression of an entry's canonical message (the fields joined
    by U+001F, NULL if any field is NULL) for "sqlite" or "postgresql"."""
    parts = ['"prev_mac"', _MSG_TEXT[vendor], AT_SQL[vendor],
             *(f'"{c}"' for c in COLUMNS[2:9])]
    return f" || {_US[vendor]} || ".join(parts)
