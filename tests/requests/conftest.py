"""Request-workflow test set-up: real SMTP (aiosmtpd) and a real IMAP server (Dovecot) on
loopback, the personas in the register, and signed-in staff.

Dovecot runs from a config file written into a temporary folder: plaintext login allowed on
127.0.0.1, one passwd-file user, Maildir in the folder, a free unprivileged port. Messages
are delivered with IMAP APPEND (Dovecot has no SMTP here), then `fetch-mail` reads them.
"""

from __future__ import annotations

import imaplib
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from itertools import count
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Person
from privacydesk.staff import mfa, protocol
from privacydesk.staff.models import StaffUser
from privacydesk.staff.tokens import create_token

ACTOR = "seed"
ANNA = "anna.de.vries@example.nl"
CARLA = "carla.jansen@example.nl"
DAAN = "daan.bos@example.nl"
_names = count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """The SMTP server's messages (tests/conftest.py `smtp_server`), with request links."""

    def __init__(self, messages: list[EmailMessage]) -> None:
        self.messages = messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def link(self, message: EmailMessage, kind: str) -> str:
        found = re.search(rf"http://testserver(/requests/{kind}/[^/\s]+/)",
                          message.get_content())
        assert found, message.get_content()
        return found.group(1)


@pytest.fixture
def smtp(smtp_server: Any, settings: Any, tmp_path: Path) -> Mailbox:
    """A real SMTP server on 127.0.0.1 that Django sends to (tests/conftest.py); links point
    at the test client."""
    settings.PRIVACYDESK_PUBLIC_URL = "http://testserver"
    settings.DATA_DIR = tmp_path  # exports are sealed here
    return Mailbox(smtp_server.messages)


DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    """A running Dovecot with user `desk`; `append()` delivers, `empty()` clears INBOX."""

    user, password = "desk", "mailbox-secret"

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        internal = pwd.getpwnam("dovecot")  # the Debian package's unprivileged users
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir(parents=True)
        root.chmod(0o755)
        (root / "passwd").write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{internal.pw_uid}:{internal.pw_gid}::"
            f"{root}/mail/{self.user}::\n")
        shutil.chown(root / "mail", internal.pw_uid, internal.pw_gid)
        (root / "dovecot.conf").write_text(DOVECOT_CONF.format(
            root=root, port=self.port, internal="dovecot", login="dovenull"))
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(root / "dovecot.conf")])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start: " + (root / "dovecot.log").read_text())

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port)
        conn.login(self.user, self.password)
        conn.select("INBOX")
        return conn

    def append(self, *messages: bytes) -> None:
        conn = self.connect()
        for raw in messages:
            crlf = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            result = conn.append("INBOX", "", "", crlf)  # type: ignore[arg-type]
            assert result[0] == "OK"
        conn.logout()

    def flags(self) -> list[bytes]:
        conn = self.connect()
        _, data = conn.fetch("1:*", "(FLAGS)")
        conn.logout()
        return [d for d in data if isinstance(d, bytes)]

    def empty(self) -> None:
        conn = self.connect()
        _, data = conn.search(None, "ALL")
        if data and data[0]:
            conn.store("1:*", "+FLAGS", "\\Deleted")
            conn.expunge()
        conn.logout()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    # Not under pytest's 0700 temp folder: Dovecot's unprivileged processes must reach it.
    root = Path(tempfile.mkdtemp(prefix="privacydesk-dovecot-"))
    server = Dovecot(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Iterator[Dovecot]:
    """The mailbox, empty at the start of each test."""
    dovecot_server.empty()
    yield dovecot_server
    dovecot_server.empty()


def _person(kind: str, given: str, family: str, email: str | None) -> Person:
    person = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(person, kind, actor=ACTOR, started_on=clock.today() - timedelta(days=400))
    services.add_datum(person, "names", {"given_names": given, "family_name": family},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    if email:
        services.add_datum(person, "email", {"address": email}, source="contact_form",
                           purpose="callback", basis="consent", actor=ACTOR)
    return person


@pytest.fixture
def personas(db: Any) -> SimpleNamespace:
    """Anna (customer: SLA with a recipient, address, phone), Carla (employee: identity kept
    by law), Daan (former employee), Bram (prospect without e-mail)."""
    anna = _person("customer", "Anna", "de Vries", ANNA)
    sla = services.create_agreement(
        "sla", "SLA-2025-007", "Beheer kantoornetwerk", clock.today() - timedelta(days=100),
        parties=[anna], actor=ACTOR,
        recipients=[{"recipient": "Boekhoud BV", "categories": ["names", "address"],
                     "legal_basis": "contract", "purpose": "facturen versturen"}])
    services.add_datum(anna, "address", {"street": "Herestraat", "house_number": "12",
                                         "postcode": "9711 LM", "city": "Groningen",
                                         "country": "NL"},
                       source="service", purpose="agreement", basis="contract", actor=ACTOR,
                       agreement=sla)
    services.add_datum(anna, "phone", {"number": "+31612345678"}, source="staff",
                       purpose="callback", basis="consent", actor=ACTOR)
    carla = _person("employee", "Carla", "Jansen", CARLA)
    services.add_datum(carla, "identity", {"kind": "bsn", "number": "111222333"},
                       source="staff", purpose="legal_obligation", basis="legal_obligation",
                       actor=ACTOR)
    daan = _person("former_employee", "Daan", "Bos", DAAN)
    bram = _person("prospect", "Bram", "Visser", None)
    return SimpleNamespace(anna=anna, anna_sla=sla, carla=carla, daan=daan, bram=bram)


def _staff(staff_role: str, email: str = "") -> StaffUser:
    user = StaffUser.objects.create_user(username=f"{staff_role}-{next(_names)}",
                                         password=None, staff_role=staff_role, email=email)
    user.mfa_enabled = True
    user.save()
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    return user


@pytest.fixture
def officer(db: Any) -> StaffUser:
    """The privacy officer (handle_requests, manage_staff): gets reminders and escalations."""
    return _staff("privacy_officer", "po@infactor.example")


@pytest.fixture
def staff_client(db: Any) -> Callable[..., Client]:
    def make(staff_role: str = "privacy_officer") -> Client:
        user = _staff(staff_role)
        client = Client()
        client.force_login(user)
        session = client.session
        session[mfa.MFA_VERIFIED] = user.pk
        session.save()
        return client
    return make


@pytest.fixture
def api_token(db: Any) -> Callable[[str], str]:
    return lambda staff_role: create_token(_staff(staff_role), "tests")
