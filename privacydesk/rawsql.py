"""Hot-path SQL on the DB-API cursor, with Django's error translation and converters.

Django's cursor wrapper and the ORM's query compilation cost as much as, or many times, a
small indexed query (bench/: the e-mail lookup, the access report, the API's token check,
the audit append). The few hot paths therefore run prepared SQL here: straight on the
driver's cursor, inside Django's error translation and the caller's transaction, with each
value converted by the same converters a queryset applies. While queries are being logged
(DEBUG, `assertNumQueries`) Django's own cursor runs instead, so they stay visible.
Statements use Django's "%s" placeholders; SQLite's "?" is substituted here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class _Cursor(threading.local):
    """This thread's DB-API cursor and the DB-API connection it belongs to."""

    raw_connection: Any = None
    cursor: Any = None


_cursor = _Cursor()


def fetch_all(sql: str, params: Sequence[Any],
              db: BaseDatabaseWrapper | None = None) -> list[tuple[Any, ...]]:
    """Run `sql` ("%s" placeholders) and return every row, through the DB-API cursor.

    Django's cursor wrapper costs about as much as a small indexed query itself, so the
    DB-API cursor runs directly (one per thread and connection; a reconnect gets a new
    one), inside Django's error translation and the caller's transaction. While queries
    are being logged (DEBUG, assertNumQueries) the ordinary cursor runs, so they show.
    """
    if db is None:
        db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged:
        with db.cursor() as cursor:
            cursor.execute(sql, list(params))
            return list(cursor.fetchall())
    if db.connection is None:
        db.ensure_connection()
    if db.vendor == "sqlite":
        sql = sql.replace("%s", "?")
    mine = _cursor
    with db.wrap_database_errors:
        if mine.raw_connection is not db.connection:
            mine.raw_connection, mine.cursor = db.connection, db.connection.cursor()
        mine.cursor.execute(sql, params)
        # fetchall, not fetchone: an unfinished SQLite statement would hold a read lock.
        return list(mine.cursor.fetchall())


def converters(model: type[Model], names: Sequence[str],
               db: BaseDatabaseWrapper) -> list[tuple[int, list[Converter], Any]]:
    """(column position, converters, expression) for every column that Django converts
    after loading it (SQLite datetimes, booleans, JSON), exactly as a queryset would."""
    table = model._meta.db_table
    found = []
    for i, name in enumerate(names):
        field: Any = model._meta.get_field(name)
        col = field.get_col(table)
        funcs = [*db.ops.get_db_converters(col), *field.get_db_converters(db)]
        if funcs:
            found.append((i, funcs, col))
    return found


def convert(rows: list[tuple[Any, ...]], plan: list[tuple[int, list[Converter], Any]],
            db: BaseDatabaseWrapper) -> list[list[Any]]:
    """`rows` as lists with each planned column converted."""
    out = []
    for row in rows:
        values = list(row)
        for i, funcs, col in plan:
            value = values[i]
            for func in funcs:
                value = func(value, col, db)
            values[i] = value
        out.append(values)
    return out


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
        self._raw.execute(sql.replace("%s", "?"), params)

    def executemany(self, sql: str, rows: Any) -> None:
        self._raw.executemany(sql.replace("%s", "?"), rows)

    def fetchall(self) -> list[Any]:
        return list(self._raw.fetchall())
