"""Archive-only done right (#16, R3, C2): InFactor's accounting database keeps only what the
fiscal rule keeps, and only as long as the law says.

The accounting system is declared archive-only under "fiscal-records" (names, address,
financial; seven years from the end of the year; art. 52 AWR). Anna's erasure keeps her
invoice and her name, address and IBAN there, with the law named, and empties her phone and
e-mail address, which no law keeps; her receipt line says so and that nothing else is left.
Bram is untouched. The daily sweep removes an invoice once its seven years from the year's
end are over: one of 2018 goes in 2026, one of 2019 only on 31 December 2026 — on the
controller's calendar (Europe/Amsterdam), also at 00:30 there while it is still the 30th in
UTC.

Real servers: the default policy's accounting dataset on the machine's PostgreSQL and on a
MariaDB the tests start (tests/systems/servers/sql.py), each test a database of its own.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from sqlalchemy import text

from privacydesk.policy import clock
from privacydesk.policy.loader import get_default_policy_path, load_policy
from privacydesk.retention import plan
from privacydesk.retention.erasure_receipt import SystemLine
from privacydesk.retention.models import DeletionReceipt
from privacydesk.systems import declared, erasing, retaining, tasks
from privacydesk.systems.connector import Subject
from privacydesk.systems.models import SystemTask
from tests.systems.servers.sql import (  # noqa: F401 - the fixtures are used by name
    ANNA,
    BRAM,
    Crm,
    accounting_fixture,
    mariadb_fixture,
    postgres_fixture,
)

pytestmark = pytest.mark.live

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
AWR = "art. 52 Algemene wet inzake rijksbelastingen"
ANNA_SUBJECT = Subject(name="Anna de Vries", emails=("anna@example.nl",),
                       ids={"customer_number": ("K-1001",)})
REGISTER = declared.of_mapping({"id": "register", "connector": "register",
                                "label": {"nl": "Register", "en": "Register"}})


@pytest.fixture
def connected(accounting: Crm, monkeypatch: pytest.MonkeyPatch) -> Iterator[Crm]:
    """The default policy's accounting system, its dataset naming this test's database,
    connected by its URL; afterwards the policy's systems again."""
    entry = declared.of_mapping(load_policy(get_default_policy_path()).system("accounting"))
    assert entry.archive_only and entry.retention == "fiscal-records"
    system = dataclasses.replace(entry, dataset=accounting.dataset(entry.dataset))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_ACCOUNTING_URL", accounting.url)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_ACCOUNTING_TIMEOUT", "10")
    declared.use((REGISTER, system))
    try:
        yield accounting
    finally:
        declared.use(None)


def _erase_task(subject: Subject) -> SystemTask:
    now = timezone.now()
    task = SystemTask(request_uid=uuid.uuid4(), request_ref="VZ-TEST0001", person_ref="ref-anna",
                      system="accounting", action=SystemTask.ERASE, status=SystemTask.QUEUED,
                      created_at=now, updated_at=now)
    tasks.seal_subject(task, subject)
    task.save()
    return task


# -- Anna's erasure -------------------------------------------------------------------------

def test_annas_erasure_keeps_her_invoice_name_address_and_iban_by_law_not_her_phone_or_email(
        db, connected):
    accounting = connected
    bram_before = (accounting.row("customers", BRAM), accounting.row("invoices", 2))
    task = _erase_task(ANNA_SUBJECT)
    assert erasing.run(task.pk)["status"] == SystemTask.DONE
    task.refresh_from_db()
    # Her phone and e-mail address emptied (1 record anonymised); her customer row and her
    # invoice kept by law (2); the re-search finds nothing else of hers (0 left).
    assert (task.found, task.done, task.kept, task.remaining) == (2, 1, 2, 0)
    assert task.detail["actions"] == {"anonymised": 1, "kept": 1}
    assert task.detail["reason"] == "fiscal-records"
    assert not task.key_id                                  # whom to look for is forgotten

    anna = accounting.row("customers", ANNA)
    assert (anna["phone"], anna["email"]) == (None, None)
    assert (anna["name"], anna["street"], anna["iban"], anna["customer_number"]) == (
        "Anna de Vries", "Grote Markt 12, 9712 AB Groningen", "NL91ABNA0417164300", "K-1001")
    assert accounting.row("invoices", 1)["amount"] == Decimal("120.00")
    assert (accounting.row("customers", BRAM), accounting.row("invoices", 2)) == bram_before

    # Her receipt's line: what went, nothing left, what the law keeps and which law.
    [line] = erasing.receipt_lines(task.request_uid)
    assert (line["status"], line["done"], line["kept"], line["remaining"]) == ("done", 1, 2, 0)
    shown = SystemLine(**line, label_nl="Boekhouding", label_en="Accounting").render("nl")
    assert shown.startswith("- Boekhouding: 1 verwijderd of geanonimiseerd; opnieuw gezocht: "
                            "0 gegevens over voor u om ")
    assert f"2 bewaard op grond van de wet ({AWR})" in shown


