"""The SQL connector's dataset declaration (#16.2): read, checked and typed.

The dataset mapping (from the system's dataset TOML, docs/connectors/sql.md) says which
tables hold personal data, the key column(s) of each, per column its category, which columns
identify a person, which are free text, the retention date, the foreign keys between the
declared tables and what erasure does per table. `parse` checks the mapping's own shape
before any network call; `check_against` checks it against the reflected schema (tables and
columns exist, columns erasure would empty may be emptied).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from privacydesk.systems.connector import IDENTITY_KINDS, ConnectorError

#: What erasure does to the person's rows of a table: `delete` the rows (children first);
#: `null` the personal columns; `anonymise` them (a placeholder, NULL where allowed); or
#: `archive_only`: the law keeps them (R3, e.g. invoices seven years), Outcome "kept".
ERASE_ACTIONS = ("delete", "null", "anonymise", "archive_only")

#: What becomes of an `archive_only` table's rows once the period of the law that keeps them
#: has passed (`expire`, R1/R3: kept only as long as the law says): one of the other actions.
EXPIRE_ACTIONS = ("delete", "null", "anonymise")

#: Identity kinds a single column can hold; postcode + house number take two columns
#: (`postcode_house_number = ["postcode", "house_number"]` on the table).
COLUMN_IDENTITIES = tuple(k for k in IDENTITY_KINDS if k != "postcode_house_number")

#: What anonymised text columns get when the dataset names no placeholder.
DEFAULT_PLACEHOLDER = "[verwijderd]"

_TOP_KEYS = {"tables", "schema", "placeholder"}
_TABLE_KEYS = {"name", "key", "kind", "date", "dated_by", "erase", "reason", "expire",
               "columns", "postcode_house_number"}
_COLUMN_KEYS = {"category", "identity", "free_text", "references", "placeholder"}


@dataclass(frozen=True)
class ColumnSpec:
    """One declared column: its policy category ("none" for none), the identity kind it
    holds ("" when none), whether it is free text searched for the person's name, e-mail and
    phone, the declared table.column it references ("" when none), its anonymise
    placeholder (None: NULL where nullable, else the dataset's placeholder; "{key}" is
    replaced by the row's key)."""

    name: str
    category: str
    identity: str = ""
    free_text: bool = False
    references: str = ""
    placeholder: str | None = None

    @property
    def personal(self) -> bool:
        """Whether the column holds a category of personal data (the Record's categories)."""
        return self.category != "none"

    @property
    def emptied(self) -> bool:
        """Whether erasure empties this column: personal data, or an identity (a customer
        number of category "none" would otherwise still find her after the erasure)."""
        return (self.personal or bool(self.identity)) and not self.references


@dataclass(frozen=True)
class TableSpec:
    """One declared table. `expire` is what an `archive_only` table's rows get once the law's
    period has passed (the table's `erase` for any other table). `dated_by` names a declared
    table whose rows reference this one and have a `date`: a row here is dated by the newest
    of them (a customer by the last invoice), when it has no date column of its own."""

    name: str
    key: tuple[str, ...]
    kind: str
    erase: str
    reason: str
    date: str
    columns: Mapping[str, ColumnSpec]
    postcode_house_number: tuple[str, str] | None
    expire: str = "delete"
    dated_by: str = ""

    def action(self, *, expired: bool = False) -> str:
        """What erasure does to the person's own rows here; `expired`: the period of the
        law that keeps an `archive_only` table has passed for them (R1)."""
        return self.expire if expired and self.erase == "archive_only" else self.erase

    @property
    def free_text(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns.values() if c.free_text)

    @property
    def named(self) -> list[str]:
        """Every column the declaration names, once: the key, the declared columns, the
        postcode and house number, the date."""
        return list(dict.fromkeys(c for c in (*self.key, *self.columns,
                                               *(self.postcode_house_number or ()), self.date)
                                  if c))

    def references(self) -> list[tuple[str, str, str]]:
        """(column here, parent table, parent column) for each declared foreign key."""
        out = []
        for column in self.columns.values():
            if column.references:
                parent, _, parent_column = column.references.partition(".")
                out.append((column.name, parent, parent_column))
        return out


@dataclass(frozen=True)
class Dataset:
    """The whole declaration: tables in declaration order, the schema ("" = the URL's
    database default) and the anonymise placeholder."""

    tables: Mapping[str, TableSpec]
    schema: str
    placeholder: str

    def delete_order(self) -> list[str]:
        """Table names, every child before the tables it references (erasure deletes
        children first so no foreign key is broken)."""
        done: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in done or name in visiting:
                return  # a cycle: declaration order decides; the database reports the rest
            visiting.add(name)
            for child in self.tables.values():
                if any(parent == name for _, parent, _ in child.references()):
                    visit(child.name)
            visiting.discard(name)
            done.append(name)

        for name in self.tables:
            visit(name)
        return done


def _fail(system_id: str, where: str, rule: str) -> ConnectorError:
    return ConnectorError("misdeclared", f"{system_id}: dataset {where}: {rule}")


def _text(system_id: str, where: str, raw: Mapping[str, Any], key: str, *,
          required: bool = True) -> str:
    """The string at `key` of `raw`, stripped; "" when an optional one is absent."""
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(system_id, f"{where}.{key}" if where else key, "must be a non-empty string")
    return value.strip()


def _unknown(system_id: str, where: str, given: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(given) - allowed)
    if extra:
        raise _fail(system_id, f"{where}.{extra[0]}" if where else extra[0],
                    f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _column(system_id: str, where: str, name: str, raw: Any) -> ColumnSpec:
    if isinstance(raw, str):
        raw = {"category": raw}  # `email = "email"`: a category and nothing else
    if not isinstance(raw, Mapping):
        raise _fail(system_id, where, "must be a table {category = ..., ...} or a category")
    _unknown(system_id, where, raw, _COLUMN_KEYS)
    category = _text(system_id, where, raw, "category")
    identity = _text(system_id, where, raw, "identity", required=False)
    if identity and identity not in COLUMN_IDENTITIES:
        raise _fail(system_id, f"{where}.identity",
                    f"must be one of {', '.join(COLUMN_IDENTITIES)}")
    free_text = raw.get("free_text", False)
    if not isinstance(free_text, bool):
        raise _fail(system_id, f"{where}.free_text", "must be true or false")
    references = _text(system_id, where, raw, "references", required=False)
    if references and references.count(".") != 1:
        raise _fail(system_id, f"{where}.references", "must be 'table.column'")
    placeholder = raw.get("placeholder")
    if placeholder is not None and not isinstance(placeholder, str):
        raise _fail(system_id, f"{where}.placeholder", "must be a string")
    return ColumnSpec(name, category, identity, free_text, references, placeholder)


def _table(system_id: str, where: str, raw: Any) -> TableSpec:
    if not isinstance(raw, Mapping):
        raise _fail(system_id, where, "must be a table")
    _unknown(system_id, where, raw, _TABLE_KEYS)
    name = _text(system_id, where, raw, "name")
    key_raw = raw.get("key")
    key = (key_raw,) if isinstance(key_raw, str) else key_raw
    if not isinstance(key, Sequence) or not key or not all(
            isinstance(k, str) and k for k in key):
        raise _fail(system_id, f"{where}.key", "must name the key column(s)")
    erase = raw.get("erase")
    if erase not in ERASE_ACTIONS:
        raise _fail(system_id, f"{where}.erase", f"must be one of {', '.join(ERASE_ACTIONS)}")
    reason = _text(system_id, where, raw, "reason", required=False)
    if erase == "archive_only" and not reason:
        # R3: a kept record says why it is kept (the receipt shows the reason).
        raise _fail(system_id, f"{where}.reason", "required when erase = 'archive_only'")
    expire = raw.get("expire", "delete" if erase == "archive_only" else erase)
    if "expire" in raw and erase != "archive_only":
        raise _fail(system_id, f"{where}.expire", "only with erase = 'archive_only'")
    if erase == "archive_only" and expire not in EXPIRE_ACTIONS:
        raise _fail(system_id, f"{where}.expire", f"must be one of {', '.join(EXPIRE_ACTIONS)}")
    columns_raw = raw.get("columns")
    if not isinstance(columns_raw, Mapping) or not columns_raw:
        raise _fail(system_id, f"{where}.columns", "must declare at least one column")
    columns = {str(c): _column(system_id, f"{where}.columns.{c}", str(c), spec)
               for c, spec in columns_raw.items()}
    date = _text(system_id, where, raw, "date", required=False)
    dated_by = _text(system_id, where, raw, "dated_by", required=False)
    if date and dated_by:
        raise _fail(system_id, f"{where}.dated_by", "not with date: a row has one date")
    address_raw = raw.get("postcode_house_number")
    address: tuple[str, str] | None = None
    if address_raw is not None:
        if not (isinstance(address_raw, Sequence) and not isinstance(address_raw, str)
                and len(address_raw) == 2 and all(isinstance(c, str) for c in address_raw)):
            raise _fail(system_id, f"{where}.postcode_house_number",
                        "must be [postcode column, house number column]")
        address = (address_raw[0], address_raw[1])
    spec = TableSpec(name, tuple(key), _text(system_id, where, raw, "kind", required=False)
                     or name, str(erase), reason, date, columns, address, str(expire), dated_by)
    has_identity = any(c.identity or c.free_text for c in columns.values()) or address
    if not has_identity and not spec.references():
        raise _fail(system_id, where, "declares no identity, free-text or references column: "
                                      "no row of it could be found for a person")
    for column in spec.key:
        col = columns.get(column)
        if col is not None and col.emptied and spec.action(expired=True) in ("null",
                                                                             "anonymise"):
            raise _fail(system_id, f"{where}.columns.{column}",
                        "a key column cannot be emptied; use erase = 'delete' or 'archive_only'")
    return spec


def parse(system_id: str, dataset: Mapping[str, Any]) -> Dataset:
    """Return the checked declaration; ConnectorError("misdeclared") naming the key and the
    rule for anything malformed. No network call."""
    if not isinstance(dataset, Mapping):
        raise _fail(system_id, "(top)", "must be a mapping")
    _unknown(system_id, "", dataset, _TOP_KEYS)
    raw_tables = dataset.get("tables")
    if not isinstance(raw_tables, Sequence) or isinstance(raw_tables, str) or not raw_tables:
        raise _fail(system_id, "tables", "must be a non-empty array of [[tables]]")
    tables: dict[str, TableSpec] = {}
    for index, raw in enumerate(raw_tables):
        spec = _table(system_id, f"tables[{index}]", raw)
        if spec.name in tables:
            raise _fail(system_id, f"tables[{index}].name", f"{spec.name} is declared twice")
        tables[spec.name] = spec
    for index, spec in enumerate(tables.values()):
        for column, parent, _ in spec.references():
            if parent not in tables:
                raise _fail(system_id, f"tables[{index}].columns.{column}.references",
                            f"{parent} is not a declared table")
    for index, spec in enumerate(tables.values()):
        child = tables.get(spec.dated_by) if spec.dated_by else None
        if spec.dated_by and (child is None or not child.date
                              or not any(p == spec.name for _, p, _ in child.references())):
            raise _fail(system_id, f"tables[{index}].dated_by",
                        f"must name a declared table with a date that references {spec.name}")
    schema = _text(system_id, "", dataset, "schema", required=False)
    placeholder = dataset.get("placeholder", DEFAULT_PLACEHOLDER)
    if not isinstance(placeholder, str):
        raise _fail(system_id, "placeholder", "must be a string")
    return Dataset(tables, schema, placeholder)


@dataclass(frozen=True)
class ColumnFacts:
    """What the database says of a column."""

    nullable: bool
    is_text: bool


def check_against(system_id: str, dataset: Dataset,
                  actual: Mapping[str, Mapping[str, ColumnFacts]],
                  keep: frozenset[str] | None = None) -> None:
    """Raise ConnectorError("misdeclared") when the dataset names a table or column the
    database does not have, or asks erasure to empty a column the database requires and no
    placeholder fills (#16.2: refuse a dataset that does not match the system). `keep`: the
    categories the law keeps in an archive-only system, whose erasure empties every other
    category's column, in any table."""
    referenced = {parent for spec in dataset.tables.values()
                  for _, parent, _ in spec.references()}
    for index, spec in enumerate(dataset.tables.values()):
        where = f"tables[{index}]"
        columns = actual.get(spec.name)
        if columns is None:
            raise _fail(system_id, f"{where}.name", f"table {spec.name} does not exist")
        for named in spec.named:
            if named not in columns:
                raise _fail(system_id, where, f"column {spec.name}.{named} does not exist")
        for here, parent, parent_column in spec.references():
            if parent_column not in actual.get(parent, {}):
                raise _fail(system_id, f"{where}.columns.{here}.references",
                            f"column {parent}.{parent_column} does not exist")
        # What erasure or retention may do to the rows: the table's action, and for an
        # archive-only table its `expire` action once the law's period has passed.
        key = "expire" if spec.erase == "archive_only" else "erase"
        action = spec.action(expired=True)
        for column in spec.columns.values():
            facts = columns[column.name]
            if not column.emptied or column.name in spec.key:
                continue
            if action == "null" and not facts.nullable:
                raise _fail(system_id, f"{where}.columns.{column.name}",
                            f"is NOT NULL in the database: {key} = 'null' cannot empty it "
                            "(use 'anonymise' with a placeholder)")
            # 'delete' falls back to anonymising a row that a kept row references: only a
            # table another declared table references can need it.
            anonymised = action == "anonymise" or (action == "delete"
                                                   and spec.name in referenced)
            # Neither NULL nor the dataset's (text) placeholder can empty it: only its own.
            unfilled = not (facts.nullable or facts.is_text or column.placeholder is not None)
            if anonymised and unfilled:
                raise _fail(system_id, f"{where}.columns.{column.name}",
                            "is NOT NULL and not text: declare a placeholder")
            if keep is not None and column.personal and column.category not in keep and unfilled:
                # C2: what the law does not keep is emptied even in a kept row.
                raise _fail(system_id, f"{where}.columns.{column.name}",
                            f"is NOT NULL and not text, and the law keeps no "
                            f"{column.category} here: declare a placeholder")
