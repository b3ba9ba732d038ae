"""Disclosure test set-up: the personas in the register, a real SMTP server, staff clients.

Personas: Anna (customer; an SLA whose recipient Hosting BV receives names and e-mail to
host her mail; her e-mail address), Bram (prospect; e-mail and phone for callbacks), Carla
(employee; IBAN kept under legal obligation), Olaf (outsider: a person row without any role
or datum). Mail goes to an aiosmtpd server on 127.0.0.1, as in tests/requests.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from privacydesk.register import services
from privacydesk.register.models import Person
from privacydesk.vault import keyring

ACTOR = "tester"
ANNA_EMAIL = "anna.de.vries@example.nl"
BRAM_EMAIL = "bram.visser@example.nl"
HOSTING = "Hosting BV"
PARTNER = "Partner BV"
_names = count(1)


@pytest.fixture(autouse=True)
def isolated_keys(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.PRIVACYDESK_KEYS = ""
    settings.PRIVACYDESK_KEY_FILE = str(tmp_path / "keys.json")
    keyring.reset()
    yield
    keyring.reset()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """Every message the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def body(self, index: int = -1) -> str:
        return str(self.messages[index].get_content())

    def link(self, index: int = -1) -> str:
        """The path of the consent link in message `index` (answer or withdrawal)."""
        found = re.search(r"http://testserver(/consent/\S+/)", self.body(index))
        assert found, self.body(index)
        return found.group(1)


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.PRIVACYDESK_PUBLIC_URL = "http://testserver"
    yield box
    controller.stop()


def _person(kind: str | None, given: str, family: str) -> Person:
    person = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    if kind is None:
        return person
    services.add_role(person, kind, actor=ACTOR, started_on=date.today() - timedelta(days=400))
    services.add_datum(person, "names", {"given_names": given, "family_name": family},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    return person


@pytest.fixture
def personas(db: Any) -> SimpleNamespace:
    anna = _person("customer", "Anna", "de Vries")
    sla = services.create_agreement(
        "sla", f"SLA-ANNA-{next(_names)}", "Beheer kantoornetwerk",
        date.today() - timedelta(days=100), parties=[anna], actor=ACTOR,
        recipients=[{"recipient": HOSTING, "categories": ["names", "email"],
                     "legal_basis": "contract", "purpose": "hosts the customer's mail"}])
    services.add_datum(anna, "email", {"address": ANNA_EMAIL}, source="service",
                       purpose="agreement", basis="contract", actor=ACTOR, agreement=sla)
    bram = _person("prospect", "Bram", "Visser")
    services.add_datum(bram, "email", {"address": BRAM_EMAIL}, source="contact_form",
                       purpose="callback", basis="consent", actor=ACTOR)
    services.add_datum(bram, "phone", {"number": "+31612345678"}, source="contact_form",
                       purpose="callback", basis="consent", actor=ACTOR)
    carla = _person("employee", "Carla", "Jansen")
    services.add_datum(carla, "financial", {"kind": "iban", "value": "NL91ABNA0417164300"},
                       source="staff", purpose="legal_obligation", basis="legal_obligation",
                       actor=ACTOR)
    return SimpleNamespace(anna=anna, anna_sla=sla, bram=bram, carla=carla,
                           olaf=_person(None, "Olaf", "Mulder"))


def ask(person: Person, *, recipient: str = PARTNER, categories: tuple[str, ...] = (
        "names", "phone"), purpose: str = "callback", language: str = "nl") -> Any:
    """A consent request through the service (the mail goes to the smtp fixture)."""
    from privacydesk.disclosure.consent import request_consent

    return request_consent(person, recipient, list(categories), purpose,
                           "Partner BV belt u terug over een onderhoudsaanbod.",
                           actor=ACTOR, language=language)


def token_of(path: str) -> str:
    """The token in a consent link path (/consent/<lang>/[withdraw/]<token>/)."""
    return path.rstrip("/").rsplit("/", 1)[1]
