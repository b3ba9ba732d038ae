"""`privacydesk systems sync NAME` (#16.4): customers come in from the system of record (the
CRM on a real second PostgreSQL database) through the register's rules; a second sync of
the same rows changes nothing; a customer who disappears there — Bram — gets his role ended
here today (and with it the retention that follows, R1); a dry run stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from privacydesk.policy import active, clock
from privacydesk.register.models import ExternalId, Role
from privacydesk.systems import sync
from privacydesk.systems.declared import system
from tests.console import run_privacydesk
from tests.systems.walk_systems import REGISTER_SYSTEM

from .servers.sql import BRAM, Crm, postgres_crm, postgres_fixture  # noqa: F401

DATASET = (Path(__file__).parent / "connectors" / "sql_crm.toml").read_text()

SYNC_MAP = """
[import]
origin = "crm"
external_id = "customer_number"
purpose = "written_contact"
basis = "legitimate_interests"

[role]
kind = "customer"

[columns]
email = "email.address"
phone = "phone.number"
"""

CRM_SYSTEM = REGISTER_SYSTEM + """
[[systems]]
id = "crm"
label = { nl = "Klantenbestand (CRM)", en = "Customer database (CRM)" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "address", "phone", "email"]
roles = ["customer"]
purposes = ["agreement", "written_contact"]
identities = ["email", "name", "phone", "customer_number"]
capabilities = ["find", "export", "erase"]
connector = "sql"
dataset = "systems/crm.toml"
hosts = ["127.0.0.1"]
"""


@pytest.fixture
def crm(postgres: Any) -> Iterator[Crm]:
    with postgres_crm(postgres) as database:
        yield database


@pytest.fixture
def system_of_record(tmp_path: Path, crm: Crm, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    before = active.configured_path()
    (tmp_path / "systems").mkdir()
    (tmp_path / "systems" / "crm.toml").write_text(
        f'schema = "{crm.schema}"\n' + '[sync]\ntable = "customers"\nmap = "crm-sync.toml"\n'
        + DATASET)
    (tmp_path / "systems" / "crm-sync.toml").write_text(SYNC_MAP)
    default = before.read_text("utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(default[:default.index("\n[[systems]]") + 1] + CRM_SYSTEM, "utf-8")
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    active.configure(policy)
    try:
        yield crm
    finally:
        active.configure(before)


def _sync(**options: Any) -> sync.SyncReport:
    declared = system("crm")
    assert declared is not None
    return sync.sync(declared, dataset_dir=sync.dataset_dir_of(
        active.get_policy().system("crm")), **options)


def _customers() -> int:
    return Role.objects.filter(kind="customer", ended_on__isnull=True,
                               person__external_ids__origin="crm").count()


def test_the_crms_customers_come_in_once_and_bram_leaving_there_ends_his_role_here(
        db, system_of_record):
    first = _sync()
    assert (first.imported.rows, first.imported.created, first.ended) == (3, 3, 0)
    assert _customers() == 3

    again = _sync()   # idempotent: nothing changed there, nothing changes here
    assert (again.imported.unchanged, again.imported.created, again.ended) == (3, 0, 0)

    with system_of_record.engine.begin() as conn:
        conn.execute(text("DELETE FROM notes WHERE customer_id = :id"), {"id": BRAM})
        conn.execute(text("DELETE FROM customers WHERE id = :id"), {"id": BRAM})
    gone = _sync()
    assert gone.ended == 1 and _customers() == 2
    ended = Role.objects.get(kind="customer", ended_on__isnull=False)
    assert ended.ended_on == clock.today()
    assert gone.ended_refs == [str(ended.person.ref)]


def test_a_dry_run_stores_nothing(db, system_of_record):
    report = _sync(dry_run=True)
    assert report.imported.created == 3 and report.imported.dry_run
    assert not ExternalId.objects.exists() and _customers() == 0


def test_the_command_syncs_and_a_system_without_sync_is_refused_by_name(db, system_of_record):
    done = run_privacydesk("systems", "sync", "crm", "--no-progress")
    assert done.exit_code == 0, done.output
    assert "crm: 3 rows: 3 new, 0 changed, 0 unchanged, 0 refused; 0 roles ended" in done.stdout
    refused = run_privacydesk("systems", "sync", "register")
    assert refused.exit_code == 1
    assert "register: a sync reads a system of record that lists its people" in refused.output
    assert system_of_record.password not in done.output + refused.output
