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

from privacydesk.register.models import Person
from privacydesk.register.services import raw_read
from privacydesk.requests.models import DataSubjectRequest

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


_CANONICAL_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_JOINED: dict[str, tuple[str, list[Any]]] = {}


def request_and_person(uid: Any) -> tuple[DataSubjectRequest | None, Person | None]:
    """The request with this uid (None if there is none) and the person its `person_ref`
    names, read in one SELECT: on PostgreSQL every statement is a round trip, and the
    report endpoint needs both (bench/bench_requests.py). The person comes back only when
    the ref is in the canonical form `str(uuid)` writes and a person has it; otherwise None,
    and `actions.person_of` loads it as before (its rules and errors unchanged). Both
    instances equal `load_one`'s (`Model.from_db`, every column converted alike)."""
    db = connections[DEFAULT_DB_ALIAS]
    return request_and_person_from(raw_read.fetch_all(*request_statement(uid), db))


def request_statement(uid: Any) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of `request_and_person` for `uid`: (sql, params); a caller may run it
    with other reads (the report endpoint: with the token) and finish with
    `request_and_person_from`."""
    db = connections[DEFAULT_DB_ALIAS]
    field: Any = DataSubjectRequest._meta.get_field("uid")
    return _joined(db)[0], (field.get_db_prep_value(uid, db),)


def _joined(db: Any) -> tuple[str, list[Any]]:
    entry = _JOINED.get(db.vendor)
    if entry is None:
        entry = _JOINED[db.vendor] = _joined_sql(db)
    return entry


def request_and_person_from(rows: list[tuple[Any, ...]]
                            ) -> tuple[DataSubjectRequest | None, Person | None]:
    """`request_and_person` from the rows of `request_statement`."""
    db = connections[DEFAULT_DB_ALIAS]
    plan = _joined(db)[1]
    if not rows:
        return None, None
    split = len(DataSubjectRequest._meta.concrete_fields)
    values = raw_read.convert(rows[:1], plan, db)[0]
    found = DataSubjectRequest.from_db(
        db.alias, [f.attname for f in DataSubjectRequest._meta.concrete_fields], values[:split])
    if values[split] is None:
        return found, None
    person = Person.from_db(db.alias, [f.attname for f in Person._meta.concrete_fields],
                            values[split:])
    return found, person if str(person.ref) == found.person_ref else None


def _joined_sql(db: Any) -> tuple[str, list[Any]]:
    q = db.ops.quote_name
    requests, people = DataSubjectRequest._meta.concrete_fields, Person._meta.concrete_fields
    ref = f"r.{q('person_ref')}"
    # The person's ref as stored: PostgreSQL's uuid (cast only what is surely one, so a
    # malformed ref reads as no person instead of failing), SQLite's 32 hex digits.
    match = (f"CASE WHEN {ref} ~ '{_CANONICAL_UUID}' THEN CAST({ref} AS uuid) END"
             if db.vendor == "postgresql" else f"REPLACE({ref}, '-', '')")
    sql = (f"SELECT {', '.join(f'r.{q(f.column)}' for f in requests)}, "  # noqa: S608
           f"{', '.join(f'p.{q(f.column)}' for f in people)} "
           f"FROM {q(DataSubjectRequest._meta.db_table)} r "
           f"LEFT JOIN {q(Person._meta.db_table)} p ON p.{q('ref')} = {match} "
           f"WHERE r.{q('uid')} = %s")
    split = len(requests)
    plan = raw_read.converters(DataSubjectRequest, [f.name for f in requests], db) + [
        (split + i, funcs, col) for i, funcs, col
        in raw_read.converters(Person, [f.name for f in people], db)]
    return sql, plan
