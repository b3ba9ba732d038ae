"""Hot-path SQL on the DB-API cursor, with Django's error translation and converters.

Django's cursor wrapper and the ORM's query compilation cost as much as, or many times, a
small indexed query (bench/: the e-mail lookup, the access report, the API's token check,
the audit append). The few hot paths therefore run prepared SQL here: straight on the
driver's cursor, inside Django's error translation and the caller's transaction, with each
value converted by the same converters a queryset applies. While queries are being logged
(DEBUG, `assertNumQueries`) Django's own cursor runs instead, so they stay visible.
Statements use Django's "%s" placeholders; SQLite's "?" is substituted here.
On PostgreSQL the statements are prepared once per connection (psycopg's protocol-level
prepared statements, server-side binding): planning a small indexed SELECT cost more than
running it (the datum UNION: 0.4 ms planning, 0.1 ms execution at 1M people), and
`fetch_many` / `pipelined` send several statements in one round trip (pipeline mode).
Django leaves preparing off by default for transaction-mode poolers: PgBouncer needs
`max_prepared_statements` (1.21+) in front of privacydesk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# The converters are part of this module's API: callers convert what they fetch here.
from privacydesk.rawconvert import Converter as Converter
from privacydesk.rawconvert import convert as convert
from privacydesk.rawconvert import converters as converters


class _Cursor(threading.local):
    """This thread's DB-API cursor(s) and the DB-API connection they belong to."""

    raw_connection: Any = None
    cursor: Any = None
    pipe_connection: Any = None
    statement_connection: Any = None
    statement_cursor: Any = None
    pipe_cursors: list[Any] = []  # noqa: RUF012 - set per thread in `pipelined`


_cursor = _Cursor()


def fetch_all(sql: str, params: Sequence[Any], db: BaseDatabaseWrapper | None = None,
              *, prepare: bool = True) -> list[tuple[Any, ...]]:
    """Run `sql` ("%s" placeholders) and return every row, through the DB-API cursor.

    Django's cursor wrapper costs about as much as a small indexed query itself, so the
    DB-API cursor runs directly (one per thread and connection; a reconnect gets a new
    one), inside Django's error translation and the caller's transaction; on PostgreSQL
    the statement is prepared on first use (`prepare=False`: statements of varying text,
    such as an IN list). While queries are being logged (DEBUG, assertNumQueries) the
    ordinary cursor runs, so they show.
    """
    if db is None:
        db = connections[DEFAULT_DB_ALIAS]
    elif not isinstance(db, BaseDatabaseWrapper):  # django.db.connection: resolve it once
        db = connections[db.alias]
    if db.queries_logged:
        with db.cursor() as cursor:
            cursor.execute(sql, list(params))
            return list(cursor.fetchall())
    raw = db.connection
    if raw is None:
        db.ensure_connection()
        raw = db.connection
    mine = _cursor
    with db.wrap_database_errors:
        if mine.raw_connection is not raw:
            mine.raw_connection, mine.cursor = raw, _new_cursor(db)
        if db.vendor == "postgresql":
            mine.cursor.execute(sql, params, prepare=prepare)
        else:
            mine.cursor.execute(_qmark(sql), params)
        # fetchall, not fetchone: an unfinished SQLite statement would hold a read lock.
        return list(mine.cursor.fetchall())


_QMARKS: dict[str, str] = {}


def _qmark(sql: str) -> str:
    """`sql` with SQLite's "?" placeholders: converted once per statement text (the hot
    statements are built once, so their hash is cached and the lookup is cheap)."""
    found = _QMARKS.get(sql)
    if found is None:
        found = sql.replace("%s", "?")
        if len(_QMARKS) < 512:  # statements of varying text (IN lists) are not kept
            _QMARKS[sql] = found
    return found


def _new_cursor(db: BaseDatabaseWrapper) -> Any:
    """A DB-API cursor on `db`'s connection; on PostgreSQL one that binds on the server and
    may prepare (Django's own cursors bind on the client and never prepare, so allowing
    statements to be prepared changes nothing for them)."""
    conn = db.connection
    if db.vendor != "postgresql":
        return conn.cursor()
    import psycopg

    if conn.prepare_threshold is None:  # Django's default: prepare only when asked to
        conn.prepare_threshold = 1 << 30
    return psycopg.Cursor(conn)


