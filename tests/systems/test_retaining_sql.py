"""The SQL connector lists its records by date for retention (#16.3, R1), on PostgreSQL and
MariaDB alike: rows of the tables with a declared `date` column dated before the cutoff,
each with its date, and none that an erasure already emptied — so a second sweep does not
count the same anonymised row again. Records with no personal data left are no one's."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from privacydesk.systems.connector import Connection, Subject
from privacydesk.systems.connectors import sql
from privacydesk.systems.retaining import can_list_by_date
from tests.systems.servers.sql import (  # noqa: F401 - the fixtures are used by name
    ANNA,
    NOORD,
    Crm,
    crm_fixture,
    mariadb_fixture,
    postgres_fixture,
)

pytestmark = pytest.mark.live

DATASET = tomllib.loads((Path(__file__).parent / "connectors" / "sql_crm.toml").read_text())


def connector(database: Crm) -> Any:
    return sql.connect(Connection("crm", database.url, database.dataset(DATASET),
                                  ("127.0.0.1",), timeout=5))


def test_rows_dated_before_the_cutoff_are_listed_with_their_date(crm):
    found = connector(crm).due(date(2024, 12, 31))
    assert can_list_by_date(connector(crm))
    assert sorted((r.locator, r.dated) for r in found) == [
        ("customers/1", date(2024, 3, 1)), ("customers/3", date(2023, 6, 1)),
        ("invoices/1", date(2024, 4, 1)), ("invoices/2", date(2024, 5, 1)),
        ("notes/1", date(2024, 4, 2)), ("notes/2", date(2024, 6, 3))]
    # Contacts have no date column: never listed by date (their owner reviews them).
    assert all(r.matched_by == ("retention",) for r in found)


def test_a_row_the_sweep_anonymised_is_not_due_again(crm):
    system = connector(crm)
    due = [r for r in system.due(date(2024, 12, 31)) if r.locator == f"customers/{ANNA}"]
    outcomes = system.erase(due, Subject())
    # Her invoice (kept seven years) references her row: anonymised, not deleted.
    assert [o.action for o in outcomes] == ["anonymised"]
    again = [r.locator for r in system.due(date(2024, 12, 31))]
    assert f"customers/{ANNA}" not in again and f"customers/{NOORD}" in again


def test_nothing_is_listed_before_the_oldest_date(crm):
    assert connector(crm).due(date(2023, 6, 1)) == []
