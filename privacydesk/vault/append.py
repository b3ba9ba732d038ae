"""Appending to the audit chain: the one write path of `audit.record` / `record_many`.

Every audited read appends here (bench/bench_requests.py), so an append is as few
statements as it can be: the head is read and moved on the DB-API cursor
(`privacydesk.rawsql`; the ORM's query compilation cost more than the rest); inside a
caller's transaction no savepoint (validation happens first, and a failed append must fail
the caller's work anyway); on PostgreSQL the head row's lock serialises appenders in the
same round trip that reads it, and the entry and the head move travel in one statement.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from privacydesk import rawsql
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault import append_sql, chain, keyring
from privacydesk.vault.models import AuditEntry

_LIMITS = {"actor": 150, "action": 32, "object_type": 100, "object_id": 64,
           "person_ref": 64, "purpose": 64}
_REQUIRED = frozenset({"actor", "action", "object_type"})
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _personal_path(value: Any, path: str) -> str | None:
    """Return the path of the first string holding "@" inside `value` (error messages)."""
    if isinstance(value, str):
        return path if "@" in value else None
    items = (value.items() if isinstance(value, Mapping)
             else enumerate(value) if isinstance(value, list | tuple) else ())
    for k, v in items:
        found = _personal_path(v, f"{path}.{k}" if isinstance(value, Mapping) else f"{path}[{k}]")
        if found:
            return found
    return None


def _clean(item: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the entry's string fields and canonical detail; RuleViolation names the field."""
    fields = []
    for name, limit in _LIMITS.items():
        value = item.get(name) or ""
        if not isinstance(value, str):
            value = str(value)
        if not value and name in _REQUIRED:
            raise RuleViolation(name, "audit", f"{name} is required")
        if len(value) > limit:
            raise RuleViolation(name, "audit", f"{name} is longer than {limit} characters")
        if chain.SEP in value:
            raise RuleViolation(name, "audit", f"{name} must not contain control characters")
        fields.append(value)
    if "@" in fields[4] or " " in fields[4]:
        raise RuleViolation("person_ref", "Sec1",
                            "person_ref is the pseudonymous ref, never a name or e-mail")
    detail = item.get("detail") or {}
    if not isinstance(detail, dict):
        raise RuleViolation("detail", "audit", "detail must be a JSON object")
    try:
        text = _dumps(detail)
    except (TypeError, ValueError) as exc:
        raise RuleViolation("detail", "audit", f"detail is not plain JSON ({exc})")
    if "@" in text:  # cheap screen on the text; the walk only runs to name the field
        raise RuleViolation(_personal_path(detail, "detail") or "detail", "Sec1",
                            "audit detail must not contain personal data such as an e-mail "
                            "address; refer to the person by person_ref")
    return (*fields, text)


def append(items: Iterable[Mapping[str, Any]]) -> tuple[list[tuple[Any, ...]], str, datetime]:
    """Append entries in order in one transaction; return their rows (in chain.COLUMNS
    order), the database alias and the timestamp they carry."""
    cleaned = [_clean(item) for item in items]  # bad input raises before any statement
    key = keyring.get().audit_key
    macer = _MACERS.get(key) or _MACERS.setdefault(key, chain.EntryMac(key))
    conn = connections[router.db_for_write(AuditEntry)]
    if (conn.vendor == "sqlite" and not conn.in_atomic_block and not conn.queries_logged
            and conn.get_autocommit()):
        return _append_sqlite(conn, cleaned, key, macer)
    with transaction.atomic(using=conn.alias, savepoint=False), rawsql.cursor(conn) as cur:
        rows, now = _write(conn, cur, cleaned, key, macer)
    return rows, conn.alias, now


def _append_sqlite(conn: BaseDatabaseWrapper, cleaned: list[tuple[str, ...]], key: bytes,
                   macer: chain.EntryMac) -> tuple[list[tuple[Any, ...]], str, datetime]:
    """`append` on SQLite outside any transaction: the same statements in one
    BEGIN IMMEDIATE ... COMMIT on the DB-API connection (Sec4: every audited read appends
    here; `transaction.atomic`'s bookkeeping cost a third of an append). Django's
    connection stays in autocommit throughout, as it would be after an atomic block."""
    conn.ensure_connection()
    with conn.wrap_database_errors:
        cur = rawsql.statement_cursor(conn)
        cur.execute("BEGIN IMMEDIATE")
        try:
            rows, now = _write(conn, cur, cleaned, key, macer)
            cur.execute("COMMIT")
        except BaseException:
            if conn.connection.in_transaction:
                cur.execute("ROLLBACK")
            raise
    return rows, conn.alias, now


