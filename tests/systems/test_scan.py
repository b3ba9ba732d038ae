"""`privacydesk systems scan accounting`: where the accounting database holds personal data,
and whether the policy allows it there (#16.4, C2-C5).

The accounting database is a real PostgreSQL database of its own (a unique name, dropped
afterwards) reached through the SQL connector, as InFactor's policy declares it: names,
address, phone, e-mail and financial data of customers. Someone also typed Carla's BSN into
a note and kept dates of birth in a column nobody declared: the scan finds both and says
which promise they break, without ever storing a value.
"""

from __future__ import annotations

import json
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    create_engine,
    text,
)
from sqlalchemy.pool import NullPool

from privacydesk.policy.active import get_policy
from privacydesk.systems import scan
from privacydesk.systems.models import SystemScan
from tests.console import run_privacydesk

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "s3cret-accounting"

ANNA = {"id": 1, "customer_number": "K-1001", "name": "Anna de Vries",
        "email": "anna@example.nl", "phone": "06-12345678", "street": "Hoofdstraat 12",
        "iban": "NL91ABNA0417164300", "geboortedatum": date(1985, 3, 12)}
BRAM = {"id": 2, "customer_number": "K-1002", "name": "Bram Bakker",
        "email": "bram@example.nl", "phone": "+31 6 87654321", "street": "Dorpsweg 3",
        "iban": "NL20INGB0001234567", "geboortedatum": date(1990, 7, 1)}
NOTES = [{"id": 1, "customer_id": 1, "body": "Anna belt terug op 06 1234 5678."},
         {"id": 2, "customer_id": 2, "body": "Loonstrook Carla Jansen: BSN 111222333"}]


def _schema(with_extra: bool) -> MetaData:
    metadata = MetaData()
    columns = [Column("id", Integer, primary_key=True), Column("customer_number", String(20)),
               Column("name", String(100)), Column("email", String(200)),
               Column("phone", String(40)), Column("street", String(100)),
               Column("iban", String(40))]
    if with_extra:
        columns.append(Column("geboortedatum", Date))
    Table("customers", metadata, *columns)
    Table("invoices", metadata, Column("id", Integer, primary_key=True),
          Column("customer_id", Integer), Column("amount", Numeric(10, 2)),
          Column("invoice_date", Date))
    if with_extra:
        Table("notes", metadata, Column("id", Integer, primary_key=True),
              Column("customer_id", Integer), Column("body", Text))
    return metadata


