"""The audit append's SQL, built once per database (`privacydesk.vault.append`).

The head row (`AuditHead`, id 1) holds the chain's last seq and mac; an append reads it,
inserts its entries and moves it on. On PostgreSQL the read takes the row's lock, so
appenders queue there, and the entry's INSERT and the head's UPDATE go as one statement.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from privacydesk.vault import chain
from privacydesk.vault.models import AuditHead

_STATEMENTS: dict[str, tuple[str, str, str, str]] = {}
_INSERTS: dict[str, str] = {}


def head_statements(conn: BaseDatabaseWrapper) -> tuple[str, str, str, str]:
    """The head's statements for this database (`_head_sql`), built once."""
    found = _STATEMENTS.get(conn.vendor)
    if found is None:
        found = _STATEMENTS[conn.vendor] = _head_sql(conn)
    return found


def insert_statement(conn: BaseDatabaseWrapper) -> str:
    """`chain.insert_sql` (one audit entry's INSERT) for this database, built once."""
    found = _INSERTS.get(conn.vendor)
    if found is None:
        found = _INSERTS[conn.vendor] = chain.insert_sql(conn)
    return found


def _head_sql(conn: BaseDatabaseWrapper) -> tuple[str, str, str, str]:
    """(SELECT of the head's seq and mac, UPDATE of its seq, mac and head_mac, and on
    PostgreSQL: the SELECT taking the head row's lock, and one INSERT of an entry with the
    head's UPDATE; "" elsewhere)."""
    q = conn.ops.quote_name
    table, where = q(AuditHead._meta.db_table), f"WHERE {q('id')} = 1"
    select = f"SELECT {q('seq')}, {q('mac')} FROM {table} {where}"  # noqa: S608
    move = (f"UPDATE {table} SET {q('seq')} = %s, {q('mac')} = %s, "  # noqa: S608
            f"{q('head_mac')} = %s {where}")
    if conn.vendor != "postgresql":
        return select, move, "", ""
    return select, move, f"{select} FOR UPDATE", f"WITH e AS ({chain.insert_sql(conn)}) {move}"
