"""The fast path of `read_person`: one person's rows straight from the DB-API cursor.

The access report reads a whole person per request, and Django's query compilation costs
about twenty times the database work for that shape (bench/bench_requests.py). Here each
datum table is read by one prepared SELECT on the DB-API connection (the agreement's
reference joined in), each value goes through the same converters Django applies, and the
sealed fields open with the same AAD as `SealedMixin.get_secret` ("<label>:<person ref>").
The result equals what the ORM would load; `read_person` keeps every rule and the audit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from privacydesk.register.fields import plain_fields, sealed_fields
from privacydesk.register.models import DATUM_MODELS, Agreement, Organisation, Role
from privacydesk.vault import crypto
from privacydesk.vault.models import sealed_aad_for

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
# The columns every datum row is read with, after its plain fields.
COMMON = ("id", "source", "purpose", "legal_basis", "created_at", "updated_at",
          "delete_after", "restricted")


class _Cursor(threading.local):
    """This thread's DB-API cursor and the DB-API connection it belongs to."""

    raw_connection: Any = None
    cursor: Any = None


_cursor = _Cursor()


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run `sql` ("%s" placeholders) and return every row, through the DB-API cursor.

    Django's cursor wrapper costs about as much as a small indexed query itself, so the
    DB-API cursor runs directly (one per thread and connection; a reconnect gets a new
    one), inside Django's error translation and the caller's transaction. While queries
    are being logged (DEBUG, assertNumQueries) the ordinary cursor runs, so they show.
    """
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


@dataclass(frozen=True)
class _Table:
    """How one category is read: the SQL, its column names and converters."""

    category: str
    label: str
    sql: str
    plain: tuple[str, ...]
    sealed: bool
    plan: list[tuple[int, list[Converter], Any]]


@dataclass(frozen=True)
class DatumRow:
    """One datum as loaded: its columns, its values (sealed ones decrypted), agreement ref."""

    category: str
    id: int
    values: dict[str, Any]
    source: str
    purpose: str
    legal_basis: str
    created_at: Any
    updated_at: Any
    delete_after: Any
    restricted: bool
    agreement_id: int | None
    agreement: str | None


_TABLES: dict[str, list[_Table]] = {}


def _column(model: type[Model], name: str) -> str:
    field: Any = model._meta.get_field(name)
    return str(field.column)


def _tables(db: BaseDatabaseWrapper) -> list[_Table]:
    plans = _TABLES.get(db.vendor)
    if plans is None:
        q = db.ops.quote_name
        agreements = q(Agreement._meta.db_table)
        plans = []
        for category, model in DATUM_MODELS.items():
            plain = plain_fields(category)
            sealed = bool(sealed_fields(category))
            names = [*plain, *COMMON, "agreement"]
            cols = [f"d.{q(_column(model, n))}" for n in names]
            if sealed:
                cols += ["d.\"key_id\"", "d.\"ciphertext\""]
            sql = (f"SELECT {', '.join(cols)}, a.{q('reference')} "  # noqa: S608
                   f"FROM {q(model._meta.db_table)} d LEFT JOIN {agreements} a "
                   f"ON a.{q('id')} = d.{q('agreement_id')} "
                   f"WHERE d.{q('person_id')} = %s ORDER BY d.{q('id')}")
            plans.append(_Table(category, model._meta.label_lower, sql, plain, sealed,
                                converters(model, names, db)))
        _TABLES[db.vendor] = plans
    return plans


def datum_rows(person_id: int, ref: str, categories: Sequence[str] | None = None
               ) -> dict[str, list[DatumRow]]:
    """Every datum of the person by category (in `DATUM_MODELS` order, by id), sealed
    fields decrypted; only `categories` when given. DecryptionError if a value was
    altered or moved to another person (AAD), as `get_secret` would raise."""
    db = connections[DEFAULT_DB_ALIAS]
    found: dict[str, list[DatumRow]] = {}
    wanted = None if categories is None else frozenset(categories)
    for table in _tables(db):
        if wanted is not None and table.category not in wanted:
            continue
        rows = convert(fetch_all(table.sql, (person_id,)), table.plan, db)
        if not rows:
            continue
        n = len(table.plain)
        aad = sealed_aad_for(table.label, ref) if table.sealed else ""
        items = []
        for row in rows:
            values = dict(zip(table.plain, row[:n], strict=True))
            if table.sealed:
                values.update(json.loads(crypto.unseal(row[n + 9], row[n + 10], aad=aad)))
            items.append(DatumRow(table.category, row[n], values, row[n + 1], row[n + 2],
                                  row[n + 3], row[n + 4], row[n + 5], row[n + 6],
                                  row[n + 7], row[n + 8], row[-1]))
        found[table.category] = items
    return found


_ROLE_SQL: dict[str, tuple[str, list[tuple[int, list[Converter], Any]]]] = {}


def role_rows(person_id: int) -> list[list[Any]]:
    """The person's roles as [kind, organisation id, started_on, ended_on, organisation
    name], in the model's order (started_on, id)."""
    db = connections[DEFAULT_DB_ALIAS]
    entry = _ROLE_SQL.get(db.vendor)
    if entry is None:
        q = db.ops.quote_name
        names = ["kind", "organisation", "started_on", "ended_on"]
        sql = (f"SELECT r.{q('kind')}, r.{q('organisation_id')}, r.{q('started_on')}, "  # noqa: S608
               f"r.{q('ended_on')}, o.{q('name')} FROM {q(Role._meta.db_table)} r "
               f"LEFT JOIN {q(Organisation._meta.db_table)} o "
               f"ON o.{q('id')} = r.{q('organisation_id')} "
               f"WHERE r.{q('person_id')} = %s ORDER BY r.{q('started_on')}, r.{q('id')}")
        entry = _ROLE_SQL[db.vendor] = (sql, converters(Role, names, db))
    return convert(fetch_all(entry[0], (person_id,)), entry[1], db)
