"""R1 reaches the company's other systems (#16.3): what a system can list by date joins the
retention plan and the daily sweep — erased there with a receipt, what the law keeps kept —
and a system that cannot be swept gets a periodic review task for its owner.

Real servers: the CRM is a schema of its own on the machine's PostgreSQL
(tests/systems/servers/sql.py, dropped afterwards), the shared mailbox a fresh mailbox on the
Dovecot the tests start (tests/systems/servers/imap.py). InFactor's policy gives the rules:
the CRM is archive-only under "fiscal-records" (seven years from the end of the record's
year: the law that keeps its invoices, and only that long, R3), the mailbox names no rule, so
the contact period (six months, R2) applies there.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from privacydesk.policy import clock
from privacydesk.policy.model import Period
from privacydesk.retention import plan, prune
from privacydesk.retention.models import DeletionReceipt
from privacydesk.systems import declared, retaining, tasks
from privacydesk.systems.connector import Subject
from privacydesk.systems.models import SystemTask
from privacydesk.vault.models import AuditEntry

from .servers import imap as imap_servers
from .servers import ldap as ldap_servers
from .servers.imap import Dovecot, Mailbox
from .servers.sql import ANNA, BRAM, NOORD, Crm, closed_port, postgres_crm, postgres_fixture  # noqa: F401

dovecot_server = imap_servers.dovecot_server
slapd_server = ldap_servers.slapd_server

CRM_DATASET = tomllib.loads((Path(__file__).parent / "connectors" / "sql_crm.toml").read_text())
KEPT = "R3: facturen worden zeven jaar bewaard (art. 52 AWR)"
MAILBOX_DATASET: dict[str, Any] = {
    "categories": ["names", "email", "phone"],
    "folders": [{"name": "INBOX", "erase": "delete"},
                {"name": "Facturen", "erase": "archive_only", "reason": KEPT,
                 "categories": ["names", "email", "financial"]}],
}

# 5 January 2032: the CRM's rows of 2023 and 2024 are past seven years from their year's
# end (31 December 2031), those of 2025 are not (31 December 2032).
SWEEP_DAY = date(2032, 1, 5)
#: The CRM's invoice table's reason (tests/systems/connectors/sql_crm.toml).
CRM_INVOICES_KEPT = "R3: facturen worden 7 jaar bewaard (art. 52 AWR)"


def _system(**entry: Any) -> declared.Declared:
    base = {"label": {"nl": entry["id"], "en": entry["id"]}, "owner": "privacy_officer",
            "operator": "own", "categories": ["names", "email", "phone"],
            "roles": ["customer"], "purposes": ["agreement"], "identities": ["email", "name"]}
    return declared.of_mapping({**base, **entry})


REGISTER = _system(id="register", connector="register",
                   label={"nl": "Register (privacydesk)", "en": "Register (privacydesk)"})


def _crm(crm: Crm) -> declared.Declared:
    return _system(id="crm", connector="sql", dataset=crm.dataset(CRM_DATASET),
                   hosts=["127.0.0.1"], retention="fiscal-records",
                   capabilities=["find", "export", "erase", "archive_only"],
                   label={"nl": "Klantenbestand (CRM)", "en": "Customer database (CRM)"})


MAILBOX = _system(id="mailbox", connector="imap", dataset=MAILBOX_DATASET,
                  hosts=["127.0.0.1"], capabilities=["find", "export", "erase"],
                  label={"nl": "Gedeelde mailbox info@", "en": "Shared mailbox info@"})
CABINET = _system(id="archive_cabinet", connector="manual", capabilities=["manual"],
                  retention="fiscal-records", scan_interval=Period(months=3),
                  label={"nl": "Archiefkast", "en": "Filing cabinet"})
TICKETING = _system(id="ticketing", connector="rest", hosts=["127.0.0.1"],
                    capabilities=["find", "export", "anonymise"],
                    label={"nl": "Ticketsysteem (Redmine)", "en": "Ticketing (Redmine)"})


@pytest.fixture
def crm(postgres: Any) -> Iterator[Crm]:
    with postgres_crm(postgres) as database:
        yield database


@pytest.fixture
def systems() -> Iterator[Any]:
    """Declare these systems for the test (the register first); afterwards the policy's."""
    def use(*declared_systems: declared.Declared) -> None:
        declared.use((REGISTER, *declared_systems))

    yield use
    declared.use(None)


