"""The fast path of `read_person`: one person's rows straight from the DB-API cursor.

The access report reads a whole person per request, and Django's query compilation costs
about twenty times the database work for that shape (bench/bench_requests.py). Here each
datum table is read by one prepared SELECT on the DB-API connection (the agreements'
references looked up after), each value goes through the same converters Django applies, and the
sealed fields open with the same AAD as `SealedMixin.get_secret` ("<label>:<person ref>").
The result equals what the ORM would load; `read_person` keeps every rule and the audit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from privacydesk.rawsql import Converter, convert, converters, fetch_all
from privacydesk.register.fields import plain_fields, sealed_fields
from privacydesk.register.models import (
    DATUM_MODELS,
    Agreement,
    AgreementParty,
    Organisation,
    Role,
)
from privacydesk.vault import crypto
from privacydesk.vault.models import sealed_aad_for

# The columns every datum row is read with, after its plain fields.
COMMON = ("id", "source", "purpose", "legal_basis", "created_at", "updated_at",
          "delete_after", "restricted")


@dataclass(frozen=True)
class _Branch:
    """One category's part of the union: its plain fields' slots and its converters."""

    category: str
    label: str
    plain: tuple[tuple[str, int], ...]  # (field name, slot in the row)
    sealed: bool
    # (slot, converter, expression): each column's converters in turn, one step each.
    steps: tuple[tuple[int, Converter, Any], ...]


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


# Row layout: category number, the COMMON columns, agreement id, agreement reference,
# key id, ciphertext, then one slot per plain field of every category (NULL elsewhere).
_FIXED = 1 + len(COMMON) + 4
_UNION: dict[str, tuple[str, list[_Branch]]] = {}


def _column(model: type[Model], name: str) -> str:
    field: Any = model._meta.get_field(name)
    return str(field.column)


def _null(model: type[Model], name: str, db: BaseDatabaseWrapper, typed: bool) -> str:
    field: Any = model._meta.get_field(name)
    return f"CAST(NULL AS {field.db_type(db)})" if typed else "NULL"


def _union(db: BaseDatabaseWrapper) -> tuple[str, list[_Branch]]:
    """One SELECT ... UNION ALL ... over every datum table, and how to read its rows."""
    found = _UNION.get(db.vendor)
    if found is not None:
        return found
    q = db.ops.quote_name
    slots: list[tuple[str, str]] = [(c, f) for c, m in DATUM_MODELS.items()
                                    for f in plain_fields(c)]
    # PostgreSQL types an untyped NULL column of a union as text; name the real type.
    typed = db.vendor == "postgresql"
    sealed_model = next(m for c, m in DATUM_MODELS.items() if sealed_fields(c))
    null = {f"{c}.{f}": _null(DATUM_MODELS[c], f, db, typed) for c, f in slots}
    null.update({n: _null(sealed_model, n, db, typed) for n in ("key_id", "ciphertext")})
    # On PostgreSQL planning seven agreement joins cost twice the whole union (1M people:
    # 2.8 vs 1.2 ms), so `datum_rows` looks the references up after; SQLite joins cheaply.
    joined = db.vendor == "sqlite"
    reference_slot = f"a.{q('reference')}" if joined else _null(Agreement, "reference", db,
                                                                 typed)
    join = (f" LEFT JOIN {q(Agreement._meta.db_table)} a ON a.{q('id')} = d.{q('agreement_id')}"
            if joined else "")
    selects, branches = [], []
    for number, (category, model) in enumerate(DATUM_MODELS.items()):
        sealed = bool(sealed_fields(category))
        cols = [str(number), *(f"d.{q(_column(model, n))}" for n in COMMON),
                f"d.{q('agreement_id')}", reference_slot,
                f"d.{q('key_id')}" if sealed else null["key_id"],
                f"d.{q('ciphertext')}" if sealed else null["ciphertext"]]
        cols += [f"d.{q(_column(model, f))}" if c == category else null[f"{c}.{f}"]
                 for c, f in slots]
        selects.append(f"SELECT {', '.join(cols)} "  # noqa: S608
                       f"FROM {q(model._meta.db_table)} d{join} "
                       f"WHERE d.{q('person_id')} = %s")
        plain = tuple((f, _FIXED + i) for i, (c, f) in enumerate(slots) if c == category)
        names = [*COMMON, *(f for f, _ in plain)]
        where = [*range(1, 1 + len(COMMON)), *(i for _, i in plain)]
        steps = tuple((where[i], func, col) for i, funcs, col in converters(model, names, db)
                      for func in funcs)
        branches.append(_Branch(category, model._meta.label_lower, plain, sealed, steps))
    # No ORDER BY: `datum_fields` sorts the few rows by (category, id) itself, cheaper than
    # SQLite's temporary sort B-tree (bench/: 12 of the union's 60 µs).
    found = _UNION[db.vendor] = (" UNION ALL ".join(selects), branches)
    return found


Statement = tuple[str, tuple[Any, ...]]


def datum_statement(person_id: int, db: BaseDatabaseWrapper) -> Statement:
    """The datum UNION of `person_id`: (sql, params), for `datums_from`."""
    sql, branches = _union(db)
    return sql, (person_id,) * len(branches)


def reference_statement(person_id: int, db: BaseDatabaseWrapper) -> Statement | None:
    """PostgreSQL: the references of the person's agreements (as a party), which cover
    the data's agreements in practice, read alongside the union instead of after it
    (`datums_from` looks up any other); None elsewhere (SQLite joins them in the union)."""
    if db.vendor == "sqlite":
        return None
    q = db.ops.quote_name
    return (f"SELECT a.{q('id')}, a.{q('reference')} "  # noqa: S608
            f"FROM {q(AgreementParty._meta.db_table)} p JOIN {q(Agreement._meta.db_table)} a "
            f"ON a.{q('id')} = p.{q('agreement_id')} WHERE p.{q('person_id')} = %s",
            (person_id,))


def datum_rows(person_id: int, ref: str, categories: Sequence[str] | None = None
               ) -> dict[str, list[DatumRow]]:
    """Every datum of the person by category (in `DATUM_MODELS` order, by id), sealed
    fields decrypted; only `categories` when given. One SELECT (a UNION ALL of the
    category tables). DecryptionError if a value was altered or moved to another person
    (AAD), as `get_secret` would raise."""
    db = connections[DEFAULT_DB_ALIAS]
    return datums_from(fetch_all(*datum_statement(person_id, db), db), ref, categories, db)


def datums_from(raws: list[tuple[Any, ...]], ref: str, categories: Sequence[str] | None,
                db: BaseDatabaseWrapper, references: dict[int, str] | None = None
                ) -> dict[str, list[DatumRow]]:
    """`datum_rows` from the rows of `datum_statement` (see `datum_fields`)."""
    found: dict[str, list[DatumRow]] = {}
    for fields in datum_fields(raws, ref, categories, db, references):
        found.setdefault(fields[0], []).append(DatumRow(*fields))
    return found


def datum_fields(raws: list[tuple[Any, ...]], ref: str, categories: Sequence[str] | None,
                 db: BaseDatabaseWrapper, references: dict[int, str] | None = None
                 ) -> list[tuple[Any, ...]]:
    """The rows of `datum_statement` as `DatumRow`'s fields, in `DatumRow`'s order, sorted
    by category (`DATUM_MODELS` order) and id, sealed values decrypted, only `categories`
    when given; for callers that build their own views of them (`read_person`). On
    PostgreSQL the agreements' references come from `references` (id -> reference), any
    other looked up (one SELECT). DecryptionError as `datum_rows`."""
    _, branches = _union(db)
    wanted = None if categories is None else frozenset(categories)
    found: list[tuple[Any, ...]] = []
    for raw in sorted(raws, key=_BY_CATEGORY_AND_ID):
        branch = branches[raw[0]]
        if wanted is not None and branch.category not in wanted:
            continue
        row = list(raw)
        for i, func, col in branch.steps:
            row[i] = func(row[i], col, db)
        values = {name: row[i] for name, i in branch.plain}
        if branch.sealed:
            values.update(json.loads(crypto.unseal(
                row[11], row[12], aad=sealed_aad_for(branch.label, ref))))
        found.append((branch.category, row[1], values, row[2], row[3], row[4], row[5],
                      row[6], row[7], row[8], row[9], row[10]))
    if db.vendor != "sqlite":
        return _with_references(found, db, references or {})
    return found


_BY_CATEGORY_AND_ID = itemgetter(0, 1)


def _with_references(found: list[tuple[Any, ...]], db: BaseDatabaseWrapper,
                     known: dict[int, str]) -> list[tuple[Any, ...]]:
    """`found` with each row's agreement reference (its last field) from `known`, else
    from one SELECT of the rest (only if a row has an agreement that `known` lacks)."""
    ids = sorted({r[10] for r in found if r[10] is not None and r[10] not in known})
    references = dict(known)
    if ids:
        q = db.ops.quote_name
        marks = ", ".join(["%s"] * len(ids))
        references.update(fetch_all(
            f"SELECT {q('id')}, {q('reference')} FROM {q(Agreement._meta.db_table)} "  # noqa: S608
            f"WHERE {q('id')} IN ({marks})", ids, db, prepare=False))
    return [(*r[:11], references.get(r[10])) if r[10] is not None else r for r in found]


_ROLE_SQL: dict[str, tuple[str, list[tuple[int, list[Converter], Any]]]] = {}


def role_statement(person_id: int, db: BaseDatabaseWrapper) -> Statement:
    """The SELECT of the person's roles: (sql, params), for `roles_from`."""
    return _role_sql(db)[0], (person_id,)