def test_a_second_erasure_finds_only_what_the_law_keeps(db, connected):
    erasing.run(_erase_task(ANNA_SUBJECT).pk)
    task = _erase_task(ANNA_SUBJECT)
    assert erasing.run(task.pk)["status"] == SystemTask.KEPT
    task.refresh_from_db()
    assert (task.found, task.done, task.kept, task.remaining) == (2, 0, 2, 0)
    [line] = erasing.receipt_lines(task.request_uid)
    shown = SystemLine(**line, label_nl="Boekhouding", label_en="Accounting").render("nl")
    assert f"- Boekhouding: 2 bewaard op grond van de wet ({AWR})" in shown


def test_an_erasure_that_left_her_phone_would_not_be_done(db, connected, monkeypatch):
    # The re-search proves the promise: a customer row that still holds her phone number
    # (an erasure that did not empty it) is not kept by law, it is left — and retried.
    from privacydesk.systems.connectors import sql

    monkeypatch.setattr(sql.SqlConnector, "erase", lambda self, records, subject: [])
    task = _erase_task(ANNA_SUBJECT)
    assert erasing.run(task.pk)["status"] == SystemTask.RETRYING
    task.refresh_from_db()
    assert (task.kept, task.remaining, task.error_kind) == (1, 1, "garbage")


@pytest.mark.dates
def test_an_invoice_past_the_laws_period_is_not_kept_by_her_erasure(db, connected):
    # 2 January 2026, 00:30 in Amsterdam (1 January in UTC): her invoice of 2018 has been kept
    # its seven years (to 31 December 2025) and goes with her erasure; that of 2024 stays.
    accounting = connected
    _add_invoices(accounting)
    task = _erase_task(ANNA_SUBJECT)
    with time_machine.travel(datetime(2026, 1, 2, 0, 30, tzinfo=AMSTERDAM), tick=False):
        assert erasing.run(task.pk)["status"] == SystemTask.DONE
    task.refresh_from_db()
    assert (task.found, task.done, task.kept, task.remaining) == (4, 2, 3, 0)
    assert task.detail["actions"] == {"deleted": 1, "anonymised": 1, "kept": 2}
    assert _invoices(accounting) == [1, 2, 4]
    assert accounting.row("customers", ANNA)["email"] is None


@pytest.mark.dates
def test_when_her_last_invoice_is_past_the_law_her_erasure_keeps_nothing(db, connected):
    # Her only invoice is of 2018: on 2 January 2026 the law keeps neither it nor her
    # customer row (dated by her last invoice) — both go, nothing is counted kept.
    accounting = connected
    with accounting.engine.begin() as conn:
        conn.execute(text("UPDATE invoices SET invoice_date = '2018-03-01' WHERE id = 1"))
    task = _erase_task(ANNA_SUBJECT)
    with time_machine.travel(datetime(2026, 1, 2, 0, 30, tzinfo=AMSTERDAM), tick=False):
        assert erasing.run(task.pk)["status"] == SystemTask.DONE
    task.refresh_from_db()
    assert (task.found, task.done, task.kept, task.remaining) == (2, 2, 0, 0)
    assert _invoices(accounting) == [2]
    anna = accounting.row("customers", ANNA)
    assert (anna["name"], anna["customer_number"], anna["iban"]) == ("[verwijderd]", None, None)
    [line] = erasing.receipt_lines(task.request_uid)
    assert (line["status"], line["kept"], line["remaining"]) == ("done", 0, 0)


# -- the sweep: kept only as long as the law says ---------------------------------------------

