"""The SQL connector (#16.2): a declared dataset in PostgreSQL or MariaDB/MySQL.

SQLAlchemy Core 2.0, no ORM, over `postgresql+psycopg://` and `mysql+pymysql://` (or
`mariadb+pymysql://`) URLs. The dataset (docs/connectors/sql.md, parsed by `_sql_dataset`)
names the tables, keys, categories, identity and free-text columns, foreign keys and what
erasure does per table. The real schema is reflected at the first call (and by `ping`) and a
dataset that names a missing table or column is refused ("misdeclared").

Every value is a bound parameter; identifiers come from the declaration only after the
reflected schema confirmed them. Every connection has the connection's timeout (connect and
statement). Each method uses its own short-lived connection (no pool): an idle connector
holds nothing open on the system.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import (
    Column,
    ColumnElement,
    Engine,
    MetaData,
    String,
    Table,
    and_,
    create_engine,
    delete,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy import Connection as SqlConnection
from sqlalchemy import exc as sqlexc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from privacydesk.exports import csvsafe
from privacydesk.policy import clock
from privacydesk.systems.connector import (
    Connection,
    ConnectorError,
    Export,
    Outcome,
    Record,
    Sample,
    Subject,
    check_host,
    normal_identity,
    redact,
)
from privacydesk.systems.connectors import _sql_text as text
from privacydesk.systems.connectors._sql_dataset import (
    ColumnFacts,
    ColumnSpec,
    Dataset,
    TableSpec,
    check_against,
    parse,
)
from privacydesk.systems.connectors._sql_errors import translate

#: The drivers this connector speaks (both installed with privacydesk).
DRIVERS = ("postgresql+psycopg", "mysql+pymysql", "mariadb+pymysql")

#: URL query parameters that would send the driver to another host than the URL's own
#: (libpq's host list and service file, PyMySQL's socket and option files).
_HOST_PARAMETERS = ("host", "hostaddr", "unix_socket", "service", "read_default_file",
                    "read_default_group")

#: How much of a free-text value a Record's fields show (the contract: 200 characters).
_FIELD_CUT = 200

#: The separators stripped before phone digits are compared in the database.
_PHONE_SEPARATORS = (" ", "-", ".", "(", ")", "/", "+")

_IN_TEXT = " in text"

#: A row as SQLAlchemy returns it (column name -> value).
_Row = Mapping[Any, Any]

#: Rows found in a table: key -> (row, the identities that matched it); and per table.
_Rows = dict[tuple[Any, ...], tuple[_Row, set[str]]]
_Found = dict[str, _Rows]

#: The identities that name one person (not a name, which many share, nor a mention in
#: text): a row found by one of these is hers, so the other identities it holds are hers too.
_STRONG = frozenset({"email", "customer_number", "employee_number", "external_id"})

#: The label of the newest date of the rows that date a row (`dated_by`) in a query's row.
_NEWEST = "privacydesk_newest"

#: The identity kinds a record hands on to the other systems (`Record.identities`).
_HANDED_ON = ("email", "phone", "customer_number", "employee_number", "external_id")


@dataclass(frozen=True)
class _Keep:
    """What the law keeps in this system (R3): the policy categories of its rule and the
    law's words."""

    categories: frozenset[str]
    reason: str


def connect(connection: Connection) -> SqlConnector:
    """Build the connector: check the dataset's shape, the URL's driver and host; no network
    call (the schema is reflected at the first use)."""
    dataset = parse(connection.system_id, connection.dataset)
    check_host(connection)
    try:
        url = make_url(connection.url)
    except sqlexc.ArgumentError:
        raise ConnectorError("unsupported", redact(
            f"{connection.system_id}: the connection URL is not a database URL",
            connection.url)) from None
    if url.drivername not in DRIVERS:
        raise ConnectorError("unsupported",
                             f"{connection.system_id}: driver {url.drivername} is not one of "
                             f"{', '.join(DRIVERS)}")
    for name in _HOST_PARAMETERS:
        if name in url.query:
            # The query would route around check_host (libpq's ?host=, PyMySQL's socket).
            raise ConnectorError("forbidden_host",
                                 f"{connection.system_id}: the URL parameter {name} is not "
                                 f"allowed; name the host in the URL itself")
    timeout = max(connection.timeout, 0.1)
    if url.drivername.startswith("postgresql"):
        # The URL's own ?options= (a search_path) are kept; the statement timeout follows.
        given = url.query.get("options", "")
        given = given if isinstance(given, str) else " ".join(given)
        connect_args: dict[str, Any] = {
            "connect_timeout": max(1, math.ceil(timeout)),
            "options": f"{given} -c statement_timeout={int(timeout * 1000)}".strip(),
        }
    else:
        connect_args = {"connect_timeout": timeout, "read_timeout": timeout,
                        "write_timeout": timeout}
    engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
    return SqlConnector(connection, dataset, engine)


