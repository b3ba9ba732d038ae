"""A system of record lists the people it holds (#16.4): the optional capability `systems
sync` reads. Plain Python: no Django, no database.

The connector contract (connector.py) is about one person at a time; a system of record
also answers "who is there?". A connector that can offers `people`; `systems sync` brings
what it lists into the register through the register's rules. The SQL table of a `[sync]`
table and the LDAP connector's staff bases keep this contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Listed:
    """One person a system of record holds, as plain text.

    `where` says where the system holds them, for a report ("row 3",
    "uid=carla,ou=people,dc=..."); `values` are the columns or attributes asked for, as text
    ("" for what the person's record lacks); `former` is true when the system still holds the
    person but no longer as active (a disabled account, an entry among the former staff):
    their role here ends (#16.4)."""

    where: str
    values: Mapping[str, str] = field(default_factory=dict)
    former: bool = False


@runtime_checkable
class SystemOfRecord(Protocol):
    """What `systems sync` asks of a system of record.

    `people(selection, names)` returns every person the system holds, each with the values
    of `names` (the columns or attributes the import map reads). `selection` is the system's
    `[sync]` table without `map` and `former_role`: where to look, in the connector's own
    keys (SQL: `table`; LDAP: `bases`, `former`). A bad selection or a name the system does
    not have raises ConnectorError("misdeclared") naming the key; a failure to read, the
    connector's other ConnectorError kinds. Never a partial list: all, or an error."""

    system_id: str

    def people(self, selection: Mapping[str, Any], names: Sequence[str]) -> Iterator[Listed]: ...


def lists_people(connector: object) -> bool:
    """Whether `connector` can list the people it holds (connector.py stays unchanged)."""
    return callable(getattr(connector, "people", None))
