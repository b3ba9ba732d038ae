"""Disclosure test set-up: the personas in the register, a real SMTP server, staff clients.

Personas: Anna (customer; an SLA whose recipient Hosting BV receives names and e-mail to
host her mail; her e-mail address), Bram (prospect; e-mail and phone for callbacks), Carla
(employee; IBAN kept under legal obligation), Olaf (outsider: a person row without any role
or datum). Mail goes to an aiosmtpd server on 127.0.0.1, as in tests/requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest

from privacydesk.policy import clock
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


class Mailbox:
    """The SMTP server's messages (tests/conftest.py `smtp_server`), with consent links."""

    def __init__(self, messages: list[EmailMessage]) -> None:
        self.messages = messages

    def body(self, index: int = -1) -> str:
        return str(self.messages[index].get_content())

    def link(self, index: int = -1) -> str:
        """The path of the consent link in message `index` (answer or withdrawal)."""
        found = re.search(r"http://testserver(/consent/\S+/)", self.body(index))
        assert found, self.body(index)
        return found.group(1)


@pytest.fixture
def smtp(smtp_server: Any, settings: Any) -> Mailbox:
    settings.PRIVACYDESK_PUBLIC_URL = "http://testserver"
    return Mailbox(smtp_server.messages)


def _person(kind: str | None, given: str, family: str) -> Person:
    person = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    if kind is None:
        return person
    services.add_role(person, kind, actor=ACTOR, started_on=clock.today() - timedelta(days=400))
    services.add_datum(person, "names", {"given_names": given, "family_name": family},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    return person


@pytest.fixture
def personas(db: Any) -> SimpleNamespace:
    anna = _person("customer", "Anna", "de Vries")
    sla = services.create_agreement(
        "sla", f"SLA-ANNA-{next(_names)}", "Beheer kantoornetwerk",
        clock.today() - timedelta(days=100), parties=[anna], actor=ACTOR,
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