def _accounting(with_extra: bool) -> Iterator[str]:
    """A seeded accounting database on the machine's PostgreSQL; its connector URL."""
    name = "scan_" + uuid.uuid4().hex
    admin = create_engine(PG_ADMIN, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:5432/{name}"
    engine = create_engine(url, poolclass=NullPool)
    try:
        metadata = _schema(with_extra)
        metadata.create_all(engine)
        keep = set(metadata.tables["customers"].columns.keys())
        with engine.begin() as conn:
            conn.execute(metadata.tables["customers"].insert(),
                         [{k: v for k, v in row.items() if k in keep} for row in (ANNA, BRAM)])
            conn.execute(metadata.tables["invoices"].insert(),
                         [{"id": 1, "customer_id": 1, "amount": 120,
                           "invoice_date": date(2024, 4, 1)}])
            if with_extra:
                conn.execute(metadata.tables["notes"].insert(), NOTES)
        yield url
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def accounting(monkeypatch) -> Iterator[str]:
    """Accounting with an undeclared birth-date column and a note holding a BSN."""
    for url in _accounting(with_extra=True):
        monkeypatch.setenv("PRIVACYDESK_SYSTEM_ACCOUNTING_URL", url)
        yield url


@pytest.fixture
def clean_accounting(monkeypatch) -> Iterator[str]:
    """Accounting holding only what the policy declares for it."""
    for url in _accounting(with_extra=False):
        monkeypatch.setenv("PRIVACYDESK_SYSTEM_ACCOUNTING_URL", url)
        yield url


def _scan(*args: str):
    return run_privacydesk("systems", "scan", *args, "--no-progress")


def _found(stored: SystemScan) -> dict[tuple[str, str], tuple[int, str | None, str]]:
    return {(f["where"], f["detector"]): (f["count"], f["category"], f["rule"])
            for f in stored.findings}


# -- what the scan finds and how it judges it ------------------------------------------------


def test_the_scan_finds_each_kind_of_data_where_it_is(db, accounting):
    outcome = _scan("accounting")

    stored = SystemScan.objects.get(system="accounting")
    found = _found(stored)
    assert found[("customers.email", "email")] == (2, "email", "")
    assert found[("customers.phone", "phone")] == (2, "phone", "")
    assert found[("customers.iban", "iban")] == (2, "financial", "")
    assert found[("notes.body", "phone")] == (1, "phone", "")
    assert stored.sampled > 0 and stored.finished_at is not None
    assert outcome.stdout.count("\n") > 5


def test_a_bsn_in_accounting_breaks_c2_and_dates_of_birth_are_no_category_at_all(db,
                                                                                  accounting):
    outcome = _scan("accounting")

    found = _found(SystemScan.objects.get(system="accounting"))
    # Identity data are a category of the policy, but not one declared for accounting.
    assert found[("notes.body", "bsn")] == (1, "identity", "C2")
    # InFactor's statement lists no dates of birth anywhere.
    assert found[("customers.geboortedatum", "date_of_birth")] == (2, None, "C2")
    assert outcome.exit_code == 1
    assert "Error: accounting: 2 findings of data the policy does not allow there" \
        in outcome.stderr


def test_financial_data_in_a_system_of_contacts_only_breaks_c3(db, clean_accounting):
    contacts_only = replace(get_policy().system("accounting"), roles=("contact",))

    stored = scan.scan_system(contacts_only, limit=50)

    found = _found(stored)
    assert found[("customers.iban", "iban")] == (2, "financial", "C3")
    assert found[("customers.email", "email")] == (2, "email", "")


def test_a_system_with_only_declared_data_passes_with_status_0(db, clean_accounting):
    outcome = _scan("accounting", "--language", "en")

    assert outcome.exit_code == 0, outcome.output
    assert SystemScan.objects.get(system="accounting").breaches == 0
    assert "Accounting: " in outcome.stdout and "0 not allowed" in outcome.stdout


# -- what is shown and stored ----------------------------------------------------------------


def test_the_table_is_dutch_with_category_labels_and_the_promise_broken(db, accounting):
    outcome = _scan("accounting")

    lines = outcome.stdout.splitlines()
    assert lines[0].split() == ["Plaats", "Gevonden", "Aantal", "Categorie", "Toegestaan?"]
    iban = next(line for line in lines if line.startswith("customers.iban"))
    assert "IBAN" in iban and "2/2" in iban and "Financiële gegevens" in iban \
        and iban.rstrip().endswith("ja")
    bsn = next(line for line in lines if line.startswith("notes.body") and "BSN" in line)
    assert "Identiteitsgegevens" in bsn and bsn.rstrip().endswith("nee (C2)")
    birth = next(line for line in lines if "geboortedatum" in line.split()[1:])
    assert "(geen categorie van het beleid)" in birth
    assert "Boekhouding: " in outcome.stdout


def test_the_proposal_is_a_dataset_declaration_for_the_sql_connector(db, accounting):
    _scan("accounting")

    proposal = tomllib.loads(SystemScan.objects.get(system="accounting").proposal)
    tables = {t["name"]: t["columns"] for t in proposal["tables"]}
    assert tables["customers"]["email"] == "email"
    assert tables["customers"]["iban"] == "financial"
    assert tables["customers"]["geboortedatum"] == "date_of_birth"
    assert tables["notes"]["body"] == {"category": "phone", "free_text": True}


def test_no_sampled_value_is_stored_or_printed_only_counts(db, accounting):
    outcome = _scan("accounting")

    stored = SystemScan.objects.get(system="accounting")
    kept = json.dumps(stored.findings) + stored.proposal + stored.error + outcome.output
    for value in ("anna@example.nl", "06-12345678", "NL91ABNA0417164300", "111222333",
                  "1985-03-12", "Anna de Vries", "Carla", PASSWORD):
        assert value not in kept


# -- when the scan cannot run ----------------------------------------------------------------


def test_a_system_that_is_not_connected_is_named_with_its_variable(db, monkeypatch):
    monkeypatch.delenv("PRIVACYDESK_SYSTEM_ACCOUNTING_URL", raising=False)

    outcome = _scan("accounting")

    assert outcome.exit_code == 1
    assert "Error: accounting: not connected in this installation; set " \
        "PRIVACYDESK_SYSTEM_ACCOUNTING_URL" in outcome.stderr


def test_a_system_that_is_down_is_stored_as_unreachable_without_the_password(db,
                                                                             monkeypatch):
    from tests.systems.servers.sql import free_port

    monkeypatch.setenv("PRIVACYDESK_SYSTEM_ACCOUNTING_URL",
                       f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{free_port()}/x")

    outcome = _scan("accounting", "--timeout", "2")

    assert outcome.exit_code == 1
    assert "Error: accounting: unreachable:" in outcome.stderr
    stored = SystemScan.objects.get(system="accounting")
    assert stored.error.startswith("unreachable:") and stored.findings == []
    assert PASSWORD not in outcome.output + stored.error


def test_an_unknown_system_or_the_register_cannot_be_scanned(db):
    unknown = _scan("crm")
    register = _scan("register")

    assert unknown.exit_code == 2 and "'crm' is not a declared system" in unknown.stderr
    assert register.exit_code == 1
    assert "does not declare the capability \"scan\"" in register.stderr
    assert not SystemScan.objects.exists()


def test_a_mailbox_gets_its_proposal_as_a_list_of_places(db):
    mailbox = get_policy().system("mailbox")
    findings = [scan.Finding("INBOX.body", "phone", 3, 10, "phone", ""),
                scan.Finding("INBOX.body", "iban", 1, 10, "financial", "C2"),
                scan.Finding("INBOX.from", "email", 10, 10, "email", "")]

    proposal = tomllib.loads(scan.propose(mailbox, findings, date(2026, 12, 7)))

    assert proposal == {"places": {
        "INBOX.body": {"category": "phone", "free_text": True},
        "INBOX.from": "email"}}
