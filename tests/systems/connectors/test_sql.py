"""The SQL connector against real PostgreSQL and MariaDB servers (#16.2): a person is found
by every identity the CRM dataset declares, by the rows that reference her and by free text
that names her; her export, a correction, and an erasure after which the re-search finds
nothing erasable (Rt1, Rt2, Rt3, Rt4; R3 keeps her invoice). The same tests on both engines.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, text

from privacydesk.policy.loader import get_default_policy_path, load_policy
from privacydesk.systems.connector import Connection, ConnectorError, Subject
from privacydesk.systems.connectors import sql
from tests.systems.servers.sql import (  # noqa: F401 - the fixtures are used by name
    ANNA,
    BRAM,
    NOORD,
    Crm,
    accounting_fixture,
    crm_fixture,
    mariadb_fixture,
    postgres_crm,
    postgres_fixture,
)

pytestmark = pytest.mark.live

DATASET = tomllib.loads((Path(__file__).parent / "sql_crm.toml").read_text())
KEPT = "R3: facturen worden 7 jaar bewaard (art. 52 AWR)"

ANNA_SUBJECT = Subject(name="Anna de Vries", emails=("anna@example.nl",),
                       phones=("+31612345678",), postcode_house_numbers=("9712AB 12",),
                       ids={"customer_number": ("K-1001",)})
BRAM_SUBJECT = Subject(name="Bram Bakker", emails=("bram@example.nl",),
                       phones=("+31687654321",))
EVA_SUBJECT = Subject(name="Eva Visser", emails=("eva@noordict.nl",))
OLAF_SUBJECT = Subject(name="Olaf", emails=("olaf@example.org",), phones=("+31699999999",),
                       ids={"customer_number": ("K-9999",)})


def connector(database: Crm, dataset: Any = None, **options: Any) -> sql.SqlConnector:
    return sql.connect(Connection("crm", database.url,
                                  database.dataset(DATASET if dataset is None else dataset),
                                  ("127.0.0.1",), **options))


def by_locator(records: list[Any]) -> dict[str, Any]:
    return {r.locator: r for r in records}


# -- find ------------------------------------------------------------------------------------

@pytest.mark.parametrize("subject, matched", [
    (Subject(emails=("anna@example.nl",)), "email"),          # stored as Anna@Example.nl
    (Subject(phones=("+31612345678",)), "phone"),              # stored as 06-12345678
    (Subject(name="anna  de vries"), "name"),
    (Subject(ids={"customer_number": ("K-1001",)}), "customer_number"),
    (Subject(postcode_house_numbers=("9712AB 12",)), "postcode_house_number"),
])
def test_anna_is_found_by_each_identity_alone(crm, subject, matched):
    records = by_locator(connector(crm).find(subject))
    customer = records[f"customers/{ANNA}"]
    assert matched in customer.matched_by
    assert customer.kind == "klant"
    assert customer.fields["name"] == "Anna de Vries"
    assert str(customer.dated) == "2024-03-01"
    # Bram and Eva's client are not found by Anna's identities.
    assert f"customers/{BRAM}" not in records and f"customers/{NOORD}" not in records


def test_find_follows_her_references_and_reads_free_text_that_names_her(crm):
    records = by_locator(connector(crm).find(ANNA_SUBJECT))
    assert set(records) == {"customers/1", "invoices/1", "notes/1", "notes/2", "notes/4"}
    assert set(records["customers/1"].matched_by) >= {"email", "phone", "name",
                                                      "customer_number",
                                                      "postcode_house_number"}
    assert records["customers/1"].categories == ("address", "customer_number", "email",
                                                 "names", "notes", "phone")
    # Her invoice and her note are hers because they reference her customer row.
    assert "via customers" in records["invoices/1"].matched_by
    assert records["invoices/1"].kind == "factuur"
    assert "via customers" in records["notes/1"].matched_by
    # Eva's client's note names her and her e-mail; a voicemail note holds her number.
    assert records["notes/2"].matched_by == ("email in text", "name in text")
    assert records["notes/4"].matched_by == ("phone in text",)
    assert all(r.system == "crm" for r in records.values())


def test_olaf_is_found_nowhere(crm):
    assert connector(crm).find(OLAF_SUBJECT) == []
    assert connector(crm).find(Subject()) == []


def test_a_name_inside_a_longer_name_is_not_hers(crm):
    with crm.engine.begin() as conn:
        conn.execute(text("UPDATE notes SET body = 'Joanna de Vriesland belde' WHERE id = 3"))
    assert "notes/3" not in by_locator(connector(crm).find(Subject(name="Anna de Vries")))


# -- export and correct ----------------------------------------------------------------------

def test_her_export_is_a_csv_per_table_and_one_json(crm):
    crm_connector = connector(crm)
    files = {f.filename: f for f in crm_connector.export(crm_connector.find(ANNA_SUBJECT))}
    assert set(files) == {"crm-customers.csv", "crm-invoices.csv", "crm-notes.csv",
                          "crm.json"}
    customers = list(csv.DictReader(io.StringIO(files["crm-customers.csv"].data.decode())))
    assert customers == [{"id": "1", "customer_number": "K-1001", "name": "Anna de Vries",
                          "email": "Anna@Example.nl", "phone": "06-12345678",
                          "postcode": "9712 AB", "house_number": "12",
                          "remarks": "Wil facturen per e-mail.", "created_on": "2024-03-01"}]
    assert files["crm-customers.csv"].content_type == "text/csv"
    everything = json.loads(files["crm.json"].data)
    assert everything["invoices"] == [{"id": 1, "customer_id": 1, "number": "F-2024-001",
                                       "billing_name": "Anna de Vries", "amount": "120.00",
                                       "issued_on": "2024-04-01"}]
    assert {n["id"] for n in everything["notes"]} == {1, 2, 4}


def test_her_export_cannot_run_as_a_spreadsheet_formula(crm):
    with crm.engine.begin() as conn:
        conn.execute(text("UPDATE customers SET remarks = '=HYPERLINK(\"http://x\")' "
                          "WHERE id = 1"))
    crm_connector = connector(crm)
    files = {f.filename: f for f in crm_connector.export(crm_connector.find(ANNA_SUBJECT))}
    assert "'=HYPERLINK" in files["crm-customers.csv"].data.decode()


def test_a_correction_changes_her_column_and_nothing_else(crm):
    crm_connector = connector(crm)
    records = by_locator(crm_connector.find(ANNA_SUBJECT))
    outcome = crm_connector.correct(records["customers/1"], "email", "anna.devries@example.nl")
    assert (outcome.action, outcome.detail) == ("corrected", "email")
    assert crm.row("customers", ANNA)["email"] == "anna.devries@example.nl"
    assert crm.row("customers", BRAM)["email"] == "bram@example.nl"
    # She is found by her new address from now on.
    assert "customers/1" in by_locator(
        crm_connector.find(Subject(emails=("anna.devries@example.nl",))))


def test_a_kept_invoice_is_not_corrected_and_a_key_cannot_be(crm):
    crm_connector = connector(crm)
    records = by_locator(crm_connector.find(ANNA_SUBJECT))
    kept = crm_connector.correct(records["invoices/1"], "billing_name", "A. de Vries")
    assert (kept.action, kept.detail) == ("kept", KEPT)
    assert crm.row("invoices", 1)["billing_name"] == "Anna de Vries"
    with pytest.raises(ConnectorError) as refused:
        crm_connector.correct(records["customers/1"], "id", "7")
    assert refused.value.kind == "unsupported"


def test_a_correction_the_database_refuses_changes_nothing_and_names_no_value(crm):
    crm_connector = connector(crm)
    records = by_locator(crm_connector.find(ANNA_SUBJECT))
    with pytest.raises(ConnectorError) as refused:
        crm_connector.correct(records["customers/1"], "customer_number", "K-1002")  # Bram's
    assert refused.value.kind == "refused"
    assert "K-1002" not in str(refused.value) and crm.password not in str(refused.value)
    assert crm.row("customers", ANNA)["customer_number"] == "K-1001"


def test_a_correction_of_a_date_column_takes_a_date_and_refuses_anything_else(crm):
    dataset = json.loads(json.dumps(DATASET))
    dataset["tables"][0]["columns"]["created_on"] = "none"
    crm_connector = connector(crm, dataset)
    customer = by_locator(crm_connector.find(ANNA_SUBJECT))["customers/1"]
    assert crm_connector.correct(customer, "created_on", "2024-03-02").action == "corrected"
    assert str(crm.row("customers", ANNA)["created_on"]) == "2024-03-02"
    with pytest.raises(ConnectorError) as refused:
        crm_connector.correct(customer, "created_on", "gisteren")
    assert refused.value.kind == "unsupported"
    assert "customers.created_on" in str(refused.value) and "date" in str(refused.value)
    assert str(crm.row("customers", ANNA)["created_on"]) == "2024-03-02"


# -- erase and the re-search -----------------------------------------------------------------

def test_erasing_anna_leaves_nothing_erasable_and_bram_and_eva_untouched(crm):
    crm_connector = connector(crm)
    before = {t: crm.rows(t) for t in ("customers", "contacts", "invoices", "notes")}
    outcomes = {o.locator: o for o in crm_connector.erase(crm_connector.find(ANNA_SUBJECT),
                                                          ANNA_SUBJECT)}
    assert {k: o.action for k, o in outcomes.items()} == {
        "customers/1": "anonymised", "invoices/1": "kept", "notes/1": "deleted",
        "notes/2": "anonymised", "notes/4": "anonymised"}
    assert outcomes["invoices/1"].detail == KEPT
    assert "invoices" in outcomes["customers/1"].detail   # why it was not deleted

    # Her customer row stays for the kept invoice, emptied of her.
    anna = crm.row("customers", ANNA)
    assert anna is not None
    assert (anna["name"], anna["email"], anna["phone"], anna["customer_number"],
            anna["postcode"], anna["house_number"], anna["remarks"]) == (
        "[verwijderd]", None, None, None, None, None, None)
    assert crm.row("notes", 1) is None
    assert crm.row("notes", 2)["body"] == (
        "Eva Visser vraagt of [verwijderd] ([verwijderd]) ook een offerte wil.")
    assert crm.row("notes", 4)["body"] == "Voicemail van [verwijderd], naam onbekend."
    assert crm.row("invoices", 1)["billing_name"] == "Anna de Vries"   # R3

    # The re-search: only what the law keeps, and erasing that again keeps it.
    again = crm_connector.find(ANNA_SUBJECT)
    assert [r.locator for r in again] == ["invoices/1"]
    assert [(o.action, o.detail) for o in crm_connector.erase(again, ANNA_SUBJECT)] == [
        ("kept", KEPT)]

    # Bram, Eva and her client are as they were.
    for table, key in (("customers", BRAM), ("customers", NOORD), ("contacts", 1),
                       ("notes", 3), ("invoices", 2)):
        assert crm.row(table, key) == next(r for r in before[table] if r["id"] == key)
    assert by_locator(crm_connector.find(EVA_SUBJECT)).keys() == {"contacts/1", "notes/2"}


def test_erasing_bram_deletes_his_row_after_his_note(crm):
    crm_connector = connector(crm)
    outcomes = crm_connector.erase(crm_connector.find(BRAM_SUBJECT), BRAM_SUBJECT)
    # Children first: his note goes before his customer row (a foreign key would refuse).
    assert [(o.locator, o.action) for o in outcomes] == [("notes/3", "deleted"),
                                                        ("customers/2", "deleted")]
    assert crm.row("customers", BRAM) is None and crm.row("notes", 3) is None
    assert crm_connector.find(BRAM_SUBJECT) == []
    assert crm.row("customers", ANNA)["name"] == "Anna de Vries"


def test_an_erasure_that_fails_changes_nothing(crm):
    # An order the dataset does not declare references Bram: the database refuses to delete
    # his row, and the note deleted before it comes back (one transaction).
    with crm.engine.begin() as conn:
        conn.execute(text("INSERT INTO orders (id, customer_id, product) "
                          "VALUES (1, 2, 'Laptop')"))
    crm_connector = connector(crm)
    with pytest.raises(ConnectorError) as failed:
        crm_connector.erase(crm_connector.find(BRAM_SUBJECT), BRAM_SUBJECT)
    assert failed.value.kind == "misdeclared"
    assert "nothing was changed" in str(failed.value)
    assert crm.password not in str(failed.value)
    assert crm.row("notes", 3)["body"] == "Bram Bakker wil een demo."
    assert crm.row("customers", BRAM)["name"] == "Bram Bakker"


def test_a_table_declared_null_empties_her_columns(crm):
    dataset = {**DATASET, "tables": [
        {**t, "erase": "null"} if t["name"] == "contacts" else t for t in DATASET["tables"]]}
    with crm.engine.begin() as conn:
        conn.execute(text("ALTER TABLE contacts ADD COLUMN notes_text VARCHAR(200)"))
    dataset["tables"][1] = {**dataset["tables"][1], "columns": {
        "customer_id": {"category": "none", "references": "customers.id"},
        "email": {"category": "email", "identity": "email"},
        "phone": {"category": "phone", "identity": "phone"}}}
    crm_connector = connector(crm, dataset)
    eva = Subject(emails=("eva@noordict.nl",))
    outcomes = crm_connector.erase(crm_connector.find(eva), eva)
    assert [(o.locator, o.action) for o in outcomes] == [("contacts/1", "anonymised")]
    row = crm.row("contacts", 1)
    assert (row["email"], row["phone"], row["customer_id"]) == (None, None, NOORD)
    assert crm_connector.find(eva) == []


def test_a_table_keyed_by_two_columns_is_found_exported_and_erased(crm):
    dataset = json.loads(json.dumps(DATASET))
    dataset["tables"][1]["key"] = ["customer_id", "id"]
    crm_connector = connector(crm, dataset)
    eva = Subject(name="Eva Visser", emails=("eva@noordict.nl",))
    records = by_locator(crm_connector.find(eva))
    assert "contacts/3,1" in records
    exported = {f.filename: f for f in crm_connector.export([records["contacts/3,1"]])}
    assert b"eva@noordict.nl" in exported["crm-contacts.csv"].data
    outcomes = crm_connector.erase([records["contacts/3,1"]], eva)
    assert [(o.locator, o.action) for o in outcomes] == [("contacts/3,1", "deleted")]
    assert crm.row("contacts", 1) is None


def test_a_grandchild_row_is_hers_and_goes_first(crm):
    # An attachment of her note (which references her customer row) is hers too, two
    # references away; erasure deletes it before the note (children first).
    metadata = MetaData()
    Table("notes", metadata, autoload_with=crm.engine)
    attachments = Table("note_attachments", metadata,
                        Column("id", Integer, primary_key=True, autoincrement=False),
                        Column("note_id", Integer, ForeignKey("notes.id"), nullable=False),
                        Column("filename", String(100), nullable=False))
    metadata.create_all(crm.engine, tables=[attachments])
    with crm.engine.begin() as conn:
        conn.execute(attachments.insert(), [{"id": 1, "note_id": 1, "filename": "brief.pdf"},
                                            {"id": 2, "note_id": 3, "filename": "demo.pdf"}])
    dataset = json.loads(json.dumps(DATASET))
    dataset["tables"].append({"name": "note_attachments", "kind": "bijlage", "key": "id",
                              "erase": "delete", "columns": {
                                  "note_id": {"category": "none", "references": "notes.id"},
                                  "filename": "notes"}})
    crm_connector = connector(crm, dataset)
    found = by_locator(crm_connector.find(ANNA_SUBJECT))
    assert found["note_attachments/1"].matched_by == ("via notes",)
    assert "note_attachments/2" not in found                      # Bram's
    outcomes = [(o.locator, o.action) for o in crm_connector.erase(list(found.values()),
                                                                   ANNA_SUBJECT)]
    assert outcomes.index(("note_attachments/1", "deleted")) < outcomes.index(
        ("notes/1", "deleted"))
    assert [r["id"] for r in crm.rows("note_attachments")] == [2]


# -- the declaration against the real schema, and the scan -----------------------------------

@pytest.mark.parametrize("change, where, rule", [
    (lambda d: d["tables"][3].update(name="memos"), "tables[3].name",
     "table memos does not exist"),
    (lambda d: d["tables"][1]["columns"].update(fax={"category": "phone"}), "tables[1]",
     "column contacts.fax does not exist"),
    (lambda d: d["tables"][0].update(date="born_on"), "tables[0]",
     "column customers.born_on does not exist"),
    (lambda d: d["tables"][0].update(erase="null"), "tables[0].columns.name",
     "NOT NULL"),
])
def test_a_dataset_that_does_not_match_the_schema_is_refused(crm, change, where, rule):
    dataset = json.loads(json.dumps(DATASET))
    change(dataset)
    crm_connector = connector(crm, dataset)
    with pytest.raises(ConnectorError) as refused:
        crm_connector.ping()
    assert refused.value.kind == "misdeclared"
    assert where in str(refused.value) and rule in str(refused.value)
    with pytest.raises(ConnectorError):
        crm_connector.find(ANNA_SUBJECT)


def test_ping_answers_for_a_matching_dataset(crm):
    assert connector(crm).ping() is None


def test_the_scan_samples_every_table_including_undeclared_ones(crm):
    with crm.engine.begin() as conn:
        conn.execute(text("INSERT INTO orders (id, customer_id, product) "
                          "VALUES (1, 1, 'Laptop')"))
    samples = list(connector(crm).sample(10))
    seen = {(s.where, s.value) for s in samples}
    assert ("customers.email", "Anna@Example.nl") in seen
    assert ("contacts.phone", "06 11122233") in seen
    assert ("orders.product", "Laptop") in seen       # undeclared: a scan must see it (C2)
    assert ("notes.body", "Bram Bakker wil een demo.") in seen
    assert len([s for s in connector(crm).sample(1) if s.where == "customers.name"]) == 1


def test_a_statement_that_waits_too_long_times_out(crm):
    # Another session holds her table locked: the connector gives up after its timeout
    # instead of hanging the erasure's task (#16.2 "slow").
    lock = ("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE" if crm.engine_name == "postgresql"
            else "LOCK TABLES customers WRITE")
    with crm.engine.connect() as holder:
        holder.execute(text(lock))   # PostgreSQL: held until the transaction ends
        with pytest.raises(ConnectorError) as slow:
            connector(crm, timeout=1.0).find(ANNA_SUBJECT)
        holder.rollback()
        if crm.engine_name == "mariadb":
            holder.execute(text("UNLOCK TABLES"))
    assert slow.value.kind == "timeout"
    assert crm.password not in str(slow.value)


# -- the InFactor default --------------------------------------------------------------------

def test_the_default_policys_accounting_dataset_erases_anna_and_keeps_her_invoice(accounting):
    declared = load_policy(get_default_policy_path()).system("accounting")
    assert declared.connector == "sql"
    accounting_connector = sql.connect(Connection(
        "accounting", accounting.url, accounting.dataset(declared.dataset), declared.hosts))
    accounting_connector.ping()
    anna = Subject(name="Anna de Vries", emails=("anna@example.nl",),
                   ids={"customer_number": ("K-1001",)})
    found = by_locator(accounting_connector.find(anna))
    assert found.keys() == {"customers/1", "invoices/1"}
    assert set(found["customers/1"].matched_by) == {"customer_number", "email", "name"}
    assert found["customers/1"].categories == ("address", "email", "financial", "names",
                                               "phone")
    outcomes = {o.locator: (o.action, o.detail)
                for o in accounting_connector.erase(list(found.values()), anna)}
    assert outcomes["invoices/1"] == ("kept", "art. 52 AWR: fiscal records are kept seven "
                                              "years")
    assert outcomes["customers/1"][0] == "anonymised"
    row = accounting.row("customers", ANNA)
    assert (row["name"], row["email"], row["customer_number"], row["iban"]) == (
        "[verwijderd]", None, None, None)
    assert accounting.row("invoices", 1)["amount"] == Decimal("120.00")   # R3: kept
    assert accounting_connector.find(anna) == []                          # the re-search
    assert accounting.row("customers", BRAM)["name"] == "Bram Bakker"


def test_a_postgresql_url_may_set_the_search_path_itself(postgres):
    # The connector adds its statement timeout to the URL's own options, not over them.
    with postgres_crm(postgres) as database:
        url = f"{database.url}?options=-csearch_path%3D{database.schema}"
        crm_connector = sql.connect(Connection("crm", url, DATASET, ("127.0.0.1",)))
        assert "customers/1" in by_locator(crm_connector.find(ANNA_SUBJECT))


def test_a_first_name_alone_is_not_looked_for_in_free_text(crm):
    # "Bram" alone would name every Bram in every note; the whole name is looked for.
    assert connector(crm).find(Subject(name="Bram")) == []
    assert "notes/3" in by_locator(connector(crm).find(Subject(name="Bram Bakker")))


# -- archive-only: only what the law keeps, only as long (R3, C2) ---------------------------

FISCAL = ("address", "financial", "names")          # the policy's "fiscal-records" categories
AWR = "art. 52 Algemene wet inzake rijksbelastingen"
INVOICE_KEPT = "art. 52 AWR: fiscal records are kept seven years"
ANNA_IN_ACCOUNTING = Subject(name="Anna de Vries", emails=("anna@example.nl",),
                             ids={"customer_number": ("K-1001",)})


def accounting_connector(database: Crm) -> sql.SqlConnector:
    declared = load_policy(get_default_policy_path()).system("accounting")
    return sql.connect(Connection("accounting", database.url,
                                  database.dataset(declared.dataset), declared.hosts))


def test_in_the_accounting_the_law_keeps_her_invoice_name_address_and_iban_not_her_phone_or_email(
        accounting):
    bram_before = accounting.row("customers", BRAM)
    keeping = accounting_connector(accounting).keeping(FISCAL, AWR)
    found = by_locator(keeping.find(ANNA_IN_ACCOUNTING))
    # Before: her customer row still holds what the law does not keep (erasable), her
    # invoice holds only what it keeps.
    assert (found["customers/1"].kept, found["invoices/1"].kept) == ("", INVOICE_KEPT)

    outcomes = {o.locator: o for o in keeping.erase(list(found.values()), ANNA_IN_ACCOUNTING)}
    assert (outcomes["invoices/1"].action, outcomes["invoices/1"].detail) == ("kept",
                                                                              INVOICE_KEPT)
    customer = outcomes["customers/1"]
    assert customer.action == "anonymised"
    assert customer.detail == f"email, phone emptied; kept address, financial, names ({AWR})"
    row = accounting.row("customers", ANNA)
    assert (row["email"], row["phone"]) == (None, None)                   # C2: not kept
    assert (row["name"], row["street"], row["iban"], row["customer_number"]) == (
        "Anna de Vries", "Grote Markt 12, 9712 AB Groningen", "NL91ABNA0417164300", "K-1001")
    assert accounting.row("invoices", 1)["amount"] == Decimal("120.00")

    # The re-search: both found again, both kept with the law named, nothing erasable left.
    again = by_locator(keeping.find(ANNA_IN_ACCOUNTING))
    assert {k: r.kept for k, r in again.items()} == {"customers/1": AWR,
                                                     "invoices/1": INVOICE_KEPT}
    assert again["customers/1"].categories == ("address", "financial", "names")
    # Erasing again changes nothing; Bram is untouched.
    assert {o.action for o in keeping.erase(list(again.values()), ANNA_IN_ACCOUNTING)} == {
        "kept"}
    assert accounting.row("customers", BRAM) == bram_before


def test_a_column_the_law_does_not_keep_that_cannot_be_emptied_is_refused_before_any_change(
        accounting):
    # With a rule keeping names only, her IBAN (financial) and street must go too, and so
    # must the invoice's amount — NOT NULL and no text, it cannot be emptied: the dataset is
    # refused (misdeclared, naming the column) before anything is read or changed.
    keeping = accounting_connector(accounting).keeping(("names",), AWR)
    for call in (keeping.ping, lambda: keeping.find(ANNA_IN_ACCOUNTING)):
        with pytest.raises(ConnectorError) as refused:
            call()
        assert refused.value.kind == "misdeclared"
        assert "tables[1].columns.amount" in str(refused.value)
        assert "the law keeps no financial here" in str(refused.value)
    assert accounting.row("customers", ANNA)["email"] == "anna@example.nl"
    accounting_connector(accounting).ping()            # as declared, the dataset is fine


def test_past_the_laws_period_the_accounting_lets_her_invoice_go(accounting):
    # R3: the law keeps an invoice seven years, no longer. What the sweep hands over (due,
    # past the period) expires: the invoice is deleted (the table's `expire`), her customer
    # row anonymised (its table's action). Without the law given, the invoice stays kept.
    plain = accounting_connector(accounting)
    due = [r for r in plain.due(date(2025, 1, 1)) if r.locator == "invoices/1"]
    assert due[0].kept == INVOICE_KEPT                        # kept by its table, as declared
    assert [(o.action, o.detail) for o in plain.expire(due)] == [("kept", INVOICE_KEPT)]
    assert accounting.row("invoices", 1) is not None

    keeping = plain.keeping(FISCAL, AWR)
    due = [r for r in keeping.due(date(2025, 1, 1)) if r.locator == "invoices/1"]
    assert due[0].kept == ""                                  # judged by the law's period
    assert [o.action for o in keeping.expire(due)] == ["deleted"]
    assert accounting.row("invoices", 1) is None
    assert accounting.row("invoices", 2) is not None          # Bram's of 2025
    assert [r.locator for r in keeping.due(date(2025, 1, 1))] == []


# -- the identities a record hands on (#16: found by more than one address) ------------------

def test_her_customer_row_found_by_her_address_hands_on_her_other_identities(crm):
    with crm.engine.begin() as conn:
        conn.execute(text("ALTER TABLE customers ADD COLUMN work_email VARCHAR(200)"))
        conn.execute(text("UPDATE customers SET work_email = ' Anna@Werk.Example ' "
                          "WHERE id = 1"))
    dataset = json.loads(json.dumps(DATASET))
    dataset["tables"][0]["columns"]["work_email"] = {"category": "email", "identity": "email"}
    crm_connector = connector(crm, dataset)
    found = by_locator(crm_connector.find(Subject(emails=("anna@example.nl",))))
    # E-mail lower-case, the phone as E.164 (stored as 06-12345678), the customer number:
    # what other systems may find her by; not the address she was searched by.
    assert found["customers/1"].identities == {
        "customer_number": ("K-1001",), "email": ("anna@werk.example",),
        "phone": ("+31612345678",)}
    # Rows that are hers by a reference or only mention her hand on nothing of their own.
    assert found["invoices/1"].identities == {} and found["notes/2"].identities == {}
    # Eva's contact row, found by her address, hands on her phone.
    eva = by_locator(crm_connector.find(Subject(emails=("eva@noordict.nl",))))
    assert eva["contacts/1"].identities == {"phone": ("+31611122233",)}


def test_a_row_found_by_a_name_alone_hands_on_nothing(crm):
    # A name is shared by many: "Anna de Vries" found by her name may be another Anna, whose
    # address must not lead the search into other systems.
    found = by_locator(connector(crm).find(Subject(name="Anna de Vries")))
    assert "name" in found["customers/1"].matched_by
    assert all(r.identities == {} for r in found.values())
    by_phone = by_locator(connector(crm).find(Subject(phones=("+31612345678",))))
    assert by_phone["customers/1"].identities == {}           # a phone is no strong identity