def _add_invoices(accounting: Crm) -> None:
    with accounting.engine.begin() as conn:
        conn.execute(text("INSERT INTO invoices (id, customer_id, amount, invoice_date) VALUES "
                          "(3, 1, 75.00, '2018-06-01'), (4, 1, 60.00, '2019-11-15')"))


def _sweep_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return retaining.sweep(clock.today())


def _invoices(accounting: Crm) -> list[int]:
    return [row["id"] for row in accounting.rows("invoices")]


@pytest.mark.dates
def test_an_invoice_of_2018_is_swept_in_2026_one_of_2019_on_the_last_day_of_2026(
        db, connected):
    accounting = connected
    _add_invoices(accounting)
    # 30 December 2026, 23:30 in Amsterdam: 2018's seven years ended on 31 December 2025;
    # 2019's end on 31 December 2026 — tomorrow.
    assert _sweep_at(datetime(2026, 12, 30, 23, 30, tzinfo=AMSTERDAM)) == 1
    assert _invoices(accounting) == [1, 2, 4]
    receipt = DeletionReceipt.objects.get(model="systems.accounting")
    assert (receipt.rule_id, receipt.count, receipt.law_nl, receipt.promise) == (
        "fiscal-records", 1, AWR, "R3")
    state = retaining.state_of(declared.system("accounting"))
    assert (state.status, state.done, state.kept, state.remaining) == (
        SystemTask.DONE, 1, 0, 0)
    # The plan shows the 2019 invoice going on 31 December (counts only, never whose).
    with time_machine.travel(datetime(2026, 12, 30, 23, 30, tzinfo=AMSTERDAM), tick=False):
        rows = [r for r in plan.plan(days=30, today=clock.today(), lang="nl")
                if r.category == "Boekhouding"]
    assert [(r.date, r.count, r.person_ref) for r in rows] == [(date(2026, 12, 31), 1, "")]

    # 31 December 2026, 00:30 in Amsterdam — still the 30th in UTC: the policy's day counts.
    assert _sweep_at(datetime(2026, 12, 31, 0, 30, tzinfo=AMSTERDAM)) == 1
    assert _invoices(accounting) == [1, 2]
    assert DeletionReceipt.objects.filter(model="systems.accounting").count() == 2
    # Anna's customer row is dated by her last invoice (2024): it stays.
    assert accounting.row("customers", ANNA)["name"] == "Anna de Vries"


@pytest.mark.dates
def test_a_customer_row_goes_with_her_last_invoice(db, connected):
    # Anna's last invoice is of 2018: seven years from its year's end on 31 December 2025,
    # her customer row goes with it (anonymised, the table's action); Bram's (2025) stays.
    accounting = connected
    bram_before = accounting.row("customers", BRAM)
    with accounting.engine.begin() as conn:
        conn.execute(text("UPDATE invoices SET invoice_date = '2018-03-01' WHERE id = 1"))
    assert _sweep_at(datetime(2025, 12, 31, 22, 0, tzinfo=AMSTERDAM)) == 2
    assert _invoices(accounting) == [2]
    anna = accounting.row("customers", ANNA)
    assert (anna["name"], anna["email"], anna["phone"], anna["street"], anna["iban"],
            anna["customer_number"]) == ("[verwijderd]", None, None, None, None, None)
    assert accounting.row("customers", BRAM) == bram_before
    state = retaining.state_of(declared.system("accounting"))
    assert (state.done, state.remaining, state.detail["actions"]) == (
        2, 0, {"deleted": 1, "anonymised": 1})
    assert _sweep_at(datetime(2026, 1, 1, 9, 0, tzinfo=AMSTERDAM)) == 0


@pytest.mark.dates
def test_the_sweep_keeps_what_is_within_the_law(db, connected):
    accounting = connected
    _add_invoices(accounting)
    # 31 December 2025, 23:30 in Amsterdam: 2018's period ends today, 2019's in a year.
    assert _sweep_at(datetime(2025, 12, 31, 23, 30, tzinfo=AMSTERDAM)) == 1
    assert _invoices(accounting) == [1, 2, 4]
    assert _sweep_at(datetime(2025, 12, 31, 23, 59, tzinfo=AMSTERDAM)) == 0
    assert _invoices(accounting) == [1, 2, 4]
