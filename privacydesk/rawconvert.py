"""The ORM's value converters applied to raw rows (used by `privacydesk.rawsql`).

A raw SELECT hands back what the driver gives: on SQLite, dates and datetimes as text or
naive values, booleans as integers, JSON as text. `converters` finds, per column, the same
converters a queryset would run after loading it, and `convert` applies them, so a hot path
on the DB-API cursor returns exactly what the ORM would. SQLite's date and datetime
converters are swapped for equal but cheaper ones (`_faster`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def converters(model: type[Model], names: Sequence[str],
               db: BaseDatabaseWrapper) -> list[tuple[int, list[Converter], Any]]:
    """(column position, converters, expression) for every column that Django converts
    after loading it (SQLite datetimes, booleans, JSON), exactly as a queryset would."""
    table = model._meta.db_table
    found = []
    for i, name in enumerate(names):
        field: Any = model._meta.get_field(name)
        col = field.get_col(table)
        funcs = [_faster(f) for f in (*db.ops.get_db_converters(col),
                                      *field.get_db_converters(db))]
        if funcs:
            found.append((i, funcs, col))
    return found


def _faster(func: Converter) -> Converter:
    """`func`, or an equal but cheaper converter for SQLite's dates and datetimes: text
    through the standard library's ISO parser straight away (Django's `parse_datetime`
    tries it first too), a naive datetime given the connection's time zone as
    `timezone.make_aware` would; anything else goes to Django's own converter."""
    name = getattr(getattr(func, "__func__", None), "__qualname__", "")
    if name == "DatabaseOperations.convert_datetimefield_value" and func.__module__ == (
            "django.db.backends.sqlite3.operations"):
        return _datetime_converter(func)
    if name == "DatabaseOperations.convert_datefield_value" and func.__module__ == (
            "django.db.backends.sqlite3.operations"):
        return _date_converter(func)
    return func


def _datetime_converter(django: Converter) -> Converter:
    def convert_value(value: Any, expression: Any, db: BaseDatabaseWrapper) -> Any:
        # The usual case inline (a value per datum and column on the report's hot path):
        # sqlite3 parsed it already (column declared "datetime"), naive, in the zone.
        if value.__class__ is datetime:
            zone = db.timezone
            if zone is not None and value.utcoffset() is None:
                return value.replace(tzinfo=zone)
            return value
        return _sqlite_datetime(value, django, expression, db)
    return convert_value


def _date_converter(django: Converter) -> Converter:
    def convert_value(value: Any, expression: Any, db: BaseDatabaseWrapper) -> Any:
        # sqlite3 parsed it already (column declared "date"), or NULL: Django returns it
        # as it is.
        if value is None or value.__class__ is date:
            return value
        return _sqlite_date(value, django, expression, db)
    return convert_value


def _sqlite_datetime(value: Any, django: Converter, expression: Any, db: Any) -> Any:
    # sqlite3 itself may have parsed it already (a column declared "datetime").
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return django(value, expression, db)
    else:
        return django(value, expression, db)
    # `db.timezone` is None exactly when USE_TZ is off (Django resets it when the setting
    # changes), and reading it skips the lazy settings object's per-access cost.
    zone = db.timezone
    if zone is not None and parsed.utcoffset() is None:
        return parsed.replace(tzinfo=zone)
    return parsed


def _sqlite_date(value: Any, django: Converter, expression: Any, db: Any) -> Any:
    if not isinstance(value, str):
        return django(value, expression, db)
    try:
        return date.fromisoformat(value)
    except ValueError:
        return django(value, expression, db)


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
