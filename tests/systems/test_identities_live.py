"""Anna's second address, known only to the CRM, reaches the shared mailbox (#16, Rt1, Rt3):
against the real servers — the CRM a schema of its own on the machine's PostgreSQL
(tests/systems/servers/sql.py), the shared mailbox info@ on Dovecot
(tests/systems/servers/imap.py).

The register knows Anna by anna.de.vries@example.nl. The CRM holds her customer row under
that address, and the address her invoices go to, anna@werk.example, which nothing else in
the register holds. She once mailed info@ from that work address. Her access report lists
that mail, found by the address the CRM knows; her erasure deletes it there (Bram's mail
stays), the re-search by the same addresses finds nothing, and the signed receipt says 0
left in both systems.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from privacydesk.requests import _systems, actions
from privacydesk.retention import ledger
from privacydesk.systems import declared, erasing, tasks
from privacydesk.systems.models import SystemTask
from tests.requests.conftest import ANNA, officer, personas, smtp  # noqa: F401 - fixtures
from tests.requests.helpers import verified
from tests.systems.servers.imap import Dovecot, Mailbox, dovecot_server  # noqa: F401
from tests.systems.servers.sql import Crm, postgres_crm, postgres_fixture, seed  # noqa: F401

pytestmark = pytest.mark.live

WORK = "anna@werk.example"
CRM_DATASET = tomllib.loads((Path(__file__).parent / "connectors" / "sql_crm.toml")
                            .read_text("utf-8"))
REGISTER = declared.Declared(id="register", label={"nl": "Register", "en": "Register"},
                             connector="register")


def _seed_with_invoice_address(engine: Engine) -> None:
    """The CRM of the connector tests, Anna's row under the register's address and with the
    address her invoices go to."""
    seed(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE customers ADD COLUMN invoice_email VARCHAR(200)"))
        conn.execute(text("UPDATE customers SET email = :email, invoice_email = :work "
                          "WHERE id = 1"), {"email": ANNA, "work": WORK})


def _mail(sender: str, subject: str, body: str) -> bytes:
    return (f"From: {sender}\r\nTo: info@infactor.example\r\nSubject: {subject}\r\n"
            "Date: Mon, 02 Nov 2026 10:15:00 +0100\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


@pytest.fixture
def places(postgres: Any, dovecot_server: Dovecot,  # noqa: F811
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Crm, Mailbox]]:
    box = dovecot_server.mailbox()
    box.append("INBOX", _mail(WORK, "Offerte", "Graag een offerte voor twee laptops."),
               _mail("Bram Bakker <bram@bakker.example>", "Demo", "Wanneer kan de demo?"))
    with postgres_crm(postgres, _seed_with_invoice_address) as crm:
        tables = [dict(t) for t in CRM_DATASET["tables"]]
        tables[0] = {**tables[0], "columns": {**tables[0]["columns"], "invoice_email": {
            "category": "email", "identity": "email"}}}
        systems = (
            declared.Declared(
                id="crm", label={"nl": "Klantenbestand (CRM)", "en": "Customer database (CRM)"},
                owner="privacy_officer", categories=("names", "address", "phone", "email"),
                roles=("customer",), purposes=("agreement",),
                identities=("email", "name", "phone", "postcode_house_number",
                            "customer_number"),
                capabilities=("find", "export", "erase"), connector="sql",
                dataset=crm.dataset({**CRM_DATASET, "tables": tables}), hosts=("127.0.0.1",)),
            declared.Declared(
                id="mailbox", label={"nl": "Gedeelde mailbox info@", "en": "Shared mailbox"},
                owner="privacy_officer", categories=("names", "email", "phone"),
                roles=("customer",), purposes=("agreement",),
                identities=("email", "name", "phone"),
                capabilities=("find", "export", "erase"), connector="imap",
                dataset={"categories": ["names", "email", "phone"],
                         "folders": [{"name": "INBOX", "erase": "delete"}]},
                hosts=("127.0.0.1",)))
        for system, url in (("CRM", crm.url), ("MAILBOX", box.url)):
            monkeypatch.setenv(f"PRIVACYDESK_SYSTEM_{system}_URL", url)
            monkeypatch.setenv(f"PRIVACYDESK_SYSTEM_{system}_TIMEOUT", "10")
        declared.use((REGISTER, *systems))
        try:
            yield crm, box
        finally:
            declared.use(None)


def test_the_mail_from_her_invoice_address_is_in_her_access_report(
        smtp, personas, places, officer):  # noqa: F811
    request = verified(smtp, "access", ANNA)

    sections = {s.system.id: s for s in _systems.search(
        request, actions.person_of(request), actor="po", export=False)}

    mails = sections["mailbox"].records
    assert [(r.fields["From"], r.fields["Subject"]) for r in mails] == [(WORK, "Offerte")]
    report = {s["system"]: s for s in _systems.report_sections(list(sections.values()), "nl")}
    assert report["mailbox"]["records"][0]["found_by"] == (
        "gevonden via het e-mailadres dat Klantenbestand (CRM) kent")
    crm_task = SystemTask.objects.get(request_uid=request.uid, system="crm")
    assert crm_task.detail["identities_given"]["email"] == 1
    assert WORK not in str(crm_task.detail)


def test_her_erasure_deletes_that_mail_and_the_re_search_by_it_finds_nothing(
        smtp, personas, places, officer,  # noqa: F811
        django_capture_on_commit_callbacks):
    crm, box = places
    request = verified(smtp, "erasure", ANNA)

    with django_capture_on_commit_callbacks(execute=True):   # as a committed erasure
        actions.erase(request, actor="po")
    erase_tasks = list(tasks.of_request(request.uid, SystemTask.ERASE))
    mailbox_task = next(t for t in erase_tasks if t.system == "mailbox")
    assert WORK in tasks.subject_of(mailbox_task).emails   # sealed: every try, the same
    for task in erase_tasks:
        erasing.run(task.pk)

    left = box.messages("INBOX")
    assert len(left) == 1 and b"bram@bakker.example" in left[0]
    assert all(WORK.encode() not in m for m in left)
    assert crm.row("customers", 1) is None or crm.row("customers", 1)["invoice_email"] != WORK
    entry = ledger.of_request(request.reference)
    assert entry is not None and ledger.verify(entry) == ledger.VALID
    lines = {line.system: line for line in ledger.systems_of(entry)}
    assert (lines["mailbox"].status, lines["mailbox"].done, lines["mailbox"].remaining) == (
        "done", 1, 0)
    assert (lines["crm"].status, lines["crm"].remaining) == ("done", 0)
