"""What lists show of a person besides the ref: the roles, read on the fast path.

Roles are not personal data of a category (they say how the company knows someone, S1),
so listing them is not an audited read. `GET /api/v1/persons?email=` is a hot path
(bench/: median goal 5 ms) and the ORM's prefetch cost more than the indexed query itself;
this reads them with one prepared SELECT through `privacydesk.rawsql`, converted exactly
as the ORM would, in the model's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from privacydesk import rawsql
from privacydesk.register.models import Role


@dataclass(frozen=True)
class RoleSummary:
    """One role as a list shows it."""

    id: int
    kind: str
    organisation_id: int | None
    started_on: date
    ended_on: date | None


_COLUMNS = ["id", "kind", "organisation", "started_on", "ended_on"]
_SQL: dict[str, tuple[str, Any]] = {}


def role_summaries(person_id: int) -> list[RoleSummary]:
    """The person's roles in the model's order (started_on, id); [] without any."""
    db = connections[DEFAULT_DB_ALIAS]
    entry = _SQL.get(db.vendor)
    if entry is None:
        q = db.ops.quote_name
        fields: list[Any] = [Role._meta.get_field(n) for n in _COLUMNS]
        columns = ", ".join(q(f.column) for f in fields)
        sql = (f"SELECT {columns} FROM {q(Role._meta.db_table)} "  # noqa: S608
               f"WHERE {q('person_id')} = %s ORDER BY {q('started_on')}, {q('id')}")
        entry = _SQL[db.vendor] = (sql, rawsql.converters(Role, _COLUMNS, db))
    rows = rawsql.convert(rawsql.fetch_all(entry[0], (person_id,), db), entry[1], db)
    return [RoleSummary(*row) for row in rows]
