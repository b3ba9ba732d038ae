"""`privacydesk systems sync NAME`: persons and roles from a system of record (#16.4).

A system of record (the accounting database's customers, the staff directory's employees)
is declared with a `[sync]` table in its dataset file: `map`, an import map (docs/import.md,
relative to the dataset file: origin, external_id, role, columns), and where its connector
lists the people (`_record_source.SystemOfRecord`): an SQL system's `table` (in the
dataset's `schema`), an LDAP directory's `bases` and `former` bases (docs/connectors/ldap.md).

Every person listed goes through the register's import (`register.importing.import_rows`):
the same rules (C1 source, C2..C5, P3, formats), idempotent on the origin's id — a second
sync of unchanged people writes nothing (incremental: only changed people are written). A
person whom an earlier sync brought in and who is no longer listed gets the map's roles
ended today, with the retention that follows (R1..R3: their data fall due by the policy's
rules from the end of the role). A person listed as former (a disabled account, an entry
among the former staff) gets the role `former_role` names instead of the map's, which ends;
without `former_role` they count as gone. One transaction: a sync is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.register import services
from privacydesk.register.importing import ImportMap, ImportReport, Refusal, import_rows, load_map
from privacydesk.register.models import Role
from privacydesk.register.services import external
from privacydesk.systems import registry
from privacydesk.systems._record_source import Listed, SystemOfRecord, lists_people
from privacydesk.systems.connector import ConnectorError, check_host, redact
from privacydesk.systems.declared import CONNECTED, Declared

#: The audit actor of every write of a sync.
ACTOR = "sync"

#: The `[sync]` keys the sync reads itself; the others say where the connector lists.
_OWN_KEYS = ("map", "former_role")

#: The column a sync with `former_role` adds to each row: whether the system of record
#: lists the person as active or as former (the role follows from it).
_STANDING = "(former)"
_ACTIVE, _FORMER = "active", "former"

#: People per query of their roles: below every database's limit of bound parameters.
_CHUNK = 900


class SyncError(Exception):
    """The sync cannot start or read: names the system and the key or the failure."""


@dataclass
class SyncReport:
    """What a sync did (or, dry, would do): the import's report, the roles ended and where
    in the system of record each refused row is (`where`)."""

    system: str
    imported: ImportReport
    ended: int = 0
    ended_refs: list[str] = field(default_factory=list)
    places: dict[int, str] = field(default_factory=dict)
    unit: str = "rows"

    @property
    def changed(self) -> bool:
        """Whether the sync wrote anything (an unchanged system of record: nothing)."""
        done = self.imported
        return bool(done.created or done.updated or self.ended)

    def where(self, refusal: Refusal) -> str:
        """Where the refused row is in the system of record ("row 4", an entry's DN)."""
        return self.places.get(refusal.row, f"row {refusal.row}")


@dataclass(frozen=True)
class _Setting:
    map_path: Path
    selection: Mapping[str, Any]
    former_role: str


def _setting(system: Declared, dataset_dir: Path | None) -> _Setting:
    sync = system.dataset.get("sync")
    if (not isinstance(sync, Mapping) or not sync.get("map")
            or (system.connector == "sql" and not sync.get("table"))):
        keys = "`table` and `map`" if system.connector == "sql" else "`map`"
        raise SyncError(f"{system.id}: its dataset has no [sync] table with {keys}"
                        " (docs/systems.md)")
    map_path = Path(str(sync["map"]))
    if not map_path.is_absolute() and dataset_dir is not None:
        map_path = dataset_dir / map_path
    former_role = sync.get("former_role", "")
    roles = get_policy().roles
    if not isinstance(former_role, str) or (former_role and former_role not in roles):
        raise SyncError(f"{system.id}: [sync] former_role: {former_role!r} is not a role this "
                        f"policy knows; known roles: {', '.join(roles)} (S1)")
    return _Setting(map_path, {k: v for k, v in sync.items() if k not in _OWN_KEYS},
                    former_role)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class _SqlTable:
    """An SQL system of record: the rows of the `[sync]` table's `table`, the map's columns
    as text (SystemOfRecord; a failure is a SyncError naming the table or the column)."""

    def __init__(self, system: Declared) -> None:
        self.system_id = system.id
        self._system = system

    def people(self, selection: Mapping[str, Any], names: Sequence[str]) -> Iterator[Listed]:
        from sqlalchemy import MetaData, Table, create_engine, select
        from sqlalchemy import exc as sqlexc
        from sqlalchemy.pool import NullPool

        system, table_name, columns = self._system, str(selection["table"]), list(names)
        connection = system.connection()
        check_host(connection)   # #16.2: only the hosts the declaration names
        url = connection.url
        timeout = max(1, int(connection.timeout))
        args = ({"connect_timeout": timeout} if url.startswith(("postgresql", "mysql", "mariadb"))
                else {})
        engine = create_engine(url, poolclass=NullPool, connect_args=args)
        try:
            with engine.connect() as conn:
                table = Table(table_name, MetaData(), autoload_with=conn,
                              schema=system.dataset.get("schema") or None)
                missing = [c for c in columns if c not in table.c]
                if missing:
                    raise SyncError(f"{system.id}: [sync] map reads column {missing[0]!r}, which "
                                    f"table {table_name!r} does not have")
                found = conn.execute(select(*(table.c[c] for c in columns))).all()
        except sqlexc.NoSuchTableError:
            raise SyncError(f"{system.id}: [sync] table {table_name!r} does not exist") from None
        except sqlexc.SQLAlchemyError as exc:
            raise SyncError(redact(f"{system.id}: the system of record could not be read "
                                   f"({type(exc).__name__})", url)) from None
        finally:
            engine.dispose()
        return iter([Listed(f"row {number}", dict(zip(columns, map(_text, row), strict=True)))
                     for number, row in enumerate(found, start=1)])


def _source(system: Declared) -> SystemOfRecord:
    """The system's listing of people; SyncError when its connector cannot list them."""
    if system.connector == "sql":
        return _SqlTable(system)
    refused = SyncError(f"{system.id}: a sync reads a system of record that lists its people "
                        f"(an SQL table, an LDAP directory); this system's connector is "
                        f"{system.connector!r}")
    if system.connector not in registry.CONNECTORS:
        raise refused
    connector = registry.connect(system.connector, system.connection())
    if not lists_people(connector):
        raise refused
    return connector  # type: ignore[return-value]


def _with_standing(imap: ImportMap, former_role: str) -> ImportMap:
    """The map with the role read from the row's standing: the map's role while the
    system lists the person as active, `former_role` once it lists them as former."""
    if not imap.role.kind:
        raise SyncError(f"{imap.file}: role.kind: [sync] former_role needs one role for "
                        "every row (role.kind), not a role column")
    role = replace(imap.role, kind="", column=_STANDING,
                   values={_ACTIVE: imap.role.kind, _FORMER: former_role})
    return replace(imap, role=role)


def _role_of(imap: ImportMap, row: Mapping[str, str]) -> str:
    return imap.role.kind or imap.role.values.get(row.get(imap.role.column, ""), "")


def _twins(keys: dict[int, str], places: dict[int, str], column: str) -> dict[int, Refusal]:
    """Refusals of the rows whose external id another row holds too: which of them is the
    person cannot be told, and syncing both would write one over the other at every run.
    Neither is written; the person keeps their roles here (they are still listed)."""
    holders: dict[str, list[int]] = {}
    for number, key in keys.items():
        holders.setdefault(key, []).append(number)
    twins: dict[int, Refusal] = {}
    for numbers in holders.values():
        for number in numbers if len(numbers) > 1 else ():
            others = ", ".join(places[n] for n in numbers if n != number)
            twins[number] = Refusal(number, column, "unique",
                                    f"the external id is also held by {others}")
    return twins


def _end_roles(report: SyncReport, imap: ImportMap, rows: list[tuple[int, dict[str, str]]],
               keys: dict[int, str], kinds: set[str], day: date, *, former: bool) -> None:
    """End the roles of the map's kinds that the system of record no longer gives: every
    such role of a person no longer listed; with `former`, a listed person's other roles
    of those kinds (the row's role is the one they hold now). One read of the roles for all
    of them: an unchanged system of record costs no statement per person."""
    links = external.links_of(imap.origin)
    present = set(keys.values())
    gone = {link.person_id for key, link in links.items() if key not in present}
    holds: dict[int, str] = {}
    if former:
        refused = {r.row for r in report.imported.refused}
        for number, row in rows:
            link = links.get(keys.get(number, ""))
            if link is not None and number not in refused:
                holds[link.person_id] = _role_of(imap, row)
    people = sorted(gone | set(holds))
    running: set[tuple[int, str]] = set()
    ended_today: dict[tuple[int, str], Role] = {}
    for start in range(0, len(people), _CHUNK):
        roles = Role.objects.filter(person_id__in=people[start:start + _CHUNK],
                                    kind__in=kinds).filter(
            Q(ended_on__isnull=True) | Q(ended_on=day))
        for role in roles.select_related("person").order_by("person_id", "id"):
            held = (role.person_id, role.kind)
            if role.ended_on is not None:
                ended_today[held] = role
            elif holds.get(role.person_id) == role.kind:
                running.add(held)   # the role the system of record gives them now
            else:
                # No longer in the system of record: the role ends today, and with it what
                # only that role allowed (C3..C5) falls due by the policy (R1). Listed as
                # former (an account disabled, moved to the former staff): the employment
                # ends today, the payroll's years run from then (R3); the former role holds.
                services.end_role(role, max(day, role.started_on), actor=ACTOR)
                report.ended += 1
                report.ended_refs.append(str(role.person.ref))
    for person_id, kind in holds.items():
        ended = ended_today.get((person_id, kind))
        if ended is not None and (person_id, kind) not in running:
            # Enabled again on the day the role ended (the import counts a role ending today
            # as held today): the role starts again, or they would hold none here (S1).
            services.add_role(ended.person, kind, actor=ACTOR, started_on=day)

def sync(system: Declared, *, dataset_dir: Path | None = None, dry_run: bool = False,
         progress: bool = False, today: date | None = None) -> SyncReport:
    """Sync the persons and roles of the system of record `system`; see the module doc.
    SyncError (or ImportMapError for a bad map) before anything is written."""
    if system.reached() != CONNECTED:
        if system.connector in ("register", "manual"):
            _source(system)   # says why: no connector lists anyone
        raise SyncError(f"{system.id}: not connected here; set "
                        f"PRIVACYDESK_SYSTEM_{system.id.upper()}_URL")
    setting = _setting(system, dataset_dir)
    imap = load_map(setting.map_path)
    names = imap.columns()
    if setting.former_role:
        imap = _with_standing(imap, setting.former_role)
    try:
        listed = list(_source(system).people(setting.selection, names))
    except ConnectorError as exc:
        raise SyncError(str(exc)) from None
    places: dict[int, str] = {}
    rows: list[tuple[int, dict[str, str]]] = []
    for number, person in enumerate(listed, start=1):
        if person.former and not setting.former_role:
            continue   # listed as former, and no role for that here: as if gone
        row = {name: person.values.get(name, "") for name in names}
        if setting.former_role:
            row[_STANDING] = _FORMER if person.former else _ACTIVE
        places[number] = person.where
        rows.append((number, row))
    day = today or clock.today()
    kinds = {k for k in (imap.role.kind, *imap.role.values.values()) if k}
    keys = {number: external.external_key(imap.origin, row[imap.external_id].strip())
            for number, row in rows if row.get(imap.external_id, "").strip()}
    twins = _twins(keys, places, imap.external_id)
    with transaction.atomic():
        imported = import_rows([(n, row) for n, row in rows if n not in twins], imap,
                               name=system.id, total=len(rows) - len(twins),
                               progress=progress)
        imported.rows += len(twins)
        imported.refused = sorted([*imported.refused, *twins.values()], key=lambda r: r.row)
        report = SyncReport(system.id, imported, places=places,
                            unit="rows" if system.connector == "sql" else "entries")
        _end_roles(report, imap, rows, keys, kinds, day, former=bool(setting.former_role))
        if dry_run:
            transaction.set_rollback(True)
    report.imported.dry_run = dry_run
    return report


def dataset_dir_of(declaration: Any) -> Path | None:
    """The folder of the declaration's dataset file (where the [sync] map is looked up)."""
    path = getattr(declaration, "dataset_path", None)
    return Path(path).parent if path else None