@pytest.fixture
def connected_crm(crm: Crm, systems: Any, monkeypatch: pytest.MonkeyPatch) -> Crm:
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_TIMEOUT", "5")
    systems(_crm(crm))
    return crm


def mail(subject: str, sent: str, sender: str = '"Anna de Vries" <anna@example.nl>') -> bytes:
    return (f"From: {sender}\r\nTo: info@infactor.example\r\nSubject: {subject}\r\n"
            f"Date: {sent}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"\r\nGoedemiddag, een vraag over {subject.lower()}.\r\n").encode()


def subjects(box: Mailbox, folder: str) -> list[str]:
    return sorted(line.split(b": ", 1)[1].strip().decode() for raw in box.messages(folder)
                  for line in raw.split(b"\r\n") if line.startswith(b"Subject: "))


# -- the plan -------------------------------------------------------------------------------

@pytest.mark.dates
def test_the_plan_counts_per_day_what_becomes_due_in_the_crm_without_naming_anyone(
        db, connected_crm):
    rows = [r for r in plan.plan(days=400, today=date(2031, 12, 1), lang="nl")
            if r.category == "Klantenbestand (CRM)"]
    # Noord's customer row of 2023 was due a year ago: it goes with the next sweep. Those
    # of 2024 (Anna's row, two notes, two invoices: kept by law, but due, the plan says so)
    # on 31 December 2031; Bram's row and the notes of 2025 a year later.
    assert [(r.date, r.rule_id, r.count, r.person_ref) for r in rows] == [
        (date(2031, 12, 1), "fiscal-records", 1, ""),
        (date(2031, 12, 31), "fiscal-records", 5, ""),
        (date(2032, 12, 31), "fiscal-records", 3, "")]
    assert rows[0].law == "art. 52 Algemene wet inzake rijksbelastingen"


# -- the sweep in the CRM (PostgreSQL) ------------------------------------------------------

@pytest.mark.dates
def test_the_sweep_erases_what_is_due_in_the_crm_invoices_past_the_law_too_and_writes_a_receipt(
        db, connected_crm):
    crm = connected_crm
    assert retaining.sweep(SWEEP_DAY) == 6
    # Notes of 2024 deleted; Bram's of 2025 stays, as does his customer row.
    assert [n["id"] for n in crm.rows("notes")] == [3, 4]
    # R3: the invoices of 2024 were kept seven years from their year's end, and no longer:
    # past 31 December 2031 nothing keeps them (the table's `expire`: delete).
    assert crm.rows("invoices") == []
    # Anna's row went with her invoice (nothing references it any more); Noord's stays,
    # anonymised, for Eva's contact row still references it.
    noord, bram = crm.row("customers", NOORD), crm.row("customers", BRAM)
    assert crm.row("customers", ANNA) is None
    assert noord is not None and bram is not None
    assert (noord["name"], noord["email"]) == ("[verwijderd]", None)
    assert bram["name"] == "Bram Bakker"
    receipt = DeletionReceipt.objects.get(model="systems.crm")
    assert (receipt.kind, receipt.rule_id, receipt.count, receipt.promise) == \
        (DeletionReceipt.SYSTEM, "fiscal-records", 6, "R3")   # the rule's promise
    assert receipt.person_ref == "" and receipt.object_ids == []   # never a value
    state = retaining.state_of(_crm(crm))
    assert (state.status, state.done, state.kept, state.remaining) == \
        (SystemTask.DONE, 6, 0, 0)
    assert state.detail["actions"] == {"deleted": 5, "anonymised": 1}
    entry = AuditEntry.objects.filter(action="systems.retention").get()
    assert entry.detail_data["done"] == 6 and "Anna" not in entry.detail


@pytest.mark.dates
def test_a_second_sweep_finds_nothing_left_to_keep_or_erase(db, connected_crm):
    retaining.sweep(SWEEP_DAY)
    assert retaining.sweep(SWEEP_DAY) == 0
    state = retaining.state_of(_crm(connected_crm))
    assert (state.status, state.found, state.kept, state.done) == (SystemTask.DONE, 0, 0, 0)
    assert DeletionReceipt.objects.filter(model="systems.crm").count() == 1


@pytest.mark.dates
def test_a_system_under_another_rule_keeps_its_invoices_by_the_tables_law(
        db, crm, systems, monkeypatch):
    # A CRM that is not archive-only and names no rule: the contact period (R2) is no law
    # that keeps invoices, so its invoice table keeps them (R3), with the table's reason, and
    # the sweep's re-search counts them kept, not left.
    plain = _system(id="crm", connector="sql", dataset=crm.dataset(CRM_DATASET),
                    hosts=["127.0.0.1"], capabilities=["find", "export", "erase"],
                    label={"nl": "Klantenbestand (CRM)", "en": "Customer database (CRM)"})
    systems(plain)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    assert retaining.sweep(SWEEP_DAY) == 7        # every customer row and note is past R2
    assert [i["id"] for i in crm.rows("invoices")] == [1, 2]
    state = retaining.state_of(plain)
    assert (state.status, state.kept, state.remaining) == (SystemTask.DONE, 2, 0)
    assert state.detail["reason"] == CRM_INVOICES_KEPT
    assert retaining.sweep(SWEEP_DAY) == 0
    assert (retaining.state_of(plain).found, retaining.state_of(plain).kept) == (2, 2)


@pytest.mark.dates
def test_the_daily_prune_runs_the_sweep_of_the_systems(db, connected_crm):
    counts = prune.prune_system(SWEEP_DAY)
    assert counts["systems: retention sweep"] == 6


@pytest.mark.dates
def test_nothing_is_due_before_its_period_ends(db, connected_crm):
    assert retaining.sweep(date(2030, 12, 30)) == 0   # Noord's row of 2023: the next day
    assert len(connected_crm.rows("notes")) == 4


# -- a system that fails --------------------------------------------------------------------

@pytest.mark.dates
def test_a_crm_that_is_down_is_recorded_retried_by_every_sweep_and_never_reported_done(
        db, crm, systems, monkeypatch):
    systems(_crm(crm))
    down = crm.url.replace(":5432/", f":{closed_port()}/")
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", down)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_TIMEOUT", "2")
    statuses = []
    for _ in range(retaining.MAX_ATTEMPTS):
        assert retaining.sweep(SWEEP_DAY) == 0
        statuses.append(retaining.state_of(_crm(crm)).status)
    assert statuses == [SystemTask.RETRYING, SystemTask.RETRYING, SystemTask.FAILED]
    state = retaining.state_of(_crm(crm))
    assert state.error_kind == "unreachable" and crm.password not in state.error
    assert [t.system for t in retaining.open_sweeps()] == ["crm"]
    assert not DeletionReceipt.objects.filter(model="systems.crm").exists()
    # Back up: the next sweep erases what is due and the failure is closed.
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    assert retaining.sweep(SWEEP_DAY) == 6
    state = retaining.state_of(_crm(crm))
    assert (state.status, state.attempts, state.error) == (SystemTask.DONE, 0, "")
    assert retaining.open_sweeps() == []


