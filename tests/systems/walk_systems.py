"""InFactor's six places for the erasure walk (tests/systems/test_walk_erasure_everywhere.py),
each a real server the tests start, each holding Anna de Vries and her neighbours.

- the register: Anna as the requests' personas fixture builds her (a customer with an SLA);
- the CRM on PostgreSQL (tests/systems/servers/sql.py's CRM schema: her customer row, her
  invoice, her notes and a colleague's note naming her; Bram; Eva at Noord ICT);
- the accounting database on MariaDB (servers/sql.py's accounting schema, InFactor's own
  dataset: invoices archive-only, R3);
- the shared mailbox info@ on Dovecot (her mails, our reply, Eva's mail mentioning her, Bram's
  mail);
- the directory on slapd (InFactor's directory, which also serves the company's address book
  of clients, `ou=contacts`: Anna's card, Carla's entry whose description names her);
- the ticketing system, Redmine 5 (servers/rest.py's service desk: her tickets, Carla's note
  on Eva's ticket naming her, Bram's offer).

`policy_with_six_systems` writes the policy: InFactor's default whole (its register, mailbox,
ticketing, accounting and directory declarations, with their dataset files), the directory
also holding the clients' address book, and the CRM declared beside them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from privacydesk.policy import get_default_policy_path
from tests.systems.connectors.ldap_people import seed as seed_directory
from tests.systems.servers.imap import Dovecot, Mailbox
from tests.systems.servers.ldap import Slapd, Tree
from tests.systems.servers.rest import Desk, Redmine
from tests.systems.servers.rest import seed as seed_desk
from tests.systems.servers.sql import Crm

#: What the six systems know Anna by besides the register's address: the CRM and Redmine
#: wrote her address down differently, the mailbox has her own. The register's e-mail address
#: is what she files her request with (tests/requests/conftest.py `ANNA`).
ANNA_NAME = "Anna de Vries"
ANNA_REGISTER_EMAIL = "anna.de.vries@example.nl"
ANNA_OTHER_EMAIL = "anna@example.nl"
ANNA_PHONES = ("06-12345678", "+31 6 12345678", "06 1234 5678", "+31612345678")

CRM_DATASET = (Path(__file__).parent / "connectors" / "sql_crm.toml").read_text("utf-8")

#: The CRM, declared beside InFactor's systems (the default policy has none).
#: The register as a test policy declares it beside the systems it connects (every policy with
#: [[systems]] declares exactly one register).
REGISTER_SYSTEM = """
[[systems]]
id = "register"
label = { nl = "Register (privacydesk)", en = "Register (privacydesk)" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "address", "phone", "email", "financial", "account", "identity"]
roles = ["customer", "prospect", "employee", "former_employee", "contact"]
purposes = ["callback", "written_contact", "agreement", "legal_obligation"]
identities = ["email", "phone", "name", "postcode_house_number"]
capabilities = ["find", "export", "correct", "erase"]
connector = "register"
"""

CRM_DECLARATION = """
[[systems]]
id = "crm"
label = { nl = "Klantenbestand (CRM)", en = "Customer database (CRM)" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "address", "phone", "email"]
roles = ["customer", "contact"]
purposes = ["agreement"]
identities = ["email", "name", "phone", "postcode_house_number", "customer_number"]
capabilities = ["find", "export", "correct", "erase", "scan"]
connector = "sql"
dataset = "systems/crm.toml"
hosts = ["127.0.0.1"]
"""

#: The directory's address book of clients: a card is deleted on erasure (it is no record
#: the law keeps), the staff entries stay as InFactor's dataset says.
CONTACTS_BASE = """
# The company's address book of clients (mail programs read it): a client's card is deleted.
[[bases]]
dn = "ou=contacts"
kind = "contactpersoon"
erase = "delete"
"""

_DIRECTORY_ROLES = 'roles = ["employee", "former_employee"]'


def policy_with_six_systems(folder: Path, crm: Crm) -> Path:
    """Write InFactor's default policy into `folder` with its dataset files, the CRM declared
    too (its dataset naming `crm`'s schema) and the directory's address book of clients
    (roles customer and contact, the base `ou=contacts`); return the policy file."""
    default = get_default_policy_path()
    text = default.read_text("utf-8")
    # The default directory holds staff only; InFactor's also serves the clients' address
    # book. One exact line, so a changed default fails here, loudly, not somewhere later.
    start = text.index('\nid = "directory"')
    end = text.index(_DIRECTORY_ROLES, start)
    assert end - start < 400, "the default directory's roles changed"
    text = (text[:end] + 'roles = ["employee", "former_employee", "customer", "contact"]'
            + text[end + len(_DIRECTORY_ROLES):])
    systems = folder / "systems"
    shutil.copytree(default.parent / "systems", systems, dirs_exist_ok=True)
    (systems / "crm.toml").write_text(f'schema = "{crm.schema}"\n' + CRM_DATASET, "utf-8")
    with (systems / "directory.toml").open("a", encoding="utf-8") as directory:
        directory.write(CONTACTS_BASE)
    policy = folder / "policy.toml"
    policy.write_text(text + CRM_DECLARATION, "utf-8")
    return policy


def _mail(sender: str, to: str, subject: str, body: str, ident: str) -> bytes:
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
               "Date: Mon, 02 Nov 2026 10:15:00 +0100", f"Message-ID: <{ident}@walk.example>",
               "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: 8bit"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def seed_mailbox(server: Dovecot) -> Mailbox:
    """info@: Anna's mail and our reply (her correspondence), Eva's mail that mentions her,
    Bram's mail that does not."""
    box = server.mailbox("Sent")
    box.append("INBOX", _mail(f'"{ANNA_NAME}" <{ANNA_REGISTER_EMAIL}>', "info@infactor.example",
                              "Storing kantoornetwerk", "Bel me op 06-12345678. Anna\n",
                              "anna-1"))
    box.append("Sent", _mail("InFactor <info@infactor.example>", ANNA_REGISTER_EMAIL,
                             "Re: Storing kantoornetwerk", "Beste Anna, we komen morgen.\n",
                             "reply-1"))
    box.append("INBOX", _mail("Eva Visser <eva@noordict.nl>", "info@infactor.example",
                              "Nieuwe laptop",
                              "Kunnen jullie een laptop bestellen? Anna de Vries wil er "
                              "ook een, haar nummer is +31 6 12345678. Eva Visser\n", "eva-1"))
    box.append("INBOX", _mail("Bram Bakker <bram@bakker.example>", "info@infactor.example",
                              "Offerte", "Graag een offerte voor vijf werkplekken. Bram\n",
                              "bram-1"))
    return box


@dataclass
class Six:
    """The five other places, seeded, with what the tests look at behind the connectors."""

    crm: Crm
    accounting: Crm
    mailbox: Mailbox
    directory: Tree
    directory_dns: dict[str, str]
    desk: Desk

    def urls(self) -> dict[str, str]:
        """PRIVACYDESK_SYSTEM_<ID>_URL per declared system id."""
        return {"crm": self.crm.url, "accounting": self.accounting.url,
                "mailbox": self.mailbox.url, "directory": self.directory.url,
                "ticketing": self.desk.server.url}


def seed_directory_tree(server: Slapd) -> tuple[Tree, dict[str, str]]:
    """A fresh subtree with the personas (servers/ldap.py, connectors/ldap_people.py)."""
    tree = server.tree()
    return tree, seed_directory(tree)


def seed_service_desk(server: Redmine) -> Desk:
    return seed_desk(server)


def run_queue() -> None:
    """The real worker code over the task table (django-tasks' db worker, as `privacydesk
    worker` runs it): every ready task, then back. Inside the test's transaction its
    `close_old_connections` would close the connection on PostgreSQL (autocommit is off
    there) and end the test's transaction, so it does nothing here, as in
    tests/requests/test_systems_rights.py (`privacydesk worker` runs outside a transaction)."""
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        db_worker.Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id="tests-walk",
                         excluded_queue_names=[]).run()


def register_knows_her_other_address(person: object, agreement: object) -> None:
    """The register holds the address the CRM, the accounting and Redmine know her by too
    (she used it before): a system is searched with what the register knows (the Subject),
    so an address only a system holds would stay in its free text (see the walk's doc)."""
    from privacydesk.register import services

    services.add_datum(person, "email", {"address": ANNA_OTHER_EMAIL}, source="service",
                       purpose="agreement", basis="contract", actor="seed",
                       agreement=agreement)
