"""The import's map file (TOML): which column of the file becomes which field (#16.4).

`load_map(path)` returns an `ImportMap` or raises `ImportMapError` naming the file, the key
and the rule. Everything the policy can refuse before a row is read is asked here: the
source (C1), the categories (C2), the purposes and legal bases (Art. 5, 6), whether a purpose
that needs an agreement has an agreement column (P3), the roles (S1). The format is in
docs/import.md; an example is docs/examples/import-map.toml.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import PrivacydeskError, RuleViolation
from privacydesk.register.fields import FIELDS
from privacydesk.register.models import DATUM_MODELS

#: The source every imported datum records unless the map names another one (C1).
DEFAULT_SOURCE = "import"

_TOP_KEYS = ("import", "role", "columns", "fixed", "categories")
_IMPORT_KEYS = ("origin", "external_id", "source", "purpose", "basis", "agreement")
_ROLE_KEYS = ("kind", "column", "values", "organisation", "started_on")
_CATEGORY_KEYS = ("purpose", "basis")


class ImportMapError(PrivacydeskError):
    """A map file is malformed: `.file`, `.key` (dotted, e.g. "columns.Telefoon"), `.rule`."""

    def __init__(self, file: str, key: str, rule: str, message: str) -> None:
        super().__init__(f"{file}: {key}: {message} ({rule})")
        self.file, self.key, self.rule, self.message = file, key, rule, message


@dataclass(frozen=True)
class CategoryPlan:
    """One category of the rows: its fields' columns, fixed values, purpose and basis."""

    category: str
    purpose: str
    basis: str
    columns: Mapping[str, str]   # field -> column
    fixed: Mapping[str, str]     # field -> value for every row

    def column_of(self, field_name: str) -> str:
        """The column a field comes from ("fixed.<category>.<field>" for a fixed value; all
        the category's columns for a rule about the whole category)."""
        if field_name in self.columns:
            return self.columns[field_name]
        if field_name in self.fixed:
            return f"fixed.{self.category}.{field_name}"
        return ", ".join(self.columns.values())


@dataclass(frozen=True)
class RolePlan:
    """The role every imported person holds: fixed `kind`, or read from `column` through
    `values` (the file's words -> role ids); a contact's organisation by name."""

    kind: str = ""
    column: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    organisation: str = ""
    started_on: str = ""


@dataclass(frozen=True)
class ImportMap:
    """A validated map: `columns()` lists every column it reads."""

    file: str
    origin: str
    external_id: str
    source: str
    purpose: str
    basis: str
    agreement: str
    role: RolePlan
    categories: tuple[CategoryPlan, ...]

    def columns(self) -> list[str]:
        """Every column of the file this map reads, in a stable order."""
        names = [self.external_id, self.agreement, self.role.column, self.role.organisation,
                 self.role.started_on]
        for plan in self.categories:
            names += plan.columns.values()
        return list(dict.fromkeys(name for name in names if name))

    def check_header(self, header: list[str], data_file: str) -> None:
        """Refuse a file that lacks a column the map reads (naming the map's key)."""
        missing = [c for c in self.columns() if c not in header]
        if missing:
            raise ImportMapError(self.file, _key_of(self, missing[0]), "columns",
                                 f"column {missing[0]!r} is not in the header of {data_file}; "
                                 f"its columns: {', '.join(header)}")


def _key_of(imap: ImportMap, column: str) -> str:
    if column == imap.external_id:
        return "import.external_id"
    if column == imap.agreement:
        return "import.agreement"
    for name in ("column", "organisation", "started_on"):
        if getattr(imap.role, name) == column:
            return f"role.{name}"
    return f"columns.{column}"


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, rule: str, message: str) -> ImportMapError:
        return ImportMapError(self.file, key, rule, message)

    def table(self, data: Mapping[str, Any], key: str, allowed: tuple[str, ...] | None,
              *, required: bool = False) -> Mapping[str, Any]:
        value = data.get(key.rsplit(".", 1)[-1])
        if value is None:
            if required:
                raise self.fail(key, "required", "is required")
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(key, "type", "must be a table")
        if allowed is not None:
            for name in value:
                if name not in allowed:
                    raise self.fail(f"{key}.{name}", "unknown",
                                    f"is not a key here; known: {', '.join(allowed)}")
        return value

    def text(self, data: Mapping[str, Any], key: str, *, required: bool = False,
             default: str = "") -> str:
        value = data.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(value, str):
            raise self.fail(key, "type", "must be a string")
        if required and not value.strip():
            raise self.fail(key, "required", "is required")
        return value.strip()


def _target(reader: _Reader, key: str, target: Any) -> tuple[str, str]:
    """"names.given_names" -> ("names", "given_names"), each asked of the policy (C2)."""
    if not isinstance(target, str) or target.count(".") != 1:
        raise reader.fail(key, "type", "must be \"<category>.<field>\", e.g. "
                          "\"names.given_names\"")
    category, field_name = target.split(".")
    policy = get_policy()
    if category not in policy.categories or category not in DATUM_MODELS:
        raise reader.fail(key, "C2", f"{category!r} is not a category of personal data this "
                          f"policy allows; allowed: {', '.join(policy.categories)}")
    fields = [spec.name for spec in FIELDS[category]]
    if field_name not in fields:
        raise reader.fail(key, "format", f"{field_name!r} is not a field of {category}; its "
                          f"fields: {', '.join(fields)}")
    return category, field_name