def _write(conn: BaseDatabaseWrapper, cur: Any, cleaned: list[tuple[str, ...]], key: bytes,
           macer: chain.EntryMac) -> tuple[list[tuple[Any, ...]], datetime]:
    """Lock and read the head, insert the entries and move the head, on `cur`, inside the
    caller's transaction."""
    head_sql, move_sql, lock_head_sql, insert_move_sql = append_sql.head_statements(conn)
    found: list[Any] = []
    if lock_head_sql:
        cur.execute(lock_head_sql)
        found = cur.fetchall()
    if not found:
        chain.lock_appends(conn)
        cur.execute(head_sql)
        # fetchall, not fetchone: an unfinished SQLite statement keeps its read snapshot
        # open past COMMIT, and the next BEGIN IMMEDIATE then fails as "locked".
        found = cur.fetchall()
    head = found[0] if found else None
    seq, prev = (head[0], head[1]) if head else (0, chain.GENESIS)
    now = timezone.now()
    at = _at_text(now)
    at_param = chain.at_param(conn, now, at)
    rows = []
    for fields in cleaned:
        seq += 1
        mac = chain.entry_mac(macer, prev, seq, at, *fields)
        rows.append((seq, at_param, *fields, prev, mac))
        prev = mac
    if len(rows) == 1 and head is not None and insert_move_sql:
        cur.execute(insert_move_sql, [*rows[0], seq, prev, _head_mac(macer, seq, prev)])
        return rows, now
    if len(rows) == 1:
        cur.execute(append_sql.insert_statement(conn), rows[0])
    elif rows:
        cur.executemany(append_sql.insert_statement(conn), rows)
    if rows and head is not None:
        cur.execute(move_sql, [seq, prev, _head_mac(macer, seq, prev)])
    elif rows:
        chain.write_head(conn, key, seq, prev, exists=False)
    return rows, now


T = TypeVar("T")
Statement = tuple[str, Sequence[Any]]


def append_after(statements: Sequence[Statement],
                 entry_of: Callable[[list[list[tuple[Any, ...]]]], tuple[T, Mapping[str, Any]]],
                 db: BaseDatabaseWrapper | None = None) -> T:
    """Run the SELECT `statements`, give their rows to `entry_of`, which returns (result,
    the audit entry of this read as `append` takes it), append that entry and return the
    result: a read and its audit entry as one unit (Sec4). If `entry_of` raises, nothing
    is appended; if the append fails, its error propagates and the result is not returned.

    PostgreSQL outside a caller's transaction: BEGIN, the reads and the head row's lock
    travel in one round trip (`rawsql.pipelined`), the entry + head move and COMMIT in a
    second, so the reads are in the append's transaction (an audited read was six round
    trips: reads, BEGIN, lock, write, COMMIT). SQLite outside a caller's transaction: one
    BEGIN IMMEDIATE ... COMMIT on the DB-API cursor holds the reads, `entry_of` and the
    entry (`_after_sqlite`). Elsewhere — a caller's transaction, queries being logged,
    another database — the reads run first (`rawsql.fetch_many`) and then `append`.
    `entry_of` runs inside the append's transaction on PostgreSQL and SQLite: it may read,
    but must not open a transaction of its own (Django believes the connection is in
    autocommit meanwhile). `db`: the connection the caller already holds, used when it is
    the audit's database (saves looking it up again).
    """
    alias = router.db_for_write(AuditEntry)
    conn = db if db is not None and db.alias == alias else connections[alias]
    if (conn.in_atomic_block or conn.queries_logged or conn.alias != DEFAULT_DB_ALIAS
            or not conn.get_autocommit()):
        result, item = entry_of(rawsql.fetch_many(statements, connections[DEFAULT_DB_ALIAS]))
        append([item])
        return result
    if conn.vendor == "sqlite":
        return _after_sqlite(conn, statements, entry_of)
    if conn.vendor != "postgresql":
        result, item = entry_of(rawsql.fetch_many(statements, conn))
        append([item])
        return result
    key = keyring.get().audit_key
    macer = _MACERS.get(key) or _MACERS.setdefault(key, chain.EntryMac(key))
    _, _, lock_head_sql, insert_move_sql = append_sql.head_statements(conn)
    try:
        found = rawsql.pipelined(conn, [("BEGIN", ()), *statements, (lock_head_sql, ())])
        result, item = entry_of(found[1:-1])
        fields = _clean(item)
        if not found[-1]:  # no chain yet: the ordinary append writes its first entry
            rawsql.pipelined(conn, [("ROLLBACK", ())])
            append([item])
            return result
        seq, prev = found[-1][0][0] + 1, found[-1][0][1]
        now = timezone.now()
        at = _at_text(now)
        mac = chain.entry_mac(macer, prev, seq, at, *fields)
        rawsql.pipelined(conn, [
            (insert_move_sql, [seq, chain.at_param(conn, now, at), *fields, prev, mac,
                               seq, mac, _head_mac(macer, seq, mac)]),
            ("COMMIT", ())])
    except BaseException:
        _roll_back(conn)
        raise
    return result


