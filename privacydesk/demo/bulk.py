"""Fast inserts for the demo population: plain tuples, no model instances.

Building a Django model instance costs more than encrypting its field, so for a million
people the population is written as tuples: `executemany` on SQLite, `COPY` on PostgreSQL.
`Table` knows a model's columns; the caller supplies the varying columns per row and the
table fills the rest once (field defaults, NULL). Values pass through the field's own
`get_db_prep_save` where the database representation differs from Python's (UUIDs, dates,
JSON), so the rows are stored exactly as the ORM would store them.

Contract: callers run `Table.insert` inside a transaction; rows that carry explicit primary
keys must come from `next_ids`, and `retention.backup.reset_sequences` must run after such
inserts so the ORM's own inserts continue above them (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

_CONVERTED = frozenset({"UUIDField", "DateField", "DateTimeField", "JSONField"})


def _constant_for(field: models.Field[Any, Any], now: Any) -> Any:
    """The value every generated row gets for a column the caller does not supply."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default() or field.null or field.empty_strings_allowed:
        return field.get_default()  # the default, None (NULL) or "" as the ORM would store
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value for every row")


class Table:
    """Insert rows of `model`: `columns` (attnames) vary per row.

    Every other concrete column gets its default (auto_now fields: now), except an automatic
    primary key left out of `columns`, which the database assigns.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        self.rows: list[tuple[Any, ...]] = []
        # The real wrapper, not the `connection` proxy: the proxy costs a lookup per use.
        connection = self.connection = connections[DEFAULT_DB_ALIAS]
        now = timezone.now()
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)[0]!r}")
        pk = model._meta.pk
        tail_fields = [f for f in model._meta.concrete_fields
                       if f.attname not in columns and not (f is pk and f.auto_created)]
        self._tail = tuple(f.get_db_prep_save(_constant_for(f, now), connection)
                           for f in tail_fields)
        self._fields = [by_attname[c] for c in columns] + tail_fields
        self._converters: list[tuple[int, Callable[[Any], Any]]] = [
            (i, self._converter(by_attname[c])) for i, c in enumerate(columns)
            if by_attname[c].get_internal_type() in _CONVERTED]

    def _converter(self, field: models.Field[Any, Any]) -> Callable[[Any], Any]:
        """The field's own conversion to its database form; dates and UUIDs by the short
        route the field would take itself (they are most of the converted values)."""
        connection, kind = self.connection, field.get_internal_type()
        if kind == "DateField":
            adapt = connection.ops.adapt_datefield_value
            return lambda value: None if value is None else adapt(value)
        if kind == "UUIDField" and not connection.features.has_native_uuid_field:
            return lambda value: None if value is None else value.hex
        if kind == "UUIDField":
            return lambda value: value

        def convert(value: Any) -> Any:
            return None if value is None else field.get_db_prep_save(value, connection)
        return convert

    def add(self, row: tuple[Any, ...]) -> None:
        """Queue one row: the values of `columns`, in order."""
        if self._converters:
            values = list(row)
            for i, convert in self._converters:
                values[i] = convert(values[i])
            row = tuple(values)
        self.rows.append(row + self._tail)

    def insert(self) -> int:
        """Write the queued rows (inside the caller's transaction); return how many."""
        rows, self.rows = self.rows, []
        if rows:
            _write(self.connection, self.model._meta.db_table,
                   [f.column for f in self._fields], rows)
        return len(rows)


def _write(connection: BaseDatabaseWrapper, table: str, columns: list[str],
           rows: Iterable[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    connection.ensure_connection()
    raw: Any = connection.connection
    if connection.vendor == "postgresql":
        # Raw SQL: building the benchmarks' 1M people (no goal row; bench/run.py's set-up):
        # COPY is an order of magnitude faster than INSERT for a million rows.
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def next_ids(model: type[models.Model]) -> int:
    """The first primary key above every row of `model` now stored."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def analyze(models_: Sequence[type[models.Model]]) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL).

    Without them PostgreSQL may plan `... WHERE address_index = %s ORDER BY id LIMIT 1` as
    a walk along the primary key: a scan instead of one index probe.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