# -- the mailbox (Dovecot) ------------------------------------------------------------------

@pytest.fixture
def mailbox(dovecot_server: Dovecot, systems: Any, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    box = dovecot_server.mailbox("Facturen")
    box.append("INBOX", mail("Storing kantoornetwerk", "Mon, 02 Mar 2026 10:15:00 +0100"),
               mail("Offerte laptops", "Tue, 01 Sep 2026 09:00:00 +0200",
                    '"Bram Bakker" <bram@bakker.example>'),
               mail("Nieuwe printer", "Mon, 30 Nov 2026 16:00:00 +0100",
                    '"Eva Visser" <eva.visser@klant.example>'))
    box.append("Facturen", mail("Factuur 2026-017", "Tue, 03 Feb 2026 08:00:00 +0100"))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL", box.url)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_TIMEOUT", "5")
    systems(MAILBOX)
    return box


@pytest.mark.dates
def test_the_sweep_deletes_mail_past_the_contact_period_whoever_it_concerns(db, mailbox):
    # 15 October 2026: six months after March (Anna's), not yet after September (Bram's).
    assert retaining.sweep(date(2026, 10, 15)) == 1
    assert subjects(mailbox, "INBOX") == ["Nieuwe printer", "Offerte laptops"]
    assert subjects(mailbox, "Facturen") == ["Factuur 2026-017"]   # kept by law (R3)
    state = retaining.state_of(MAILBOX)
    assert (state.status, state.done, state.kept, state.remaining) == \
        (SystemTask.DONE, 1, 1, 0)
    assert state.detail["reason"] == KEPT
    receipt = DeletionReceipt.objects.get(model="systems.mailbox")
    assert (receipt.rule_id, receipt.count, receipt.promise) == ("contact_period", 1, "R2")


