"""Load one row by a unique key without the ORM's per-call query compilation.

The API's report endpoint loads the request by uid and its person by ref on every call;
compiling `Model.objects.filter(...).first()` (with the model's ordering) cost more than
the rest of the endpoint bar the report itself (bench/bench_requests.py). Here the SELECT
is built once per (database vendor, model, key), runs on the DB-API cursor
(`register.services.raw_read.fetch_all`, Django's error translation, query logging while
queries are logged), each column goes through the converters a queryset applies, and the
instance comes from `Model.from_db`, as a queryset makes it: the result equals
`Model.objects.filter(**{key: value}).first()` for a unique key.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from privacydesk.register.services import raw_read

M = TypeVar("M", bound=Model)
_SQL: dict[tuple[str, str, str], tuple[str, list[Any]]] = {}


def load_one(model: type[M], key: str, value: Any) -> M | None:
    """The `model` row whose unique field `key` equals `value`, else None. A value the
    field cannot hold (e.g. a malformed UUID) raises ValidationError as the ORM would."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = model._meta.concrete_fields
    entry = _SQL.get((db.vendor, model._meta.label_lower, key))
    if entry is None:
        q = db.ops.quote_name
        column: Any = model._meta.get_field(key)
        sql = (f"SELECT {', '.join(q(f.column) for f in fields)} "  # noqa: S608
               f"FROM {q(model._meta.db_table)} WHERE {q(column.column)} = %s")
        entry = _SQL[(db.vendor, model._meta.label_lower, key)] = (
            sql, raw_read.converters(model, [f.name for f in fields], db))
    field: Any = model._meta.get_field(key)
    rows = raw_read.fetch_all(entry[0], (field.get_db_prep_value(value, db),), db)
    if not rows:
        return None
    values = raw_read.convert(rows[:1], entry[1], db)[0]
    return model.from_db(db.alias, [f.attname for f in fields], values)
