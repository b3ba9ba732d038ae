"""The walk of #16's "done when", on real servers: Anna asks to be erased; she is in the
register, in the CRM (PostgreSQL), in the accounting database (MariaDB, a second engine) and
in the shared mailbox info@ (Dovecot). One erasure runs in each system as a task on the
queue; her receipt says, per system, how many records are left at the re-search and when —
0 everywhere, her invoices kept by law with the reason (R3) — and only then is she answered
(Rt3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from privacydesk.policy import active
from privacydesk.requests import actions
from privacydesk.requests.models import Status
from privacydesk.systems.models import SystemTask
from tests.systems.servers import imap as imap_servers

from ..systems.servers.sql import (  # noqa: F401 - the session servers' fixtures
    Crm,
    mariadb_crm,
    mariadb_fixture,
    postgres_crm,
    postgres_fixture,
)
from .conftest import ANNA as ANNA_EMAIL
from .helpers import verified
from .test_systems_rights import DATASET, SYSTEMS, run_queue

dovecot_server = imap_servers.dovecot_server

ACCOUNTING = """
[[systems]]
id = "accounting"
label = { nl = "Boekhouding", en = "Accounting" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "address", "phone", "email", "financial"]
roles = ["customer"]
purposes = ["agreement"]
identities = ["email", "name", "phone", "customer_number"]
capabilities = ["find", "export", "erase", "scan"]
connector = "sql"
dataset = "systems/accounting.toml"
hosts = ["127.0.0.1"]

[[systems]]
id = "mailbox"
label = { nl = "Gedeelde mailbox info@", en = "Shared mailbox info@" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "phone", "email"]
roles = ["customer", "prospect", "contact"]
purposes = ["agreement"]
identities = ["email", "name", "phone"]
capabilities = ["find", "export", "erase", "scan"]
connector = "imap"
dataset = "systems/mailbox.toml"
hosts = ["127.0.0.1"]
"""

MAILBOX_DATASET = """
categories = ["names", "email", "phone"]
[[folders]]
name = "INBOX"
erase = "delete"
[[folders]]
name = "Sent"
erase = "delete"
"""


def _mail(sender: str, to: str, subject: str, body: str) -> bytes:
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
               "Date: Mon, 02 Nov 2026 10:15:00 +0100",
               f"Message-ID: <{'.'.join(subject.lower().split())}@walk.example>",
               "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: 8bit"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


@pytest.fixture
def everywhere(tmp_path: Path, postgres: Any, mariadb: Any, dovecot_server: Any,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The CRM on PostgreSQL, the accounting database on MariaDB and the mailbox on Dovecot,
    each with Anna in it, declared in InFactor's policy and connected by their URLs."""
    box = dovecot_server.mailbox("Sent")
    box.append("INBOX", _mail(f'"Anna de Vries" <{ANNA_EMAIL}>', "info@infactor.example",
                              "Storing kantoornetwerk", "Bel me op 06-12345678. Anna\n"))
    box.append("Sent", _mail("InFactor <info@infactor.example>", ANNA_EMAIL,
                             "Re: Storing kantoornetwerk", "Beste Anna, we komen morgen.\n"))
    box.append("INBOX", _mail("Eva Visser <eva.visser@klant.example>",
                              "info@infactor.example", "Nieuwe laptop",
                              "Kunnen jullie een laptop bestellen? Eva\n"))
    before = active.configured_path()
    with postgres_crm(postgres) as crm, mariadb_crm(mariadb) as accounting:
        (tmp_path / "systems").mkdir()
        (tmp_path / "systems" / "crm.toml").write_text(f'schema = "{crm.schema}"\n' + DATASET)
        (tmp_path / "systems" / "accounting.toml").write_text(DATASET)
        (tmp_path / "systems" / "mailbox.toml").write_text(MAILBOX_DATASET)
        default = before.read_text("utf-8")
        policy = tmp_path / "policy.toml"
        policy.write_text(default[:default.index("\n[[systems]]") + 1] + SYSTEMS + ACCOUNTING,
                          "utf-8")
        for system, url in (("CRM", crm.url), ("ACCOUNTING", accounting.url),
                            ("MAILBOX", box.url)):
            monkeypatch.setenv(f"PRIVACYDESK_SYSTEM_{system}_URL", url)
        active.configure(policy)
        try:
            yield {"crm": crm, "accounting": accounting, "mailbox": box}
        finally:
            active.configure(before)


def test_annas_erasure_leaves_nothing_in_any_system_and_her_receipt_says_so(
        smtp, personas, officer, everywhere, django_capture_on_commit_callbacks):
    request = verified(smtp, "erasure", ANNA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        done = actions.erase(request, actor="po")
    assert done["answer"]["waiting"] == ["accounting", "crm", "mailbox"]

    with django_capture_on_commit_callbacks(execute=True):
        run_queue()
    tasks = {t.system: t for t in SystemTask.objects.filter(request_uid=request.uid,
                                                            action=SystemTask.ERASE)}
    for system in ("crm", "accounting", "mailbox"):
        assert tasks[system].status == SystemTask.DONE, (system, tasks[system].error)
        assert tasks[system].remaining == 0 and tasks[system].done >= 1
    assert tasks["crm"].kept == tasks["accounting"].kept == 1   # her invoice (R3)

    # The mailbox holds Eva's mail only; the databases no longer name Anna.
    messages = everywhere["mailbox"].messages("INBOX") + everywhere["mailbox"].messages("Sent")
    assert len(messages) == 1 and b"Eva Visser" in messages[0]
    for database in (everywhere["crm"], everywhere["accounting"]):
        customers = str(database.rows("customers"))
        assert "06-12345678" not in customers and "Anna@Example.nl" not in customers

    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    receipt = smtp.to(ANNA_EMAIL)[-1].get_content()
    for label in ("Klantenbestand (CRM)", "Boekhouding", "Gedeelde mailbox info@"):
        line = next(line for line in receipt.splitlines() if line.startswith(f"- {label}:"))
        assert "0 gegevens over voor u om" in line, line
    assert "bewaard op grond van de wet (R3: facturen worden 7 jaar bewaard" in receipt