def role_rows(person_id: int) -> list[list[Any]]:
    """The person's roles as [kind, organisation id, started_on, ended_on, organisation
    name], in the model's order (started_on, id)."""
    db = connections[DEFAULT_DB_ALIAS]
    return roles_from(fetch_all(*role_statement(person_id, db), db), db)


def roles_from(rows: list[tuple[Any, ...]], db: BaseDatabaseWrapper) -> list[list[Any]]:
    """`role_rows` from the rows of `role_statement` (which come with the role's id last,
    unordered: a person has a role or two, and SQLite's sorter cost a third of the
    SELECT; started_on is never NULL, so Python's order is ORDER BY started_on, id)."""
    converted = convert(rows, _role_sql(db)[1], db)
    if len(converted) > 1:
        converted.sort(key=_BY_START_AND_ID)
    return [r[:5] for r in converted]


_BY_START_AND_ID = itemgetter(2, 5)


def _role_sql(db: BaseDatabaseWrapper) -> tuple[str, list[tuple[int, list[Converter], Any]]]:
    entry = _ROLE_SQL.get(db.vendor)
    if entry is None:
        q = db.ops.quote_name
        names = ["kind", "organisation", "started_on", "ended_on"]
        sql = (f"SELECT r.{q('kind')}, r.{q('organisation_id')}, r.{q('started_on')}, "  # noqa: S608
               f"r.{q('ended_on')}, o.{q('name')}, r.{q('id')} FROM {q(Role._meta.db_table)} r "
               f"LEFT JOIN {q(Organisation._meta.db_table)} o "
               f"ON o.{q('id')} = r.{q('organisation_id')} WHERE r.{q('person_id')} = %s")
        entry = _ROLE_SQL[db.vendor] = (sql, converters(Role, names, db))
    return entry


