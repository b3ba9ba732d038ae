"""Call-queue test set-up: Bram's callback request as the contact form files it, signed-in
staff (password + MFA + protocol, as the middleware demands), and a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.public import services as public
from privacydesk.register import services as register

BRAM = {"given_names": "Bram", "family_name": "Bakker", "phone": "+31612345678",
        "email": "bram.bakker@example.nl", "organisation": "",
        "message": "Bel mij over een onderhoudscontract."}


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on loopback that Django sends to."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield box
    controller.stop()


@pytest.fixture
def bram_callback(db: Any) -> CallbackRequest:
    """Bram asked on the Dutch contact form to be called back."""
    return public.file_contact(dict(BRAM), "nl")


@pytest.fixture
def with_address() -> Callable[[CallbackRequest], None]:
    def add(callback: CallbackRequest) -> None:
        register.add_datum(callback.person, "address",
                           {"street": "Herestraat", "house_number": "12",
                            "postcode": "9711 LM", "city": "Groningen", "country": "NL"},
                           source="staff", purpose="written_contact",
                           basis="legitimate_interests", actor="seed")
    return add
