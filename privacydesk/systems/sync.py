"""`privacydesk systems sync NAME`: persons and roles from a system of record (#16.4).

A system of record (the accounting database's customers, say) is declared with a `[sync]`
table in its dataset file:

    [sync]
    table = "customers"              # the table (in the dataset's `schema`) to read
    map = "customers-sync.toml"      # an import map (docs/import.md), relative to the
                                     # dataset file: origin, external_id, role, columns

Every row goes through the register's import (`register.importing.import_rows`): the same
rules (C1 source, C2..C5, P3, formats), idempotent on the origin's id — a second sync of
unchanged rows changes nothing (incremental: only changed rows are written). A person whom
an earlier sync brought in and who is no longer in the system of record gets the role the
map gives ended today, with the retention that follows (R1..R3: their data fall due by the
policy's rules from the end of the role). One transaction: a sync is all or nothing.
Only SQL systems of record for now (the connector contract has no "list everyone").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.importing import ImportReport, import_rows, load_map
from privacydesk.register.models import Role
from privacydesk.register.services import external
from privacydesk.systems.connector import ConnectorError, check_host, redact
from privacydesk.systems.declared import CONNECTED, Declared

#: The audit actor of every write of a sync.
ACTOR = "sync"


class SyncError(Exception):
    """The sync cannot start or read: names the system and the key or the failure."""


@dataclass
class SyncReport:
    """What a sync did (or, dry, would do): the import's report and the roles ended."""

    system: str
    imported: ImportReport
    ended: int = 0
    ended_refs: list[str] = field(default_factory=list)


def _setting(system: Declared, dataset_dir: Path | None) -> tuple[str, Path]:
    sync = system.dataset.get("sync")
    if not isinstance(sync, dict) or not sync.get("table") or not sync.get("map"):
        raise SyncError(f"{system.id}: its dataset has no [sync] table with `table` and `map`"
                        " (docs/systems.md)")
    map_path = Path(str(sync["map"]))
    if not map_path.is_absolute() and dataset_dir is not None:
        map_path = dataset_dir / map_path
    return str(sync["table"]), map_path


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _rows(system: Declared, table_name: str, columns: list[str]) -> list[dict[str, str]]:
    """Every row of the system of record's table, the map's columns as text."""
    from sqlalchemy import MetaData, Table, create_engine, select
    from sqlalchemy import exc as sqlexc
    from sqlalchemy.pool import NullPool

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
    except SyncError:
        raise
    except sqlexc.NoSuchTableError:
        raise SyncError(f"{system.id}: [sync] table {table_name!r} does not exist") from None
    except sqlexc.SQLAlchemyError as exc:
        raise SyncError(redact(f"{system.id}: the system of record could not be read "
                               f"({type(exc).__name__})", url)) from None
    finally:
        engine.dispose()
    return [{c: _text(v) for c, v in zip(columns, row, strict=True)} for row in found]


def sync(system: Declared, *, dataset_dir: Path | None = None, dry_run: bool = False,
         progress: bool = False, today: date | None = None) -> SyncReport:
    """Sync the persons and roles of the system of record `system`; see the module doc.
    SyncError (or ImportMapError for a bad map) before anything is written."""
    if system.connector != "sql":
        raise SyncError(f"{system.id}: a sync reads an SQL system of record; this system's "
                        f"connector is {system.connector!r}")
    if system.reached() != CONNECTED:
        raise SyncError(f"{system.id}: not connected here; set "
                        f"PRIVACYDESK_SYSTEM_{system.id.upper()}_URL")
    table, map_path = _setting(system, dataset_dir)
    imap = load_map(map_path)
    try:
        rows = _rows(system, table, imap.columns())
    except ConnectorError as exc:
        raise SyncError(str(exc)) from None
    day = today or clock.today()
    kinds = {k for k in (imap.role.kind, *imap.role.values.values()) if k}
    present = {external.external_key(imap.origin, row[imap.external_id].strip())
               for row in rows if row.get(imap.external_id, "").strip()}
    with transaction.atomic():
        imported = import_rows(enumerate(rows, start=1), imap, name=f"{system.id}.{table}",
                               total=len(rows), progress=progress)
        report = SyncReport(system.id, imported)
        gone = [link for key, link in external.links_of(imap.origin).items()
                if key not in present]
        for link in gone:
            for role in Role.objects.filter(person_id=link.person_id, kind__in=kinds,
                                            ended_on__isnull=True):
                # No longer in the system of record: the role ends today, and with it what
                # only that role allowed (C3..C5) falls due by the policy (R1).
                services.end_role(role, max(day, role.started_on), actor=ACTOR)
                report.ended += 1
                report.ended_refs.append(str(link.person.ref))
        if dry_run:
            transaction.set_rollback(True)
    report.imported.dry_run = dry_run
    return report


def dataset_dir_of(declaration: Any) -> Path | None:
    """The folder of the declaration's dataset file (where the [sync] map is looked up)."""
    path = getattr(declaration, "dataset_path", None)
    return Path(path).parent if path else None