@pytest.mark.dates
def test_the_plan_shows_the_mailbox_per_day(db, mailbox):
    rows = [r for r in plan.plan(days=200, today=date(2026, 12, 1), lang="nl")
            if r.category == "Gedeelde mailbox info@"]
    # Overdue ones (the invoice of February, Anna's mail of March) go with the next sweep.
    assert [(r.date, r.count) for r in rows] == [
        (date(2026, 12, 1), 2), (date(2027, 3, 1), 1), (date(2027, 5, 30), 1)]


@pytest.mark.dates
def test_the_mailbox_due_list_reads_dates_only(db, mailbox):
    connector = retaining.calls.connector_of(MAILBOX)
    found = connector.due(date(2026, 6, 1))
    assert sorted(r.dated for r in found) == [date(2026, 2, 3), date(2026, 3, 2)]
    # No header, no text; the invoice is marked kept (an archive-only folder, R3).
    assert sorted(r.fields.get("kept", "") for r in found) == ["", KEPT]
    assert all(set(r.fields) <= {"folder", "kept"} for r in found)
    assert connector.find(Subject(emails=("anna@example.nl",)))   # nothing changed


# -- reviews by hand ------------------------------------------------------------------------

@pytest.mark.dates
def test_systems_that_cannot_be_swept_get_a_review_for_their_owner_once_per_interval(
        db, systems):
    systems(CABINET, TICKETING)   # manual; declared but not connected here
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=False):
        assert retaining.reviews(date(2027, 1, 4)) == 2
        assert retaining.reviews(date(2027, 1, 4)) == 0   # one open review per system
        waiting = list(tasks.open_manual(("privacy_officer",)))
        assert sorted((t.system, t.action) for t in waiting) == \
            [("archive_cabinet", "review"), ("ticketing", "review")]
        cabinet = next(t for t in waiting if t.system == "archive_cabinet")
        # The cabinet's scan_interval (three months) sets its cadence and the deadline.
        assert cabinet.deadline is not None and clock.day_of(cabinet.deadline) == date(2027, 4, 4)
        tasks.confirm_manual(cabinet, actor="carla", note="Dossiers van 2019 vernietigd")
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        assert retaining.reviews(date(2027, 3, 1)) == 0   # ticketing's is still open
    with time_machine.travel(datetime(2027, 4, 5, 9, tzinfo=UTC), tick=False):
        assert retaining.reviews(date(2027, 4, 5)) == 1
        assert SystemTask.objects.filter(system="archive_cabinet", action="review",
                                         status=SystemTask.MANUAL).count() == 1


@pytest.mark.dates
def test_a_swept_system_gets_no_review(db, connected_crm):
    assert retaining.reviews(SWEEP_DAY) == 0
    assert retaining.reviewed() == []


# -- privacydesk check ----------------------------------------------------------------------

def _line() -> Any:
    from privacydesk.check.systems import run_system_lines

    return run_system_lines(["systems-retained"])[0]


@pytest.mark.dates
def test_check_passes_once_the_crm_was_swept_and_fails_while_its_sweep_fails(
        db, crm, systems, monkeypatch):
    systems(_crm(crm))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    assert _line().status == "warn"        # connected, never swept yet
    retaining.sweep(SWEEP_DAY)
    assert _line().status == "pass"
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL",
                       crm.url.replace(":5432/", f":{closed_port()}/"))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_TIMEOUT", "2")
    retaining.sweep(SWEEP_DAY)
    line = _line()
    assert line.status == "fail" and "crm: the last 1 sweep(s) failed (unreachable)" in \
        line.details[0]
    assert crm.password not in " ".join(line.details)