class SqlConnector:
    """A declared SQL dataset (the `Connector` protocol). Not thread-safe for `close`;
    every other method may run in parallel with another connector's."""

    def __init__(self, connection: Connection, dataset: Dataset, engine: Engine) -> None:
        self.system_id = connection.system_id
        self._url = connection.url
        self._dataset = dataset
        self._engine = engine
        self._tables: dict[str, Table] | None = None
        self._keep: _Keep | None = None

    def keeping(self, categories: Collection[str], reason: str) -> SqlConnector:
        """This connector in a system the law keeps (archive-only, R3), where the law keeps
        only `categories` (the policy categories of the system's retention rule) for the
        reason `reason` (the law). Then `erase` keeps a row that holds a kept category and
        empties its columns of every other category (C2: only what the law requires is
        kept; identities without a category, a customer number, stay to find it again);
        `find` marks a row `kept` once it holds nothing else; `expire` — the law's period
        has passed — gives every row its table's action, an `archive_only` table its
        `expire` action. The connector itself is not changed."""
        kept = copy.copy(self)
        kept._keep = _Keep(frozenset(categories), reason)
        kept._tables = None   # reflected and checked again: what it must empty may differ
        return kept

    # -- plumbing ------------------------------------------------------------------------

    def close(self) -> None:
        """Drop the engine (no connection stays open; NullPool holds none)."""
        self._engine.dispose()

    def _reflect(self, conn: SqlConnection) -> dict[str, Table]:
        schema = self._dataset.schema or None
        inspector = inspect(conn)
        present = set(inspector.get_table_names(schema=schema))
        wanted = [name for name in self._dataset.tables if name in present]
        metadata = MetaData(schema=schema)
        metadata.reflect(bind=conn, only=wanted)
        tables = {name: metadata.tables[f"{schema}.{name}" if schema else name]
                  for name in wanted}
        facts = {name: {c.name: ColumnFacts(bool(c.nullable), isinstance(c.type, String))
                        for c in table.columns} for name, table in tables.items()}
        check_against(self.system_id, self._dataset, facts,
                      self._keep.categories if self._keep is not None else None)
        return tables

    def _schema(self, conn: SqlConnection) -> dict[str, Table]:
        if self._tables is None:
            self._tables = self._reflect(conn)
        return self._tables

    @contextmanager
    def _session(self, doing: str) -> Iterator[SqlConnection]:
        """A connection of its own; a database failure while `doing` is a ConnectorError."""
        try:
            conn = self._engine.connect()
        except Exception as error:  # noqa: BLE001 - a driver choking on a non-database
            # answer raises what it likes (struct.error, UnicodeDecodeError): all are a
            # ConnectorError of their kind, "garbage" when nothing better is known.
            raise translate(error, self.system_id, self._url, "connect") from None
        with conn:
            try:
                yield conn
            except sqlexc.SQLAlchemyError as error:
                raise translate(error, self.system_id, self._url, doing) from None

    # -- the contract --------------------------------------------------------------------

    def ping(self) -> None:
        """Connect, reflect the schema again and check the dataset against it."""
        with self._session("ping") as conn:
            conn.execute(select(1)).scalar_one()
            self._tables = self._reflect(conn)

    def find(self, subject: Subject) -> list[Record]:
        """Return the person's rows: matched by an identity column, rows of declared child
        tables that reference those (matched_by "via <table>"), and rows whose free text
        names the person ("name in text", "email in text", "phone in text")."""
        wanted = _Wanted(subject)
        if wanted.empty:
            return []
        found: _Found = {}
        records: list[Record] = []
        with self._session("find") as conn:
            tables = self._schema(conn)
            for name, spec in self._dataset.tables.items():
                table = tables[name]
                condition = _candidates(table, spec, wanted)
                if condition is None:
                    continue
                for row in conn.execute(select(table).where(condition)).mappings():
                    labels = _labels(row, spec, wanted)
                    if labels:
                        found.setdefault(name, {})[_key_of(row, spec)] = (row, labels)
            self._follow_references(conn, tables, found)
            for name, rows in found.items():
                spec = self._dataset.tables[name]
                if spec.dated_by:
                    rows = self._dated(conn, tables, spec, rows)
                records.extend(self._record(spec, key, row, labels, wanted)
                               for key, (row, labels) in rows.items())
        return records

    def export(self, records: Sequence[Record]) -> list[Export]:
        """Return one CSV per table (`<system>-<table>.csv`, cells safe for spreadsheets)
        and one JSON file of every row (`<system>.json`), values as stored."""
        by_table = self._group(records)
        rows: dict[str, list[dict[str, Any]]] = {}
        with self._session("export") as conn:
            tables = self._schema(conn)
            for name, keys in by_table.items():
                table, spec = tables[name], self._dataset.tables[name]
                columns = spec.named
                for key in keys:
                    row = conn.execute(select(*[table.c[c] for c in columns])
                                       .where(_key_is(table, spec, key))).mappings().first()
                    if row is not None:
                        rows.setdefault(name, []).append({c: _plain(row[c]) for c in columns})
        files = []
        for name, table_rows in rows.items():
            out = StringIO()
            writer = csvsafe.DictWriter(out, fieldnames=list(table_rows[0]))
            writer.writeheader()
            writer.writerows(table_rows)
            files.append(Export(f"{self.system_id}-{name}.csv", "text/csv",
                                out.getvalue().encode("utf-8")))
        if rows:
            files.append(Export(f"{self.system_id}.json", "application/json",
                                json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8")))
        return files

    def correct(self, record: Record, field_name: str, value: str) -> Outcome:
        """Set one declared column of the record's row (Rt2). A key or foreign-key column
        cannot be corrected ("unsupported"); an archive-only table keeps its row ("kept")."""
        name, key = self._locate(record.locator)
        spec = self._dataset.tables[name]
        column = spec.columns.get(field_name)
        if column is None or field_name in spec.key or column.references:
            raise ConnectorError("unsupported",
                                 f"{self.system_id}: {name}.{field_name} is not a declared "
                                 f"column that can be corrected")
        if spec.erase == "archive_only":
            return Outcome(self.system_id, record.locator, "kept", spec.reason)
        with self._session("correct") as conn:
            table = self._schema(conn)[name]
            stored = _stored_value(table.c[field_name], value)
            if stored is _INVALID:
                raise ConnectorError("unsupported",
                                     f"{self.system_id}: {name}.{field_name}: the new value "
                                     f"is not a {_type_word(table.c[field_name])}")
            with conn.begin():
                done = conn.execute(update(table).where(_key_is(table, spec, key))
                                    .values({field_name: stored}))
        if done.rowcount == 0:
            raise ConnectorError("unsupported",
                                 f"{self.system_id}: {record.locator} no longer exists")
        return Outcome(self.system_id, record.locator, "corrected", field_name)

    def erase(self, records: Sequence[Record], subject: Subject) -> list[Outcome]:
        """Erase the records in one transaction, children before parents. The person's own
        rows get their table's action (delete; null or anonymise the personal columns;
        archive_only: "kept" with the reason); a row a kept row still references is
        anonymised instead of deleted. A row that only mentions the person has the name,
        e-mail addresses and phone numbers scrubbed from its free text. On any failure
        nothing is changed. In a system the law keeps (`keeping`) a row holding a category the
        law keeps stays, emptied of every other category ("kept" when nothing was to empty,
        else "anonymised" naming what was emptied and what is kept)."""
        return self._erase(records, _Wanted(subject), expired=False)

    def expire(self, records: Sequence[Record]) -> list[Outcome]:
        """Retention (R1, `due`'s records, whoever they concern): as `erase` with no subject,
        every row its table's action. In a system the law keeps (`keeping`) the systems app
        hands over only records past the law's period: nothing keeps them any more, an
        `archive_only` table's rows get its `expire` action (R3: kept only as long as the law
        says). Otherwise an `archive_only` table keeps its rows ("kept")."""
        return self._erase(records, _Wanted(Subject()), expired=self._keep is not None)

    def _erase(self, records: Sequence[Record], wanted: _Wanted, *,
               expired: bool) -> list[Outcome]:
        by_locator = {r.locator: r for r in records}
        grouped = self._group(records)
        outcomes: list[Outcome] = []
        with self._session("erase (nothing was changed)") as conn:
            tables = self._schema(conn)
            with conn.begin():
                for name in self._dataset.delete_order():
                    for key in grouped.get(name, []):
                        locator = _locator(name, key)
                        outcomes.append(self._erase_row(
                            conn, tables, name, key, locator,
                            _own_labels(by_locator[locator].matched_by), wanted, expired))
        return outcomes

    def sample(self, limit: int) -> Iterator[Sample]:
        """Yield values of every column of every table in the schema (declared or not, so a
        scan sees data the declaration misses, C2), at most `limit` rows per table. Binary
        values are skipped."""
        schema = self._dataset.schema or None
        with self._session("sample") as conn:
            metadata = MetaData(schema=schema)
            metadata.reflect(bind=conn)
            for table in metadata.sorted_tables:
                for row in conn.execute(select(table).limit(limit)).mappings():
                    for column, value in row.items():
                        if value is None or isinstance(value, (bytes, memoryview)):
                            continue
                        yield Sample(f"{table.name}.{column}", str(_plain(value)))

    # -- find ----------------------------------------------------------------------------

    def _newest(self, tables: Mapping[str, Table], spec: TableSpec) -> tuple[Any, str]:
        """For a table `dated_by` another: a subquery of the newest date of that table's rows
        per value they reference (columns `ref` and _NEWEST), and the column of this table
        they reference."""
        child = self._dataset.tables[spec.dated_by]
        column, parent_column = next((c, pc) for c, parent, pc in child.references()
                                     if parent == spec.name)
        rows = tables[child.name]
        newest = (select(rows.c[column].label("ref"), func.max(rows.c[child.date]).label(_NEWEST))
                  .where(rows.c[column].is_not(None)).group_by(rows.c[column]).subquery())
        return newest, parent_column

    def _dated(self, conn: SqlConnection, tables: Mapping[str, Table], spec: TableSpec,
               rows: _Rows) -> _Rows:
        """The found rows of a table `dated_by` another, each with the newest date of the rows
        that date it (_NEWEST; one query)."""
        newest, parent_column = self._newest(tables, spec)
        values = sorted({row[parent_column] for row, _ in rows.values()
                         if row[parent_column] is not None})
        found = conn.execute(select(newest.c.ref, newest.c[_NEWEST]).where(
            newest.c.ref.in_(values))).all() if values else []
        days = {ref: day for ref, day in found}
        return {key: ({**row, _NEWEST: days.get(row[parent_column])}, labels)
                for key, (row, labels) in rows.items()}

    def _follow_references(self, conn: SqlConnection, tables: Mapping[str, Table],
                           found: _Found) -> None:
        """Add the rows of declared child tables that reference the person's own rows (an
        invoice of her customer row is hers), until nothing new is found."""
        seen: dict[tuple[str, str], set[Any]] = {}
        changed = True
        while changed:
            changed = False
            for child_name, child in self._dataset.tables.items():
                for column, parent, parent_column in child.references():
                    done = seen.setdefault((child_name, column), set())
                    values = {row[parent_column] for row, labels in found.get(parent, {})
                              .values() if _own_labels(labels)} - done - {None}
                    if not values:
                        continue
                    done |= values
                    table = tables[child_name]
                    rows = found.setdefault(child_name, {})
                    for row in conn.execute(select(table).where(
                            table.c[column].in_(sorted(values)))).mappings():
                        key = _key_of(row, child)
                        rows[key] = (row, rows.get(key, (row, set()))[1] | {f"via {parent}"})
                        changed = True

    def _record(self, spec: TableSpec, key: tuple[Any, ...], row: _Row,
                labels: set[str], wanted: _Wanted | None = None) -> Record:
        """The Record of a row; `wanted` the subject `find` looked for (None: listed by
        date for retention, where no law keeps what its period is over for)."""
        categories = sorted({c.category for c in spec.columns.values()
                             if c.personal and row[c.name] not in (None, "")})
        fields = {c: _cut(row[c]) for c in spec.named}
        dated = row[spec.date] if spec.date else row.get(_NEWEST)
        if isinstance(dated, datetime):
            # A zoned timestamp falls on the controller's calendar day (the policy's zone); a
            # column without a zone is taken as written.
            dated = clock.day_of(dated) if dated.tzinfo is not None else dated.date()
        if wanted is None:
            # R1: a row the sweep lists is judged by the law's period; once past it, nothing
            # keeps it. Without a rule of the system's own, an archive-only table keeps all.
            kept = "" if self._keep is not None or spec.erase != "archive_only" \
                else spec.reason
            identities: dict[str, tuple[str, ...]] = {}
        else:
            kept = self._kept(spec, row)
            identities = _identities(row, spec, labels, wanted)
        return Record(self.system_id, _locator(spec.name, key), spec.kind, tuple(categories),
                      fields, tuple(sorted(labels)),
                      dated if isinstance(dated, date) else None, kept, identities)

    def _kept(self, spec: TableSpec, row: _Row) -> str:
        """Why the law keeps this row where it is (R3), "" when nothing does: an
        `archive_only` table's reason; in a system the law keeps (`keeping`), a row that
        holds only what the law keeps — a row still holding another category is erasable."""
        keep = self._keep
        if keep is None:
            return spec.reason if spec.erase == "archive_only" else ""
        categories = {c.category for c in spec.columns.values()
                      if c.personal and _filled(row, spec, c, self._dataset.placeholder)}
        if any(c not in keep.categories for c in categories):
            return ""
        if spec.erase == "archive_only":
            return spec.reason
        return keep.reason if categories else ""

    # -- erase ---------------------------------------------------------------------------

    def _erase_row(self, conn: SqlConnection, tables: Mapping[str, Table], name: str,
                   key: tuple[Any, ...], locator: str, own: bool, wanted: _Wanted,
                   expired: bool) -> Outcome:
        spec, table = self._dataset.tables[name], tables[name]
        action = spec.action(expired=expired)
        keep = None if expired else self._keep
        if action == "archive_only" and (keep is None or not own):
            return Outcome(self.system_id, locator, "kept", spec.reason)
        row = conn.execute(select(table).where(_key_is(table, spec, key))).mappings().first()
        if row is None:
            return Outcome(self.system_id, locator, "deleted", "already gone")
        if keep is not None and own and (action == "archive_only"
                                         or _holds(row, spec, keep.categories,
                                                   self._dataset.placeholder)):
            return self._keep_row(conn, table, spec, key, locator, row, keep)
        values: dict[str, Any] = self._scrubbed(row, spec, wanted)
        if not own:
            if values:
                conn.execute(update(table).where(_key_is(table, spec, key)).values(values))
            return Outcome(self.system_id, locator, "anonymised",
                           "mentions removed from " + ", ".join(sorted(values)))
        holders = self._referencing(conn, tables, name, row) if action == "delete" else []
        if action == "delete" and not holders:
            conn.execute(delete(table).where(_key_is(table, spec, key)))
            return Outcome(self.system_id, locator, "deleted")
        # The personal columns: NULL for 'null'; anonymised otherwise (also a row a kept
        # row still references, which 'delete' cannot remove).
        values.update({c.name: None if action == "null" else self._blank(c, table, key)
                       for c in spec.columns.values()
                       if c.emptied and c.name not in spec.key and row[c.name] is not None})
        if values:
            conn.execute(update(table).where(_key_is(table, spec, key)).values(values))
        return Outcome(self.system_id, locator, "anonymised",
                       f"not deleted: still referenced by {', '.join(holders)}" if holders
                       else ", ".join(sorted(values)))

    def _keep_row(self, conn: SqlConnection, table: Table, spec: TableSpec,
                  key: tuple[Any, ...], locator: str, row: _Row, keep: _Keep) -> Outcome:
        """C2/R3: the row stays with what the law keeps; every column of another category is
        emptied (NULL where allowed, else its placeholder, else the dataset's for text).
        Identities without a category (a customer number) and references stay: the kept row
        is found again by them."""
        values = {c.name: self._blank(c, table, key) for c in spec.columns.values()
                  if c.personal and c.category not in keep.categories and not c.references
                  and c.name not in spec.key and row[c.name] not in (None, "")}
        kept = sorted({c.category for c in spec.columns.values()
                       if c.personal and c.category in keep.categories
                       and row[c.name] not in (None, "")})
        reason = spec.reason if spec.erase == "archive_only" else keep.reason
        if not values:
            return Outcome(self.system_id, locator, "kept", reason)
        conn.execute(update(table).where(_key_is(table, spec, key)).values(values))
        return Outcome(self.system_id, locator, "anonymised",
                       f"{', '.join(sorted(values))} emptied; kept "
                       f"{', '.join(kept) or 'the record'} ({reason})")

    def _referencing(self, conn: SqlConnection, tables: Mapping[str, Table], name: str,
                     row: _Row) -> list[str]:
        """The declared tables whose rows still reference `row` (after this transaction's
        deletes of children)."""
        holders = []
        for child_name, child in self._dataset.tables.items():
            for column, parent, parent_column in child.references():
                if parent != name or row[parent_column] is None:
                    continue
                child_table = tables[child_name]
                count = conn.execute(select(func.count()).select_from(child_table).where(
                    child_table.c[column] == row[parent_column])).scalar_one()
                if count:
                    holders.append(child_name)
        return holders

    def _blank(self, column: ColumnSpec, table: Table, key: tuple[Any, ...]) -> str | None:
        """An anonymised column's value: its placeholder ("{key}" the row's key), else NULL
        where allowed, else the dataset's placeholder (text: check_against refused a NOT NULL
        column of another type)."""
        db_column = table.c[column.name]
        if column.placeholder is not None:
            return _fit(column.placeholder.replace("{key}", ",".join(str(k) for k in key)),
                        db_column)
        return None if db_column.nullable else _fit(self._dataset.placeholder, db_column)

    def _scrubbed(self, row: _Row, spec: TableSpec,
                  wanted: _Wanted) -> dict[str, str]:
        values = {}
        for column in spec.free_text:
            current = row[column]
            if not isinstance(current, str):
                continue
            cleaned = text.scrub(current, wanted.text_name, wanted.emails, wanted.phones,
                                 self._dataset.placeholder)
            if cleaned != current:
                values[column] = cleaned
        return values

    # -- locators ------------------------------------------------------------------------

    def _locate(self, locator: str) -> tuple[str, tuple[str, ...]]:
        name, _, rest = locator.partition("/")
        spec = self._dataset.tables.get(name)
        if spec is None or not rest:
            raise ConnectorError("unsupported",
                                 f"{self.system_id}: {locator!r} is not a record of this system")
        key = tuple(unquote(part) for part in rest.split(","))
        if len(key) != len(spec.key):
            raise ConnectorError("unsupported",
                                 f"{self.system_id}: {locator!r} does not give the key of "
                                 f"{name}")
        return name, key

    def _group(self, records: Sequence[Record]) -> dict[str, list[tuple[str, ...]]]:
        grouped: dict[str, list[tuple[str, ...]]] = {}
        for record in records:
            if record.system != self.system_id:
                raise ConnectorError("unsupported", f"{self.system_id}: record "
                                                    f"{record.locator} is of {record.system}")
            name, key = self._locate(record.locator)
            if key not in grouped.setdefault(name, []):
                grouped[name].append(key)
        return grouped

    # -- retention (R1, #16.3; privacydesk.systems.retaining) -----------------------------

    def due(self, before: date) -> list[Record]:
        """Retention: the rows of every table with a declared `date` column dated before
        `before` that still hold personal data (`matched_by` ("retention",), so `erase` with
        an empty Subject gives each its table's action). A row an erasure already emptied
        or anonymised is not listed again; archive-only tables are listed (erase keeps them,
        R3). Values are bound parameters; the date column is compared in the database."""
        records: list[Record] = []
        with self._session("due") as conn:
            tables = self._schema(conn)
            for name, spec in self._dataset.tables.items():
                table = tables[name]
                if spec.date:
                    query = select(table).where(table.c[spec.date] < before)
                elif spec.dated_by:
                    # R1: a customer row goes with its last invoice (a row nothing dates is
                    # not listed).
                    newest, parent_column = self._newest(tables, spec)
                    query = (select(table, newest.c[_NEWEST])
                             .join(newest, newest.c.ref == table.c[parent_column])
                             .where(newest.c[_NEWEST] < before))
                else:
                    continue
                query = query.order_by(*[table.c[k] for k in spec.key])
                for row in conn.execute(query).mappings():
                    if _holds_personal(row, spec, self._dataset.placeholder):
                        records.append(self._record(spec, _key_of(row, spec), row,
                                                    {"retention"}))
        return records


def _holds(row: _Row, spec: TableSpec, categories: frozenset[str], placeholder: str) -> bool:
    """Whether `row` holds a value of one of `categories` (not a placeholder)."""
    return any(c.personal and c.category in categories and _filled(row, spec, c, placeholder)
               for c in spec.columns.values())


def _identities(row: _Row, spec: TableSpec, labels: set[str],
                wanted: _Wanted) -> dict[str, tuple[str, ...]]:
    """The identities this row holds beyond the ones looked for (#16: other systems are
    searched by them too) — only for a row found by an identity that names one person
    (e-mail, a number), never by a name or a mention in text, which could be someone else's
    row."""
    if not labels & _STRONG:
        return {}
    searched = {"email": set(wanted.emails), "phone": set(wanted.e164),
                **{kind: set(values) for kind, values in wanted.ids.items()}}
    found: dict[str, dict[str, None]] = {}   # per kind, its new values in order, once
    for column in spec.columns.values():
        if column.identity not in _HANDED_ON:
            continue
        value = normal_identity(column.identity, row[column.name])
        if value and value not in searched.get(column.identity, set()):
            found.setdefault(column.identity, {})[value] = None
    return {kind: tuple(values) for kind, values in found.items()}


def _filled(row: _Row, spec: TableSpec, column: ColumnSpec, placeholder: str) -> bool:
    """Whether `column` of `row` holds a value other than NULL, "" or its anonymisation
    placeholder."""
    value = row[column.name]
    if value is None or value == "" or value == placeholder:
        return False
    key_text = ",".join(str(row[k]) for k in spec.key)
    return column.placeholder is None or value != column.placeholder.replace("{key}",
                                                                             key_text)


def _holds_personal(row: _Row, spec: TableSpec, placeholder: str) -> bool:
    """Whether an erasure would still empty something in `row`: a personal or identity
    column holding a value other than NULL, "" or its anonymisation placeholder."""
    return any(_filled(row, spec, column, placeholder) for column in spec.columns.values()
               if column.emptied and column.name not in spec.key)


class _Wanted:
    """The subject, normalised for matching."""

    def __init__(self, subject: Subject) -> None:
        self.name = " ".join(subject.name.split())
        # Free text is searched for a whole name only: "Olaf" alone would name every Olaf.
        self.text_name = self.name if len(self.name.split()) >= 2 else ""
        self.emails = tuple(sorted({e.strip().lower() for e in subject.emails if e.strip()}))
        phones = [text.phone(p) for p in subject.phones]
        self.phones = tuple(p for p in phones if p is not None)
        self.e164 = tuple(normal_identity("phone", p) for p in subject.phones)
        self.addresses = tuple(
            (pc.replace(" ", "").upper(), number.strip().lower())
            for pc, _, number in (a.strip().partition(" ")
                                  for a in subject.postcode_house_numbers) if pc and number)
        self.ids = {kind: tuple(v for v in values if v)
                    for kind, values in subject.ids.items()}

    @property
    def empty(self) -> bool:
        return not (self.name or self.emails or self.phones or self.addresses
                    or any(self.ids.values()))


def _digits(column: Column[Any]) -> ColumnElement[Any]:
    expression: ColumnElement[Any] = column
    for separator in _PHONE_SEPARATORS:
        expression = func.replace(expression, separator, "")
    return expression


def _python_type(column: Column[Any]) -> type | None:
    """The column's Python type; None for a type SQLAlchemy cannot name one of."""
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _typed(column: Column[Any], value: str) -> Any:
    """`value` as the column's Python type; None when it cannot be one (no match then)."""
    if _python_type(column) is int:
        return int(value) if value.isdigit() else None
    return value


def _candidates(table: Table, spec: TableSpec,
                wanted: _Wanted) -> ColumnElement[bool] | None:
    """The database's narrowing of the table to rows that may be the person's; `_labels`
    decides for each. All values are bound parameters."""
    conditions: list[ColumnElement[bool]] = []
    for column in spec.columns.values():
        c = table.c[column.name]
        if column.identity == "email" and wanted.emails:
            conditions.append(func.lower(c).in_(wanted.emails))
        elif column.identity == "phone":
            conditions.extend(_digits(c).like("%" + p.national) for p in wanted.phones)
        elif column.identity == "name" and wanted.name:
            conditions.append(func.lower(func.trim(c)) == wanted.name.lower())
        elif column.identity in wanted.ids:
            values = [v for v in (_typed(c, x) for x in wanted.ids[column.identity])
                      if v is not None]
            if values:
                conditions.append(c.in_(values))
        if column.free_text:
            words = wanted.text_name.lower().split()
            if words:
                conditions.append(and_(*[func.lower(c).contains(w, autoescape=True)
                                         for w in words]))
            conditions.extend(func.lower(c).contains(e, autoescape=True)
                              for e in wanted.emails)
            conditions.extend(_digits(c).contains(p.national, autoescape=True)
                              for p in wanted.phones)
    if spec.postcode_house_number and wanted.addresses:
        postcode, number = (table.c[n] for n in spec.postcode_house_number)
        conditions.extend(and_(func.upper(func.replace(postcode, " ", "")) == pc,
                               func.lower(func.trim(number)) == nr)
                          for pc, nr in wanted.addresses)
    return or_(*conditions) if conditions else None


def _labels(row: _Row, spec: TableSpec, wanted: _Wanted) -> set[str]:
    """Which identities match this row, decided here on the values (the database only
    narrowed): an identity kind, or "<kind> in text" for a mention in free text."""
    labels: set[str] = set()
    for column in spec.columns.values():
        value = row[column.name]
        if value is None:
            continue
        shown = str(value)
        if column.identity == "email" and shown.strip().lower() in wanted.emails:
            labels.add("email")
        elif column.identity == "phone" and text.phone_in(shown, wanted.phones):
            labels.add("phone")
        elif column.identity == "name" and wanted.name \
                and " ".join(shown.split()).lower() == wanted.name.lower():
            labels.add("name")
        elif column.identity in wanted.ids and shown in wanted.ids[column.identity]:
            labels.add(column.identity)
        if column.free_text:
            if wanted.text_name and text.name_in(shown, wanted.text_name):
                labels.add("name" + _IN_TEXT)
            if any(text.email_in(shown, e) for e in wanted.emails):
                labels.add("email" + _IN_TEXT)
            if text.phone_in(shown, wanted.phones):
                labels.add("phone" + _IN_TEXT)
    if spec.postcode_house_number:
        postcode, number = (str(row[n] or "") for n in spec.postcode_house_number)
        if (postcode.replace(" ", "").upper(), number.strip().lower()) in wanted.addresses:
            labels.add("postcode_house_number")
    return labels


def _own_labels(labels: set[str] | Sequence[str]) -> bool:
    """Whether the row is the person's own (an identity or a reference matched), not only a
    row that mentions her."""
    return any(not label.endswith(_IN_TEXT) for label in labels)


_INVALID = object()


def _stored_value(column: Column[Any], value: str) -> Any:
    """`value` (a correction, as staff typed it) as the column's type; _INVALID when it is
    not one (a date column gets an ISO date, a number column a number)."""
    kind = _python_type(column)
    try:
        if kind is int:
            return int(value.strip())
        if kind is Decimal:
            return Decimal(value.strip().replace(",", "."))
        if kind is datetime:
            return datetime.fromisoformat(value.strip())
        if kind is date:
            return date.fromisoformat(value.strip())
    except (ValueError, ArithmeticError):
        return _INVALID
    return value


def _type_word(column: Column[Any]) -> str:
    kind = _python_type(column)
    return kind.__name__ if kind is not None else str(column.type)


def _key_of(row: _Row, spec: TableSpec) -> tuple[Any, ...]:
    return tuple(row[c] for c in spec.key)


def _key_is(table: Table, spec: TableSpec, key: Sequence[Any]) -> ColumnElement[bool]:
    return and_(*[table.c[c] == _typed(table.c[c], str(v)) for c, v in zip(spec.key, key,
                                                                            strict=True)])


def _locator(name: str, key: Sequence[Any]) -> str:
    return name + "/" + ",".join(quote(str(v), safe="") for v in key)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cut(value: Any) -> str:
    shown = "" if value is None else str(_plain(value))
    return shown if len(shown) <= _FIELD_CUT else shown[:_FIELD_CUT - 1] + "…"


def _fit(value: str, column: Column[Any]) -> str:
    length = getattr(column.type, "length", None)
    return value[:length] if isinstance(length, int) else value