def _after_sqlite(conn: BaseDatabaseWrapper, statements: Sequence[Statement],
                  entry_of: Callable[[list[list[tuple[Any, ...]]]],
                                     tuple[T, Mapping[str, Any]]]) -> T:
    """`append_after` on SQLite outside any transaction: BEGIN IMMEDIATE, the reads, the
    entry and COMMIT on the DB-API cursor, as `_append_sqlite` does for an append alone.
    In WAL mode every statement outside a transaction opens and closes a read transaction
    of its own; one transaction for the reads and the write saves those (bench/: 4 reads
    and the append 123 -> 113 µs at 1M people) and puts the reads inside the entry's
    transaction (Sec4), as on PostgreSQL. The write lock is held meanwhile (about a
    quarter of a millisecond); other writers wait for it (busy_timeout)."""
    key = keyring.get().audit_key
    macer = _MACERS.get(key) or _MACERS.setdefault(key, chain.EntryMac(key))
    with conn.wrap_database_errors:
        cur = rawsql.statement_cursor(conn)  # connects if need be
        cur.execute("BEGIN IMMEDIATE")
        try:
            found = []
            for sql, params in statements:
                cur.execute(sql, params)
                found.append(cur.fetchall())
            result, item = entry_of(found)
            _write(conn, cur, [_clean(item)], key, macer)
            cur.execute("COMMIT")
        except BaseException:
            if conn.connection.in_transaction:
                cur.execute("ROLLBACK")
            raise
    return result


def _roll_back(conn: BaseDatabaseWrapper) -> None:
    """End the transaction `append_after` began, if it is still open (PostgreSQL)."""
    from psycopg.pq import TransactionStatus

    raw = conn.connection
    try:
        if (raw is not None and not raw.closed
                and raw.info.transaction_status != TransactionStatus.IDLE):
            raw.execute("ROLLBACK")
    except Exception:  # noqa: S110 - the original error is the one to report
        pass


def _at_text(moment: datetime) -> str:
    """`chain.at_text` (the canonical UTC text), by `isoformat` rather than `strftime`,
    which cost a few µs per audited read; the same text for years 1000-9999 (strftime does
    not pad smaller years to four digits, so those go to it)."""
    utc = moment.astimezone(UTC)
    if utc.year < 1000:
        return chain.at_text(moment)
    return utc.replace(tzinfo=None).isoformat(" ", "microseconds")


def _head_mac(macer: chain.EntryMac, seq: int, mac: str) -> str:
    """`chain.head_mac` under the audit key, from its pre-keyed states (`chain.EntryMac`
    equals `hmac.digest`; OpenSSL 3's one-shot HMAC looks the digest up on every call)."""
    return macer.hexdigest(f"head{chain.SEP}{seq}{chain.SEP}{mac}".encode())


_MACERS: dict[bytes, chain.EntryMac] = {}  # the pre-keyed HMAC states, per audit key