_UNPREPARED = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})


def fetch_many(statements: Sequence[tuple[str, Sequence[Any]]],
               db: BaseDatabaseWrapper | None = None) -> list[list[tuple[Any, ...]]]:
    """Run the SELECT `statements` ((sql, params) pairs) and return each one's rows, in order.

    On PostgreSQL they travel in one round trip (`pipelined`); elsewhere, or while queries
    are being logged (so they stay visible one by one), `fetch_all` runs each in turn. As
    `fetch_all`: inside the caller's transaction, with Django's error translation."""
    if db is None:
        db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged or len(statements) < 2:
        return [fetch_all(sql, params, db) for sql, params in statements]
    if db.vendor == "postgresql":
        return pipelined(db, statements)
    db.ensure_connection()
    raw, mine = db.connection, _cursor
    with db.wrap_database_errors:  # fetch_all's steps, checked once for all statements
        if mine.raw_connection is not raw:
            mine.raw_connection, mine.cursor = raw, _new_cursor(db)
        cur = mine.cursor
        found = []
        for sql, params in statements:
            cur.execute(_qmark(sql) if db.vendor == "sqlite" else sql, params)
            found.append(list(cur.fetchall()))
        return found


def pipelined(db: BaseDatabaseWrapper, statements: Sequence[tuple[str, Sequence[Any]]]
              ) -> list[list[tuple[Any, ...]]]:
    """PostgreSQL only: send `statements` in one round trip (pipeline mode, one Sync) on
    the DB-API connection, each prepared on first use as in `fetch_all`, and return each
    one's rows ([] for a statement without a result, such as BEGIN or COMMIT). The first
    failing statement raises, translated by Django; the statements after it were not run
    (the server skips to the Sync). Never while queries are logged: callers use
    `fetch_many`, or their own logged path."""
    db.ensure_connection()
    conn = db.connection
    mine = _cursor
    if mine.pipe_connection is not conn:
        mine.pipe_connection, mine.pipe_cursors = conn, []
    cursors = mine.pipe_cursors
    while len(cursors) < len(statements):
        cursors.append(_new_cursor(db))
    with db.wrap_database_errors:
        with conn.pipeline():
            for cur, (sql, params) in zip(cursors, statements, strict=False):
                cur.execute(sql, params, prepare=sql not in _UNPREPARED)
        return [list(cur.fetchall()) if cur.description is not None else []
                for cur, _ in zip(cursors, statements, strict=False)]


def statement_cursor(db: BaseDatabaseWrapper) -> Any:
    """This thread's reusable SQLite cursor taking "%s" placeholders, for a few statements
    in a row outside Django's cursor (`vault.append`'s SQLite transaction); the caller
    holds Django's error translation and fetches every result (`fetch_all`'s reason)."""
    db.ensure_connection()
    mine = _cursor
    if mine.statement_connection is not db.connection:
        mine.statement_connection = db.connection
        mine.statement_cursor = _QmarkCursor(db.connection.cursor())
    return mine.statement_cursor


@contextmanager
def cursor(db: BaseDatabaseWrapper) -> Iterator[Any]:
    """A cursor for a few statements in a row (execute, executemany, fetchall), as cheap
    as `fetch_all`'s: the driver's own while queries are not logged, else Django's."""
    if db.queries_logged:
        with db.cursor() as django_cursor:
            yield django_cursor
        return
    db.ensure_connection()
    raw = db.connection.cursor()
    try:
        with db.wrap_database_errors:
            yield _QmarkCursor(raw) if db.vendor == "sqlite" else raw
    finally:
        raw.close()


class _QmarkCursor:
    """SQLite's DB-API cursor taking Django's "%s" placeholders."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def execute(self, sql: str, params: Any = ()) -> None:
        self._raw.execute(_qmark(sql), params)

    def executemany(self, sql: str, rows: Any) -> None:
        self._raw.executemany(_qmark(sql), rows)

    def fetchall(self) -> list[Any]:
        return self._raw.fetchall()  # a new list each call