def _purpose(reader: _Reader, key: str, purpose: str, basis: str, agreement: str) -> None:
    try:
        get_policy().check_purpose(purpose, basis, has_agreement=bool(agreement))
    except RuleViolation as exc:
        field_key = "basis" if exc.field == "legal_basis" else "purpose"
        raise reader.fail(f"{key}.{field_key}", exc.rule, exc.message) from None


def _role(reader: _Reader, data: Mapping[str, Any]) -> RolePlan:
    table = reader.table(data, "role", _ROLE_KEYS, required=True)
    roles = get_policy().roles
    kind = reader.text(table, "role.kind")
    column = reader.text(table, "role.column")
    if bool(kind) == bool(column):
        raise reader.fail("role", "required", "name either kind (one role for every row) or "
                          "column (with values)")
    values: dict[str, str] = {}
    for word, role in reader.table(table, "role.values", None).items():
        if role not in roles:
            raise reader.fail(f"role.values.{word}", "S1", f"{role!r} is not a role this "
                              f"policy knows; known roles: {', '.join(roles)}")
        values[word.strip()] = role
    if column and not values:
        raise reader.fail("role.values", "required", "a role column needs values: the "
                          "file's words mapped to role ids")
    if kind and kind not in roles:
        raise reader.fail("role.kind", "S1", f"{kind!r} is not a role this policy knows; "
                          f"known roles: {', '.join(roles)}")
    organisation = reader.text(table, "role.organisation")
    contact_possible = kind == "contact" or "contact" in values.values()
    if contact_possible and not organisation:
        raise reader.fail("role.organisation", "S1", "a contact represents an organisation: "
                          "name the column that holds its name")
    return RolePlan(kind, column, values, organisation, reader.text(table, "role.started_on"))


def _categories(reader: _Reader, data: Mapping[str, Any], purpose: str, basis: str,
                agreement: str) -> tuple[CategoryPlan, ...]:
    columns: dict[str, dict[str, str]] = {}
    fixed: dict[str, dict[str, str]] = {}
    for column, target in reader.table(data, "columns", None, required=True).items():
        category, field_name = _target(reader, f"columns.{column}", target)
        if field_name in columns.setdefault(category, {}):
            raise reader.fail(f"columns.{column}", "unique", f"{target} is already read from "
                              f"column {columns[category][field_name]!r}")
        columns[category][field_name] = column
    for target, value in reader.table(data, "fixed", None).items():
        category, field_name = _target(reader, f"fixed.{target}", target)
        if not isinstance(value, str | bool):
            raise reader.fail(f"fixed.{target}", "type", "must be a string (or a boolean)")
        if field_name in columns.get(category, {}):
            raise reader.fail(f"fixed.{target}", "unique", f"{target} is also read from "
                              f"column {columns[category][field_name]!r}")
        fixed.setdefault(category, {})[field_name] = value  # type: ignore[assignment]
    overrides = reader.table(data, "categories", None)
    plans = []
    for category in overrides:
        if category not in columns:
            raise reader.fail(f"categories.{category}", "unknown", "no column is read into "
                              "this category")
    for category in (c for c in DATUM_MODELS if c in columns):
        extra = reader.table(overrides, f"categories.{category}", _CATEGORY_KEYS)
        c_purpose = reader.text(extra, f"categories.{category}.purpose", default=purpose)
        c_basis = reader.text(extra, f"categories.{category}.basis", default=basis)
        _purpose(reader, f"categories.{category}" if extra else "import", c_purpose, c_basis,
                 agreement)
        plans.append(CategoryPlan(category, c_purpose, c_basis, columns[category],
                                  fixed.get(category, {})))
    for category in fixed:
        if category not in columns:
            raise reader.fail(f"fixed.{category}", "unknown", "no column is read into this "
                              "category; a fixed value only completes a category's columns")
    return tuple(plans)


def load_map(path: str | Path) -> ImportMap:
    """Read and validate the map file at `path`; ImportMapError names key and rule."""
    file = str(path)
    reader = _Reader(file)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise reader.fail("(file)", "read", f"cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise reader.fail("(file)", "toml", f"is not valid TOML: {exc}") from None
    for key in data:
        if key not in _TOP_KEYS:
            raise reader.fail(key, "unknown", f"is not a key of an import map; known: "
                              f"{', '.join(_TOP_KEYS)}")
    head = reader.table(data, "import", _IMPORT_KEYS, required=True)
    origin = reader.text(head, "import.origin", required=True)
    if len(origin) > 64 or not origin.replace("-", "_").isidentifier():
        raise reader.fail("import.origin", "format", "must be a short name of letters, "
                          "digits, - and _ (at most 64), e.g. \"boekhouding\"")
    source = reader.text(head, "import.source", default=DEFAULT_SOURCE)
    policy = get_policy()
    if source not in policy.sources:
        raise reader.fail("import.source", "C1", f"{source!r} is not a declared source of "
                          f"data; declared: {', '.join(policy.sources)}")
    purpose = reader.text(head, "import.purpose", required=True)
    basis = reader.text(head, "import.basis", required=True)
    agreement = reader.text(head, "import.agreement")
    if purpose not in policy.purposes:
        _purpose(reader, "import", purpose, basis, agreement)
    return ImportMap(
        file=file, origin=origin,
        external_id=reader.text(head, "import.external_id", required=True),
        source=source, purpose=purpose, basis=basis, agreement=agreement,
        role=_role(reader, data),
        categories=_categories(reader, data, purpose, basis, agreement))