@dataclass(frozen=True)
class DecisionRow:
    """What a retention decision needs of one datum (retention.services.DECISION_FIELDS)."""

    category: str
    id: int
    purpose: str
    legal_basis: str
    agreement_id: int | None
    created_at: Any
    delete_after: Any


_DECISIONS: dict[str, tuple[str, list[tuple[int, list[Converter], Any]]]] = {}


def decision_rows(person_id: int) -> dict[str, list[DecisionRow]]:
    """The person's data by category (in `DATUM_MODELS` order) with just the columns a
    retention decision needs; one SELECT (a UNION ALL of the category tables), nothing
    decrypted. For the erasure engine, inside its transaction."""
    db = connections[DEFAULT_DB_ALIAS]
    entry = _DECISIONS.get(db.vendor)
    categories = list(DATUM_MODELS)
    if entry is None:
        q = db.ops.quote_name
        names = ["id", "purpose", "legal_basis", "agreement", "created_at", "delete_after"]
        selects = [f"SELECT {number}, "  # noqa: S608
                   f"{', '.join(q(_column(model, n)) for n in names)} "
                   f"FROM {q(model._meta.db_table)} WHERE {q('person_id')} = %s"
                   for number, model in enumerate(DATUM_MODELS.values())]
        # Every category has the same columns, so the Name model's converters serve all.
        plan = [(i + 1, funcs, col) for i, funcs, col in
                converters(DATUM_MODELS[categories[0]], names, db)]
        entry = _DECISIONS[db.vendor] = (" UNION ALL ".join(selects) + " ORDER BY 1, 2", plan)
    sql, plan = entry
    found: dict[str, list[DecisionRow]] = {}
    for row in convert(fetch_all(sql, (person_id,) * len(categories), db), plan, db):
        category = categories[row[0]]
        found.setdefault(category, []).append(DecisionRow(category, *row[1:]))
    return found