@pytest.mark.dates
def test_check_fails_for_a_review_past_its_deadline(db, systems):
    systems(CABINET)
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=False):
        assert _line().status == "warn"    # no review yet
        retaining.reviews(date(2027, 1, 4))
        assert _line().status == "pass"
    with time_machine.travel(datetime(2027, 4, 6, 9, tzinfo=UTC), tick=False):
        line = _line()
        assert line.status == "fail" and "archive_cabinet" in line.details[0]


# -- the back office ------------------------------------------------------------------------

def test_the_owner_sees_the_review_in_dutch_and_confirms_it(db, systems, staff_client):
    from tests.core.test_i18n_pages import english_msgids, untranslated

    systems(CABINET)
    assert retaining.reviews(clock.today()) == 1
    task = SystemTask.objects.get(system="archive_cabinet", action="review")
    client = staff_client("privacy_officer")
    listing = client.get("/staff/systems/tasks/").content.decode()
    assert "Archiefkast" in listing and "controle van de bewaartermijn" in listing
    page = client.get(f"/staff/systems/tasks/{task.pk}/").content.decode()
    msgids = english_msgids()
    assert untranslated(listing, msgids) == [] and untranslated(page, msgids) == []
    answer = client.post(f"/staff/systems/tasks/{task.pk}/",
                         {"confirmation": "Dossiers ouder dan zeven jaar vernietigd",
                          "done": "12"})
    assert answer.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.done) == (SystemTask.CONFIRMED, 12)
    assert task.confirmed_by.startswith("privacy_officer")


@pytest.mark.dates
def test_a_misdeclared_system_fails_alone_and_the_other_is_swept(
        db, crm, mailbox, monkeypatch):
    wrong = {**CRM_DATASET, "tables": [{**CRM_DATASET["tables"][3], "name": "memos"}]}
    broken = _system(id="crm", connector="sql", dataset=crm.dataset(wrong),
                     hosts=["127.0.0.1"], retention="fiscal-records",
                     label={"nl": "Klantenbestand (CRM)", "en": "Customer database (CRM)"})
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    declared.use((REGISTER, broken, MAILBOX))
    assert retaining.sweep(date(2026, 10, 15)) == 1            # Anna's mail of March
    state = retaining.state_of(broken)
    assert (state.status, state.error_kind) == (SystemTask.RETRYING, "misdeclared")
    assert "dataset tables[0]" in state.error and crm.password not in state.error
    assert retaining.state_of(MAILBOX).status == SystemTask.DONE


# -- the staff directory (slapd) ------------------------------------------------------------

@pytest.mark.dates
def test_the_directory_sweep_deletes_contacts_disables_staff_and_then_keeps_them(
        db, systems, slapd_server, monkeypatch):
    from tests.systems.connectors.ldap_people import DATASET, R3_PAYROLL, seed

    from .servers.ldap import Tree
    from .test_retaining_ldap import created_on

    tree: Tree = slapd_server.tree()
    dns = seed(tree)
    directory = _system(id="directory", connector="ldap", hosts=["127.0.0.1"],
                        dataset={**DATASET, "date_attribute": "createTimestamp"},
                        capabilities=["find", "export", "erase"],
                        label={"nl": "Personeelsgids", "en": "Staff directory"})
    systems(directory)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_DIRECTORY_URL", tree.url)
    # The contact period (six months) after the entries were written.
    day = created_on(tree, dns["anna"]) + timedelta(days=200)
    assert retaining.sweep(day) == 5
    state = retaining.state_of(directory)
    # Carla and Daan disabled (Carla moved to the former staff: a new DN, marked kept).
    assert (state.status, state.remaining) == (SystemTask.DONE, 0)
    assert state.detail["actions"] == {"deleted": 3, "disabled": 2}
    assert tree.entry(dns["anna"]) is None
    assert retaining.sweep(day) == 0                 # kept by law now (R3: payroll)
    state = retaining.state_of(directory)
    assert (state.status, state.kept, state.detail["reason"]) == \
        (SystemTask.DONE, 2, R3_PAYROLL)
